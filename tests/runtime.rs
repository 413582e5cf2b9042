//! Runtime tests on a real PostgreSQL server: the test harness, the local cluster,
//! the migration runner.

use chatbi_db::testing::TestDb;

#[test]
fn harness_gives_each_test_a_fresh_database() {
    let a = TestDb::new();
    let b = TestDb::new();
    assert_ne!(a.name(), b.name());
    let mut ca = a.client();
    ca.batch_execute("create table only_in_a (id int)").unwrap();
    let mut cb = b.client();
    let n: i64 = cb
        .query_one(
            "select count(*) from pg_class where relname = 'only_in_a'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
    let db: String = ca
        .query_one("select current_database()", &[])
        .unwrap()
        .get(0);
    assert_eq!(db, a.name());
    // The PostgreSQL tools reach the database through `command`.
    let out = a
        .command("psql")
        .args(["-XAtc", "select count(*) from only_in_a"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0");
    let name = a.name().to_owned();
    drop(ca);
    drop(a);
    let exists: bool = cb
        .query_one(
            "select exists(select 1 from pg_database where datname = $1)",
            &[&name],
        )
        .unwrap()
        .get(0);
    assert!(!exists, "database {name} was not dropped");
}

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use chatbi_db::runner::{MigrateError, Migrator, RunOptions, State, Target};
use support::migration_dir;

fn tables(client: &mut postgres::Client) -> BTreeSet<String> {
    client
        .query(
            "select table_name::text from information_schema.tables where table_schema = 'public'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn history(client: &mut postgres::Client) -> Vec<(i64, bool, i64)> {
    client
        .query(
            "select version, success, execution_time from _sqlx_migrations order by version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

fn quiet() -> impl FnMut(chatbi_db::runner::Progress<'_>) {
    |_| {}
}

const THREE: &[(&str, &str)] = &[
    ("0001_a.up.sql", "create table a (id int primary key);"),
    ("0001_a.down.sql", "drop table a;"),
    ("0002_b.up.sql", "create table b (id int primary key);"),
    ("0002_b.down.sql", "drop table b;"),
    ("0003_c.up.sql", "create table c (id int primary key);"),
    ("0003_c.down.sql", "drop table c;"),
];

#[test]
fn chatbi_sets_apply_and_second_run_applies_nothing() {
    for dir in [support::chatbi_migrations(), support::demo_migrations()] {
        let db = TestDb::new();
        let migrator = Migrator::from_dir(dir).unwrap();
        assert!(
            !migrator.migrations().is_empty(),
            "{} is empty",
            dir.display()
        );
        let mut client = db.client();
        let ran = migrator.run(&mut client).unwrap();
        assert_eq!(ran.len(), migrator.migrations().len());
        assert!(migrator.run(&mut client).unwrap().is_empty());
        let status = migrator.status(&mut client).unwrap();
        assert!(status.entries.iter().all(|e| e.state == State::Applied));
        // Execution time is recorded in nanoseconds (a migration takes well over 1 µs).
        assert!(
            history(&mut client)
                .iter()
                .all(|(_, ok, ns)| *ok && *ns > 1_000)
        );
    }
}

#[test]
fn history_table_has_sqlx_ddl_and_checksums() {
    let db = TestDb::new();
    let dir = migration_dir(&[("1_first.sql", "create table t (id int);\n")]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let mut client = db.client();
    migrator.run(&mut client).unwrap();
    let cols: Vec<(String, String, String, Option<String>)> = client
        .query(
            "select column_name::text, data_type::text, is_nullable::text, column_default::text
             from information_schema.columns where table_name = '_sqlx_migrations' order by ordinal_position",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let expected = [
        ("version", "bigint", "NO", None),
        ("description", "text", "NO", None),
        (
            "installed_on",
            "timestamp with time zone",
            "NO",
            Some("now()"),
        ),
        ("success", "boolean", "NO", None),
        ("checksum", "bytea", "NO", None),
        ("execution_time", "bigint", "NO", None),
    ];
    assert_eq!(cols.len(), expected.len());
    for (got, want) in cols.iter().zip(expected) {
        assert_eq!(
            (
                got.0.as_str(),
                got.1.as_str(),
                got.2.as_str(),
                got.3.as_deref()
            ),
            want
        );
    }
    let (desc, checksum): (String, Vec<u8>) = {
        let r = client
            .query_one("select description, checksum from _sqlx_migrations", &[])
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(desc, "first");
    // SHA-384 of the file bytes, computed independently by the server.
    let server_sum: Vec<u8> = client
        .query_one(
            "select sha384(convert_to($1, 'UTF8'))",
            &[&"create table t (id int);\n"],
        )
        .unwrap()
        .get(0);
    assert_eq!(checksum, server_sum);
}

#[test]
fn failing_migration_leaves_no_history_row_and_no_partial_schema() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        ("0001_ok.sql", "create table ok (id int);"),
        (
            "0002_bad.sql",
            "create table partial (id int);\ninsert into partial values (1);\nselect no_such_column from ok;",
        ),
    ]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let mut client = db.client();
    let err = migrator.run(&mut client).unwrap_err();
    match &err {
        MigrateError::Failed {
            version,
            file,
            message,
            ..
        } => {
            assert_eq!(*version, 2);
            assert_eq!(file, "0002_bad.sql");
            assert!(message.contains("no_such_column"), "{message}");
        }
        other => panic!("unexpected error {other:?}"),
    }
    assert!(err.to_string().contains("rolled back"), "{err}");
    let versions: Vec<i64> = history(&mut client).iter().map(|h| h.0).collect();
    assert_eq!(versions, vec![1]);
    assert_eq!(
        tables(&mut client),
        BTreeSet::from(["ok".to_owned(), "_sqlx_migrations".to_owned()])
    );
}

#[test]
fn changed_missing_and_dirty_are_refused() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        ("0001_a.sql", "create table a (id int);"),
        ("0002_b.sql", "create table b (id int);"),
    ]);
    let mut client = db.client();
    Migrator::from_dir(dir.path())
        .unwrap()
        .run(&mut client)
        .unwrap();

    // Changed file: named, with both checksums.
    std::fs::write(dir.path().join("0001_a.sql"), "create table a (id bigint);").unwrap();
    let err = Migrator::from_dir(dir.path())
        .unwrap()
        .run(&mut client)
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, MigrateError::Changed { version: 1, .. }),
        "{text}"
    );
    assert!(text.contains("0001_a.sql"), "{text}");
    let old = hex::encode(sha2_384(b"create table a (id int);"));
    let new = hex::encode(sha2_384(b"create table a (id bigint);"));
    assert!(text.contains(&old) && text.contains(&new), "{text}");
    std::fs::write(dir.path().join("0001_a.sql"), "create table a (id int);").unwrap();

    // Missing: version 2 applied, file gone.
    std::fs::remove_file(dir.path().join("0002_b.sql")).unwrap();
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let err = migrator.run(&mut client).unwrap_err();
    assert!(
        matches!(&err, MigrateError::Missing { versions } if versions == &[2]),
        "{err}"
    );
    let status = migrator.status(&mut client).unwrap();
    assert_eq!(status.count(State::Missing), 1);
    let opts = RunOptions {
        ignore_missing: true,
        ..RunOptions::default()
    };
    migrator
        .upgrade(&mut client, Target::Head, &opts, &mut quiet())
        .unwrap();

    // Dirty row.
    client
        .batch_execute("update _sqlx_migrations set success = false where version = 1")
        .unwrap();
    let err = migrator
        .upgrade(&mut client, Target::Head, &opts, &mut quiet())
        .unwrap_err();
    assert!(
        matches!(err, MigrateError::Dirty { version: 1, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("DELETE FROM _sqlx_migrations WHERE version = 1")
    );
}

fn sha2_384(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha384::digest(bytes).to_vec()
}

#[test]
fn alembic_targets_up_and_down() {
    let db = TestDb::new();
    let dir = migration_dir(THREE);
    let m = Migrator::from_dir(dir.path()).unwrap();
    let o = RunOptions::default();
    let mut c = db.client();
    let v = |ran: Vec<chatbi_db::runner::Ran>| ran.iter().map(|r| r.version).collect::<Vec<_>>();
    assert_eq!(
        v(m.upgrade(&mut c, Target::Relative(1), &o, &mut quiet())
            .unwrap()),
        vec![1]
    );
    assert_eq!(
        v(m.upgrade(&mut c, Target::Version(3), &o, &mut quiet())
            .unwrap()),
        vec![2, 3]
    );
    assert_eq!(tables(&mut c).len(), 4);
    assert_eq!(
        v(m.downgrade(&mut c, Target::Relative(-1), &o, &mut quiet())
            .unwrap()),
        vec![3]
    );
    assert_eq!(
        v(m.downgrade(&mut c, Target::Version(1), &o, &mut quiet())
            .unwrap()),
        vec![2]
    );
    assert_eq!(
        v(m.downgrade(&mut c, Target::Base, &o, &mut quiet()).unwrap()),
        vec![1]
    );
    assert_eq!(
        tables(&mut c),
        BTreeSet::from(["_sqlx_migrations".to_owned()])
    );
    assert!(matches!(
        m.upgrade(&mut c, Target::Base, &o, &mut quiet()),
        Err(MigrateError::Target(_))
    ));
    assert!(matches!(
        m.upgrade(&mut c, Target::Version(9), &o, &mut quiet()),
        Err(MigrateError::Target(_))
    ));
    // stamp: record without running.
    let (added, removed) = m.stamp(&mut c, Target::Version(2), false, &o).unwrap();
    assert_eq!((added, removed), (vec![1, 2], vec![]));
    assert_eq!(tables(&mut c).len(), 1, "stamp must not run migrations");
    let (added, removed) = m.stamp(&mut c, Target::Base, false, &o).unwrap();
    assert_eq!((added, removed), (vec![], vec![1, 2]));
    assert!(history(&mut c).is_empty());
}

#[test]
fn irreversible_migration_cannot_be_downgraded() {
    let db = TestDb::new();
    let dir = migration_dir(&[("1_simple.sql", "create table s (id int);")]);
    let m = Migrator::from_dir(dir.path()).unwrap();
    let mut c = db.client();
    m.run(&mut c).unwrap();
    let err = m
        .downgrade(
            &mut c,
            Target::Relative(-1),
            &RunOptions::default(),
            &mut quiet(),
        )
        .unwrap_err();
    assert!(
        matches!(err, MigrateError::Irreversible { version: 1, .. }),
        "{err}"
    );
}

#[test]
fn failed_no_transaction_migration_reports_invalid_index() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        (
            "1_t.sql",
            "create table t (x int); insert into t values (1), (1);",
        ),
        (
            "2_idx.sql",
            "-- no-transaction\ncreate unique index concurrently t_x on t (x);",
        ),
    ]);
    let m = Migrator::from_dir(dir.path()).unwrap();
    let mut c = db.client();
    let err = m.run(&mut c).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, MigrateError::Failed { version: 2, .. }),
        "{text}"
    );
    assert!(text.contains("INVALID") && text.contains("t_x"), "{text}");
    assert_eq!(history(&mut c).len(), 1);
}

