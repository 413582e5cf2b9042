//! Checks on a migration file's content: UTF-8, not empty, SQL that parses, and
//! statements that PostgreSQL refuses inside a transaction block.

use super::error::{MigrateError, MigrateErrorKind};
use crate::syntax::{self, LineIndex, Token, TokenKind};

/// The first line that makes sqlx (and our runner) run a file outside a transaction.
pub const NO_TRANSACTION_MARKER: &str = "-- no-transaction";

/// `true` when `sql` opts out of the migration transaction the way sqlx 0.9 reads it:
/// the text starts with `-- no-transaction` (byte for byte, at the very start).
pub fn has_no_transaction_marker(sql: &str) -> bool {
    sql.starts_with(NO_TRANSACTION_MARKER)
}

/// Decodes a file's bytes, refusing non-UTF-8 files, a leading byte order mark, and empty
/// (white-space only) files (the caller decides whether an empty file is an error).
pub(crate) fn text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, MigrateError> {
    let sql = match std::str::from_utf8(bytes) {
        Ok(sql) => sql,
        Err(e) => {
            let valid = e.valid_up_to();
            // Safe: the prefix up to `valid_up_to` is valid UTF-8.
            let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            let position = LineIndex::new(prefix).position(valid);
            return Err(MigrateError::at(
                file,
                position,
                MigrateErrorKind::NotUtf8 { byte: bytes[valid] },
            ));
        }
    };
    if let Some(rest) = sql.strip_prefix('\u{feff}') {
        return Err(MigrateError::at(
            file,
            LineIndex::new(sql).position(0),
            MigrateErrorKind::ByteOrderMark {
                near: format!("\u{feff}{}", scanner_word(rest)),
            },
        ));
    }
    if sql.trim().is_empty() {
        return Err(MigrateError::new(file, MigrateErrorKind::Empty));
    }
    if let Some(offset) = sql.find('\0') {
        let position = LineIndex::new(sql).position(offset);
        return Err(MigrateError::at(file, position, MigrateErrorKind::NulByte));
    }
    Ok(sql)
}

/// The identifier characters at the start of `text`, as PostgreSQL's scanner continues a
/// word (`ident_cont`: ASCII letters and digits, `_`, `$`, any non-ASCII character).
fn scanner_word(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '$' || !c.is_ascii()))
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// How a migration file is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transaction {
    /// In a transaction (the default).
    Yes,
    /// Outside one (sqlx `-- no-transaction`, diesel `run_in_transaction = false`).
    No,
}

/// Checks `sql`: syntax, then the statements against how the file runs. `diesel`
/// picks the wording of the advice (metadata.toml instead of `-- no-transaction`).
pub(crate) fn sql(file: &str, sql: &str, tx: Transaction, diesel: bool) -> Vec<MigrateError> {
    let parsed = syntax::parse(sql);
    let index = LineIndex::new(sql);
    if let Some(e) = parsed.errors.first() {
        let near = near(sql, e.offset);
        return vec![MigrateError::at(
            file,
            index.position(e.offset),
            MigrateErrorKind::Syntax {
                near,
                message: e.message.clone(),
            },
        )];
    }
    let mut errors = super::history_guard::history_table_changes(file, sql, &parsed);
    match tx {
        Transaction::Yes => {
            for stmt in &parsed.statements {
                if let Some(statement) = non_transactional(stmt.text(sql)) {
                    let kind = if diesel {
                        MigrateErrorKind::NotInTransactionDiesel { statement }
                    } else {
                        MigrateErrorKind::NotInTransaction { statement }
                    };
                    errors.push(MigrateError::at(file, stmt.position, kind));
                }
            }
        }
        Transaction::No => {
            if parsed.statements.len() > 1 {
                errors.push(MigrateError::at(
                    file,
                    parsed.statements[1].position,
                    MigrateErrorKind::SeveralStatementsWithoutTransaction {
                        count: parsed.statements.len(),
                    },
                ));
            }
        }
    }
    errors
}

