//! Rebuild when migrations or offline query data change, so the macros that read
//! them at compile time (`embed_migrations!`, `tables!`, `sqlx::query!`) re-run.

fn main() {
    for dir in ["migrations", "migrations_demo", ".sqlx"] {
        println!("cargo::rerun-if-changed={dir}");
    }
}
