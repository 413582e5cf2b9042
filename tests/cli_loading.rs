//! `chatbi-db` on odd migration layouts, on a real server: what sqlx loads is applied,
//! what it leaves out is named on stderr (never dropped silently while `status` says
//! "up to date"), and `--strict` refuses the doubtful cases.

mod support;

use chatbi_db::testing::TestDb;
use support::{assert_exit, migration_dir, run, text};

fn applied(db: &TestDb) -> Vec<i64> {
    db.client()
        .query("select version from _sqlx_migrations order by 1", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn status_and_upgrade_name_the_skipped_files() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        ("1_first.sql", "create table first (id int);"),
        ("-5_before.sql", "create table before_first (id int);"),
        ("3.sql", "create table never (id int);"),
        ("4_gone.down.sql", "drop table gone;"),
        ("6_empty.sql", ""),
    ]);
    std::fs::create_dir(dir.path().join("7_folder")).unwrap();
    std::fs::write(dir.path().join("7_folder/up.sql"), "select 1;").unwrap();
    let d = dir.path().display().to_string();

    let out = run(&db.url(), &["--migrations", &d, "status"]);
    assert_exit(&out, 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for named in [
        "3.sql: warning: not loaded",
        "7_folder/: warning: not loaded",
        "4_gone.down.sql: warning: loaded as a down-only migration",
        "-5_before.sql: warning: loaded as version -5",
    ] {
        assert!(
            stderr.contains(named),
            "{named} missing in:\n{}",
            text(&out)
        );
    }

    let out = run(&db.url(), &["--migrations", &d, "upgrade"]);
    assert_exit(&out, 0);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("3.sql: warning: not loaded"),
        "{}",
        text(&out)
    );
    // sqlx applies the ups (the empty one too) and never the down-only file.
    assert_eq!(applied(&db), [-5, 1, 6]);

    // A history row whose version has only a down file (its up file was deleted after it
    // ran, as in zksync-era's set) is known, as sqlx's `validate_applied_migrations`
    // counts every file of the set: neither `status` nor `upgrade` calls it missing.
    db.client()
        .batch_execute(
            "insert into _sqlx_migrations (version, description, success, checksum, execution_time) \
             values (4, 'gone', true, '\\x00', 0)",
        )
        .unwrap();
    let out = run(&db.url(), &["--migrations", &d, "status"]);
    assert_exit(&out, 0);
    assert!(!text(&out).contains("missing"), "{}", text(&out));
    let out = run(&db.url(), &["--migrations", &d, "upgrade"]);
    assert_exit(&out, 0);

    let out = run(&db.url(), &["--migrations", &d, "--strict", "status"]);
    assert_exit(&out, 1);
    let all = text(&out);
    assert!(
        all.contains("3.sql: error: cannot parse the migration file name"),
        "{all}"
    );
    assert!(
        all.contains("4_gone.down.sql: error: `.down.sql` without its `.up.sql`"),
        "{all}"
    );
    assert!(
        all.contains("6_empty.sql: error: empty migration file"),
        "{all}"
    );
}

#[test]
fn schema_dump_names_a_sqlx_file_beside_diesel_folders() {
    let dir = migration_dir(&[("20240103000000_c.sql", "create table c (id int);")]);
    for folder in ["2024-01-01-000000_a", "2024-01-02-000000_b"] {
        std::fs::create_dir(dir.path().join(folder)).unwrap();
        std::fs::write(
            dir.path().join(folder).join("up.sql"),
            format!("create table t{} (id int);", &folder[9..10]),
        )
        .unwrap();
    }
    let out = support::chatbi_db()
        .args(["--migrations", &dir.path().display().to_string()])
        .args(["schema", "dump", "--format", "sql"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "20240103000000_c.sql: warning: not loaded: this directory uses diesel's layout"
        ),
        "{}",
        text(&out)
    );
}
