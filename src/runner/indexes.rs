//! INVALID indexes: what a failed `CREATE INDEX CONCURRENTLY` leaves behind. Such an index
//! exists, so `CREATE INDEX CONCURRENTLY IF NOT EXISTS` skips it, yet queries do not use it
//! and a unique one enforces nothing.

use chatbi_db_core::syntax::{TokenKind, tokenize};
use postgres::GenericClient;

use super::MigrateError;

/// An INVALID index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InvalidIndex {
    /// The index, schema-qualified and quoted as needed (`public.users_email_key`).
    pub index: String,
    /// Its table, schema-qualified.
    pub table: String,
}

/// The INVALID indexes of the database; with `sql`, only those whose index or table name
/// appears in it (the tables a migration touched). Indexes that another session is
/// building right now (`pg_stat_progress_create_index`) are not listed.
pub fn invalid(
    client: &mut impl GenericClient,
    sql: Option<&str>,
) -> Result<Vec<InvalidIndex>, MigrateError> {
    let names: Option<Vec<String>> = sql.map(|sql| {
        tokenize(sql)
            .iter()
            .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
            .map(|t| t.ident())
            .collect()
    });
    let rows = client
        .query(
            "SELECT format('%I.%I', n.nspname, ic.relname), format('%I.%I', tn.nspname, t.relname) \
             FROM pg_index i \
             JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace \
             JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace \
             WHERE NOT i.indisvalid \
             AND ($1::text[] IS NULL OR t.relname = ANY($1) OR ic.relname = ANY($1)) \
             AND i.indexrelid NOT IN (SELECT index_relid FROM pg_stat_progress_create_index \
                                      WHERE index_relid IS NOT NULL AND pid <> pg_backend_pid()) \
             ORDER BY 1",
            &[&names],
        )
        .map_err(|e| MigrateError::db("looking for INVALID indexes", &e))?;
    Ok(rows
        .iter()
        .map(|r| InvalidIndex {
            index: r.get(0),
            table: r.get(1),
        })
        .collect())
}

/// What to do about `invalid` (not empty): the statements that drop them.
pub fn advice(invalid: &[InvalidIndex]) -> String {
    let drops: Vec<String> = invalid
        .iter()
        .map(|i| format!("DROP INDEX CONCURRENTLY {};", i.index))
        .collect();
    format!(
        "Drop the INVALID index(es) ({}), then run `chatbi-db upgrade` again to build them.",
        drops.join(" ")
    )
}
