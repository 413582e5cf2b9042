//! The data model of a migration set, shared by the macros (as `'static` data),
//! the CLI (loaded at run time) and the runner.

use std::borrow::Cow;

/// How a migration directory names its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// sqlx: `<version>_<description>.sql`, or `.up.sql` / `.down.sql` pairs.
    Sqlx,
    /// diesel: `<version>_<name>/up.sql`, `down.sql`, optional `metadata.toml`.
    Diesel,
    /// refinery: `V<n>__<name>.sql`.
    Refinery,
}

/// One migration: its up SQL, optional down SQL, and what the runner needs to record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// Version, as recorded in `_sqlx_migrations.version`.
    pub version: i64,
    /// Description, as recorded in `_sqlx_migrations.description` (underscores become spaces, as in sqlx).
    pub description: Cow<'static, str>,
    /// The up SQL, exactly as in the file.
    pub up_sql: Cow<'static, str>,
    /// The down SQL for reversible migrations.
    pub down_sql: Option<Cow<'static, str>>,
    /// `true` when the migration must run outside a transaction.
    pub no_transaction: bool,
    /// SHA-384 of the up file's raw bytes, as sqlx computes it.
    pub checksum: Cow<'static, [u8]>,
    /// Path of the up file, relative to the migration directory.
    pub up_file: Cow<'static, str>,
    /// Path of the down file, relative to the migration directory.
    pub down_file: Option<Cow<'static, str>>,
}

/// An ordered migration set (ascending version, no duplicates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationSet {
    /// The layout the set was loaded from.
    pub layout: Layout,
    /// Migrations in ascending version order.
    pub migrations: Cow<'static, [Migration]>,
}

impl MigrationSet {
    /// A set over `'static` data, as `embed_migrations!` emits it.
    pub const fn from_static(layout: Layout, migrations: &'static [Migration]) -> Self {
        MigrationSet {
            layout,
            migrations: Cow::Borrowed(migrations),
        }
    }
}
