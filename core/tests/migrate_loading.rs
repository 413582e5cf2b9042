//! Loading rules on real directories (temp dirs): what sqlx 0.9 and diesel load, the
//! default loads; what they skip is named in a warning; a strict load (option, or a lock
//! file) refuses the doubtful cases. The rules come from sqlx-core 0.9's
//! `migrate/source.rs` (`resolve_blocking`) and `migrator.rs`, and diesel_migrations'
//! `FileBasedMigrations`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use chatbi_db_core::migrate::{
    Layout, LoadOptions, LoadWarningKind, Loaded, MigrateError, MigrateErrorKind, load_dir_with,
};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(files: &[(&str, &str)]) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("chatbi-load-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (path, text) in files {
            let path = dir.join(path);
            if path.to_string_lossy().ends_with('/') {
                std::fs::create_dir_all(&path).unwrap();
                continue;
            }
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn options(strict: bool) -> LoadOptions {
    LoadOptions {
        display: Some("m".into()),
        strict,
        ..LoadOptions::default()
    }
}

fn load(files: &[(&str, &str)]) -> Loaded {
    let dir = TempDir::new(files);
    load_dir_with(dir.path(), &options(false)).unwrap_or_else(|e| panic!("{e:?}"))
}

fn refuse(files: &[(&str, &str)]) -> Vec<MigrateError> {
    let dir = TempDir::new(files);
    load_dir_with(dir.path(), &options(true)).unwrap_err()
}

fn warnings(loaded: &Loaded) -> Vec<String> {
    loaded.warnings.iter().map(ToString::to_string).collect()
}

fn versions(loaded: &Loaded) -> Vec<i64> {
    loaded.set.migrations.iter().map(|m| m.version).collect()
}

const T: &str = "create table t (id int);\n";

#[test]
fn up_without_down_is_an_up_migration() {
    let files = [
        ("1_a.up.sql", T),
        ("2_b.up.sql", "select 1;\n"),
        ("2_b.down.sql", ""),
    ];
    let loaded = load(&files);
    assert_eq!(versions(&loaded), [1, 2]);
    assert!(loaded.set.migrations[0].down_sql.is_none());
    assert!(loaded.warnings.is_empty(), "{:?}", warnings(&loaded));
    let errors = refuse(&files);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].file, "m/1_a.up.sql");
    assert!(matches!(
        errors[0].kind,
        MigrateErrorKind::MissingDown { .. }
    ));
}

#[test]
fn down_without_up_is_a_down_only_migration_never_applied() {
    // zksync-era's shape: the up was renamed to a new version, its down stayed behind.
    let files = [
        ("1_a.up.sql", T),
        ("1_a.down.sql", "drop table t;\n"),
        ("2_jobs.down.sql", "drop table jobs;\n"),
        ("3_jobs.up.sql", "create table jobs (id int);\n"),
    ];
    let loaded = load(&files);
    assert_eq!(versions(&loaded), [1, 3]);
    assert_eq!(loaded.set.down_only.len(), 1);
    let d = &loaded.set.down_only[0];
    assert_eq!(
        (d.version, &*d.description, &*d.file),
        (2, "jobs", "2_jobs.down.sql")
    );
    assert_eq!(d.sql, "drop table jobs;\n");
    assert!(loaded.set.knows_version(2) && !loaded.set.knows_version(4));
    assert_eq!(
        warnings(&loaded),
        [
            "m/2_jobs.down.sql: warning: loaded as a down-only migration: no up file for this \
          version, so `upgrade` never runs it (as sqlx)"
        ]
    );
    let errors = refuse(&files);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].file, "m/2_jobs.down.sql");
    assert_eq!(
        errors[0].kind,
        MigrateErrorKind::MissingUp {
            expected: "2_jobs.up.sql".into()
        }
    );
    assert!(matches!(
        errors[1].kind,
        MigrateErrorKind::MissingDown { .. }
    ));
}

#[test]
fn sqlx_pairs_up_and_down_by_version() {
    // sqlx's `undo` reverts a version with the down of that version, whatever its name;
    // a single-file migration with a down file is reverted by it too.
    let loaded = load(&[
        ("1_create.up.sql", T),
        ("1_drop.down.sql", "drop table t;\n"),
        ("2_x.sql", "select 1;\n"),
        ("2_x.down.sql", "select 2;\n"),
    ]);
    assert_eq!(versions(&loaded), [1, 2]);
    let m = &loaded.set.migrations;
    assert_eq!(m[0].description, "create");
    assert_eq!(m[0].down_file.as_deref(), Some("1_drop.down.sql"));
    assert_eq!(m[1].down_sql.as_deref(), Some("select 2;\n"));
    // Two up files of one version are refused (sqlx would fail inserting the second row).
    let dir = TempDir::new(&[("1_a.sql", T), ("1_b.up.sql", T)]);
    let errors = load_dir_with(dir.path(), &options(false)).unwrap_err();
    assert!(matches!(
        errors[0].kind,
        MigrateErrorKind::DuplicateVersion { version: 1, .. }
    ));
}

