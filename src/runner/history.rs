//! The `_sqlx_migrations` history table, with sqlx 0.9's exact DDL.

use postgres::GenericClient;

use crate::db::quote_ident;

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

/// The history table of one run: `_sqlx_migrations` in the schema where the run found it
/// (or created it) as it started, so that nothing a migration does to `search_path` moves
/// the history elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    schema: String,
}

impl History {
    /// The table as the session's search path finds it now, if it exists.
    pub fn find(client: &mut impl GenericClient) -> Result<Option<History>, MigrateError> {
        let row = client
            .query_opt(
                "SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.oid = to_regclass('_sqlx_migrations')",
                &[],
            )
            .map_err(|e| MigrateError::db("looking for _sqlx_migrations", &e))?;
        Ok(row.map(|r| History { schema: r.get(0) }))
    }

    /// The table, created (sqlx's DDL, in the first schema of the search path) if missing.
    pub fn ensure(client: &mut impl GenericClient) -> Result<History, MigrateError> {
        if let Some(found) = History::find(client)? {
            return Ok(found);
        }
        client
            .batch_execute(CREATE_HISTORY_TABLE)
            .map_err(|e| MigrateError::db("creating _sqlx_migrations", &e))?;
        History::find(client)?.ok_or_else(|| MigrateError::Db {
            context: "creating _sqlx_migrations".into(),
            message: "the table is not on the search path after CREATE TABLE".into(),
        })
    }

    /// The schema the table lives in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// The schema-qualified, quoted name (`"public"."_sqlx_migrations"`).
    pub fn name(&self) -> String {
        format!(
            "{}.{}",
            quote_ident(&self.schema),
            quote_ident(HISTORY_TABLE)
        )
    }

    /// All rows, by version.
    pub fn read(&self, client: &mut impl GenericClient) -> Result<Vec<AppliedRow>, MigrateError> {
        let rows = client
            .query(
                &format!(
                    "SELECT version, description, \
                     to_char(installed_on AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), \
                     success, checksum, execution_time FROM {} ORDER BY version",
                    self.name()
                ),
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

    /// The INSERT of a row (`success` as given), as SQL text with its values inlined, so
    /// that it can travel in one round trip with other statements.
    pub fn insert_sql(&self, row: &NewRow<'_>, success: bool) -> String {
        format!(
            "INSERT INTO {} ( version, description, success, checksum, execution_time ) \
             VALUES ( {}, {}, {success}, decode('{}', 'hex'), {} )",
            self.name(),
            row.version,
            crate::db::quote_literal(row.description),
            hex::encode(row.checksum),
            row.execution_time
        )
    }

    /// Records a row (`success = false` marks a migration that needs attention).
    pub fn insert(
        &self,
        client: &mut impl GenericClient,
        row: &NewRow<'_>,
        success: bool,
    ) -> Result<(), MigrateError> {
        client
            .batch_execute(&self.insert_sql(row, success))
            .map_err(|e| MigrateError::db(format!("recording migration {}", row.version), &e))
    }

    /// Removes a migration's row.
    pub fn delete(
        &self,
        client: &mut impl GenericClient,
        version: i64,
    ) -> Result<(), MigrateError> {
        client
            .execute(
                &format!("DELETE FROM {} WHERE version = $1", self.name()),
                &[&version],
            )
            .map(|_| ())
            .map_err(|e| {
                MigrateError::db(format!("removing migration {version} from the history"), &e)
            })
    }

    /// Removes every row.
    pub fn purge(&self, client: &mut impl GenericClient) -> Result<(), MigrateError> {
        client
            .batch_execute(&format!("DELETE FROM {}", self.name()))
            .map_err(|e| MigrateError::db("purging _sqlx_migrations", &e))
    }
}

/// A row to record.
#[derive(Debug, Clone, Copy)]
pub struct NewRow<'a> {
    /// `version`.
    pub version: i64,
    /// `description`.
    pub description: &'a str,
    /// `checksum`.
    pub checksum: &'a [u8],
    /// `execution_time` in nanoseconds (-1: unknown).
    pub execution_time: i64,
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
