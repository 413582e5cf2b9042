//! `chatbi-db`: ChatBI's database layer: migration runner, local PostgreSQL,
//! CLI, generated row structs and data access.
//!
//! Migrations are embedded, validated and checksummed when the crate compiles:
//!
//! ```
//! static MIGRATOR: chatbi_db::Migrator = chatbi_db::embed_migrations!("migrations");
//!
//! let first = &MIGRATOR.migrations()[0];
//! assert_eq!(first.version, 1);
//! assert_eq!(first.description, "initial schema");
//! assert_eq!(first.checksum.len(), 48); // SHA-384, as sqlx computes it
//! ```
//!
//! Applying them (`MIGRATOR.run(&mut client)`) takes sqlx's advisory lock and records
//! each migration in `_sqlx_migrations`, so `sqlx-cli` sees the same history. Row types
//! for every table are in [`tables`], generated from the same files.

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
