//! The child side: one regression file through every stage, in a process of its own.
//!
//! Before each step the child prints (and flushes) a `@begin` line naming it, so when the
//! process dies (a stack overflow aborts, a runaway allocation hits the memory limit) the
//! parent knows what killed it. Panics are caught, reported as `@panic` lines, and the child
//! goes on. The last line is `@done` with the counts.

use std::collections::HashSet;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;

use chatbi_db_core::catalog::{Catalog, replay_with};
use chatbi_db_core::describe::{AnalyserTyper, Schema, describe};
use chatbi_db_core::migrate::{Layout, LoadOptions, SourceFile, load_from_files};
use chatbi_db_core::syntax::split_statements;
use serde_json::json;

use super::psql::sql_of_script;
use super::{Step, TEST_SETUP};

/// The last panic's message and location, set by the hook [`run`] installs.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// What one file's run counts.
#[derive(Default)]
struct Counts {
    statements: usize,
    described: usize,
    describe_refused: usize,
    replayed: usize,
    replay_refused: usize,
    load_refused: bool,
    file_replay_refused: bool,
    panics: usize,
}

/// The child's state: the steps to skip (they killed an earlier run) and the counts.
struct Child {
    skip: HashSet<String>,
    counts: Counts,
}

impl Child {
    /// Runs `op` as `step`: announced, skipped when asked, panics caught and reported.
    /// `None` when the step was skipped or panicked.
    fn step<T>(&mut self, step: Step<'_>, op: impl FnOnce() -> T) -> Option<T> {
        let key = step.key();
        if self.skip.contains(&key) {
            return None;
        }
        emit("@begin", &step.to_json());
        match catch_unwind(AssertUnwindSafe(op)) {
            Ok(v) => Some(v),
            Err(_) => {
                self.counts.panics += 1;
                let message = LAST_PANIC
                    .lock()
                    .map(|mut p| p.take())
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                let mut report = step.to_json();
                report["panic"] = json!(message);
                emit("@panic", &report);
                None
            }
        }
    }
}

fn emit(tag: &str, value: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    // a lost marker only makes a report vaguer; the run goes on
    let _ = writeln!(out, "{tag} {value}");
    let _ = out.flush();
}

/// Runs `file` (or the whole suite as one set when `file` is a directory) and prints the
/// markers; `skip` holds the keys of steps to leave out.
pub fn run(file: &Path, skip: HashSet<String>) {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut p) = LAST_PANIC.lock() {
            *p = Some(info.to_string());
        }
    }));
    let mut child = Child {
        skip,
        counts: Counts::default(),
    };
    if file.is_dir() {
        child.whole_suite(file);
    } else {
        child.one_file(file);
    }
    let c = &child.counts;
    emit(
        "@done",
        &json!({
            "statements": c.statements,
            "described": c.described,
            "describe_refused": c.describe_refused,
            "replayed": c.replayed,
            "replay_refused": c.replay_refused,
            "load_refused": c.load_refused,
            "file_replay_refused": c.file_replay_refused,
            "panics": c.panics,
            "peak_kib": peak_kib(),
        }),
    );
}

/// The process's peak resident memory (`VmHWM`), in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// A file's text, lossily decoded (a few files are not UTF-8 on purpose).
fn read(path: &Path) -> (Vec<u8>, String) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (bytes, text)
}

/// The migration name a regression file gets: `<n>_<stem>.sql`, the stem's dots made `_`.
pub fn migration_name(n: usize, path: &Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("file")
        .replace('.', "_");
    format!("{n}_{stem}.sql")
}

