//! Figures for `tables!` (not a pass/fail test; run on demand):
//!
//! ```text
//! cargo bench -p chatbi-db-core --bench codegen_tables
//! cargo bench -p chatbi-db-core --bench codegen_tables --profile dev \
//!     --config 'profile.dev.package.chatbi-db-core.opt-level=0'
//! ```
//!
//! Prints, for ChatBI's migrations and crates.io's corpus schema: expansion time (model + code
//! generation, median of several runs), generated lines (rustfmt'd) and the `cargo build` time of
//! the generated code in a scratch crate with warm dependencies.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chatbi_db_core::codegen::tables::{
    SchemaModel, TablesOptions, model_from_migrations, try_generate,
};
use proc_macro2::TokenStream;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<F: FnMut() -> TokenStream>(mut f: F) -> (Duration, TokenStream) {
    let mut out = f();
    let mut runs = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        out = f();
        runs.push(t.elapsed());
    }
    (median(runs), out)
}

fn scratch_build(name: &str, code: &TokenStream) -> Option<(usize, Duration)> {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let root = tmp.join(format!("tables-bench-{name}"));
    std::fs::create_dir_all(root.join("src")).ok()?;
    let manifest = std::fs::read_to_string(tmp.join("tables-corpus-scratch/Cargo.toml")).ok()?;
    std::fs::write(
        root.join("Cargo.toml"),
        manifest.replace("tables-corpus-scratch", &format!("tables-bench-{name}")),
    )
    .ok()?;
    let lock = tmp.join("tables-corpus-scratch/Cargo.lock");
    let _ = std::fs::copy(lock, root.join("Cargo.lock"));
    let file = root.join("src/lib.rs");
    std::fs::write(&file, format!("#![allow(missing_docs)]\n{code}")).ok()?;
    Command::new("rustfmt")
        .arg("--edition=2024")
        .arg(&file)
        .status()
        .ok()?;
    let lines = std::fs::read_to_string(&file).ok()?.lines().count();
    let build = || {
        Command::new(env!("CARGO"))
            .args(["build", "--quiet"])
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", tmp.join("tables-scratch-target"))
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    // Warm dependencies, then time a rebuild of the generated code alone.
    if !build() {
        return None;
    }
    let text = std::fs::read_to_string(&file).ok()?;
    std::fs::write(&file, format!("{text}\n")).ok()?;
    let t = Instant::now();
    build().then(|| (lines, t.elapsed()))
}

fn main() {
    let opts = TablesOptions::default();
    let chatbi = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let (t_chatbi, code_chatbi) = time(|| {
        let (model, _) = model_from_migrations(&chatbi).unwrap();
        try_generate(&model, &opts).unwrap()
    });
    let (model, _) = model_from_migrations(&chatbi).unwrap();
    let (t_chatbi_gen, _) = time(|| try_generate(&model, &opts).unwrap());

    let crates_io =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/rust-lang__crates.io");
    let text = std::fs::read_to_string(crates_io.join("catalog.pg15.json")).unwrap();
    let (t_cio, code_cio) = time(|| {
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        try_generate(&SchemaModel::from_catalog_json(&json).unwrap(), &opts).unwrap()
    });
    let (t_cio_replay, _) = time(|| {
        let (model, _) = model_from_migrations(&crates_io.join("migrations")).unwrap();
        try_generate(&model, &opts).unwrap()
    });
    let profile = if cfg!(debug_assertions) {
        "debug assertions on"
    } else {
        "release"
    };
    println!("profile: {profile}");
    println!(
        "chatbi: migrations -> tokens (load + replay + generate) {t_chatbi:?}, generate alone {t_chatbi_gen:?}"
    );
    println!(
        "crates.io: catalog.pg15.json -> tokens {t_cio:?}; 285 migrations -> tokens (load + replay + generate) {t_cio_replay:?}"
    );
    for (name, code) in [("chatbi", &code_chatbi), ("crates_io", &code_cio)] {
        let tokens = code.clone().into_iter().count();
        match scratch_build(name, code) {
            Some((lines, t)) => println!(
                "{name}: {tokens} top-level token trees, {lines} lines rustfmt'd, cargo build of the generated code (warm deps) {t:?}"
            ),
            None => println!("{name}: scratch build unavailable (run codegen_tables_corpus first)"),
        }
    }
}