#[test]
fn upgrade_racing_create_index_concurrently_does_not_deadlock() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        (
            "1_t.sql",
            "create table t (x int); insert into t select generate_series(1, 20000); select pg_sleep(0.5);",
        ),
        (
            "2_idx.sql",
            "-- no-transaction\ncreate index concurrently t_x on t (x);",
        ),
        (
            "3_more.sql",
            "select pg_sleep(0.3); create table u (id int);",
        ),
    ]);
    let url = db.url();
    let path = dir.path().to_owned();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            let path = path.clone();
            std::thread::spawn(move || {
                let m = Migrator::from_dir(&path).unwrap();
                let mut c = chatbi_db::db::DbUrl::parse(&url)
                    .unwrap()
                    .connect()
                    .unwrap();
                let opts = RunOptions {
                    lock_timeout: Duration::from_secs(30),
                    ..RunOptions::default()
                };
                m.upgrade(&mut c, Target::Head, &opts, &mut |_| {})
                    .map(|r| r.len())
            })
        })
        .collect();
    let applied: usize = handles
        .into_iter()
        .map(|h| h.join().unwrap().unwrap())
        .sum();
    assert_eq!(applied, 3, "each migration applied exactly once");
    let mut c = db.client();
    assert_eq!(history(&mut c).len(), 3);
    let valid: bool = c
        .query_one(
            "select indisvalid from pg_index where indexrelid = 't_x'::regclass",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(valid);
}

