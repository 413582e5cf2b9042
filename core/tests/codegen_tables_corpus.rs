//! Every corpus project's final schema (`catalog.pg15.json`) generates row structs that compile:
//! one scratch crate, one module per project, one `cargo build`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use chatbi_db_core::codegen::tables::{SchemaModel, TablesOptions, TimeCrate, try_generate};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Projects in the corpus, by directory name.
fn projects() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(corpus())
        .expect("corpus directory ../shared/corpus")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("catalog.pg15.json").is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    out
}

fn model_of(dir: &Path) -> SchemaModel {
    let text = std::fs::read_to_string(dir.join("catalog.pg15.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    SchemaModel::from_catalog_json(&json).unwrap()
}

const MANIFEST: &str = r#"[package]
name = "tables-corpus-scratch"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
sqlx = { version = "0.9", default-features = false, features = ["postgres", "runtime-tokio", "macros", "uuid", "json", "rust_decimal", "ipnetwork", "chrono", "time"] }
postgres = { version = "0.19", features = ["with-uuid-1", "with-serde_json-1", "with-chrono-0_4", "with-time-0_3"] }
postgres-types = { version = "0.2", features = ["derive"] }
rust_decimal = { version = "1", features = ["db-postgres", "serde"] }
ipnetwork = { version = "0.21", features = ["serde"] }
chrono = { version = "0.4", default-features = false, features = ["clock", "std", "serde"] }
time = { version = "0.3", features = ["serde"] }
uuid = { version = "1", features = ["serde"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[workspace]
"#;

/// Writes the scratch crate; returns its directory.
fn write_scratch(root: &Path) -> Vec<(String, usize, usize)> {
    let _ = std::fs::remove_dir_all(root.join("src"));
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("Cargo.toml"), MANIFEST).unwrap();
    let lock = workspace().join("Cargo.lock");
    if lock.is_file() && !root.join("Cargo.lock").is_file() {
        std::fs::copy(&lock, root.join("Cargo.lock")).unwrap();
    }
    let mut lib = String::from(
        "//! Generated row structs of the corpus projects.\n#![deny(warnings, missing_docs)]\n",
    );
    let mut counts = Vec::new();
    for (name, dir) in projects() {
        let model = model_of(&dir);
        let m = name
            .replace(['-', '.'], "_")
            .replace("__", "_")
            .to_lowercase();
        // Both time crates and both serde settings get exercised across the projects.
        let odd = counts.len() % 2 == 1;
        let opts = TablesOptions {
            time: if odd {
                TimeCrate::Time
            } else {
                TimeCrate::Chrono
            },
            serde: !odd,
            ..TablesOptions::default()
        };
        let code = try_generate(&model, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
        let file = root.join("src").join(format!("{m}.rs"));
        std::fs::write(&file, code.to_string()).unwrap();
        // Readable compiler errors when rustfmt is there; the build does not depend on it.
        let _ = Command::new("rustfmt")
            .arg("--edition=2024")
            .arg(&file)
            .status();
        lib.push_str(&format!("/// `{name}`.\npub mod {m};\n"));
        let cols = model.tables.iter().map(|t| t.columns.len()).sum();
        counts.push((name, model.tables.len(), cols));
    }
    std::fs::write(root.join("src/lib.rs"), &lib).unwrap();
    counts
}

#[test]
fn corpus_schemas_generate_code_that_compiles() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tables-corpus-scratch");
    let counts = write_scratch(&root);
    assert_eq!(counts.len(), 6, "six corpus projects expected: {counts:?}");
    for (name, tables, cols) in &counts {
        eprintln!("{name}: {tables} relations, {cols} columns");
    }
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tables-scratch-target");
    let out = support::scratch_cargo(&root, &target, &["build", "--quiet"])
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "generated code does not compile:\n{stderr}"
    );
}
