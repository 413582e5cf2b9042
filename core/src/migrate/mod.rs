//! Migration sets: loading (sqlx, diesel and refinery layouts), naming, checksums,
//! validation and the lock file.
//!
//! Entry points: [`load_dir`] (a directory at run time, what `--migrations DIR` uses),
//! [`load_dir_with`] (every error, the canonical paths `embed_migrations!` needs),
//! [`load_from_files`] (pure, over in-memory files) and the [`lock`] module.

mod assemble;
mod error;
mod history_guard;
mod load;
pub mod lock;
mod model;
mod naming;
mod validate;
mod warning;

pub use error::{MigrateError, MigrateErrorKind};
pub use history_guard::history_table_changes;
pub use load::{
    LoadOptions, Loaded, SourceFile, load_dir, load_dir_with, load_from_files, read_dir_files,
};
pub use model::{DownOnly, Layout, Migration, MigrationSet, checksum};
pub use validate::{NO_TRANSACTION_MARKER, has_no_transaction_marker, non_transactional};
pub use warning::{LoadWarning, LoadWarningKind};

pub use assemble::LoadedFiles;
