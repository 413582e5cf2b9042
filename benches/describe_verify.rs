//! Benchmark: `verify` over all 405 corpus queries, the work of `chatbi-db sqlx verify` for
//! the corpus. Two figures:
//! - from the migration files, as the CLI does it: load the set, replay its DDL into a
//!   catalog, then read, describe and compare every `.sqlx` file (target: < 0.5 s in release);
//! - describe and compare only, against schemas loaded once from the corpus's stored
//!   `catalog.pg15.json` (the analyser's own cost).
//!
//! Run with `cargo bench --bench describe_verify` (the root manifest declares it with
//! `harness = false`). Prints the best and median of several runs. For the same queries
//! described by a live server, see `benches/describe_live.rs`.

// Under the default bench harness (no `harness = false`), `main` and its helpers are unused.
#![allow(dead_code)]

use chatbi_db_core::describe::{Schema, verify};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
}

fn load_stored(project: &Path) -> Schema {
    let text = std::fs::read_to_string(project.join("catalog.pg15.json")).unwrap_or_default();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let mut schema = Schema::from_catalog_json(&doc).unwrap_or_else(|e| panic!("{e}"));
    if let Ok(dump) = std::fs::read_to_string(project.join("schema.pg15.sql")) {
        schema.add_from_dump(&dump);
    }
    schema
}

fn load_migrations(project: &Path) -> Schema {
    verify::schema_from_migrations(&project.join("migrations"), None)
        .unwrap_or_else(|e| panic!("{}: {e}", project.display()))
        .0
}

/// One pass over every project; `schemas` gives each project's schema (timed with the rest).
fn run(projects: &[PathBuf], schemas: &dyn Fn(&Path) -> Schema) -> (Duration, usize, usize) {
    let start = Instant::now();
    let (mut passed, mut failed) = (0, 0);
    for p in projects {
        let schema = schemas(p);
        let report =
            verify::verify_dir(&schema, &p.join(".sqlx"), false).unwrap_or_else(|e| panic!("{e}"));
        passed += report.passed();
        failed += report.failed();
    }
    (start.elapsed(), passed, failed)
}

fn report(label: &str, projects: &[PathBuf], schemas: &dyn Fn(&Path) -> Schema) {
    let mut times = Vec::new();
    let mut counts = (0, 0);
    for _ in 0..10 {
        let (t, passed, failed) = run(projects, schemas);
        times.push(t);
        counts = (passed, failed);
    }
    times.sort();
    println!(
        "verify over {} corpus queries, {label} ({} passed, {} failed): best {:?}, median {:?}",
        counts.0 + counts.1,
        counts.0,
        counts.1,
        times[0],
        times[times.len() / 2]
    );
}

fn main() {
    let mut projects: Vec<PathBuf> = std::fs::read_dir(corpus())
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    projects.retain(|p| p.join(".sqlx").is_dir());
    projects.sort();
    report("from the migrations", &projects, &load_migrations);
    report("schemas from catalog.pg15.json", &projects, &load_stored);
    deep_input();
}

/// Deep input (issue 11, part 5): `SELECT 1+1+…` at the server's limit (4,092 terms, described)
/// and far past it (20,000 terms, refused by the depth pre-scan). Median of 5 runs each.
fn deep_input() {
    let schema = load_stored(&corpus().join("rust-lang__docs.rs"));
    for n in [4_092, 20_000] {
        let sql = format!("SELECT {} AS x", vec!["1"; n].join("+"));
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let start = Instant::now();
                let outcome = chatbi_db_core::describe::describe(&schema, &sql);
                let took = start.elapsed();
                std::hint::black_box(outcome.is_ok());
                took
            })
            .collect();
        times.sort();
        println!(
            "describe SELECT 1+1+… with {n} terms: median {:?}",
            times[2]
        );
    }
}
