//! Migration sets: loading (sqlx, diesel and refinery layouts), naming, checksums,
//! validation and the lock file.

mod model;

pub use model::{Layout, Migration, MigrationSet};
