//! Shared helpers for the integration tests (`mod support;`).
//!
//! The database harness itself is the public `chatbi_db::testing` module
//! (`TestDb::new()`); this module adds scratch migration directories and a way to run
//! the `chatbi-db` binary.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// A temporary directory holding the given migration files (`(file name, contents)`).
pub fn migration_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("chatbi-db-migrations-")
        .tempdir()
        .expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write migration");
    }
    dir
}

/// The repository's ChatBI migration directories.
pub fn chatbi_migrations() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
}

/// The repository's demo migration directory.
pub fn demo_migrations() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations_demo"))
}

/// A `chatbi-db` command with a clean environment (no DATABASE_URL, no colours),
/// run from a temporary working directory so no `.env` is picked up.
pub fn chatbi_db() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatbi-db"));
    cmd.env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .current_dir(std::env::temp_dir());
    cmd
}

/// Runs `chatbi-db` with `args` against `url`.
pub fn run(url: &str, args: &[&str]) -> Output {
    chatbi_db()
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .expect("run chatbi-db")
}

/// stdout + stderr as text.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Asserts the command exited with `code`, showing its output otherwise.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "output:\n{}", text(out));
}
