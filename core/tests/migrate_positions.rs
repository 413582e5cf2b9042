//! Positions of loader errors that used to carry none: `metadata.toml`, NUL bytes, and
//! statements that change the history table.

use chatbi_db_core::migrate::{
    LoadOptions, MigrateError, MigrateErrorKind, SourceFile, load_from_files,
};

fn errors(files: &[(&str, &[u8])]) -> Vec<MigrateError> {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(path, bytes)| SourceFile {
            path: (*path).to_string(),
            bytes: bytes.to_vec(),
        })
        .collect();
    match load_from_files("migrations", &LoadOptions::default(), &files) {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    }
}

#[test]
fn metadata_toml_syntax_error_has_line_and_column() {
    let e = errors(&[
        ("2020-01-01-000000_a/up.sql", b"create table a (x int);"),
        ("2020-01-01-000000_a/down.sql", b"drop table a;"),
        (
            "2020-01-01-000000_a/metadata.toml",
            b"# diesel settings\nrun_in_transaction = flase\n",
        ),
    ]);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(matches!(e[0].kind, MigrateErrorKind::Metadata(_)), "{e:?}");
    assert_eq!((e[0].line(), e[0].column()), (2, 22), "{}", e[0]);
    assert!(
        e[0].to_string().starts_with(
            "migrations/2020-01-01-000000_a/metadata.toml:2:22: error: invalid metadata.toml"
        ),
        "{}",
        e[0]
    );
}

#[test]
fn metadata_toml_wrong_type_points_at_the_key() {
    let e = errors(&[
        ("2020-01-01-000000_a/up.sql", b"create table a (x int);"),
        ("2020-01-01-000000_a/down.sql", b"drop table a;"),
        (
            "2020-01-01-000000_a/metadata.toml",
            b"\n\n  run_in_transaction = \"no\"\n",
        ),
    ]);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].line(), e[0].column()), (3, 3), "{}", e[0]);
    assert!(
        e[0].to_string().contains("must be true or false"),
        "{}",
        e[0]
    );
}

#[test]
fn nul_byte_is_named_with_its_position() {
    let e = errors(&[("0001_a.sql", b"create table a (x int);\nselect '\0';\n")]);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].kind, MigrateErrorKind::NulByte);
    assert_eq!((e[0].line(), e[0].column()), (2, 9), "{}", e[0]);
    let text = e[0].to_string();
    assert!(text.contains("NUL byte"), "{text}");
    assert!(!text.contains("syntax error"), "{text}");
}

#[test]
fn dropping_or_altering_the_history_table_is_refused() {
    let e = errors(&[
        ("0001_a.sql", b"create table a (x int);\n"),
        (
            "0002_b.sql",
            b"create table b (x int);\nDROP TABLE IF EXISTS public._sqlx_migrations;\n",
        ),
        (
            "0003_c.sql",
            b"alter table \"_sqlx_migrations\" add column who text;\n",
        ),
    ]);
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(
        (e[0].file.as_str(), e[0].line(), e[0].column()),
        ("migrations/0002_b.sql", 2, 1)
    );
    assert_eq!(
        e[0].kind,
        MigrateErrorKind::TouchesHistoryTable {
            statement: "DROP TABLE"
        }
    );
    assert_eq!(
        e[1].kind,
        MigrateErrorKind::TouchesHistoryTable {
            statement: "ALTER TABLE"
        }
    );
}