/// PostgreSQL's ` at or near "tok"` / ` at end of input` for an error at `offset`.
fn near(sql: &str, offset: usize) -> String {
    let tokens = syntax::tokenize(sql);
    // The parser reports some errors at the end of the last good token: skip to the
    // next token, as PostgreSQL names the token it could not accept.
    match tokens.iter().find(|t| t.offset >= offset) {
        Some(t) => format!(" at or near \"{}\"", t.text),
        None => " at end of input".to_string(),
    }
}

/// Names the statement when PostgreSQL refuses to run it inside a transaction block
/// (`CREATE INDEX CONCURRENTLY cannot run inside a transaction block`).
///
/// ```
/// use chatbi_db_core::migrate::non_transactional;
/// assert_eq!(non_transactional("create unique index concurrently i on t (a)"),
///            Some("CREATE INDEX CONCURRENTLY"));
/// assert_eq!(non_transactional("create index i on t (a)"), None);
/// ```
pub fn non_transactional(statement: &str) -> Option<&'static str> {
    let tokens: Vec<Token<'_>> = syntax::tokenize(statement)
        .into_iter()
        .filter(|t| t.kind != TokenKind::Other || !t.text.trim().is_empty())
        .collect();
    let word = |i: usize, kw: &str| tokens.get(i).is_some_and(|t| t.is_word(kw));
    let any_word = |kw: &str| tokens.iter().any(|t| t.is_word(kw));
    if word(0, "create") {
        let mut i = 1;
        if word(i, "unique") {
            i += 1;
        }
        if word(i, "index") && word(i + 1, "concurrently") {
            return Some("CREATE INDEX CONCURRENTLY");
        }
        if word(1, "database") {
            return Some("CREATE DATABASE");
        }
        if word(1, "tablespace") {
            return Some("CREATE TABLESPACE");
        }
        return None;
    }
    if word(0, "drop") {
        if word(1, "index") && word(2, "concurrently") {
            return Some("DROP INDEX CONCURRENTLY");
        }
        if word(1, "database") {
            return Some("DROP DATABASE");
        }
        if word(1, "tablespace") {
            return Some("DROP TABLESPACE");
        }
        return None;
    }
    if word(0, "reindex") {
        if any_word("concurrently") {
            return Some("REINDEX CONCURRENTLY");
        }
        // REINDEX [ ( options ) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM } …
        let target = if tokens.get(1).is_some_and(|t| t.kind == TokenKind::LParen) {
            tokens
                .iter()
                .position(|t| t.kind == TokenKind::RParen)
                .and_then(|p| tokens.get(p + 1))
        } else {
            tokens.get(1)
        };
        if target.is_some_and(|t| t.is_word("database")) {
            return Some("REINDEX DATABASE");
        }
        if target.is_some_and(|t| t.is_word("system")) {
            return Some("REINDEX SYSTEM");
        }
        return None;
    }
    if word(0, "vacuum") {
        return Some("VACUUM");
    }
    if word(0, "alter") {
        if word(1, "system") {
            return Some("ALTER SYSTEM");
        }
        if word(1, "database") && any_word("tablespace") && any_word("set") {
            return Some("ALTER DATABASE SET TABLESPACE");
        }
        if word(1, "table") && any_word("detach") && any_word("concurrently") {
            return Some("ALTER TABLE DETACH PARTITION CONCURRENTLY");
        }
        return None;
    }
    if word(0, "cluster") {
        // CLUSTER with no table reclusters the whole database.
        let rest: Vec<&Token<'_>> = tokens
            .iter()
            .skip(1)
            .filter(|t| !t.is_word("verbose") && t.kind != TokenKind::Semi)
            .collect();
        if rest.is_empty() {
            return Some("CLUSTER");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_statements() {
        for (sql, expected) in [
            (
                "CREATE INDEX CONCURRENTLY i ON t (a)",
                Some("CREATE INDEX CONCURRENTLY"),
            ),
            (
                "create unique index concurrently if not exists i on t (a)",
                Some("CREATE INDEX CONCURRENTLY"),
            ),
            (
                "drop index concurrently if exists i",
                Some("DROP INDEX CONCURRENTLY"),
            ),
            ("reindex table concurrently t", Some("REINDEX CONCURRENTLY")),
            ("reindex (verbose) database d", Some("REINDEX DATABASE")),
            ("reindex system d", Some("REINDEX SYSTEM")),
            ("reindex table t", None),
            ("vacuum analyze t", Some("VACUUM")),
            ("create database d", Some("CREATE DATABASE")),
            ("drop database if exists d", Some("DROP DATABASE")),
            ("alter system set work_mem = '1MB'", Some("ALTER SYSTEM")),
            (
                "create tablespace s location '/x'",
                Some("CREATE TABLESPACE"),
            ),
            ("drop tablespace s", Some("DROP TABLESPACE")),
            (
                "alter database d set tablespace s",
                Some("ALTER DATABASE SET TABLESPACE"),
            ),
            (
                "alter table p detach partition c concurrently",
                Some("ALTER TABLE DETACH PARTITION CONCURRENTLY"),
            ),
            ("cluster", Some("CLUSTER")),
            ("cluster t using i", None),
            ("create index i on t (a)", None),
            ("refresh materialized view concurrently v", None),
            ("analyze t", None),
            ("do $$ begin execute 'vacuum'; end $$", None),
        ] {
            assert_eq!(non_transactional(sql), expected, "{sql}");
        }
    }

    #[test]
    fn syntax_error_wording() {
        let errors = sql(
            "f.sql",
            "create table t (id int);\ncreate tabel u (id int);\n",
            Transaction::Yes,
            false,
        );
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert_eq!(e.line(), 2, "{e}");
        assert!(e.to_string().contains("syntax error at or near"), "{e}");
    }

    #[test]
    fn not_in_transaction_and_several_statements() {
        let e = sql(
            "f.sql",
            "create table t (a int);\ncreate index concurrently i on t (a);\n",
            Transaction::Yes,
            false,
        );
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].line(), e[0].column()), (2, 1));
        assert!(e[0].to_string().contains("-- no-transaction"));
        let e = sql(
            "f.sql",
            "-- no-transaction\ncreate index concurrently i on t (a);\nselect 1;\n",
            Transaction::No,
            false,
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line(), 3);
        assert!(
            sql(
                "f.sql",
                "-- no-transaction\ncreate index concurrently i on t (a);\n",
                Transaction::No,
                false
            )
            .is_empty()
        );
    }

    /// PostgreSQL 15 refuses a leading BOM. Taken from the server with
    /// `printf '\xef\xbb\xbfcreate table t (id int);\n' > bom.sql;
    ///  psql -X -c "$(cat bom.sql)"`:
    /// `ERROR:  syntax error at or near "\u{feff}create"` / `LINE 1: \u{feff}create table t …`
    /// with the caret under the first character; with a comment after the mark
    /// (`\xef\xbb\xbf-- c\n…`) the token is the mark alone.
    #[test]
    fn byte_order_mark_is_refused_as_the_server_does() {
        const SERVER: &str = "syntax error at or near \"\u{feff}create\"";
        let e = text("f.sql", "\u{feff}create table t (id int);\n".as_bytes()).unwrap_err();
        assert_eq!((e.line(), e.column()), (1, 1));
        assert!(e.to_string().contains(SERVER), "{e}");
        const SERVER_COMMENT: &str = "syntax error at or near \"\u{feff}\"";
        let e = text(
            "f.sql",
            "\u{feff}-- c\ncreate table u (id int);\n".as_bytes(),
        )
        .unwrap_err();
        assert!(e.to_string().contains(SERVER_COMMENT), "{e}");
        // A mark elsewhere is inside the text (a string literal may hold one).
        assert!(text("f.sql", "select '\u{feff}';".as_bytes()).is_ok());
    }

    #[test]
    fn text_checks() {
        assert_eq!(
            text("f", b" \n\t").unwrap_err().kind,
            MigrateErrorKind::Empty
        );
        let e = text("f", b"select 1;\nselect '\xff';").unwrap_err();
        assert_eq!((e.line(), e.column()), (2, 9));
        assert!(matches!(e.kind, MigrateErrorKind::NotUtf8 { byte: 0xff }));
    }
}
