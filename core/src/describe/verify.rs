//! `verify` and `prepare`: sqlx offline data checked against, or written from, our own describe.
//!
//! ```
//! use chatbi_db_core::describe::{Schema, verify};
//! let schema = Schema::from_catalog_json(&serde_json::json!({
//!     "relations": {"public.t": {"kind": "table", "columns": [
//!         {"name": "id", "type": "integer", "typname": "int4", "not_null": true}]}}
//! })).unwrap();
//! let data = verify::prepare_query(&schema, "SELECT id FROM t WHERE id = $1",
//!     chatbi_db_core::describe::Nullability::Sqlx).unwrap();
//! let report = verify::verify_query(&schema, &data, false);
//! assert!(report.passed);
//! ```

use super::{AnalyserTyper, DescribeError, Nullability, Schema, describe};
use crate::catalog::{self, CatalogError, Diagnostic};
use crate::migrate::{self, Layout, MigrateError};
use crate::offline::{self, OfflineError, QueryData};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The verdict on one offline file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The file (empty when checking data not read from a file).
    pub path: PathBuf,
    /// The file's `hash`.
    pub hash: String,
    /// Our own describe in sqlx's shape, or `None` when the query does not describe.
    pub ours: Option<offline::Describe>,
    /// Why the query does not describe (a server-style error with position).
    pub error: Option<String>,
    /// Differences in names, types, parameters (and the hash), each a readable sentence.
    pub mismatches: Vec<String>,
    /// Nullability differences where the file is definite.
    pub nullability: Vec<String>,
    /// The verdict: no error, no mismatch, and (when strict) no nullability difference.
    pub passed: bool,
}

/// The verdict on a whole offline directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyReport {
    /// One report per file, in file-name order.
    pub files: Vec<FileReport>,
}

impl VerifyReport {
    /// Files that passed.
    pub fn passed(&self) -> usize {
        self.files.iter().filter(|f| f.passed).count()
    }

    /// Files that failed.
    pub fn failed(&self) -> usize {
        self.files.len() - self.passed()
    }

