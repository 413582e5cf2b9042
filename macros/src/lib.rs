//! `chatbi-db-macros`: thin proc-macro shell over `chatbi-db-core`.
//!
//! Each macro parses its input with `syn`, calls core, and turns core's errors
//! into `compile_error!`. No logic lives here.

use proc_macro::TokenStream;

mod embed;
mod tables;

/// Embeds a migration directory (default `migrations/` beside `Cargo.toml`),
/// validated and checksummed at compile time.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    embed::expand(input.into()).into()
}

/// Generates typed row structs for every table of a migration set's final schema.
#[proc_macro]
pub fn tables(input: TokenStream) -> TokenStream {
    tables::expand(input.into()).into()
}
