//! `embed_migrations!` refuses bad migration sets at compile time: one trybuild case
//! per error, the expected messages in `tests/compile_fail/*.stderr`; and loads what
//! sqlx loads without `strict` (`tests/compile_pass/`).
//!
//! trybuild compiles each case in its own project under
//! `<target>/tests/trybuild/chatbi-db`, where `CARGO_MANIFEST_DIR` points; the macro
//! resolves paths against it, so that project gets a `tests` symlink to ours.

use std::path::{Path, PathBuf};

fn trybuild_project_dir() -> PathBuf {
    // <target>/<profile>/deps/<this test binary>
    let exe = std::env::current_exe().expect("test binary path");
    let target = exe
        .ancestors()
        .nth(3)
        .expect("test binary lives in <target>/<profile>/deps");
    target.join("tests").join("trybuild").join("chatbi-db")
}

#[test]
fn embed_migrations_compile_errors() {
    let project = trybuild_project_dir();
    std::fs::create_dir_all(&project).expect("trybuild project directory");
    let link = project.join("tests");
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    if std::fs::read_link(&link).ok().as_deref() != Some(ours.as_path()) {
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&ours, &link).expect("symlink the tests directory");
    }
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
    cases.pass("tests/compile_pass/*.rs");
}
