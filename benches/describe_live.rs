//! Benchmark (issue 6's comparison figure): describing the 405 corpus queries on a live
//! PostgreSQL server against doing it statically with `chatbi-db sqlx verify`.
//!
//! For every corpus project with a `.sqlx/` directory it
//! 1. migrates a fresh database on a real server with our runner (what a live describe needs
//!    first; timed separately),
//! 2. describes every offline file's query on the server with a Parse/Describe round trip
//!    (`postgres::Client::prepare`), the least any live describe does: sqlx's own describe
//!    adds type-name lookups and an `EXPLAIN` per query for nullability,
//! 3. times our static path over the same queries, from the migration files: load, replay
//!    the DDL into a catalog, describe and compare each query (`verify::schema_from_migrations`
//!    + `verify::verify_dir`).
//!
//! Run with `cargo bench --bench describe_live` (release; uses `chatbi_db::testing`, so a
//! throwaway local cluster unless `DATABASE_URL` is set). Prints the median of 5 rounds.

// Under the default bench harness (no `harness = false`), `main` and its helpers are unused.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chatbi_db::runner::Migrator;
use chatbi_db::testing::TestDb;
use chatbi_db_core::describe::verify;
use chatbi_db_core::offline;

const ROUNDS: usize = 5;

fn projects() -> Vec<PathBuf> {
    let corpus = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    let mut out: Vec<PathBuf> = std::fs::read_dir(corpus)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.join(".sqlx").is_dir());
    out.sort();
    out
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

struct Row {
    name: String,
    queries: usize,
    migrate: Duration,
    live: Duration,
    ours: Duration,
}

fn bench(project: &Path) -> Row {
    let name = project
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let queries: Vec<String> = offline::read_dir(&project.join(".sqlx"))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .into_iter()
        .map(|(_, data)| data.query)
        .collect();

    let mut migrate = Vec::new();
    let mut live = Vec::new();
    for _ in 0..ROUNDS {
        let db = TestDb::new();
        let mut client = db.client();
        let start = Instant::now();
        Migrator::from_dir(&project.join("migrations"))
            .and_then(|m| m.run(&mut client))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        migrate.push(start.elapsed());
        let start = Instant::now();
        for q in &queries {
            let statement = client
                .prepare(q)
                .unwrap_or_else(|e| panic!("{name}: {e}\n{q}"));
            std::hint::black_box(statement.columns().len() + statement.params().len());
        }
        live.push(start.elapsed());
    }

    let mut ours = Vec::new();
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let (schema, _notes) = verify::schema_from_migrations(&project.join("migrations"), None)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = verify::verify_dir(&schema, &project.join(".sqlx"), false)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report.failed(), 0, "{name}: {}", report.to_text());
        ours.push(start.elapsed());
    }
    Row {
        name,
        queries: queries.len(),
        migrate: median(migrate),
        live: median(live),
        ours: median(ours),
    }
}

fn main() {
    println!(
        "{:<36} {:>7} {:>16} {:>20} {:>22}",
        "project", "queries", "live: migrate", "live: Parse/Describe", "ours: migrations→verify"
    );
    let (mut q, mut m, mut l, mut o) = (0, Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for p in projects() {
        let r = bench(&p);
        println!(
            "{:<36} {:>7} {:>16} {:>20} {:>22}",
            r.name,
            r.queries,
            ms(r.migrate),
            ms(r.live),
            ms(r.ours)
        );
        q += r.queries;
        m += r.migrate;
        l += r.live;
        o += r.ours;
    }
    println!(
        "{:<36} {:>7} {:>16} {:>20} {:>22}",
        "total (sum of medians)",
        q,
        ms(m),
        ms(l),
        ms(o)
    );
}