#[test]
fn empty_files_are_migrations_that_do_nothing() {
    let files = [
        ("1_a.sql", T),
        ("2_nothing.sql", ""),
        ("3_blank.up.sql", " \n\t\n"),
    ];
    let loaded = load(&files);
    assert_eq!(versions(&loaded), [1, 2, 3]);
    assert_eq!(loaded.set.migrations[1].up_sql, "");
    assert_eq!(loaded.set.migrations[2].up_sql, " \n\t\n");
    let errors = refuse(&files);
    let kinds: Vec<_> = errors.iter().map(|e| (e.file.as_str(), &e.kind)).collect();
    assert!(
        kinds.contains(&("m/2_nothing.sql", &MigrateErrorKind::Empty)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("m/3_blank.up.sql", &MigrateErrorKind::Empty)),
        "{kinds:?}"
    );
}

#[test]
fn a_lock_file_makes_the_load_strict() {
    let dir = TempDir::new(&[("1_a.up.sql", T), ("migrations.lock", "garbage\n")]);
    let lenient = LoadOptions {
        check_lock: false,
        ..options(false)
    };
    let errors = load_dir_with(dir.path(), &lenient).unwrap_err();
    assert!(
        matches!(errors[0].kind, MigrateErrorKind::MissingDown { .. }),
        "{errors:?}"
    );
}

#[test]
fn signed_versions_load_as_sqlx_parses_them() {
    // sqlx parses the prefix with `i64::from_str`, which takes a sign.
    let loaded = load(&[
        ("-5_x.sql", T),
        ("+7_y.sql", "select 1;\n"),
        ("1_z.sql", ""),
    ]);
    assert_eq!(versions(&loaded), [-5, 1, 7]);
    assert_eq!(
        warnings(&loaded),
        [
            "m/+7_y.sql: warning: loaded as version 7: sqlx reads the signed prefix `+7` as an integer",
            "m/-5_x.sql: warning: loaded as version -5: sqlx reads the signed prefix `-5` as an integer",
        ]
    );
}

#[test]
fn names_sqlx_skips_are_warned_not_dropped_silently() {
    let files = [
        ("1_a.sql", T),
        ("3.sql", "select 3;\n"),
        ("0004-add.sql", "select 4;\n"),
        ("data_seed.sql", "select 5;\n"),
        ("seed.sql", "select 6;\n"),
        ("README.md", "notes\n"),
    ];
    let loaded = load(&files);
    assert_eq!(versions(&loaded), [1]);
    let w = warnings(&loaded);
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(
        w[0].starts_with("m/0004-add.sql: warning: not loaded: sqlx ignores"),
        "{w:?}"
    );
    assert!(
        w[1].starts_with("m/3.sql: warning: not loaded: sqlx ignores"),
        "{w:?}"
    );
    assert!(w[2].starts_with("m/data_seed.sql: warning: not loaded: `data` is not a version"));
    // Strict: the names that start like a version are errors; the others stay warnings.
    let errors = refuse(&files);
    let named: Vec<&str> = errors.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(named, ["m/0004-add.sql", "m/3.sql"]);
}

#[test]
fn a_folder_named_like_a_migration_in_a_sqlx_set_is_warned() {
    let loaded = load(&[
        ("1_a.sql", T),
        ("2_b.sql", "select 2;\n"),
        ("3_c/", ""),
        ("4_d.sql/", ""),
        ("20240101_e/up.sql", "select 5;\n"),
        ("fixtures/x.sql", "select 6;\n"),
    ]);
    assert_eq!(loaded.set.layout, Layout::Sqlx);
    assert_eq!(versions(&loaded), [1, 2]);
    let w = warnings(&loaded);
    assert_eq!(
        w,
        [
            "m/20240101_e/: warning: not loaded: sqlx reads only the files at the top of the migration directory",
            "m/3_c/: warning: not loaded: sqlx reads only the files at the top of the migration directory",
            "m/4_d.sql/: warning: not loaded: sqlx reads only the files at the top of the migration directory",
        ]
    );
}

#[test]
fn a_sqlx_file_beside_diesel_folders_is_warned() {
    let loaded = load(&[
        ("2024-01-01-000000_a/up.sql", T),
        ("2024-01-01-000000_a/down.sql", "drop table t;\n"),
        ("2024-01-02-000000_b/up.sql", "select 1;\n"),
        ("20240103000000_c.sql", "select 2;\n"),
        ("notes/", ""),
        ("README.md", ""),
    ]);
    assert_eq!(loaded.set.layout, Layout::Diesel);
    assert_eq!(versions(&loaded), [20_240_101_000_000, 20_240_102_000_000]);
    let w = warnings(&loaded);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].starts_with(
        "m/20240103000000_c.sql: warning: not loaded: this directory uses diesel's layout"
    ));
    assert_eq!(
        w[1],
        "m/notes/: warning: not loaded: a diesel migration folder without `up.sql` (diesel refuses it)"
    );
}

