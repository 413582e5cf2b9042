//! Rebuild when migrations or offline query data change, so the macros that read
//! them at compile time (`embed_migrations!`, `tables!`, `sqlx::query!`) re-run;
//! and fail the build when `.sqlx/` no longer matches the migrations.
//!
//! sqlx trusts `.sqlx/` until `cargo sqlx prepare --check` runs against a live
//! server. Here every offline file is described again from the schema that
//! `migrations/` produces (core's catalog and analyser, no database), so a
//! migration that drops or retypes a column a query uses breaks `cargo build`
//! with the query, what changed, and the command that fixes it.

use std::path::Path;

use chatbi_db_core::describe::verify;

fn main() {
    for dir in ["migrations", "migrations_demo", ".sqlx"] {
        println!("cargo::rerun-if-changed={dir}");
    }
    let offline = Path::new(".sqlx");
    if !offline.is_dir() {
        return;
    }
    let failure = match verify::schema_from_migrations(Path::new("migrations"), None) {
        // The macros report a migration set that does not load or replay, with positions.
        Err(_) => return,
        Ok((schema, _notes)) => match verify::verify_dir(&schema, offline, false) {
            Ok(report) => report.build_error("cargo run --bin chatbi-db -- sqlx prepare"),
            Err(e) => Some(format!("cannot read .sqlx: {e}")),
        },
    };
    if let Some(message) = failure {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}
