//! The `_sqlx_migrations` history table, with sqlx 0.9's exact DDL.

use postgres::{GenericClient, Statement, ToStatement};

use super::MigrateError;

/// The history table's name (sqlx's default).
pub const HISTORY_TABLE: &str = "_sqlx_migrations";

/// The statement that creates the history table, as sqlx 0.9 runs it.
pub const CREATE_HISTORY_TABLE: &str = "
CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
);
                ";

/// The statement that records an applied migration (`$4`: execution time in nanoseconds,
/// -1 when unknown, as sqlx records skipped migrations).
pub const INSERT_HISTORY_ROW: &str = "INSERT INTO _sqlx_migrations ( version, description, success, checksum, execution_time ) VALUES ( $1, $2, TRUE, $3, $4 )";

/// One row of the history table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRow {
    /// `version`.
    pub version: i64,
    /// `description`.
    pub description: String,
    /// `installed_on`, in UTC, RFC 3339 with microseconds.
    pub installed_on: String,
    /// `success` (false: a dirty migration).
    pub success: bool,
    /// `checksum`.
    pub checksum: Vec<u8>,
    /// `execution_time` in nanoseconds (-1 when unknown).
    pub execution_time: i64,
}

/// Whether the history table exists (in the current search path).
pub fn exists(client: &mut impl GenericClient) -> Result<bool, MigrateError> {
    Ok(client
        .query_one("SELECT to_regclass('_sqlx_migrations') IS NOT NULL", &[])
        .map_err(|e| MigrateError::db("looking for _sqlx_migrations", &e))?
        .get(0))
}

/// Creates the history table if missing.
pub fn ensure(client: &mut impl GenericClient) -> Result<(), MigrateError> {
    client
        .batch_execute(CREATE_HISTORY_TABLE)
        .map_err(|e| MigrateError::db("creating _sqlx_migrations", &e))
}

/// All rows, by version (empty when the table does not exist).
pub fn read(client: &mut impl GenericClient) -> Result<Vec<AppliedRow>, MigrateError> {
    if !exists(client)? {
        return Ok(Vec::new());
    }
    let rows = client
        .query(
            "SELECT version, description, \
             to_char(installed_on AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), \
             success, checksum, execution_time FROM _sqlx_migrations ORDER BY version",
            &[],
        )
        .map_err(|e| MigrateError::db("reading _sqlx_migrations", &e))?;
    Ok(rows
        .iter()
        .map(|r| AppliedRow {
            version: r.get(0),
            description: r.get(1),
            installed_on: r.get(2),
            success: r.get(3),
            checksum: r.get(4),
            execution_time: r.get(5),
        })
        .collect())
}

/// Records a migration as applied; `statement` is [`INSERT_HISTORY_ROW`], as text or
/// prepared by [`prepare_insert`].
pub fn insert(
    client: &mut impl GenericClient,
    statement: &(impl ToStatement + ?Sized),
    version: i64,
    description: &str,
    checksum: &[u8],
    execution_time: i64,
) -> Result<(), MigrateError> {
    client
        .execute(
            statement,
            &[&version, &description, &checksum, &execution_time],
        )
        .map(|_| ())
        .map_err(|e| MigrateError::db(format!("recording migration {version}"), &e))
}

/// Removes a migration's row.
pub fn delete(client: &mut impl GenericClient, version: i64) -> Result<(), MigrateError> {
    client
        .execute(
            "DELETE FROM _sqlx_migrations WHERE version = $1",
            &[&version],
        )
        .map(|_| ())
        .map_err(|e| MigrateError::db(format!("removing migration {version} from the history"), &e))
}

/// Prepares [`INSERT_HISTORY_ROW`] once for a run (each use is then one round trip).
pub fn prepare_insert(client: &mut impl GenericClient) -> Result<Statement, MigrateError> {
    client
        .prepare(INSERT_HISTORY_ROW)
        .map_err(|e| MigrateError::db("preparing the history insert", &e))
}

/// The SQL text of an INSERT for a history row (for `--sql` output and bootstrap scripts).
pub fn insert_sql(version: i64, description: &str, checksum: &[u8], execution_time: i64) -> String {
    format!(
        "INSERT INTO _sqlx_migrations ( version, description, success, checksum, execution_time ) \
         VALUES ( {version}, {}, TRUE, '\\x{}'::bytea, {execution_time} );",
        crate::db::quote_literal(description),
        hex::encode(checksum)
    )
}