#[test]
fn sqlx_and_our_runner_see_each_others_history() {
    let dir = migration_dir(&[
        (
            "20240101000000_users.up.sql",
            "create table users (id bigint primary key, name text not null);\n",
        ),
        ("20240101000000_users.down.sql", "drop table users;\n"),
        (
            "20240102000000_posts.sql",
            "create table posts (id bigint primary key, user_id bigint references users);\r\n",
        ),
        (
            "20240103000000_idx.sql",
            "-- no-transaction\ncreate index concurrently posts_user on posts (user_id);\n",
        ),
    ]);
    let ours = Migrator::from_dir(dir.path()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // sqlx migrates, we see everything applied with matching checksums.
    let a = TestDb::new();
    rt.block_on(async {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&a.url())
            .await
            .unwrap();
        let m = sqlx::migrate::Migrator::new(dir.path()).await.unwrap();
        m.run(&pool).await.unwrap();
        pool.close().await;
    });
    let mut ca = a.client();
    let status = ours.status(&mut ca).unwrap();
    assert_eq!(status.entries.len(), 3);
    assert!(
        status.entries.iter().all(|e| e.state == State::Applied),
        "{status:#?}"
    );
    assert!(ours.run(&mut ca).unwrap().is_empty());

    // We migrate, sqlx sees everything applied (it refuses a checksum mismatch).
    let b = TestDb::new();
    let mut cb = b.client();
    assert_eq!(ours.run(&mut cb).unwrap().len(), 3);
    rt.block_on(async {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&b.url())
            .await
            .unwrap();
        let m = sqlx::migrate::Migrator::new(dir.path()).await.unwrap();
        m.run(&pool).await.unwrap();
        let rows: Vec<(i64,)> = sqlx::query_as("select version from _sqlx_migrations order by 1")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows.len(), 3);
        pool.close().await;
    });
    // Same rows either way.
    let row = |c: &mut postgres::Client| -> Vec<(i64, String, bool, Vec<u8>)> {
        c.query(
            "select version, description, success, checksum from _sqlx_migrations order by 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
    };
    assert_eq!(row(&mut ca), row(&mut cb));
}

