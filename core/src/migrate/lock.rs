//! The lock file, `migrations.lock`, committed beside the migrations.
//!
//! It records, for every migration, its version, the SHA-384 of its up file (the
//! checksum `_sqlx_migrations` records), whether the file has CRLF line endings, and
//! the file name; a last `sum` line hashes everything above it. Compile-time checks
//! then catch a migration edited after it was recorded, a deleted one, a new one
//! older than the newest recorded one (two branches merged), and one not recorded
//! yet. Two branches that each add a migration both change the `sum` line, so git
//! reports a conflict instead of merging silently.
//!
//! ```text
//! # chatbi-db migration lock: written by `chatbi-db lock` (and `chatbi-db create`). Commit it; do not edit it.
//! # <version> <sha384 of the up file, hex> <lf|crlf> <file>
//! chatbi-db-lock 1
//! layout sqlx
//! 1 0d2f…96 hex digits… lf 0001_initial_schema.up.sql
//! sum 5e1c…96 hex digits…
//! ```

use std::collections::BTreeMap;

use super::error::{MigrateError, MigrateErrorKind};
use super::model::{Layout, MigrationSet, checksum};
use crate::syntax::Position;

/// The lock file's name, inside the migration directory.
pub const LOCK_FILE_NAME: &str = "migrations.lock";

const HEADER: &str = "chatbi-db-lock 1";

/// A parsed lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// The layout recorded.
    pub layout: Layout,
    /// One entry per migration, in the file's order.
    pub entries: Vec<LockEntry>,
}

/// One migration recorded in the lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockEntry {
    /// Version.
    pub version: i64,
    /// SHA-384 of the up file's raw bytes.
    pub checksum: Vec<u8>,
    /// The up file had CRLF line endings.
    pub crlf: bool,
    /// The up file, relative to the migration directory.
    pub file: String,
    /// The entry's line in the lock file (1-based).
    pub line: u32,
}

fn layout_name(layout: Layout) -> &'static str {
    match layout {
        Layout::Sqlx => "sqlx",
        Layout::Diesel => "diesel",
        Layout::Refinery => "refinery",
    }
}

/// `true` when `sql` has CRLF line endings.
pub fn has_crlf(sql: &str) -> bool {
    sql.contains("\r\n")
}

/// Renders the lock file for `set` (what `chatbi-db lock` writes).
///
/// ```
/// use std::borrow::Cow;
/// use chatbi_db_core::migrate::{lock, Layout, Migration, MigrationSet, checksum};
/// let sql = "create table t (id int);\n";
/// let set = MigrationSet {
///     layout: Layout::Sqlx,
///     migrations: Cow::Owned(vec![Migration {
///         version: 1,
///         description: "init".into(),
///         up_sql: sql.into(),
///         down_sql: None,
///         no_transaction: false,
///         checksum: checksum(sql.as_bytes()).into(),
///         up_file: "0001_init.sql".into(),
///         down_file: None,
///     }]),
///     down_only: Cow::Borrowed(&[]),
/// };
/// let text = lock::render(&set);
/// let parsed = lock::parse(&text).unwrap();
/// assert!(lock::check(&parsed, &set).is_ok());
/// ```
pub fn render(set: &MigrationSet) -> String {
    let mut body = String::new();
    body.push_str(HEADER);
    body.push('\n');
    body.push_str("layout ");
    body.push_str(layout_name(set.layout));
    body.push('\n');
    for m in set.migrations.iter() {
        body.push_str(&format!(
            "{} {} {} {}\n",
            m.version,
            m.checksum_hex(),
            if has_crlf(&m.up_sql) { "crlf" } else { "lf" },
            m.up_file
        ));
    }
    let sum = hex::encode(checksum(body.as_bytes()));
    format!(
        "# chatbi-db migration lock: written by `chatbi-db lock` (and `chatbi-db create`). Commit it; do not edit it.\n\
         # <version> <sha384 of the up file, hex> <lf|crlf> <file>\n\
         {body}sum {sum}\n"
    )
}

fn syntax_error(line: usize, message: impl Into<String>) -> MigrateError {
    MigrateError::at(
        LOCK_FILE_NAME,
        Position {
            line: line as u32,
            column: 1,
        },
        MigrateErrorKind::LockSyntax(message.into()),
    )
}

