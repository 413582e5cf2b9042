//! `chatbi-db`: ChatBI's database layer: migration runner, local PostgreSQL,
//! CLI, generated row structs and data access.

extern crate self as chatbi_db;

/// The pure logic crate, re-exported so macro expansions can name it as `::chatbi_db::core`.
pub use chatbi_db_core as core;
pub use chatbi_db_macros::{embed_migrations, tables};

pub mod cli;
pub mod data;
pub mod db;
pub mod migrations;
pub mod pg;
pub mod runner;
pub mod tables;
pub mod testing;

pub use runner::Migrator;

/// Re-exports used by code that `tables!` generates; not a public API.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "chrono")]
    pub use ::chrono;
    pub use ::ipnetwork;
    pub use ::postgres;
    pub use ::postgres_types;
    pub use ::rust_decimal;
    pub use ::serde;
    pub use ::serde_json;
    pub use ::sqlx;
    #[cfg(feature = "time")]
    pub use ::time;
    pub use ::uuid;
}
