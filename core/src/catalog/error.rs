//! Replay errors (what the server would reject) and diagnostics (what replay could not model).

use crate::syntax::Position;

/// The kind of a replay error, mirroring the server's SQLSTATE classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `42P01 undefined_table` (also missing views, sequences, indexes).
    UndefinedTable,
    /// `42703 undefined_column`.
    UndefinedColumn,
    /// `42704 undefined_object` (missing type, constraint, extension, ...).
    UndefinedObject,
    /// `3F000 invalid_schema_name`.
    UndefinedSchema,
    /// `42883 undefined_function`.
    UndefinedFunction,
    /// `42P07 duplicate_table`, `42701 duplicate_column`, `42710 duplicate_object`, ...
    DuplicateObject,
    /// `42830 invalid_foreign_key`: referenced columns have no unique constraint.
    InvalidForeignKey,
    /// `42804 datatype_mismatch`: foreign key column types cannot be compared.
    DatatypeMismatch,
    /// `2BP01 dependent_objects_still_exist`: a drop without `CASCADE` that others depend on.
    DependentObjects,
    /// `42P16 invalid_table_definition` and other invalid definitions.
    InvalidDefinition,
    /// `42601 syntax_error`: the statement could not be read (the server would not read it
    /// either). Always an error.
    SyntaxError,
    /// A statement, or a clause of one, that the replay does not model. It becomes a note at
    /// the statement (and the objects it touches are marked as not fully known, see
    /// [`crate::catalog::Catalog::unknown_objects`]), or an error when the replay is strict.
    NotModelled,
}

/// An error the server would raise while running a migration, with where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    /// Migration file (as given to replay).
    pub file: String,
    /// Line and column of the offending token.
    pub position: Position,
    /// What went wrong.
    pub kind: ErrorKind,
    /// The server-style message (`relation "users" does not exist`).
    pub message: String,
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: error: {}",
            self.file, self.position, self.message
        )
    }
}

impl std::error::Error for CatalogError {}

/// What a [`Diagnostic`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoteKind {
    /// The server's own `NOTICE` (`relation "t" already exists, skipping`).
    Notice,
    /// Something the replay did not model: the catalog may be incomplete there. A strict
    /// replay turns these into errors.
    NotModelled,
    /// How the replay handled a statement (a `DO` block evaluated statically, a statement
    /// with no effect on the catalog).
    Info,
}

/// A note about a statement replay skipped or only partly modelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Migration file.
    pub file: String,
    /// Line and column of the statement.
    pub position: Position,
    /// What kind of note this is.
    pub kind: NoteKind,
    /// What replay did and why.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: note: {}", self.file, self.position, self.message)
    }
}