#[test]
fn sqlx_and_our_runner_share_the_advisory_lock() {
    let db = TestDb::new();
    let slow = migration_dir(&[(
        "1_slow.sql",
        "select pg_sleep(3); create table slow (id int);",
    )]);
    let url = db.url();
    let path = slow.path().to_owned();
    let sqlx_thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(&url)
                .await
                .unwrap();
            let m = sqlx::migrate::Migrator::new(path.as_path()).await.unwrap();
            m.run(&pool).await.unwrap();
        });
    });
    // Wait until sqlx runs its migration (it holds its lock then).
    let mut c = db.client();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let n: i64 = c
            .query_one("select count(*) from pg_stat_activity where query like '%pg_sleep(3)%' and pid <> pg_backend_pid()", &[])
            .unwrap()
            .get(0);
        if n > 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "sqlx never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let other = migration_dir(&[("5_other.sql", "create table other (id int);")]);
    let m = Migrator::from_dir(other.path()).unwrap();
    let opts = RunOptions {
        lock_timeout: Duration::from_millis(500),
        ignore_missing: true,
    };
    let err = m
        .upgrade(&mut c, Target::Head, &opts, &mut |_| {})
        .unwrap_err();
    assert!(matches!(err, MigrateError::LockTimeout { .. }), "{err}");
    sqlx_thread.join().unwrap();
    let opts = RunOptions {
        lock_timeout: Duration::from_secs(10),
        ignore_missing: true,
    };
    assert_eq!(
        m.upgrade(&mut c, Target::Head, &opts, &mut |_| {})
            .unwrap()
            .len(),
        1
    );
}