impl Child {
    /// One file: as a one-migration set (load, validation, replay), then statement by
    /// statement after `test_setup.sql`'s statements (describe each, then replay it).
    fn one_file(&mut self, path: &Path) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let (bytes, text) = read(path);
        self.as_migration(name, path, bytes, &text);
        let mut catalog = Catalog::new();
        catalog.add_runner_table(Layout::Sqlx);
        if name != TEST_SETUP {
            let setup = path.with_file_name(TEST_SETUP);
            let (_, setup_text) = read(&setup);
            self.statements(TEST_SETUP, &setup_text, &mut catalog, false);
        }
        self.statements(name, &text, &mut catalog, true);
    }

    /// `path` as the only file of a sqlx migration set; its text replayed whole either way.
    fn as_migration(&mut self, name: &str, path: &Path, bytes: Vec<u8>, text: &str) {
        let file = SourceFile {
            path: migration_name(1, path),
            bytes,
        };
        let options = LoadOptions {
            layout: Some(Layout::Sqlx),
            ..LoadOptions::default()
        };
        let load = Step::whole("load", name);
        let loaded = self.step(load, || load_from_files("pg_regress", &options, &[file]));
        let set = match loaded {
            Some(Ok(loaded)) => Some(loaded.set),
            Some(Err(_)) => {
                self.counts.load_refused = true;
                None
            }
            None => None,
        };
        let replay = Step::whole("replay-file", name);
        let refused = self.step(replay, || match &set {
            Some(set) => replay_with(set, &AnalyserTyper).is_err(),
            None => {
                let mut catalog = Catalog::new();
                catalog.add_runner_table(Layout::Sqlx);
                catalog.replay_sql_with(name, text, &AnalyserTyper).is_err()
            }
        });
        self.counts.file_replay_refused = refused.unwrap_or(false);
    }

    /// Every statement of a psql script: described as a query against `catalog` (when
    /// `describe_them`), then replayed into it, going on after refusals as psql does.
    fn statements(&mut self, name: &str, text: &str, catalog: &mut Catalog, describe_them: bool) {
        let sql = sql_of_script(text);
        let split = self.step(Step::whole("split", name), || {
            split_statements(&sql)
                .into_iter()
                .map(|s| s.range)
                .collect::<Vec<_>>()
        });
        let mut schema: Option<Schema> = None;
        for (index, range) in split.unwrap_or_default().into_iter().enumerate() {
            let stmt = &sql[range.clone()];
            let step = Step::statement("describe", name, index, range.clone());
            if describe_them {
                self.counts.statements += 1;
                if schema.is_none() {
                    schema = self.step(Step::whole("schema", name), || {
                        Schema::from_catalog(catalog)
                    });
                }
                if let Some(s) = &schema {
                    match self.step(step, || describe(s, stmt).is_ok()) {
                        Some(true) => self.counts.described += 1,
                        Some(false) => self.counts.describe_refused += 1,
                        None => {}
                    }
                }
            }
            let step = Step::statement("replay", name, index, range);
            match self.step(step, || catalog.replay_sql_with(name, stmt, &AnalyserTyper)) {
                Some(Ok(_)) => {
                    self.counts.replayed += 1;
                    schema = None;
                }
                Some(Err(_)) => self.counts.replay_refused += 1,
                None => schema = None,
            }
        }
    }

    /// Every file of the suite, in name order, as one migration set: loaded and validated
    /// together, then replayed file after file into one catalog (going on after a refusal).
    fn whole_suite(&mut self, dir: &Path) {
        let paths = super::sql_files(dir);
        let mut files = Vec::new();
        for (n, path) in paths.iter().enumerate() {
            let (bytes, _) = read(path);
            files.push(SourceFile {
                path: migration_name(n + 1, path),
                bytes,
            });
        }
        let options = LoadOptions {
            layout: Some(Layout::Sqlx),
            ..LoadOptions::default()
        };
        let loaded = self.step(Step::whole("set-load", "*"), || {
            load_from_files("pg_regress", &options, &files)
        });
        self.counts.load_refused = !matches!(loaded, Some(Ok(_)));
        let mut catalog = Catalog::new();
        catalog.add_runner_table(Layout::Sqlx);
        for path in &paths {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            let (_, text) = read(path);
            let step = Step::whole("set-replay", name);
            match self.step(step, || {
                catalog.replay_sql_with(name, &text, &AnalyserTyper)
            }) {
                Some(Ok(_)) => self.counts.replayed += 1,
                Some(Err(_)) => self.counts.replay_refused += 1,
                None => {}
            }
        }
    }
}
