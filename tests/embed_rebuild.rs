//! A crate embedding migrations with `embed_migrations!()` picks up an added, an
//! edited and a removed migration file on the next `cargo build`: include_str! covers
//! edits, and the `build.rs` line `cargo::rerun-if-changed=migrations` (which the
//! macro's documentation asks users to add) covers additions and removals.
//!
//! The scratch crate lives in `<target>/tmp/embed-rebuild` and builds into this test's
//! own target directory with a copy of our `Cargo.lock` and profiles, so the compiled
//! dependencies are reused instead of rebuilt.

use std::path::{Path, PathBuf};
use std::process::Command;

const MAIN_RS: &str = r#"
static MIGRATOR: chatbi_db::Migrator = chatbi_db::embed_migrations!();

fn main() {
    let migrations = MIGRATOR.migrations();
    println!("count {}", migrations.len());
    for m in migrations {
        let hex: String = m.checksum.iter().map(|b| format!("{b:02x}")).collect();
        println!("{} {} {}", m.version, m.up_file, hex);
    }
}
"#;

const BUILD_RS: &str = r#"
fn main() {
    println!("cargo::rerun-if-changed=migrations");
}
"#;

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

/// The `[profile…]` tables of our manifest, so dependencies hash the same.
fn profiles() -> String {
    let manifest = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let mut out = String::new();
    let mut keep = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            keep = line.starts_with("[profile");
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn write_crate(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    let manifest = format!(
        "[package]\nname = \"embed-rebuild-scratch\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nchatbi-db = {{ path = {:?} }}\n\n[workspace]\n\n{}",
        repo().display().to_string(),
        profiles()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(dir.join("build.rs"), BUILD_RS).unwrap();
    std::fs::write(dir.join("src/main.rs"), MAIN_RS).unwrap();
}

/// Builds and runs the scratch crate; returns its output lines.
fn build_and_run(dir: &Path) -> Vec<String> {
    // Let a file system timestamp tick between a change and the build that must see it.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["run", "--quiet", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_PRIMARY_PACKAGE")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "scratch crate failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// `sha384sum` of a file: an oracle independent of our code.
fn sha384sum(path: &Path) -> String {
    let out = Command::new("sha384sum").arg(path).output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn expected(dir: &Path, files: &[(i64, &str)]) -> Vec<String> {
    let mut lines = vec![format!("count {}", files.len())];
    for (version, file) in files {
        let sum = sha384sum(&dir.join("migrations").join(file));
        lines.push(format!("{version} {file} {sum}"));
    }
    lines
}

#[test]
fn added_edited_and_removed_migrations_are_picked_up() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("embed-rebuild");
    write_crate(&dir);
    let migrations = dir.join("migrations");
    std::fs::write(
        migrations.join("0001_init.sql"),
        "create table a (id int);\n",
    )
    .unwrap();
    std::fs::write(
        migrations.join("0002_add_b.sql"),
        "create table b (id int);\n",
    )
    .unwrap();
    let first = build_and_run(&dir);
    assert_eq!(
        first,
        expected(&dir, &[(1, "0001_init.sql"), (2, "0002_add_b.sql")])
    );

    // Added.
    std::fs::write(
        migrations.join("0003_add_c.sql"),
        "create table c (id int);\n",
    )
    .unwrap();
    let added = build_and_run(&dir);
    assert_eq!(
        added,
        expected(
            &dir,
            &[
                (1, "0001_init.sql"),
                (2, "0002_add_b.sql"),
                (3, "0003_add_c.sql")
            ]
        )
    );

    // Edited.
    std::fs::write(
        migrations.join("0002_add_b.sql"),
        "create table b (id bigint);\n",
    )
    .unwrap();
    let edited = build_and_run(&dir);
    assert_ne!(edited[2], added[2], "the checksum of 0002 changed");
    assert_eq!(
        edited,
        expected(
            &dir,
            &[
                (1, "0001_init.sql"),
                (2, "0002_add_b.sql"),
                (3, "0003_add_c.sql")
            ]
        )
    );

    // Removed.
    std::fs::remove_file(migrations.join("0003_add_c.sql")).unwrap();
    let removed = build_and_run(&dir);
    assert_eq!(
        removed,
        expected(&dir, &[(1, "0001_init.sql"), (2, "0002_add_b.sql")])
    );
}