/// Every sqlx-layout project of the shared corpus applies with our runner, ends with the
/// relations PostgreSQL listed for it (`catalog.pg15.json`), and sqlx 0.9's own migrator
/// then finds nothing to do and no checksum mismatch.
#[test]
fn corpus_sqlx_sets_apply_and_sqlx_agrees() {
    let corpus = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut checked = 0;
    for project in [
        "LukeMathWalker__zero-to-production",
        "maxcountryman__underway",
        "meetsmore__nittei",
        "rust-lang__bors",
        "rust-lang__docs.rs",
    ] {
        let dir = corpus.join(project).join("migrations");
        let migrator = Migrator::from_dir(&dir).unwrap_or_else(|e| panic!("{project}: {e}"));
        let db = TestDb::new();
        let mut c = db.client();
        let ran = migrator
            .run(&mut c)
            .unwrap_or_else(|e| panic!("{project}: {e}"));
        assert_eq!(ran.len(), migrator.migrations().len(), "{project}");

        let catalog: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(corpus.join(project).join("catalog.pg15.json")).unwrap(),
        )
        .unwrap();
        let expected: BTreeSet<String> = catalog["relations"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !k.ends_with("._sqlx_migrations"))
            .cloned()
            .collect();
        let live: BTreeSet<String> = c
            .query(
                "select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where c.relkind in ('r', 'v', 'm', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
                   and c.relname <> '_sqlx_migrations' and not c.relispartition",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(live, expected, "{project}");

        // sqlx applies the same set to another database: identical history rows. sqlx
        // writes each row wherever the migration's `SET LOCAL search_path` points (underway
        // sends them to its own `underway._sqlx_migrations`); our runner keeps the history
        // in the schema where the run found or created it (issue 14), so for underway only
        // the schema differs.
        let other = TestDb::new();
        let sqlx_run = |url: String| {
            let dir = dir.clone();
            rt.block_on(async move {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&url)
                    .await
                    .unwrap();
                let m = sqlx::migrate::Migrator::new(dir.as_path()).await.unwrap();
                let result = m.run(&pool).await;
                pool.close().await;
                result
            })
        };
        sqlx_run(other.url()).unwrap_or_else(|e| panic!("{project}: sqlx: {e}"));
        let ours = all_history(&mut c);
        let mut theirs = all_history(&mut other.client());
        if project == "maxcountryman__underway" {
            assert!(theirs.iter().all(|row| row.0 == "underway"), "{project}");
            assert!(ours.iter().all(|row| row.0 == "public"), "{project}");
            for row in &mut theirs {
                row.0 = "public".into();
            }
        }
        assert_eq!(ours, theirs, "{project}");
        if project != "maxcountryman__underway" {
            // sqlx over our history: nothing to do, no checksum mismatch.
            sqlx_run(db.url())
                .unwrap_or_else(|e| panic!("{project}: sqlx refuses our history: {e}"));
            assert_eq!(migrator.run(&mut c).unwrap().len(), 0);
        }
        checked += 1;
    }
    assert_eq!(checked, 5);
}

/// (schema, version, description, success, checksum) of every `_sqlx_migrations` table.
fn all_history(c: &mut postgres::Client) -> Vec<(String, i64, String, bool, Vec<u8>)> {
    let schemas: Vec<String> = c
        .query(
            "select n.nspname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relname = '_sqlx_migrations' order by 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut rows = Vec::new();
    for schema in schemas {
        for r in c
            .query(
                &format!(
                    "select version, description, success, checksum from \"{schema}\"._sqlx_migrations order by 1"
                ),
                &[],
            )
            .unwrap()
        {
            rows.push((schema.clone(), r.get(0), r.get(1), r.get(2), r.get(3)));
        }
    }
    rows
}

#[test]
fn diesel_down_follows_metadata_run_in_transaction() {
    // diesel's metadata.toml covers both files: the down file has no marker of its own,
    // and DROP INDEX CONCURRENTLY fails inside a transaction block.
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let init = dir.path().join("2020-01-01-000000_init");
    let index = dir.path().join("2020-01-02-000000_index");
    std::fs::create_dir_all(&init).unwrap();
    std::fs::create_dir_all(&index).unwrap();
    std::fs::write(init.join("up.sql"), "create table t (a int);").unwrap();
    std::fs::write(init.join("down.sql"), "drop table t;").unwrap();
    std::fs::write(
        index.join("up.sql"),
        "create index concurrently t_a on t (a);",
    )
    .unwrap();
    std::fs::write(index.join("down.sql"), "drop index concurrently t_a;").unwrap();
    std::fs::write(index.join("metadata.toml"), "run_in_transaction = false\n").unwrap();
    let m = Migrator::from_dir(dir.path()).unwrap();
    let o = RunOptions::default();
    let mut c = db.client();
    m.upgrade(&mut c, Target::Head, &o, &mut quiet()).unwrap();
    let indexes = |c: &mut postgres::Client| -> i64 {
        c.query_one(
            "select count(*) from pg_indexes where indexname = 't_a'",
            &[],
        )
        .unwrap()
        .get(0)
    };
    assert_eq!(indexes(&mut c), 1);
    let script = m.downgrade_script(&[20200102000000]).unwrap();
    assert!(!script.contains("BEGIN;"), "{script}");
    m.downgrade(&mut c, Target::Relative(-1), &o, &mut quiet())
        .unwrap();
    assert_eq!(indexes(&mut c), 0);
    assert_eq!(history(&mut c).len(), 1);
}
