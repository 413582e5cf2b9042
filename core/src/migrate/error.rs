//! The one error type of the migration layer: what went wrong, in which file, and where.

use std::fmt;

use crate::syntax::Position;

/// An error found while loading, validating or lock-checking a migration set.
///
/// Displays like a compiler diagnostic:
/// `migrations/0002_x.up.sql:3:14: error: syntax error at or near "tabel"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct MigrateError {
    /// The file, as the user named it (the migration directory joined with the file's
    /// path inside it), e.g. `migrations/0002_x.up.sql`.
    pub file: String,
    /// Line and column inside the file, when the error is inside its text.
    pub position: Option<Position>,
    /// What went wrong.
    pub kind: MigrateErrorKind,
}

impl MigrateError {
    /// An error about a whole file.
    pub fn new(file: impl Into<String>, kind: MigrateErrorKind) -> Self {
        MigrateError {
            file: file.into(),
            position: None,
            kind,
        }
    }

    /// An error at `position` inside `file`.
    pub fn at(file: impl Into<String>, position: Position, kind: MigrateErrorKind) -> Self {
        MigrateError {
            file: file.into(),
            position: Some(position),
            kind,
        }
    }

    /// 1-based line, or 0 when the error concerns the whole file.
    pub fn line(&self) -> u32 {
        self.position.map_or(0, |p| p.line)
    }

    /// 1-based column, or 0 when the error concerns the whole file.
    pub fn column(&self) -> u32 {
        self.position.map_or(0, |p| p.column)
    }
}

impl fmt::Display for MigrateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(
                f,
                "{}:{}:{}: error: {}",
                self.file, p.line, p.column, self.kind
            ),
            None => write!(f, "{}: error: {}", self.file, self.kind),
        }
    }
}

