//! The README's "In your own crate" example, built exactly as written in a new crate whose only
//! dependency is `chatbi-db`, with real cargo, and run against a real server.
//!
//! The README marks each block of the example with `<!-- readme-crate: PATH -->`; this test
//! writes each marked block to PATH in a scratch crate (the `Cargo.toml` blocks after a
//! `[package]` header, with the dependency's path pointed at this repository), builds it, and
//! fails on any warning from our crates or the scratch crate (the generated code lands there).
//! The scratch crate lives in `<target>/tmp/readme-crate` and builds into this test's own target
//! directory with a copy of our `Cargo.lock` and profiles, as `embed_rebuild.rs` does, so the
//! compiled dependencies are reused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chatbi_db::testing::TestDb;

const MARK: &str = "<!-- readme-crate: ";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn target_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target directory")
        .to_path_buf()
}

/// The README's marked blocks: file path -> the blocks' text, in README order.
fn readme_blocks() -> BTreeMap<String, String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(path) = line.strip_prefix(MARK).and_then(|r| r.strip_suffix(" -->")) else {
            continue;
        };
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "README: a fenced block must follow {line}"
        );
        let text = files.entry(path.to_string()).or_default();
        for body in lines.by_ref() {
            if body == "```" {
                break;
            }
            text.push_str(body);
            text.push('\n');
        }
    }
    files
}

/// The `[profile…]` tables of our manifest, each header with its lines.
fn our_profiles() -> Vec<(String, String)> {
    let manifest = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let mut tables: Vec<(String, String)> = Vec::new();
    let mut keep = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            keep = line.starts_with("[profile");
            if keep {
                tables.push((line.to_string(), String::new()));
            }
        } else if keep && !line.trim().is_empty() {
            let body = &mut tables.last_mut().expect("a profile table").1;
            body.push_str(line);
            body.push('\n');
        }
    }
    tables
}

/// The scratch manifest: a `[package]` header, the README's `Cargo.toml` blocks with the one
/// dependency pointed at this repository, and the profile tables of ours the README leaves out
/// (debug info settings), so that dependencies hash as in our own build.
fn manifest(readme: &str) -> String {
    let deps: Vec<&str> = readme
        .lines()
        .skip_while(|l| *l != "[dependencies]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(deps.len(), 1, "README: one dependency: {deps:?}");
    let dep = deps[0];
    assert!(dep.starts_with("chatbi-db = { path = \""), "README: {dep}");
    let quoted = dep.split('"').nth(1).expect("README: a quoted path");
    let ours = repo().display().to_string();
    let readme = readme.replace(dep, &dep.replace(quoted, &ours));
    let mut out = String::from(
        "[package]\nname = \"readme-crate\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         publish = false\n\n",
    );
    out.push_str(&readme);
    out.push_str("\n[workspace]\n\n");
    for (header, body) in our_profiles() {
        match readme.split_once(&format!("{header}\n")) {
            Some((_, after)) => assert!(
                after.starts_with(&body),
                "README's {header} differs from Cargo.toml's:\n{body}"
            ),
            None => out.push_str(&format!("{header}\n{body}")),
        }
    }
    out
}

fn write_crate(dir: &Path) {
    let blocks = readme_blocks();
    let names: Vec<&str> = blocks.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "Cargo.toml",
            "build.rs",
            "migrations/0001_notes.sql",
            "src/main.rs"
        ],
        "README: the marked blocks"
    );
    let _ = std::fs::remove_dir_all(dir);
    for (path, text) in &blocks {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let text = if path == "Cargo.toml" {
            manifest(text)
        } else {
            text.clone()
        };
        std::fs::write(file, text).unwrap();
    }
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

/// Builds the scratch crate; returns the diagnostics (warnings and errors) from our crates and
/// the scratch crate, rendered, and whether the build succeeded.
fn build(dir: &Path) -> (Vec<String>, bool) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "build",
            "--offline",
            "--message-format=json",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .env("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "fallback")
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_PRIMARY_PACKAGE")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let ours = [
        "chatbi-db",
        "chatbi-db-core",
        "chatbi-db-macros",
        "readme-crate",
    ];
    let mut diagnostics = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-message" {
            continue;
        }
        let package = msg["package_id"].as_str().unwrap_or_default();
        // `path+file:///…/chatbi-db#0.1.0`, `path+file:///…/core#chatbi-db-core@0.1.0`
        let name = package
            .rsplit_once('#')
            .map(|(path, version)| match version.split_once('@') {
                Some((name, _)) => name,
                None => path.rsplit('/').next().unwrap_or_default(),
            })
            .unwrap_or_default();
        if ours.contains(&name) || package.contains("readme-crate") {
            let rendered = msg["message"]["rendered"].as_str().unwrap_or_default();
            diagnostics.push(format!("{package}: {rendered}"));
        }
    }
    if !out.status.success() && diagnostics.is_empty() {
        diagnostics.push(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    (diagnostics, out.status.success())
}

#[test]
fn the_readme_example_builds_alone_with_no_warnings_and_runs() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme-crate");
    write_crate(&dir);
    let (diagnostics, ok) = build(&dir);
    assert!(
        diagnostics.is_empty(),
        "diagnostics from our crates:\n{}",
        diagnostics.join("\n")
    );
    assert!(ok, "the README's crate did not build");

    let db = TestDb::new();
    let out = Command::new(target_dir().join("debug/readme-crate"))
        .env("DATABASE_URL", db.url())
        .output()
        .expect("run the README's crate");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the README's crate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("note 1: hello ("), "{stdout}");
    let mut pg = db.client();
    let row = pg
        .query_one(
            "SELECT (SELECT count(*) FROM notes), \
             (SELECT string_agg(version::text, ',') FROM _sqlx_migrations)",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 1, "one note stored");
    assert_eq!(row.get::<_, String>(1), "1", "migration 1 recorded");
}
