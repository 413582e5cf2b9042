//! Refuses migrations that drop, alter or empty the runner's history table
//! (`_sqlx_migrations`): running one would wipe or break the record of what is applied.

use super::error::{MigrateError, MigrateErrorKind};
use crate::syntax::{ParsedSql, Token, TokenKind, tokenize};

/// The history table's name, as sqlx names it.
const HISTORY_TABLE: &str = "_sqlx_migrations";

/// One error per statement of `parsed` (parsed from `sql`) that drops, alters or
/// truncates a table named `_sqlx_migrations` (in any schema).
///
/// ```
/// let sql = "create table t (a int);\ndrop table if exists public._sqlx_migrations;";
/// let parsed = chatbi_db_core::syntax::parse(sql);
/// let errors = chatbi_db_core::migrate::history_table_changes("f.sql", sql, &parsed);
/// assert_eq!(errors.len(), 1);
/// assert_eq!(errors[0].line(), 2);
/// ```
pub fn history_table_changes(file: &str, sql: &str, parsed: &ParsedSql) -> Vec<MigrateError> {
    parsed
        .statements
        .iter()
        .filter_map(|stmt| {
            let statement = touches_history(stmt.text(sql))?;
            Some(MigrateError::at(
                file,
                stmt.position,
                MigrateErrorKind::TouchesHistoryTable { statement },
            ))
        })
        .collect()
}

/// `DROP TABLE`, `ALTER TABLE` or `TRUNCATE` when the statement names the history table.
fn touches_history(statement: &str) -> Option<&'static str> {
    let tokens: Vec<Token<'_>> = tokenize(statement)
        .into_iter()
        .filter(|t| t.kind != TokenKind::Other || !t.text.trim().is_empty())
        .collect();
    let word = |i: usize, kw: &str| tokens.get(i).is_some_and(|t| t.is_word(kw));
    let kind = if word(0, "drop") && word(1, "table") {
        "DROP TABLE"
    } else if word(0, "alter") && word(1, "table") {
        "ALTER TABLE"
    } else if word(0, "truncate") {
        "TRUNCATE"
    } else {
        return None;
    };
    let names_history = tokens.iter().any(|t| {
        matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent) && t.ident() == HISTORY_TABLE
    });
    names_history.then_some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_statements_that_touch_history() {
        for (sql, expected) in [
            ("drop table _sqlx_migrations", Some("DROP TABLE")),
            (
                "DROP TABLE IF EXISTS a, \"_sqlx_migrations\" CASCADE",
                Some("DROP TABLE"),
            ),
            (
                "alter table public._SQLX_MIGRATIONS add column x int",
                Some("ALTER TABLE"),
            ),
            (
                "alter table _sqlx_migrations rename to old",
                Some("ALTER TABLE"),
            ),
            ("truncate _sqlx_migrations", Some("TRUNCATE")),
            (
                "truncate table only public._sqlx_migrations",
                Some("TRUNCATE"),
            ),
            ("drop table sqlx_migrations_copy", None),
            (
                "create table if not exists s._sqlx_migrations (like public._sqlx_migrations)",
                None,
            ),
            ("select * from _sqlx_migrations", None),
            ("drop table t -- _sqlx_migrations", None),
            (
                "alter table t add column note text default '_sqlx_migrations'",
                None,
            ),
        ] {
            assert_eq!(touches_history(sql), expected, "{sql}");
        }
    }
}
