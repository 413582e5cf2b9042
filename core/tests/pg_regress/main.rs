//! PostgreSQL's own regression suite as hostile input (`../shared/pg_regress`: the 217 SQL files
//! of PostgreSQL 16's `src/test/regress/sql`, read in place, never copied).
//!
//! Every file goes through load + validation + replay as a one-migration sqlx set, and the
//! whole suite through load + validation as one 217-migration set and replay into one catalog.
//! Then every statement of every file (psql meta-commands and `COPY` data blanked) is
//! described as a query against the catalog built by the statements before it (after
//! `test_setup.sql`'s, as in PostgreSQL's schedule) and replayed into it, going on after
//! refusals as psql does. Refusals are fine; a panic, an abort (a stack overflow aborts), a
//! file over its time limit or a process over its memory limit is a crash.
//!
//! Each file runs in a child process (this test binary again, test `pg_regress_child`), so an
//! abort is caught and named: the child announces each step before taking it, and when it dies
//! the parent records that step as the crash and runs the file again without it, until the file
//! runs to its end. Crashes in code other helpers own are listed in [`known::KNOWN_CRASHES`]:
//! a crash not listed fails the test; a listed one that no longer happens is reported.
//!
//! `CHATBI_PG_REGRESS_DIR` points the test at another copy of the suite's `sql/` directory.

mod child;
mod known;
mod parent;
mod psql;

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};

/// The file PostgreSQL's schedule runs first: it creates the tables the others use.
pub const TEST_SETUP: &str = "test_setup.sql";
/// Set in a child: the file (or, for the whole suite, the directory) it runs.
const CHILD_ENV: &str = "CHATBI_PG_REGRESS_CHILD";
/// Set in a child: the keys of the steps to skip, one a line.
const SKIP_ENV: &str = "CHATBI_PG_REGRESS_SKIP";
/// How long one child may run before it counts as hung.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);
/// The address space one child may use (`ulimit -v`, KiB): 2 GiB.
pub const MEMORY_LIMIT_KIB: u64 = 2 * 1024 * 1024;

/// One step of a child's run: a stage applied to a whole file or to one of its statements.
pub struct Step<'a> {
    stage: &'static str,
    source: &'a str,
    index: Option<usize>,
    range: Option<Range<usize>>,
}

impl<'a> Step<'a> {
    /// A stage applied to the whole of `source`.
    pub fn whole(stage: &'static str, source: &'a str) -> Self {
        Step {
            stage,
            source,
            index: None,
            range: None,
        }
    }

    /// A stage applied to statement `index` of `source`, at byte `range`.
    pub fn statement(
        stage: &'static str,
        source: &'a str,
        index: usize,
        range: Range<usize>,
    ) -> Self {
        Step {
            stage,
            source,
            index: Some(index),
            range: Some(range),
        }
    }

    /// What names the step in the skip list.
    pub fn key(&self) -> String {
        let index = self.index.map(|i| i.to_string()).unwrap_or_default();
        format!("{}:{}:{}", self.stage, self.source, index)
    }

    /// The step as the child reports it.
    pub fn to_json(&self) -> Value {
        json!({
            "key": self.key(),
            "stage": self.stage,
            "source": self.source,
            "start": self.range.as_ref().map(|r| r.start),
            "end": self.range.as_ref().map(|r| r.end),
        })
    }
}

/// The suite's `sql/` directory.
fn suite_dir() -> PathBuf {
    match std::env::var_os("CHATBI_PG_REGRESS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/pg_regress/sql"),
    }
}

/// The `.sql` files of `dir`, sorted by name.
pub fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (PostgreSQL's regression suite is read from ../shared/pg_regress)",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

/// Child mode: runs the file named by `CHATBI_PG_REGRESS_CHILD`. Does nothing in a normal
/// test run, where that variable is not set.
#[test]
fn pg_regress_child() {
    let Some(target) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let skip: HashSet<String> = std::env::var(SKIP_ENV)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    child::run(Path::new(&target), skip);
}

/// Every file and every statement of the suite, with no crash but the known ones.
#[test]
fn pg_regress_suite() {
    let dir = suite_dir();
    let files = sql_files(&dir);
    assert!(
        files.len() >= 200,
        "{}: {} files",
        dir.display(),
        files.len()
    );
    let report = parent::run_all(&dir, &files);
    report.print();
    let new = report.new_crashes();
    assert!(
        new.is_empty(),
        "{} new crash(es) on PostgreSQL's regression suite (listed above)",
        new.len()
    );
    assert_eq!(
        report.completed(),
        files.len() + 1,
        "every file ran to its end"
    );
}
