//! ChatBI's data access, written with sqlx's compile-time checked macros in
//! offline mode (`.sqlx/` is committed; `cargo sqlx prepare --check` keeps it honest).

mod datasource;
pub mod rows;

pub use datasource::{DefaultDatasource, DefaultDatasourceConfig, ensure_default_datasource};
