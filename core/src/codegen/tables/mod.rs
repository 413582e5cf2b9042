//! Tokens for `tables!`: typed row structs for every relation of a schema.
//!
//! # What is generated
//!
//! For every table, partitioned table, view and materialized view, a module named after the
//! relation (rules below), holding:
//! - `SCHEMA`, `TABLE`, `QUALIFIED` (quoted `"schema"."name"`), `COLUMNS` (every column name in
//!   table order) and `SELECT` (a `SELECT` of the columns of `Row`);
//! - `Row`: one public field per column, in column order, `Option<T>` exactly for nullable
//!   columns; derives `Debug, Clone, PartialEq` (and serde's traits when [`TablesOptions::serde`]
//!   is set), implements sqlx's `FromRow` for `PgRow` and `TryFrom<&postgres::Row>` (columns
//!   read by name);
//! - for tables: `Insert` (the columns with no default, identity or generation), the `INSERT`
//!   SQL (returning the stored row) and `Insert::insert_sqlx` / `Insert::insert_postgres`.
//!
//! For every enum, a Rust enum (variants in label order) implementing sqlx's `Type`, `Encode`,
//! `Decode` and `PgHasArrayType` and postgres-types' `ToSql` and `FromSql`; for every composite
//! whose fields all map, a struct with the same impls (sqlx's record codec; the binary record
//! format for the `postgres` crate). The impls are written out rather than derived, and do what
//! sqlx's and postgres-derive's derives do (see `impls`). Every field and module carries the SQL
//! type, nullability, default and `COMMENT ON` text as doc comments.
//!
//! With [`TablesOptions::module`] the items are wrapped in one documented `pub mod`; otherwise
//! they are emitted as they are, each marked `#[allow(dead_code)]` (a binary crate need not use
//! every table).
//!
//! # Names
//!
//! - A relation's module is the `snake_case` of its name (`query_history` -> `query_history`,
//!   `userId` -> `user_id`, `My Table` -> `my_table`, `2fa` -> `_2fa`), with no plural guessing;
//!   relations of schema `public` are at the top level, others inside a module named after the
//!   schema (`underway.task` -> `underway::task`). Inside, the structs are always `Row` and
//!   `Insert`.
//! - Fields are the `snake_case` of the column name; a field whose name differs from the column
//!   carries `#[sqlx(rename = "...")]`. Two columns with the same `snake_case` get the second
//!   one's position appended (`a_2`).
//! - Enums and composites are the `UpperCamelCase` of their name, beside the tables of their
//!   schema (`underway.task_state` -> `underway::TaskState`); enum variants are the
//!   `UpperCamelCase` of the labels.
//! - Rust keywords become raw identifiers (`type` -> `r#type`); `self`, `super`, `crate` and
//!   `Self` get a trailing underscore.
//! - Two objects mapping to the same Rust name in one module is an error
//!   ([`GenerateError::NameClash`]), never a silent rename.
//!
//! # Types (sqlx's Postgres mapping)
//!
//! `boolean` `bool`; `"char"` `i8`; `smallint` `i16`; `integer` `i32`; `bigint` `i64`; `real`
//! `f32`; `double precision` `f64`; `numeric` `rust_decimal::Decimal`; `text`, `varchar`,
//! `char(n)`, `name`, `citext` `String`; `bytea` `Vec<u8>`; `uuid` `uuid::Uuid`; `json`, `jsonb`
//! `serde_json::Value`; `inet`, `cidr` `ipnetwork::IpNetwork`; `interval`
//! `sqlx::postgres::types::PgInterval`; `date`, `time`, `timestamp`, `timestamptz`:
//! `chrono::{NaiveDate, NaiveTime, NaiveDateTime, DateTime<Utc>}` or
//! `time::{Date, Time, PrimitiveDateTime, OffsetDateTime}` ([`TablesOptions::time`]); arrays
//! `Vec<T>`; domains their base type (PostgreSQL reports a domain column with its base type);
//! enums and composites the generated types. Columns of any other type (`tsvector`, `money`,
//! `ltree`, ranges, ...) are left out of `Row` and listed in the module's documentation (as the
//! sqlx macros refuse them: select them cast to `text`).
//!
//! # Dependencies of the generated code
//!
//! Every crate is named through [`TablesOptions::runtime`] (`tables!` uses
//! `::chatbi_db::__private`, so a crate depending only on `chatbi-db` compiles it; with `None`,
//! by their own names at the crate root): `sqlx` (feature `postgres`), `postgres-types`,
//! `postgres`, `uuid`, `serde_json`, `rust_decimal` (feature `db-postgres` for numeric with
//! `postgres`), `ipnetwork`, `chrono` or `time`, `serde`. No derive macro of another crate is
//! used except serde's, which takes the crate path (`#[serde(crate = "…")]`).
//!
//! ```
//! use chatbi_db_core::codegen::tables::{generate, SchemaModel, TablesOptions};
//! let json = serde_json::json!({"relations": {"public.query_history": {"kind": "table", "columns": [
//!     {"name": "id", "type": "bigint", "typname": "int8", "not_null": true,
//!      "has_default": false, "identity": "a", "generated": null},
//!     {"name": "type", "type": "text", "typname": "text", "not_null": false,
//!      "has_default": false, "identity": null, "generated": null}]}},
//!     "enums": {}, "composites": {}, "domains": {}, "extensions": {}});
//! let model = SchemaModel::from_catalog_json(&json).unwrap();
//! let code = generate(&model, &TablesOptions::default()).to_string();
//! assert!(code.contains("pub mod query_history"));
//! assert!(code.contains("pub r#type : :: std :: option :: Option < :: std :: string :: String >"));
//! ```

