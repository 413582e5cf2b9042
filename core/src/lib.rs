//! `chatbi-db-core`: the pure, deterministic logic behind chatbi-db.
//!
//! No database client, no network. Layers, bottom up:
//! - [`syntax`]: the SQL front end (parsing PostgreSQL, positions, diagnostics).
//! - [`migrate`]: migration sets (layouts, naming, checksums, validation, lock file).
//! - [`catalog`]: the schema catalog, built by replaying DDL.
//! - [`describe`]: the query analyser (parameter and column types, nullability).
//! - [`offline`]: sqlx offline data (`.sqlx/query-*.json`), read and written.
//! - [`codegen`]: token generation for the proc macros.

pub mod catalog;
pub mod codegen;
pub mod describe;
pub mod migrate;
pub mod offline;
pub mod syntax;