#[test]
fn diesel_folders_without_up_or_with_odd_versions() {
    // A folder with down.sql and no up.sql: diesel refuses the directory, so do we.
    let dir = TempDir::new(&[
        ("2024-01-01-000000_a/up.sql", T),
        ("2024-01-02-000000_b/down.sql", "select 1;\n"),
    ]);
    let errors = load_dir_with(dir.path(), &options(false)).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].file, "m/2024-01-02-000000_b");
    assert_eq!(errors[0].kind, MigrateErrorKind::MissingDieselUp);
    // diesel takes the part before the first `_` (dashes dropped) as the version, and a
    // folder without `_` is all version; a version that is not numeric cannot be recorded.
    let files = [
        ("2024-01-01-000000_a/up.sql", T),
        ("20240102000000/up.sql", "select 1;\n"),
        ("initial_setup/up.sql", "select 2;\n"),
    ];
    let loaded = load(&files);
    assert_eq!(versions(&loaded), [20_240_101_000_000, 20_240_102_000_000]);
    assert_eq!(loaded.set.migrations[1].description, "");
    let w = warnings(&loaded);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("m/initial_setup/up.sql: warning: not loaded: diesel would run"));
    let errors = refuse(&files);
    assert!(matches!(
        errors[0].kind,
        MigrateErrorKind::UnparseableName { .. }
    ));
}

#[test]
fn a_byte_order_mark_is_refused_at_validation() {
    // PostgreSQL 15 (`printf '\xef\xbb\xbfcreate table t (id int);\n' > bom.sql;
    // psql -X -c "$(cat bom.sql)"`): ERROR:  syntax error at or near "\u{feff}create",
    // LINE 1, caret at the first character. (psql -f strips the mark itself; sqlx and our
    // runner send the file's text as it is.)
    let dir = TempDir::new(&[("1_a.sql", "\u{feff}create table t (id int);\n")]);
    let errors = load_dir_with(dir.path(), &options(false)).unwrap_err();
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert_eq!((e.file.as_str(), e.line(), e.column()), ("m/1_a.sql", 1, 1));
    assert!(
        e.to_string()
            .starts_with("m/1_a.sql:1:1: error: syntax error at or near \"\u{feff}create\""),
        "{e}"
    );
}

#[test]
fn zksync_era_loads_as_sqlx_loads_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus2/matter-labs__zksync-era/migrations");
    let loaded = load_dir_with(&dir, &options(false)).unwrap_or_else(|e| panic!("{e:?}"));
    // MANIFEST.txt: 269 up-migrations, applied 269/269 on PostgreSQL 15.
    assert_eq!(loaded.set.migrations.len(), 269);
    let down_only: Vec<i64> = loaded.set.down_only.iter().map(|d| d.version).collect();
    assert_eq!(down_only, [20_240_325_133_100]);
    assert!(
        loaded
            .set
            .migrations
            .iter()
            .any(|m| m.version == 20_240_325_143_100 && m.down_sql.is_none())
    );
    assert_eq!(loaded.warnings.len(), 1);
    assert!(matches!(
        loaded.warnings[0].kind,
        LoadWarningKind::DownWithoutUp
    ));
    assert!(
        load_dir_with(&dir, &options(true)).is_err(),
        "strict refuses the lone files"
    );
}

#[test]
fn every_public_set_loads_with_its_manifest_counts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    // Up-migration counts from each set's MANIFEST.txt (`migrations_count`).
    for (set, layout, count, warned) in [
        (
            "corpus/LukeMathWalker__zero-to-production",
            Layout::Sqlx,
            13,
            0,
        ),
        ("corpus/maxcountryman__underway", Layout::Sqlx, 11, 0),
        ("corpus/meetsmore__nittei", Layout::Sqlx, 20, 0),
        ("corpus/rust-lang__bors", Layout::Sqlx, 35, 0),
        ("corpus/rust-lang__crates.io", Layout::Diesel, 285, 0),
        ("corpus/rust-lang__docs.rs", Layout::Sqlx, 33, 0),
        (
            "corpus2/aptos-labs__aptos-indexer-processors",
            Layout::Diesel,
            74,
            0,
        ),
        ("corpus2/chirpstack__chirpstack", Layout::Diesel, 31, 0),
        ("corpus2/matter-labs__zksync-era", Layout::Sqlx, 269, 1),
        (
            "corpus2/matter-labs__zksync-era__prover_dal",
            Layout::Sqlx,
            18,
            0,
        ),
    ] {
        let dir = root.join(set).join("migrations");
        let loaded = load_dir_with(&dir, &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{set}: {}", e[0]));
        assert_eq!(loaded.set.layout, layout, "{set}");
        assert_eq!(loaded.set.migrations.len(), count, "{set}");
        assert_eq!(
            loaded.warnings.len(),
            warned,
            "{set}: {:?}",
            warnings(&loaded)
        );
    }
}
