//! Every corpus project and both ChatBI sets load and pass validation, with the
//! expected layouts, counts, descriptions and sqlx-compatible checksums.

use std::path::{Path, PathBuf};
use std::process::Command;

use chatbi_db_core::migrate::{Layout, MigrationSet, load_dir};

fn corpus(project: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(project)
        .join("migrations")
}

fn load(project: &str) -> MigrationSet {
    let dir = corpus(project);
    load_dir(&dir, None).unwrap_or_else(|e| panic!("{project}: {e}"))
}

/// SHA-384 of a file by the system's `sha384sum`, an oracle independent of our code.
fn sha384sum(path: &Path) -> String {
    let out = Command::new("sha384sum")
        .arg(path)
        .output()
        .expect("sha384sum runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn corpus_projects_load_with_expected_counts() {
    for (project, layout, count) in [
        ("LukeMathWalker__zero-to-production", Layout::Sqlx, 13),
        ("maxcountryman__underway", Layout::Sqlx, 11),
        ("meetsmore__nittei", Layout::Sqlx, 20),
        ("rust-lang__bors", Layout::Sqlx, 35),
        ("rust-lang__docs.rs", Layout::Sqlx, 33),
        ("rust-lang__crates.io", Layout::Diesel, 285),
    ] {
        let set = load(project);
        assert_eq!(set.layout, layout, "{project}");
        assert_eq!(set.migrations.len(), count, "{project}");
        assert!(
            set.migrations
                .windows(2)
                .all(|w| w[0].version < w[1].version),
            "{project}: ascending"
        );
    }
}

#[test]
fn sqlx_names_descriptions_and_kinds() {
    let nittei = load("meetsmore__nittei");
    let m = nittei
        .migrations
        .iter()
        .find(|m| m.version == 20240930000000)
        .unwrap();
    assert_eq!(m.description, "calendar add key copy");
    assert_eq!(m.up_file, "20240930000000_calendar_add_key copy.sql");
    assert!(m.down_sql.is_none());

    let bors = load("rust-lang__bors");
    let m = &bors.migrations[0];
    assert_eq!(
        (m.version, &*m.description),
        (20240517094752, "create build")
    );
    assert_eq!(m.up_file, "20240517094752_create_build.up.sql");
    assert_eq!(
        m.down_file.as_deref(),
        Some("20240517094752_create_build.down.sql")
    );
    assert!(bors.migrations.iter().all(|m| m.down_sql.is_some()));
}

#[test]
fn checksums_are_sha384_of_raw_bytes() {
    for project in [
        "rust-lang__docs.rs",
        "meetsmore__nittei",
        "rust-lang__crates.io",
    ] {
        let set = load(project);
        let dir = corpus(project);
        for m in set.migrations.iter().step_by(7) {
            assert_eq!(
                m.checksum_hex(),
                sha384sum(&dir.join(&*m.up_file)),
                "{project} {}",
                m.up_file
            );
            assert_eq!(
                m.up_sql.as_bytes(),
                std::fs::read(dir.join(&*m.up_file)).unwrap()
            );
        }
    }
}

#[test]
fn diesel_versions_metadata_and_ignored_files() {
    let set = load("rust-lang__crates.io");
    let by_file = |f: &str| {
        set.migrations
            .iter()
            .find(|m| m.up_file == f)
            .unwrap_or_else(|| panic!("{f}"))
    };
    let m = by_file("2017-09-26-200549_users_lowercase_index/up.sql");
    assert_eq!(m.version, 20170926200549);
    assert_eq!(m.description, "users lowercase index");
    let m = by_file("2026-07-30-140000-0000_add_users_username_index/up.sql");
    assert_eq!(m.version, 202607301400000000);
    assert!(m.no_transaction, "metadata.toml run_in_transaction = false");
    assert_eq!(
        by_file("00000000000000_diesel_initial_setup/up.sql").version,
        0
    );
    assert_eq!(
        by_file("2019-11-15-182353_Add email notifications to crate owners/up.sql").description,
        "Add email notifications to crate owners"
    );
    // The seven metadata.toml files with run_in_transaction = false, and no others.
    assert_eq!(
        set.migrations.iter().filter(|m| m.no_transaction).count(),
        7
    );
    assert!(
        set.migrations
            .iter()
            .all(|m| !m.up_file.contains("data_oauth_github"))
    );
}

#[test]
fn chatbi_sets_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for dir in ["migrations", "migrations_demo"] {
        let set = load_dir(&root.join(dir), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(set.layout, Layout::Sqlx);
        assert!(!set.migrations.is_empty(), "{dir}");
        assert_eq!(set.migrations[0].version, 1, "{dir}");
    }
}

/// The corpus's down files hold real bugs that never ran: loading warns about them
/// (and `strict_down`, which `embed_migrations!` uses, refuses them).
#[test]
fn corpus_down_file_findings() {
    use chatbi_db_core::migrate::{LoadOptions, load_dir_with};
    let loaded = load_dir_with(&corpus("rust-lang__crates.io"), &LoadOptions::default()).unwrap();
    let warnings: Vec<String> = loaded.down_warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert!(warnings[0].ends_with(
        "20170318181441_downloads_need_no_id/down.sql:1:65: error: syntax error at or near \"ALTER\": missing comma"
    ), "{}", warnings[0]);
    assert!(warnings[1].contains("2024-04-12-144536_remove-downloads-column/down.sql:4:1: error: CREATE INDEX CONCURRENTLY cannot run inside a transaction block"));
    let strict = LoadOptions {
        strict_down: true,
        ..LoadOptions::default()
    };
    let errors = load_dir_with(&corpus("rust-lang__crates.io"), &strict).unwrap_err();
    assert_eq!(errors.len(), 3);
    for project in [
        "LukeMathWalker__zero-to-production",
        "maxcountryman__underway",
        "meetsmore__nittei",
        "rust-lang__bors",
        "rust-lang__docs.rs",
    ] {
        let loaded =
            load_dir_with(&corpus(project), &strict).unwrap_or_else(|e| panic!("{project}: {e:?}"));
        assert!(loaded.down_warnings.is_empty());
    }
}
