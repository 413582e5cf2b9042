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

/// A `.down.sql` without its `.up.sql`: sqlx loads it as a migration of its own kind,
/// which `upgrade` never runs; its version counts as a version of the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownOnly {
    /// Version.
    pub version: i64,
    /// Description (underscores become spaces, as in sqlx).
    pub description: Cow<'static, str>,
    /// The down SQL, exactly as in the file.
    pub sql: Cow<'static, str>,
    /// Path of the file, relative to the migration directory.
    pub file: Cow<'static, str>,
}

/// An ordered migration set (ascending version, no duplicates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationSet {
    /// The layout the set was loaded from.
    pub layout: Layout,
    /// Migrations in ascending version order.
    pub migrations: Cow<'static, [Migration]>,
    /// Down files without an up file, ascending (sqlx sets only; never applied).
    pub down_only: Cow<'static, [DownOnly]>,
}

impl MigrationSet {
    /// A set over `'static` data, as `embed_migrations!` emits it.
    pub const fn from_static(layout: Layout, migrations: &'static [Migration]) -> Self {
        MigrationSet::from_static_parts(layout, migrations, &[])
    }

    /// A set over `'static` data with down-only migrations.
    pub const fn from_static_parts(
        layout: Layout,
        migrations: &'static [Migration],
        down_only: &'static [DownOnly],
    ) -> Self {
        MigrationSet {
            layout,
            migrations: Cow::Borrowed(migrations),
            down_only: Cow::Borrowed(down_only),
        }
    }

    /// `true` when `version` is a version of the set: a migration's, or a down-only
    /// file's (sqlx counts both when it checks the applied history).
    pub fn knows_version(&self, version: i64) -> bool {
        self.migrations.iter().any(|m| m.version == version)
            || self.down_only.iter().any(|d| d.version == version)
    }
}

impl Migration {
    /// `true` for a reversible migration (it has down SQL).
    pub fn is_reversible(&self) -> bool {
        self.down_sql.is_some()
    }

    /// `true` when the down SQL must run outside a transaction: for a diesel set, when
    /// `metadata.toml` says `run_in_transaction = false` (it covers both files); otherwise when
    /// the down file itself starts with `-- no-transaction`, as sqlx reads it.
    ///
    /// ```
    /// use std::borrow::Cow;
    /// use chatbi_db_core::migrate::{Layout, Migration};
    /// let m = Migration {
    ///     version: 1,
    ///     description: Cow::Borrowed("add index"),
    ///     up_sql: Cow::Borrowed("-- no-transaction\ncreate index concurrently i on t (a);"),
    ///     down_sql: Some(Cow::Borrowed("drop index i;")),
    ///     no_transaction: true,
    ///     checksum: Cow::Borrowed(&[]),
    ///     up_file: Cow::Borrowed("1_add_index/up.sql"),
    ///     down_file: Some(Cow::Borrowed("1_add_index/down.sql")),
    /// };
    /// assert!(m.down_runs_outside_transaction(Layout::Diesel));
    /// assert!(!m.down_runs_outside_transaction(Layout::Sqlx));
    /// ```
    pub fn down_runs_outside_transaction(&self, layout: Layout) -> bool {
        match layout {
            Layout::Diesel => self.no_transaction,
            Layout::Sqlx | Layout::Refinery => self
                .down_sql
                .as_deref()
                .is_some_and(super::validate::has_no_transaction_marker),
        }
    }

    /// The checksum as lower-case hex (96 characters).
    pub fn checksum_hex(&self) -> String {
        hex::encode(&*self.checksum)
    }
}

/// SHA-384 of a file's raw bytes: the checksum sqlx 0.9 records in
/// `_sqlx_migrations.checksum` (no line-ending or BOM normalisation).
///
/// ```
/// let sum = chatbi_db_core::migrate::checksum(b"select 1;\n");
/// assert_eq!(sum.len(), 48);
/// ```
pub fn checksum(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha384::digest(bytes).to_vec()
}