/// Parses a lock file, checking its `sum` line. Errors name `migrations.lock`.
pub fn parse(text: &str) -> Result<Lock, MigrateError> {
    let mut body = String::new();
    let mut layout = None;
    let mut entries = Vec::new();
    let mut sum = None;
    let mut header_seen = false;
    for (index, raw) in text.lines().enumerate() {
        let n = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if ["<<<<<<<", "=======", ">>>>>>>", "|||||||"]
            .iter()
            .any(|m| line.starts_with(m))
        {
            return Err(syntax_error(
                n,
                "it holds git merge conflict markers (two branches changed the migrations)",
            ));
        }
        if sum.is_some() {
            return Err(syntax_error(n, "text after the `sum` line"));
        }
        if !header_seen {
            if line != HEADER {
                return Err(syntax_error(n, format!("expected `{HEADER}`")));
            }
            header_seen = true;
            body.push_str(line);
            body.push('\n');
            continue;
        }
        if let Some(rest) = line.strip_prefix("sum ") {
            sum = Some((n, rest.trim().to_string()));
            continue;
        }
        if let Some(rest) = line.strip_prefix("layout ") {
            layout = Some(match rest.trim() {
                "sqlx" => Layout::Sqlx,
                "diesel" => Layout::Diesel,
                "refinery" => Layout::Refinery,
                other => return Err(syntax_error(n, format!("unknown layout `{other}`"))),
            });
            body.push_str(line);
            body.push('\n');
            continue;
        }
        let mut parts = line.splitn(4, ' ');
        let (Some(version), Some(sum_hex), Some(eol), Some(file)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(syntax_error(
                n,
                "expected `<version> <checksum> <lf|crlf> <file>`",
            ));
        };
        let version: i64 = version
            .parse()
            .map_err(|_| syntax_error(n, format!("bad version `{version}`")))?;
        let checksum = hex::decode(sum_hex)
            .ok()
            .filter(|c| c.len() == 48)
            .ok_or_else(|| syntax_error(n, "the checksum must be 96 hex digits (SHA-384)"))?;
        let crlf = match eol {
            "lf" => false,
            "crlf" => true,
            other => {
                return Err(syntax_error(
                    n,
                    format!("expected lf or crlf, found `{other}`"),
                ));
            }
        };
        entries.push(LockEntry {
            version,
            checksum,
            crlf,
            file: file.to_string(),
            line: n as u32,
        });
        body.push_str(line);
        body.push('\n');
    }
    let Some((sum_line, sum)) = sum else {
        return Err(syntax_error(
            text.lines().count().max(1),
            "missing the final `sum` line",
        ));
    };
    let Some(layout) = layout else {
        return Err(syntax_error(1, "missing the `layout` line"));
    };
    if hex::encode(checksum(body.as_bytes())) != sum.to_ascii_lowercase() {
        return Err(MigrateError::at(
            LOCK_FILE_NAME,
            Position {
                line: sum_line as u32,
                column: 1,
            },
            MigrateErrorKind::LockSum,
        ));
    }
    Ok(Lock { layout, entries })
}

