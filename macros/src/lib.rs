//! `chatbi-db-macros`: thin proc-macro shell over `chatbi-db-core`.
//!
//! Each macro parses its input with `syn`, calls core, and turns core's errors
//! into `compile_error!`. No logic lives here.

use proc_macro::TokenStream;

mod embed;
mod tables;

/// Embeds a migration directory (default `migrations/` beside `Cargo.toml`),
/// validated and checksummed at compile time.
///
/// ```text
/// static MIGRATOR: chatbi_db::Migrator = chatbi_db::embed_migrations!();
/// static DEMO: chatbi_db::Migrator = chatbi_db::embed_migrations!("migrations_demo");
/// static CHECKED: chatbi_db::Migrator = chatbi_db::embed_migrations!("migrations", strict);
/// ```
///
/// The path is relative to the crate's `Cargo.toml`. The layout (sqlx, diesel or
/// refinery) is detected, and the set loads as sqlx (diesel) loads it: an `.up.sql`
/// without its `.down.sql` is an up migration, a `.down.sql` without its `.up.sql` a
/// down-only one (never applied), an empty file a migration that does nothing. Files
/// and folders named like migrations that the layout does not load are named in
/// compile-time warnings (a deprecation note, the only warning stable macros can give).
/// Every file is embedded with `include_str!`, so editing a migration rebuilds the
/// crate; the SHA-384 checksums equal sqlx's. A bad set is a compile error naming the
/// file, line and column: duplicate version, non-UTF-8 file or one starting with a
/// byte order mark, SQL syntax error (also in down files), a statement that cannot
/// run in a transaction block (`CREATE INDEX CONCURRENTLY`, `VACUUM`, …) in a
/// migration that runs in one, several statements in a `-- no-transaction` migration.
/// With `strict`, or when the directory holds `migrations.lock` (written by
/// `chatbi-db lock`), the lone `.up.sql`/`.down.sql`, empty files and unparseable
/// names are errors too, and the set must match the lock file: no edited, deleted,
/// unrecorded or out-of-order migration.
///
/// Adding or removing a file is only seen when the crate is rebuilt; stable Rust gives
/// proc macros no way to watch a directory (`proc_macro::tracked_path` is unstable),
/// so add a `build.rs` to the crate that embeds:
///
/// ```text
/// fn main() {
///     println!("cargo::rerun-if-changed=migrations");
/// }
/// ```
///
/// The macro parses every file; give it an optimised build in debug profiles too:
///
/// ```toml
/// [profile.dev.package.chatbi-db-macros]
/// opt-level = 3
/// [profile.dev.package.chatbi-db-core]
/// opt-level = 3
/// ```
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    embed::expand(input.into()).into()
}

/// Generates typed row structs for every table of a migration set's final schema
/// (default `migrations/` beside `Cargo.toml`), in `pub mod tables`.
///
/// ```text
/// chatbi_db::tables!();                                   // tables::notes::Row, …
/// chatbi_db::tables!("migrations", module = "schema");    // schema::notes::Row, …
/// mod db { chatbi_db::tables!("migrations", module = ""); } // db::notes::Row, …
/// ```
///
/// Per relation a module with `Row` (sqlx's `FromRow`, `TryFrom<&postgres::Row>`), `Insert`
/// (`insert_sqlx`, `insert_postgres`), `TABLE`, `COLUMNS`, `SELECT` and `INSERT`; per enum and
/// composite type a Rust type for both clients. The generated code names every crate it needs
/// through `chatbi_db`, so `chatbi-db` is the only dependency it asks for. Options after the
/// path: `module`, `serde = true`, `time = "time"`, `views = false`, `runtime = "::path"`.
#[proc_macro]
pub fn tables(input: TokenStream) -> TokenStream {
    tables::expand(input.into()).into()
}
