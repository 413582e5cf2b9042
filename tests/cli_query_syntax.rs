//! `chatbi-db sqlx verify` fails on offline data whose query has a syntax error, even when
//! the stored description is empty (as sqlx never writes it: the server refuses to prepare).

mod support;

use chatbi_db_core::offline::{self, Describe, Parameters, QueryData};
use support::{chatbi_db, text};

#[test]
fn sqlx_verify_fails_on_a_misspelt_command() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let migrations = tmp.path().join("migrations");
    let sqlx = tmp.path().join(".sqlx");
    std::fs::create_dir_all(&migrations).expect("mkdir");
    std::fs::create_dir_all(&sqlx).expect("mkdir");
    std::fs::write(
        migrations.join("0001_users.sql"),
        "CREATE TABLE users (id int NOT NULL, name text);\n",
    )
    .expect("write");
    let data = QueryData::new(
        "selectt id from users",
        Describe {
            columns: Vec::new(),
            parameters: Some(Parameters::Left(Vec::new())),
            nullable: Vec::new(),
        },
    );
    std::fs::write(sqlx.join(offline::file_name(&data.hash)), data.to_bytes()).expect("write");
    let out = chatbi_db()
        .arg("--migrations")
        .arg(&migrations)
        .args(["sqlx", "verify", "--offline-dir"])
        .arg(&sqlx)
        .output()
        .expect("run");
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains("syntax error at or near \"selectt\""),
        "names the token: {all}"
    );
    assert!(all.contains("0 passed, 1 failed"), "{all}");
}
