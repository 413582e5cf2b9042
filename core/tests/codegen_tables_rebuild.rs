//! Changing a migration changes the generated structs on the next `cargo build`: a scratch crate
//! using `tables!` (through `chatbi-db-macros`) is built and run, a column is added to its
//! migration, and the next `cargo run` sees it.

mod support;

use std::path::{Path, PathBuf};

const MAIN: &str = r#"chatbi_db_macros::tables!("migrations", runtime = "", module = "schema");
fn main() {
    println!("{}", schema::notes::COLUMNS.join(","));
}
"#;

fn run(root: &Path, target: &Path) -> String {
    let out = support::scratch_cargo(root, target, &["run", "--quiet"])
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "scratch crate failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn editing_a_migration_regenerates_the_structs() {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let root = tmp.join("tables-rebuild-scratch");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::create_dir_all(root.join("migrations")).unwrap();
    let macros = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../macros")
        .canonicalize()
        .unwrap();
    let manifest = format!(
        r#"[package]
name = "tables-rebuild-scratch"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
chatbi-db-macros = {{ path = "{}" }}
sqlx = {{ version = "0.9", default-features = false, features = ["postgres", "derive", "chrono"] }}
postgres = {{ version = "0.19", features = ["with-chrono-0_4"] }}
postgres-types = {{ version = "0.2", features = ["derive"] }}
chrono = {{ version = "0.4", default-features = false, features = ["clock", "std"] }}

[workspace]
"#,
        macros.display()
    );
    std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    std::fs::copy(lock, root.join("Cargo.lock")).unwrap();
    std::fs::write(root.join("src/main.rs"), MAIN).unwrap();
    let migration = root.join("migrations/0001_notes.sql");
    std::fs::write(
        &migration,
        "CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);\n",
    )
    .unwrap();
    let target = tmp.join("tables-scratch-target");
    assert_eq!(run(&root, &target), "id,body");
    std::fs::write(
        &migration,
        "CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL, created_at timestamptz);\n",
    )
    .unwrap();
    assert_eq!(run(&root, &target), "id,body,created_at");
}