/// Checks `set` against `lock`. Errors name files relative to the migration directory.
pub fn check(lock: &Lock, set: &MigrationSet) -> Result<(), Vec<MigrateError>> {
    let mut errors = Vec::new();
    let locked: BTreeMap<i64, &LockEntry> = lock.entries.iter().map(|e| (e.version, e)).collect();
    let newest = locked.keys().next_back().copied();
    let in_set: BTreeMap<i64, usize> = set
        .migrations
        .iter()
        .enumerate()
        .map(|(i, m)| (m.version, i))
        .collect();
    for entry in &lock.entries {
        let Some(&i) = in_set.get(&entry.version) else {
            errors.push(MigrateError::at(
                LOCK_FILE_NAME,
                Position {
                    line: entry.line,
                    column: 1,
                },
                MigrateErrorKind::LockDeleted {
                    version: entry.version,
                    file: entry.file.clone(),
                },
            ));
            continue;
        };
        let m = &set.migrations[i];
        if *m.checksum != *entry.checksum {
            let crlf_only = crlf_only_change(&m.up_sql, &entry.checksum);
            errors.push(MigrateError::new(
                m.up_file.to_string(),
                MigrateErrorKind::LockChanged {
                    version: m.version,
                    crlf_only,
                },
            ));
        } else if *m.up_file != *entry.file {
            errors.push(MigrateError::new(
                m.up_file.to_string(),
                MigrateErrorKind::LockRenamed {
                    version: m.version,
                    old: entry.file.clone(),
                },
            ));
        }
    }
    for m in set.migrations.iter() {
        if locked.contains_key(&m.version) {
            continue;
        }
        let kind = match newest {
            Some(newest) if m.version < newest => MigrateErrorKind::LockOlderThanNewest {
                version: m.version,
                newest,
            },
            _ => MigrateErrorKind::LockMissingEntry { version: m.version },
        };
        errors.push(MigrateError::new(m.up_file.to_string(), kind));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// `true` when `sql` differs from the file that had `locked` only by CRLF vs LF.
fn crlf_only_change(sql: &str, locked: &[u8]) -> bool {
    let lf = sql.replace("\r\n", "\n");
    if checksum(lf.as_bytes()) == locked {
        return true;
    }
    let crlf = lf.replace('\n', "\r\n");
    checksum(crlf.as_bytes()) == locked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::Migration;
    use std::borrow::Cow;

    fn set(files: &[(i64, &str, &str)]) -> MigrationSet {
        MigrationSet {
            layout: Layout::Sqlx,
            migrations: Cow::Owned(
                files
                    .iter()
                    .map(|(v, f, sql)| Migration {
                        version: *v,
                        description: Cow::Owned(f.to_string()),
                        up_sql: Cow::Owned(sql.to_string()),
                        down_sql: None,
                        no_transaction: false,
                        checksum: Cow::Owned(checksum(sql.as_bytes())),
                        up_file: Cow::Owned(f.to_string()),
                        down_file: None,
                    })
                    .collect(),
            ),
            down_only: Cow::Borrowed(&[]),
        }
    }

    fn kinds(lock: &Lock, set: &MigrationSet) -> Vec<MigrateErrorKind> {
        check(lock, set)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }

    #[test]
    fn round_trip_and_every_error() {
        let base = set(&[
            (1, "0001_a.sql", "select 1;\n"),
            (3, "0003_c.sql", "select 3;\n"),
        ]);
        let text = render(&base);
        assert!(text.contains("\n1 "), "{text}");
        let lock = parse(&text).unwrap();
        assert_eq!(lock.entries.len(), 2);
        assert_eq!(lock.entries[0].line, 5);
        assert!(check(&lock, &base).is_ok());

        let edited = set(&[
            (1, "0001_a.sql", "select 10;\n"),
            (3, "0003_c.sql", "select 3;\n"),
        ]);
        assert_eq!(
            kinds(&lock, &edited),
            vec![MigrateErrorKind::LockChanged {
                version: 1,
                crlf_only: false
            }]
        );
        let crlf = set(&[
            (1, "0001_a.sql", "select 1;\r\n"),
            (3, "0003_c.sql", "select 3;\n"),
        ]);
        assert_eq!(
            kinds(&lock, &crlf),
            vec![MigrateErrorKind::LockChanged {
                version: 1,
                crlf_only: true
            }]
        );
        let deleted = set(&[(3, "0003_c.sql", "select 3;\n")]);
        assert!(matches!(
            kinds(&lock, &deleted)[..],
            [MigrateErrorKind::LockDeleted { version: 1, .. }]
        ));
        let merged = set(&[
            (1, "0001_a.sql", "select 1;\n"),
            (2, "0002_b.sql", "select 2;\n"),
            (3, "0003_c.sql", "select 3;\n"),
        ]);
        assert_eq!(
            kinds(&lock, &merged),
            vec![MigrateErrorKind::LockOlderThanNewest {
                version: 2,
                newest: 3
            }]
        );
        let added = set(&[
            (1, "0001_a.sql", "select 1;\n"),
            (3, "0003_c.sql", "select 3;\n"),
            (4, "0004_d.sql", "select 4;\n"),
        ]);
        assert_eq!(
            kinds(&lock, &added),
            vec![MigrateErrorKind::LockMissingEntry { version: 4 }]
        );
        let renamed = set(&[
            (1, "0001_x.sql", "select 1;\n"),
            (3, "0003_c.sql", "select 3;\n"),
        ]);
        assert!(matches!(
            kinds(&lock, &renamed)[..],
            [MigrateErrorKind::LockRenamed { version: 1, .. }]
        ));
    }

    #[test]
    fn hand_edits_and_conflicts_are_refused() {
        let base = set(&[(1, "0001_a.sql", "select 1;\n")]);
        let text = render(&base);
        let tampered = text.replace(" lf ", " crlf ");
        assert_eq!(
            parse(&tampered).unwrap_err().kind,
            MigrateErrorKind::LockSum
        );
        let conflict = format!("{text}<<<<<<< HEAD\n");
        assert!(
            parse(&conflict)
                .unwrap_err()
                .to_string()
                .contains("merge conflict")
        );
        assert!(parse("").is_err());
    }
}
