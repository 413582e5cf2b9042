//! `chatbi-db`: ChatBI's database layer: migration runner, local PostgreSQL,
//! CLI, generated row structs and data access.

extern crate self as chatbi_db;

/// The pure logic crate, re-exported so macro expansions can name it as `::chatbi_db::core`.
pub use chatbi_db_core as core;
pub use chatbi_db_macros::{embed_migrations, tables};