mod emit;
mod impls;
mod model;
mod names;
mod support;
mod types;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;

pub use model::{
    ColumnModel, CompositeModel, DomainModel, EnumModel, ModelError, RelationKind, SchemaModel,
    TableModel,
};
pub use names::{camel, snake};
pub use types::{Base, Builtin, Resolved};

/// The date and time crate the generated code uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeCrate {
    /// `chrono` (`NaiveDate`, `NaiveTime`, `NaiveDateTime`, `DateTime<Utc>`).
    #[default]
    Chrono,
    /// `time` (`Date`, `Time`, `PrimitiveDateTime`, `OffsetDateTime`).
    Time,
}

/// Options of the generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablesOptions {
    /// Date and time crate.
    pub time: TimeCrate,
    /// Derive `serde::{Serialize, Deserialize}` (fields renamed to the SQL column names).
    pub serde: bool,
    /// Generate read-only `Row` modules for views and materialized views too.
    pub views: bool,
    /// Path under which the runtime crates are re-exported (e.g. `::chatbi_db::__private`, so
    /// `uuid` is `::chatbi_db::__private::uuid`); `None` names them at the crate root (`::uuid`).
    pub runtime: Option<String>,
    /// The module the items are wrapped in (`pub mod <name> { … }`, documented); `None` emits
    /// them where the generated code is placed.
    pub module: Option<String>,
}

impl Default for TablesOptions {
    fn default() -> Self {
        TablesOptions {
            time: TimeCrate::Chrono,
            serde: false,
            views: true,
            runtime: None,
            module: None,
        }
    }
}

/// Why code could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    /// Two schema objects map to the same Rust name in one module.
    #[error("{first} and {second} both map to the Rust name `{rust}`; rename one of them")]
    NameClash {
        /// The Rust name.
        rust: String,
        /// The first object.
        first: String,
        /// The second object.
        second: String,
    },
    /// A bad option.
    #[error("tables! option: {0}")]
    Option(String),
    /// The schema could not be read.
    #[error("{0}")]
    Model(String),
}

/// Generates the row structs, or the reason it cannot.
pub fn try_generate(
    model: &SchemaModel,
    opts: &TablesOptions,
) -> Result<TokenStream, GenerateError> {
    emit::Emitter::new(model, opts)?.emit()
}

/// Generates the row structs; an error becomes a `compile_error!`.
pub fn generate(model: &SchemaModel, opts: &TablesOptions) -> TokenStream {
    match try_generate(model, opts) {
        Ok(ts) => ts,
        Err(e) => {
            let msg = e.to_string();
            quote::quote!(::core::compile_error!(#msg);)
        }
    }
}

/// Loads the migration set in `dir` (layout detected), replays it into a catalog and returns
/// the final schema's model with the migration files read (for rebuild tracking).
pub fn model_from_migrations(dir: &Path) -> Result<(SchemaModel, Vec<PathBuf>), GenerateError> {
    let loaded = crate::migrate::load_dir_with(dir, &crate::migrate::LoadOptions::default())
        .map_err(|errors| {
            GenerateError::Model(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })?;
    let replay =
        crate::catalog::replay(&loaded.set).map_err(|e| GenerateError::Model(e.to_string()))?;
    let model = SchemaModel::from_catalog(&replay.catalog)
        .map_err(|e| GenerateError::Model(e.to_string()))?;
    let files = loaded
        .set
        .migrations
        .iter()
        .map(|m| loaded.dir.join(m.up_file.as_ref()))
        .filter(|p| p.is_file())
        .collect();
    Ok((model, files))
}