/// What went wrong (the message, without the location).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrateErrorKind {
    /// The directory or a file could not be read.
    #[error("cannot read: {0}")]
    Io(String),
    /// A file looks like a migration but its name does not follow the layout.
    #[error("cannot parse the migration file name: expected {expected}")]
    UnparseableName {
        /// The expected pattern, e.g. `<version>_<description>.sql`.
        expected: &'static str,
    },
    /// The version does not fit in an `i64`.
    #[error("version {0} does not fit in a 64-bit signed integer")]
    VersionOutOfRange(String),
    /// Two migrations share a version.
    #[error("duplicate migration version {version} (also used by {other})")]
    DuplicateVersion {
        /// The version.
        version: i64,
        /// The other file with this version.
        other: String,
    },
    /// An `.up.sql` file has no `.down.sql`.
    #[error(
        "`.up.sql` without its `.down.sql`: add {expected} (reversible migrations come in pairs)"
    )]
    MissingDown {
        /// The file name that is missing.
        expected: String,
    },
    /// A `.down.sql` file has no `.up.sql`.
    #[error(
        "`.down.sql` without its `.up.sql`: add {expected} (reversible migrations come in pairs)"
    )]
    MissingUp {
        /// The file name that is missing.
        expected: String,
    },
    /// A diesel migration directory has no `up.sql`.
    #[error("diesel migration directory without `up.sql`")]
    MissingDieselUp,
    /// The file is empty (or holds only white space).
    #[error("empty migration file")]
    Empty,
    /// The file is not valid UTF-8.
    #[error("the file is not valid UTF-8 (invalid byte 0x{byte:02x}); save it as UTF-8")]
    NotUtf8 {
        /// The first invalid byte.
        byte: u8,
    },
    /// The file starts with a UTF-8 byte order mark: PostgreSQL's scanner reads it as part
    /// of the first word and refuses the statement (`psql -c` of the file's text:
    /// `ERROR:  syntax error at or near "\u{feff}create"`, LINE 1 at the first character).
    #[error(
        "syntax error at or near \"{near}\": the file starts with a UTF-8 byte order mark \
         (BOM, bytes EF BB BF), which PostgreSQL does not skip; save the file as UTF-8 \
         without BOM"
    )]
    ByteOrderMark {
        /// The token PostgreSQL names: the mark and the identifier characters after it.
        near: String,
    },
    /// The SQL does not parse.
    #[error("syntax error{near}: {message}")]
    Syntax {
        /// ` at or near "tok"` or ` at end of input`, PostgreSQL's wording.
        near: String,
        /// The parser's own message.
        message: String,
    },
    /// A statement that PostgreSQL refuses inside a transaction block, in a migration
    /// that runs in one.
    #[error(
        "{statement} cannot run inside a transaction block; \
         mark the file `-- no-transaction` (its first line) so it runs outside one, \
         and keep that statement alone in its migration"
    )]
    NotInTransaction {
        /// The statement, as PostgreSQL names it (`CREATE INDEX CONCURRENTLY`).
        statement: &'static str,
    },
    /// The diesel flavour of [`MigrateErrorKind::NotInTransaction`].
    #[error(
        "{statement} cannot run inside a transaction block; \
         add `run_in_transaction = false` to this migration's metadata.toml, \
         and keep that statement alone in its migration"
    )]
    NotInTransactionDiesel {
        /// The statement, as PostgreSQL names it.
        statement: &'static str,
    },
    /// A migration that runs outside a transaction holds several statements.
    #[error(
        "this migration runs outside a transaction but holds {count} statements; \
         PostgreSQL would run them as one implicit transaction (and refuse statements such as \
         CREATE INDEX CONCURRENTLY in it): put each statement in its own migration"
    )]
    SeveralStatementsWithoutTransaction {
        /// Number of statements.
        count: usize,
    },
    /// A diesel `metadata.toml` could not be read.
    #[error("invalid metadata.toml: {0}")]
    Metadata(String),
    /// The file holds a NUL byte (PostgreSQL cannot receive one in a query).
    #[error(
        "the file holds a NUL byte (0x00), which PostgreSQL cannot receive in a query; \
         remove it (it often comes from a file saved as UTF-16 or a bad copy)"
    )]
    NulByte,
    /// A statement drops, alters or empties the history table.
    #[error(
        "{statement} of _sqlx_migrations: a migration must not change the migration history \
         table (it would wipe or break the record of what is applied); \
         change the history with `chatbi-db stamp` instead"
    )]
    TouchesHistoryTable {
        /// `DROP TABLE`, `ALTER TABLE` or `TRUNCATE`.
        statement: &'static str,
    },
    /// A path cannot be embedded (not UTF-8).
    #[error("the path is not valid UTF-8")]
    PathNotUtf8,
    /// The lock file does not parse.
    #[error("invalid lock file: {0}; regenerate it with `chatbi-db lock`")]
    LockSyntax(String),
    /// The lock file's `sum` line does not match its entries (edited by hand or merged).
    #[error(
        "the lock file's sum does not match its entries: it was edited by hand or merged; \
         check the migrations, then regenerate it with `chatbi-db lock`"
    )]
    LockSum,
    /// A locked migration's file changed.
    #[error(
        "migration {version} changed after it was recorded; write a new migration, or run \
         `chatbi-db lock` if it was never applied anywhere{}",
        if *crlf_only { " (only its line endings changed: CRLF vs LF; `.gitattributes` with `*.sql text eol=lf` keeps them stable)" } else { "" }
    )]
    LockChanged {
        /// Version.
        version: i64,
        /// The change is only CRLF vs LF line endings.
        crlf_only: bool,
    },
    /// A locked migration was renamed (same version and checksum).
    #[error(
        "migration {version} was renamed after it was recorded (it was {old}); \
         rename it back, or run `chatbi-db lock` if it was never applied anywhere"
    )]
    LockRenamed {
        /// Version.
        version: i64,
        /// The file name in the lock.
        old: String,
    },
    /// A locked migration's file is gone.
    #[error(
        "migration {version} ({file}) is in the lock file but its file was deleted; restore it \
         (applied migrations must stay), or run `chatbi-db lock` if it was never applied anywhere"
    )]
    LockDeleted {
        /// Version.
        version: i64,
        /// The file recorded in the lock.
        file: String,
    },
    /// A new migration sorts before the newest locked one (a merge of two branches).
    #[error(
        "migration {version} is not in the lock file and is older than the newest locked \
         migration {newest}: it probably comes from a branch merged after newer migrations; \
         give it a version above {newest} (rename it), then run `chatbi-db lock`"
    )]
    LockOlderThanNewest {
        /// Version.
        version: i64,
        /// The newest locked version.
        newest: i64,
    },
    /// A new migration is not in the lock file yet.
    #[error(
        "migration {version} is not in the lock file yet; run `chatbi-db lock` \
         (`chatbi-db create` updates the lock file itself)"
    )]
    LockMissingEntry {
        /// Version.
        version: i64,
    },
}