    /// The text output: one line per failing query with its reasons, nullability differences
    /// (marked as such), and a last line `N passed, M failed`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            let name = f
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .map_or_else(|| f.hash.clone(), str::to_string);
            if !f.passed {
                let mut reasons: Vec<String> = f.error.iter().cloned().collect();
                reasons.extend(f.mismatches.iter().cloned());
                if reasons.is_empty() {
                    reasons.extend(f.nullability.iter().cloned());
                }
                out.push_str(&format!("FAIL {name}: {}\n", reasons.join("; ")));
            } else if !f.nullability.is_empty() {
                out.push_str(&format!(
                    "nullability {name}: {}\n",
                    f.nullability.join("; ")
                ));
            }
        }
        out.push_str(&format!(
            "{} passed, {} failed\n",
            self.passed(),
            self.failed()
        ));
        out
    }

    /// The `--format json` output: for every file its hash, our describe in sqlx's JSON shape
    /// (`columns`, `parameters`, `nullable`) and the verdict.
    pub fn to_json(&self) -> Value {
        let files = self
            .files
            .iter()
            .map(|f| {
                let mut m = Map::new();
                m.insert(
                    "file".into(),
                    Value::String(
                        f.path
                            .file_name()
                            .and_then(|n| n.to_str())
                            .unwrap_or_default()
                            .to_string(),
                    ),
                );
                m.insert("hash".into(), Value::String(f.hash.clone()));
                m.insert(
                    "describe".into(),
                    f.ours
                        .as_ref()
                        .map_or(Value::Null, offline::Describe::to_json),
                );
                m.insert(
                    "verdict".into(),
                    Value::String(if f.passed { "pass" } else { "fail" }.into()),
                );
                m.insert(
                    "error".into(),
                    f.error.clone().map_or(Value::Null, Value::String),
                );
                m.insert(
                    "mismatches".into(),
                    Value::Array(f.mismatches.iter().cloned().map(Value::String).collect()),
                );
                m.insert(
                    "nullability".into(),
                    Value::Array(f.nullability.iter().cloned().map(Value::String).collect()),
                );
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("files".into(), Value::Array(files));
        m.insert("passed".into(), Value::from(self.passed()));
        m.insert("failed".into(), Value::from(self.failed()));
        Value::Object(m)
    }
}

fn describe_column(c: &offline::Column) -> String {
    match &c.origin {
        Some(offline::ColumnOrigin::Table { table, name }) => format!("{table}.{name}"),
        _ => format!("`{}`", c.name),
    }
}

/// Checks one offline file's data against our describe of its query.
pub fn verify_query(schema: &Schema, data: &QueryData, strict_nullability: bool) -> FileReport {
    let mut report = FileReport {
        path: PathBuf::new(),
        hash: data.hash.clone(),
        ours: None,
        error: None,
        mismatches: Vec::new(),
        nullability: Vec::new(),
        passed: false,
    };
    if offline::hash_query(&data.query) != data.hash {
        report
            .mismatches
            .push("`hash` is not the SHA-256 of `query`".into());
    }
    let ours = match describe(schema, &data.query) {
        Ok(d) => d,
        Err(e) => {
            report.error = Some(describe_error_text(&e, data));
            return report;
        }
    };
    let ours = ours.to_offline(schema);
    let want = &data.describe;
    let (op, wp) = (ours.parameter_types(), want.parameter_types());
    if op.len() != wp.len() {
        report.mismatches.push(format!(
            "{} parameters, offline data has {}",
            op.len(),
            wp.len()
        ));
    }
    for (i, (o, w)) in op.iter().zip(wp).enumerate() {
        if o != w {
            report.mismatches.push(format!(
                "parameter ${} is {o}, offline data says {w}",
                i + 1
            ));
        }
    }
    if ours.columns.len() != want.columns.len() {
        let names = |cs: &[offline::Column]| {
            cs.iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        report.mismatches.push(format!(
            "{} columns ({}), offline data has {} ({})",
            ours.columns.len(),
            names(&ours.columns),
            want.columns.len(),
            names(&want.columns)
        ));
    }
    for (o, w) in ours.columns.iter().zip(&want.columns) {
        if o.name != w.name {
            report.mismatches.push(format!(
                "column {} is named `{}`, offline data says `{}`",
                o.ordinal, o.name, w.name
            ));
        }
        if o.type_info != w.type_info {
            report.mismatches.push(format!(
                "column {} ({}) is {}, offline data says {}",
                o.ordinal,
                describe_column(o),
                o.type_info,
                w.type_info
            ));
        }
    }
    for (i, (o, w)) in ours.nullable.iter().zip(&want.nullable).enumerate() {
        if let Some(w) = w
            && o != &Some(*w)
        {
            let name = ours.columns.get(i).map_or("?", |c| c.name.as_str());
            report.nullability.push(format!(
                "column {i} `{name}`: {}, offline data says {}",
                null_word(*o),
                null_word(Some(*w))
            ));
        }
    }
    report.passed = report.mismatches.is_empty()
        && report.error.is_none()
        && (!strict_nullability || report.nullability.is_empty());
    report.ours = Some(ours);
    report
}

fn null_word(n: Option<bool>) -> &'static str {
    match n {
        Some(true) => "nullable",
        Some(false) => "never null",
        None => "unknown",
    }
}

fn describe_error_text(e: &DescribeError, data: &QueryData) -> String {
    let line = data
        .query
        .lines()
        .nth(e.position.line.saturating_sub(1) as usize)
        .unwrap_or_default()
        .trim();
    let mut s = format!("query line {}: {}", e.position, e.message);
    if let Some(h) = &e.hint {
        s.push_str(&format!(" ({h})"));
    }
    if !line.is_empty() {
        s.push_str(&format!(" near `{line}`"));
    }
    s
}

/// Checks every `query-*.json` file of `dir`.
pub fn verify_dir(
    schema: &Schema,
    dir: &Path,
    strict_nullability: bool,
) -> Result<VerifyReport, OfflineError> {
    let mut report = VerifyReport::default();
    for (path, data) in offline::read_dir(dir)? {
        let mut f = verify_query(schema, &data, strict_nullability);
        f.path = path;
        report.files.push(f);
    }
    Ok(report)
}

/// The offline data sqlx 0.9 would write for `query` given our describe.
pub fn prepare_query(
    schema: &Schema,
    query: &str,
    nullability: Nullability,
) -> Result<QueryData, DescribeError> {
    let d = describe(schema, query)?;
    Ok(QueryData::new(
        query,
        d.to_offline_with(schema, nullability),
    ))
}

/// What [`prepare`] did or, with `check`, would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrepareReport {
    /// Files written (or, with `check`, missing or stale).
    pub changed: Vec<PathBuf>,
    /// Files left as they were because they already hold the same bytes.
    pub unchanged: Vec<PathBuf>,
    /// `query-*.json` files no query uses any more (removed unless `check`).
    pub stale: Vec<PathBuf>,
}

