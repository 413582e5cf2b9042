//! Warnings of the loader: files and directories that look like migrations but that the
//! set does not load (as sqlx or diesel would not), or that load in a surprising way.
//! They travel with the loaded set ([`super::Loaded::warnings`]); the CLI prints them and
//! `embed_migrations!` turns them into compile-time warnings. With
//! [`super::LoadOptions::strict`] (or a lock file) the ones marked as such become errors.

use std::fmt;

use super::error::{MigrateError, MigrateErrorKind};

/// Something the loader did not load, or loaded in a way worth knowing.
///
/// Displays like a compiler diagnostic: `migrations/3.sql: warning: …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    /// The file or directory, as the user named it (the migration directory joined with
    /// its path inside it; a directory ends with `/`).
    pub file: String,
    /// What it is.
    pub kind: LoadWarningKind,
}

/// What a [`LoadWarning`] is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadWarningKind {
    /// A `.sql` file starting with a digit but without `_` after its version: sqlx ignores it.
    #[error(
        "not loaded: sqlx ignores a file without `_` after its version \
         (expected `<version>_<description>.sql`)"
    )]
    SqlxIgnoresName,
    /// A `.sql` file whose part before the first `_` is not a version: sqlx refuses the
    /// whole directory, we leave the file out.
    #[error(
        "not loaded: `{prefix}` is not a version (sqlx refuses a directory holding this file; \
         rename it `<version>_<description>.sql`, or move it out of the migration directory)"
    )]
    SqlxRefusesName {
        /// The part before the first `_`.
        prefix: String,
    },
    /// A version written with a sign (`-5_x.sql`, `+5_x.sql`): sqlx reads it as an integer.
    #[error("loaded as version {version}: sqlx reads the signed prefix `{prefix}` as an integer")]
    SignedVersion {
        /// The prefix as written.
        prefix: String,
        /// The version it stands for.
        version: i64,
    },
    /// A directory in a sqlx set named like a migration: sqlx reads only files.
    #[error("not loaded: sqlx reads only the files at the top of the migration directory")]
    SqlxIgnoresDirectory,
    /// A sqlx migration file beside diesel folders: diesel reads only the folders.
    #[error(
        "not loaded: this directory uses diesel's layout (`<version>_<name>/up.sql`), \
         and diesel ignores files beside the migration folders"
    )]
    FileBesideDieselFolders,
    /// A diesel folder without `up.sql` (diesel refuses the directory).
    #[error("not loaded: a diesel migration folder without `up.sql` (diesel refuses it)")]
    DieselFolderWithoutUp,
    /// A diesel folder with `up.sql` whose name does not start with a numeric version.
    #[error(
        "not loaded: diesel would run this migration, but its version (the part before the \
         first `_`) is not made of digits and dashes, and `_sqlx_migrations` records integers"
    )]
    DieselVersionNotNumeric,
    /// A `.down.sql` without its `.up.sql`.
    #[error(
        "loaded as a down-only migration: no up file for this version, so `upgrade` \
         never runs it (as sqlx)"
    )]
    DownWithoutUp,
}

impl LoadWarningKind {
    /// The error this warning becomes in a strict load, or `None` when it stays a warning.
    pub(crate) fn strict_error(&self, expected: &str) -> Option<MigrateErrorKind> {
        match self {
            LoadWarningKind::SqlxIgnoresName => Some(MigrateErrorKind::UnparseableName {
                expected: super::naming::SQLX_EXPECTED,
            }),
            LoadWarningKind::DieselFolderWithoutUp => Some(MigrateErrorKind::MissingDieselUp),
            LoadWarningKind::DieselVersionNotNumeric => Some(MigrateErrorKind::UnparseableName {
                expected: super::naming::DIESEL_EXPECTED,
            }),
            LoadWarningKind::DownWithoutUp => Some(MigrateErrorKind::MissingUp {
                expected: expected.to_string(),
            }),
            LoadWarningKind::SqlxRefusesName { .. }
            | LoadWarningKind::SignedVersion { .. }
            | LoadWarningKind::SqlxIgnoresDirectory
            | LoadWarningKind::FileBesideDieselFolders => None,
        }
    }
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: warning: {}", self.file, self.kind)
    }
}

/// Collects warnings, turning the strict ones into errors when the load is strict.
pub(crate) struct Findings {
    /// Strict load: warnings with a strict form become errors.
    pub strict: bool,
    /// The errors found.
    pub errors: Vec<MigrateError>,
    /// The warnings found.
    pub warnings: Vec<LoadWarning>,
}

impl Findings {
    /// An empty collection.
    pub fn new(strict: bool) -> Self {
        Findings {
            strict,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Records `kind` about `file`; `expected` names the missing partner for the pair
    /// errors of a strict load.
    pub fn warn(&mut self, file: String, kind: LoadWarningKind, expected: &str) {
        match kind.strict_error(expected).filter(|_| self.strict) {
            Some(error) => self.errors.push(MigrateError::new(file, error)),
            None => self.warnings.push(LoadWarning { file, kind }),
        }
    }

    /// Records an error that only a strict load reports (sqlx and diesel accept the case:
    /// an up file without its down, an empty file).
    pub fn strict_only(&mut self, file: String, kind: MigrateErrorKind) {
        if self.strict {
            self.errors.push(MigrateError::new(file, kind));
        }
    }
}