impl PrepareReport {
    /// Whether the directory is up to date (what `prepare --check` tests).
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.stale.is_empty()
    }
}

/// An error preparing offline data.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// A query does not describe.
    #[error("query {index} does not describe: {error}")]
    Describe {
        /// Position in the given list.
        index: usize,
        /// The error.
        error: DescribeError,
    },
    /// Reading or writing the directory failed.
    #[error(transparent)]
    Offline(#[from] OfflineError),
}

/// Writes (or with `check`, compares) `dir/query-<hash>.json` for every query, byte for byte as
/// sqlx 0.9 writes them, and removes (or reports) `query-*.json` files no query uses.
pub fn prepare(
    schema: &Schema,
    queries: &[String],
    dir: &Path,
    nullability: Nullability,
    check: bool,
) -> Result<PrepareReport, PrepareError> {
    let mut report = PrepareReport::default();
    let mut wanted = std::collections::BTreeSet::new();
    for (index, q) in queries.iter().enumerate() {
        let data = prepare_query(schema, q, nullability)
            .map_err(|error| PrepareError::Describe { index, error })?;
        let path = dir.join(offline::file_name(&data.hash));
        if !wanted.insert(path.clone()) {
            continue;
        }
        let bytes = data.to_bytes();
        if std::fs::read(&path).ok().as_deref() == Some(&bytes[..]) {
            report.unchanged.push(path);
            continue;
        }
        if !check {
            offline::write_file(dir, &data)?;
        }
        report.changed.push(path);
    }
    if dir.is_dir() {
        let entries = std::fs::read_dir(dir).map_err(|source| OfflineError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut stale = Vec::new();
        for e in entries.flatten() {
            let p = e.path();
            let is_query = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("query-") && n.ends_with(".json"));
            if is_query && !wanted.contains(&p) {
                stale.push(p);
            }
        }
        stale.sort();
        if !check {
            for p in &stale {
                std::fs::remove_file(p).map_err(|source| OfflineError::Io {
                    path: p.clone(),
                    source,
                })?;
            }
        }
        report.stale = stale;
    }
    Ok(report)
}

/// Why a schema could not be derived from a migration directory.
#[derive(Debug, thiserror::Error)]
pub enum SchemaFromMigrationsError {
    /// The migration set does not load.
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    /// A migration does not replay (the server would reject it).
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// The analyser's schema for a migration directory: load, replay (views typed by the analyser),
/// convert. Also returns the replay's notes (statements skipped or partly modelled).
pub fn schema_from_migrations(
    dir: &Path,
    layout: Option<Layout>,
) -> Result<(Schema, Vec<Diagnostic>), SchemaFromMigrationsError> {
    let set = migrate::load_dir(dir, layout)?;
    let replay = catalog::replay_with(&set, &AnalyserTyper)?;
    Ok((Schema::from_catalog(&replay.catalog), replay.diagnostics))
}

impl VerifyReport {
    /// A compile-error message for stale offline data: every failing query with what changed,
    /// and the command that fixes it. `None` when everything passed.
    pub fn build_error(&self, fix_command: &str) -> Option<String> {
        if self.failed() == 0 {
            return None;
        }
        let mut msg = format!(
            "{} of {} sqlx offline files no longer match the migrations:\n",
            self.failed(),
            self.files.len()
        );
        for f in self.files.iter().filter(|f| !f.passed) {
            let name = f
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .map_or_else(|| f.hash.clone(), str::to_string);
            let mut reasons: Vec<String> = f.error.iter().cloned().collect();
            reasons.extend(f.mismatches.iter().cloned());
            reasons.extend(f.nullability.iter().cloned());
            msg.push_str(&format!("  {name}: {}\n", reasons.join("; ")));
        }
        msg.push_str(&format!("run `{fix_command}` to regenerate them"));
        Some(msg)
    }
}
