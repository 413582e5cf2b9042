//! The `chatbi-db` binary end to end, on a real server (one per test process, a fresh
//! database per test).

mod support;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chatbi_db::testing::TestDb;
use support::{assert_exit, chatbi_db, migration_dir, run, text};

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(out)))
}

fn versions(client: &mut postgres::Client) -> Vec<i64> {
    client
        .query("select version from _sqlx_migrations order by 1", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

const SET: &[(&str, &str)] = &[
    (
        "0001_first.up.sql",
        "create table first (id int primary key);",
    ),
    ("0001_first.down.sql", "drop table first;"),
    (
        "0002_second.up.sql",
        "create table second (id int primary key);",
    ),
    ("0002_second.down.sql", "drop table second;"),
];

fn dir_arg(dir: &tempfile::TempDir) -> String {
    dir.path().display().to_string()
}

#[test]
fn upgrade_then_status_then_nothing_to_do() {
    let db = TestDb::new();
    let dir = migration_dir(SET);
    let d = dir_arg(&dir);
    let out = run(&db.url(), &["--migrations", &d, "status"]);
    assert_exit(&out, 0);
    assert!(text(&out).contains("pending"), "{}", text(&out));

    let out = run(&db.url(), &["--migrations", &d, "--json", "upgrade"]);
    assert_exit(&out, 0);
    let v = json(&out);
    assert_eq!(v["databases"][0]["applied"].as_array().unwrap().len(), 2);

    let out = run(&db.url(), &["--migrations", &d, "--json", "upgrade"]);
    assert_exit(&out, 0);
    assert_eq!(
        json(&out)["databases"][0]["applied"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let out = run(&db.url(), &["--migrations", &d, "--json", "status"]);
    assert_exit(&out, 0);
    let v = json(&out);
    let entries = v["databases"][0]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    for e in entries {
        assert_eq!(e["state"], "applied");
        assert!(e["installed_on"].as_str().unwrap().starts_with("20"), "{e}");
        assert!(e["execution_time_ns"].as_i64().unwrap() > 0);
    }
    // The human table: a header and one line per migration with its time.
    let out = run(&db.url(), &["--migrations", &d, "status"]);
    let t = text(&out);
    assert!(t.contains("VERSION") && t.contains("APPLIED AT"), "{t}");
    assert!(
        t.lines()
            .filter(|l| l.starts_with("000") && l.contains("applied") && l.contains("UTC"))
            .count()
            == 2,
        "{t}"
    );
    assert!(!t.contains("\x1b["), "colours under NO_COLOR / pipe");
}

#[test]
fn password_is_never_printed() {
    let secret = "Sup3rS3cretPw";
    for url in [
        format!("postgres://app:{secret}@127.0.0.1:1/chatbi"),
        format!("postgres://app:{secret}@no-such-host.invalid:5432/chatbi"),
        format!("postgresql://app:{secret}@127.0.0.1:1/chatbi?sslmode=disable"),
    ] {
        for args in [
            vec!["status"],
            vec!["upgrade"],
            vec!["--json", "history"],
            vec!["upgrade", "nonsense-target"],
        ] {
            let out = run(&url, &args);
            let t = text(&out);
            assert!(!out.status.success(), "{t}");
            assert!(!t.contains(secret), "password printed for {args:?}:\n{t}");
            assert!(
                t.contains("********") || args.contains(&"nonsense-target"),
                "{t}"
            );
        }
        // From the environment too.
        let out = chatbi_db()
            .env("DATABASE_URL", &url)
            .arg("status")
            .output()
            .unwrap();
        assert_exit(&out, 5);
        assert!(!text(&out).contains(secret), "{}", text(&out));
    }
    // A clap error echoing the URL back.
    let out = chatbi_db()
        .args([
            "--database-url",
            &format!("postgres://a:{secret}@h/x"),
            "--bogus",
        ])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(!text(&out).contains(secret), "{}", text(&out));
}

#[test]
fn eight_concurrent_upgrades_apply_each_migration_once() {
    let db = TestDb::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 1..=6 {
        files.push((
            format!("{i:04}_step_{i}.sql"),
            format!("create table step_{i} (id int); select pg_sleep(0.05);"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = migration_dir(&refs);
    let children: Vec<_> = (0..8)
        .map(|_| {
            chatbi_db()
                .args([
                    "--database-url",
                    &db.url(),
                    "--migrations",
                    &dir_arg(&dir),
                    "--json",
                    "upgrade",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut total = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_exit(&out, 0);
        total += json(&out)["databases"][0]["applied"]
            .as_array()
            .unwrap()
            .len();
    }
    assert_eq!(total, 6, "each migration applied by exactly one process");
    assert_eq!(versions(&mut db.client()), (1..=6).collect::<Vec<i64>>());
}

#[test]
fn sigkill_during_a_long_migration_then_upgrade_succeeds() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        ("0001_quick.sql", "create table quick (id int);"),
        (
            "0002_slow.sql",
            "create table slow (id int); select pg_sleep(3);",
        ),
    ]);
    let mut child = chatbi_db()
        .args([
            "--database-url",
            &db.url(),
            "--migrations",
            &dir_arg(&dir),
            "upgrade",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut c = db.client();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let n: i64 = c
            .query_one("select count(*) from pg_stat_activity where query like '%pg_sleep(3)%' and pid <> pg_backend_pid()", &[])
            .unwrap()
            .get(0);
        if n > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "migration 2 never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let out = run(&db.url(), &["--migrations", &dir_arg(&dir), "upgrade"]);
    assert_exit(&out, 0);
    assert_eq!(versions(&mut c), vec![1, 2]);
    let n: i64 = c
        .query_one(
            "select count(*) from information_schema.tables where table_name in ('quick', 'slow')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 2, "history matches schema");
}

#[test]
fn downgrade_targets_and_sql_mode() {
    let db = TestDb::new();
    let dir = migration_dir(SET);
    let d = dir_arg(&dir);
    let out = run(&db.url(), &["--migrations", &d, "upgrade", "+1", "--sql"]);
    assert_exit(&out, 0);
    let t = text(&out);
    assert!(
        t.contains("create table first") && !t.contains("create table second"),
        "{t}"
    );
    assert!(
        versions_or_none(&db).is_empty(),
        "--sql must not run anything"
    );

    assert_exit(&run(&db.url(), &["--migrations", &d, "upgrade", "0001"]), 0);
    assert_eq!(versions(&mut db.client()), vec![1]);
    assert_exit(&run(&db.url(), &["--migrations", &d, "upgrade"]), 0);
    let out = run(&db.url(), &["--migrations", &d, "downgrade", "--sql"]);
    assert!(text(&out).contains("drop table second"), "{}", text(&out));
    assert_eq!(versions(&mut db.client()), vec![1, 2]);
    assert_exit(&run(&db.url(), &["--migrations", &d, "downgrade"]), 0);
    assert_eq!(versions(&mut db.client()), vec![1]);
    assert_exit(
        &run(&db.url(), &["--migrations", &d, "downgrade", "base"]),
        0,
    );
    assert!(versions(&mut db.client()).is_empty());
    assert_exit(&run(&db.url(), &["--migrations", &d, "upgrade", "-1"]), 2);
    assert_exit(
        &run(&db.url(), &["--migrations", &d, "upgrade", "bogus"]),
        2,
    );
}

fn versions_or_none(db: &TestDb) -> Vec<i64> {
    let mut c = db.client();
    let exists: bool = c
        .query_one("select to_regclass('_sqlx_migrations') is not null", &[])
        .unwrap()
        .get(0);
    if exists { versions(&mut c) } else { vec![] }
}

#[test]
fn status_and_upgrade_refuse_a_changed_migration() {
    let db = TestDb::new();
    let dir = migration_dir(SET);
    let d = dir_arg(&dir);
    assert_exit(&run(&db.url(), &["--migrations", &d, "upgrade"]), 0);
    std::fs::write(
        dir.path().join("0001_first.up.sql"),
        "create table first (id bigint primary key);",
    )
    .unwrap();
    let out = run(&db.url(), &["--migrations", &d, "upgrade"]);
    assert_exit(&out, 3);
    assert!(text(&out).contains("0001_first.up.sql"), "{}", text(&out));
    let out = run(&db.url(), &["--migrations", &d, "status"]);
    assert_exit(&out, 3);
    assert!(text(&out).contains("CHANGED"), "{}", text(&out));
}

#[test]
fn stamp_and_history() {
    let db = TestDb::new();
    let dir = migration_dir(SET);
    let d = dir_arg(&dir);
    assert_exit(&run(&db.url(), &["--migrations", &d, "stamp", "head"]), 0);
    assert_eq!(versions(&mut db.client()), vec![1, 2]);
    let out = run(&db.url(), &["--migrations", &d, "history"]);
    assert_exit(&out, 0);
    let t = text(&out);
    // Short checksum of 0001's file, computed here.
    use sha2::Digest;
    let sum = hex::encode(sha2::Sha384::digest(
        b"create table first (id int primary key);",
    ));
    assert!(t.contains(&sum[..12]), "{t}");
    assert_exit(
        &run(
            &db.url(),
            &["--migrations", &d, "stamp", "base", "--purge", "--yes"],
        ),
        0,
    );
    assert!(versions(&mut db.client()).is_empty());
}

#[test]
fn fresh_needs_yes_and_recreates() {
    let db = TestDb::new();
    let dir = migration_dir(SET);
    let d = dir_arg(&dir);
    assert_exit(&run(&db.url(), &["--migrations", &d, "upgrade"]), 0);
    db.client()
        .batch_execute("insert into first values (1)")
        .unwrap();
    let out = chatbi_db()
        .args(["--database-url", &db.url(), "--migrations", &d, "fresh"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(text(&out).contains("--yes"));
    let n: i64 = db
        .client()
        .query_one("select count(*) from first", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1, "nothing dropped without --yes");
    assert_exit(&run(&db.url(), &["--migrations", &d, "fresh", "--yes"]), 0);
    let n: i64 = db
        .client()
        .query_one("select count(*) from first", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
    assert_eq!(versions(&mut db.client()), vec![1, 2]);
}

#[test]
fn create_names_the_next_version_in_the_set_style() {
    let dir = migration_dir(SET);
    let d = dir_arg(&dir);
    // No server needed: pass a URL that names a database.
    let url = "postgres://u@127.0.0.1:1/x";
    let out = run(url, &["--migrations", &d, "create", "Add user avatars"]);
    assert_exit(&out, 0);
    assert!(dir.path().join("0003_add_user_avatars.up.sql").is_file());
    assert!(dir.path().join("0003_add_user_avatars.down.sql").is_file());
    assert_exit(
        &run(url, &["--migrations", &d, "create", "add user avatars"]),
        2,
    );
    assert_exit(&run(url, &["--migrations", &d, "create", "  ?! "]), 2);

    let ts = migration_dir(&[("20240101000000_init.sql", "select 1;")]);
    let out = run(
        url,
        &["--migrations", &dir_arg(&ts), "--json", "create", "next"],
    );
    assert_exit(&out, 0);
    let version = json(&out)["prefix"].as_str().unwrap().to_owned();
    assert_eq!(version.len(), 14, "{version}");
    assert!(version.as_str() > "20240101000000");
    assert_eq!(json(&out)["version"].as_i64(), version.parse().ok());
    assert!(ts.path().join(format!("{version}_next.sql")).is_file());
}

#[test]
fn bootstrap_script_gives_a_fully_migrated_database() {
    let db = TestDb::new();
    let url = "postgres://u@127.0.0.1:1/x";
    let out_dir = tempfile::tempdir().unwrap();
    let script = out_dir.path().join("init_app_tables.sql");
    let chatbi = support::chatbi_migrations().display().to_string();
    let out = run(
        url,
        &[
            "--migrations",
            &chatbi,
            "bootstrap",
            "-o",
            &script.display().to_string(),
        ],
    );
    assert_exit(&out, 0);
    let psql = db
        .command("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&script)
        .output()
        .unwrap();
    assert!(psql.status.success(), "{}", text(&psql));
    let out = run(&db.url(), &["--migrations", &chatbi, "status"]);
    assert_exit(&out, 0);
    assert!(text(&out).contains("up to date"), "{}", text(&out));
    let out = run(&db.url(), &["--migrations", &chatbi, "--json", "upgrade"]);
    assert_exit(&out, 0);
    assert_eq!(
        json(&out)["databases"][0]["applied"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

/// A database as the old Alembic tooling left it: 0001's tables and alembic_version.
fn alembic_database(db: &TestDb) {
    let up =
        std::fs::read_to_string(support::chatbi_migrations().join("0001_initial_schema.up.sql"))
            .unwrap();
    let mut c = db.client();
    c.batch_execute(&up).unwrap();
    c.batch_execute(
        "create table alembic_version (version_num varchar(32) not null primary key);
         insert into alembic_version values ('0001_initial_schema');",
    )
    .unwrap();
}

#[test]
fn upgrade_adopts_an_alembic_database() {
    let db = TestDb::new();
    alembic_database(&db);
    let chatbi = support::chatbi_migrations().display().to_string();
    let out = run(&db.url(), &["--migrations", &chatbi, "upgrade"]);
    assert_exit(&out, 0);
    assert!(text(&out).contains("adopted"), "{}", text(&out));
    assert_eq!(versions(&mut db.client()), vec![1]);
    assert_exit(&run(&db.url(), &["--migrations", &chatbi, "status"]), 0);
}

#[test]
fn adopt_refuses_a_different_schema_and_lists_the_differences() {
    let db = TestDb::new();
    alembic_database(&db);
    let mut c = db.client();
    c.batch_execute("alter table app_users add column nickname text")
        .unwrap();
    let chatbi = support::chatbi_migrations().display().to_string();
    let out = run(&db.url(), &["--migrations", &chatbi, "adopt"]);
    assert_exit(&out, 3);
    let t = text(&out);
    assert!(t.contains("nickname"), "{t}");
    let exists: bool = c
        .query_one("select to_regclass('_sqlx_migrations') is not null", &[])
        .unwrap()
        .get(0);
    assert!(!exists, "nothing recorded");
}

#[test]
fn sqlx_cli_sees_our_history_as_applied() {
    let sqlx = std::env::var_os("HOME")
        .map(|h| std::path::Path::new(&h).join(".cargo/bin/sqlx"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| "sqlx".into());
    let db = TestDb::new();
    let dir = migration_dir(SET);
    assert_exit(
        &run(&db.url(), &["--migrations", &dir_arg(&dir), "upgrade"]),
        0,
    );
    let out = Command::new(&sqlx)
        .args([
            "migrate",
            "info",
            "--source",
            &dir_arg(&dir),
            "--database-url",
            &db.url(),
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("running {} (install sqlx-cli 0.9): {e}", sqlx.display()));
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    let installed: BTreeSet<&str> = t
        .lines()
        .filter(|l| l.contains("/installed") && !l.contains("different checksum"))
        .collect();
    assert_eq!(installed.len(), 2, "{t}");
    assert!(
        !t.contains("pending") && !t.contains("different checksum"),
        "{t}"
    );
}

#[test]
fn both_chatbi_databases_by_default() {
    let db = TestDb::new();
    // The server's maintenance URL; --database defaults to both ChatBI databases.
    let admin = db.admin_url();
    let mut c = chatbi_db::db::DbUrl::parse(&admin)
        .unwrap()
        .connect()
        .unwrap();
    for name in ["chatbi", "chatbi_demo"] {
        c.batch_execute(&format!("drop database if exists {name} with (force)"))
            .unwrap();
    }
    let out = run(&admin, &["upgrade"]);
    assert_exit(&out, 0);
    let t = text(&out);
    assert!(t.contains("chatbi_demo") && t.contains("both"), "{t}");
    for name in ["chatbi", "chatbi_demo"] {
        let url = chatbi_db::db::DbUrl::parse(&admin)
            .unwrap()
            .with_database(name);
        let mut dbc = url.connect().unwrap();
        assert!(!versions(&mut dbc).is_empty(), "{name}");
    }
    let out = run(&admin, &["--json", "upgrade"]);
    assert_exit(&out, 0);
    let v = json(&out);
    assert_eq!(v["databases"].as_array().unwrap().len(), 2);
    for d in v["databases"].as_array().unwrap() {
        assert_eq!(d["applied"].as_array().unwrap().len(), 0);
    }
    assert_exit(&run(&admin, &["status"]), 0);
    for name in ["chatbi", "chatbi_demo"] {
        c.batch_execute(&format!("drop database if exists {name} with (force)"))
            .unwrap();
    }
}

#[test]
fn help_documents_exit_codes_and_examples() {
    let out = chatbi_db().arg("--help").output().unwrap();
    assert_exit(&out, 0);
    let t = text(&out);
    for needle in [
        "Exit codes:",
        "6  gave up waiting",
        "Examples:",
        "chatbi-db upgrade",
    ] {
        assert!(t.contains(needle), "missing {needle:?} in:\n{t}");
    }
}

#[test]
fn local_cluster_is_created_reused_and_stopped() {
    let root = tempfile::Builder::new()
        .prefix("chatbi-db-pgdata-")
        .tempdir()
        .unwrap();
    let pgdata = root.path().join("pgdata");
    let p = pgdata.display().to_string();
    let dir = migration_dir(SET);
    let d = dir_arg(&dir);
    // Three processes at once on a folder with no cluster yet: one creates and starts it.
    let children: Vec<_> = (0..3)
        .map(|_| {
            chatbi_db()
                .args([
                    "--pgdata",
                    &p,
                    "--migrations",
                    &d,
                    "--database",
                    "app",
                    "--json",
                    "upgrade",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    // Stop the server whatever happens below.
    struct Stop(String);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = chatbi_db()
                .args(["--pgdata", &self.0, "server", "stop"])
                .output();
        }
    }
    let _stop = Stop(p.clone());
    let mut applied = 0;
    let mut started = 0;
    for out in &outputs {
        assert_exit(out, 0);
        let t = text(out);
        started += usize::from(t.contains("Started local PostgreSQL"));
        applied += json(out)["databases"][0]["applied"]
            .as_array()
            .unwrap()
            .len();
    }
    assert_eq!(started, 1, "exactly one process starts the cluster");
    assert_eq!(applied, 2, "each migration applied once");
    assert!(pgdata.join("data").join("PG_VERSION").is_file());

    let second = chatbi_db()
        .args([
            "--pgdata",
            &p,
            "--migrations",
            &d,
            "--database",
            "app",
            "upgrade",
        ])
        .output()
        .unwrap();
    assert_exit(&second, 0);
    let t = text(&second);
    assert!(
        !t.contains("Started") && t.contains("nothing to apply"),
        "reused:\n{t}"
    );

    let status = chatbi_db()
        .args(["--pgdata", &p, "server", "status"])
        .output()
        .unwrap();
    assert_exit(&status, 0);
    let stop = chatbi_db()
        .args(["--pgdata", &p, "server", "stop"])
        .output()
        .unwrap();
    assert_exit(&stop, 0);
    assert!(text(&stop).contains("stopped"), "{}", text(&stop));
    let status = chatbi_db()
        .args(["--pgdata", &p, "server", "status"])
        .output()
        .unwrap();
    assert_exit(&status, 1);
}

#[test]
fn no_postgresql_binaries_says_how_to_install() {
    let root = tempfile::tempdir().unwrap();
    let out = chatbi_db()
        .env("CHATBI_PG_BINDIR", root.path())
        .args([
            "--pgdata",
            &root.path().join("pg").display().to_string(),
            "status",
        ])
        .output()
        .unwrap();
    assert_exit(&out, 5);
    let t = text(&out);
    assert!(
        t.contains("apt-get install postgresql") && t.contains("DATABASE_URL"),
        "{t}"
    );
}

#[test]
fn lock_is_written_and_create_keeps_it_current() {
    let dir = migration_dir(SET);
    let d = dir_arg(&dir);
    let url = "postgres://u@127.0.0.1:1/x";
    assert_exit(&run(url, &["--migrations", &d, "lock"]), 0);
    let lock = std::fs::read_to_string(dir.path().join("migrations.lock")).unwrap();
    use sha2::Digest;
    let sum = hex::encode(sha2::Sha384::digest(
        b"create table first (id int primary key);",
    ));
    assert!(
        lock.contains(&sum) && lock.contains("0001_first.up.sql"),
        "{lock}"
    );

    let out = run(url, &["--migrations", &d, "create", "third table"]);
    assert_exit(&out, 0);
    let lock = std::fs::read_to_string(dir.path().join("migrations.lock")).unwrap();
    assert!(lock.contains("0003_third_table.up.sql"), "{lock}");
    // The set still loads with its lock checked (a later command works).
    std::fs::write(
        dir.path().join("0003_third_table.up.sql"),
        "create table third (id int);\n",
    )
    .unwrap();
    let out = run(url, &["--migrations", &d, "bootstrap", "-o", "-"]);
    assert_exit(&out, 1);
    assert!(
        text(&out).contains("0003_third_table.up.sql"),
        "edited after locking:\n{}",
        text(&out)
    );
}

#[test]
fn create_in_diesel_and_refinery_layouts() {
    let url = "postgres://u@127.0.0.1:1/x";
    let diesel = tempfile::tempdir().unwrap();
    let m = diesel.path().join("2020-01-01-000000_init");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(m.join("up.sql"), "create table a (id int);\n").unwrap();
    std::fs::write(m.join("down.sql"), "drop table a;\n").unwrap();
    let out = run(
        url,
        &[
            "--migrations",
            &diesel.path().display().to_string(),
            "--json",
            "create",
            "add b",
        ],
    );
    assert_exit(&out, 0);
    let version = json(&out)["prefix"].as_str().unwrap().to_owned();
    assert_eq!(
        json(&out)["version"].as_i64(),
        version.replace('-', "").parse().ok()
    );
    assert!(
        diesel
            .path()
            .join(format!("{version}_add_b"))
            .join("up.sql")
            .is_file(),
        "{version}"
    );

    let refinery = migration_dir(&[("V1__init.sql", "create table a (id int);\n")]);
    let out = run(
        url,
        &["--migrations", &dir_arg(&refinery), "create", "add b"],
    );
    assert_exit(&out, 0);
    assert!(
        refinery.path().join("V2__add_b.sql").is_file(),
        "{}",
        text(&out)
    );
}

#[test]
fn invalid_migration_set_is_reported_with_its_position() {
    let dir = migration_dir(&[("0001_bad.sql", "create tabel x (id int);\n")]);
    let out = run(
        "postgres://u@127.0.0.1:1/x",
        &["--migrations", &dir_arg(&dir), "status"],
    );
    assert_exit(&out, 1);
    let t = text(&out);
    assert!(t.contains("0001_bad.sql:1:"), "{t}");
}

/// The JSON examples of docs/cli-json.md, by the command named in the
/// `<!-- command: NAME -->` line before each block.
fn documented_json_shapes() -> std::collections::BTreeMap<String, serde_json::Value> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli-json.md"))
        .expect("docs/cli-json.md");
    let mut out = std::collections::BTreeMap::new();
    let mut rest = doc.as_str();
    while let Some(at) = rest.find("<!-- command: ") {
        rest = &rest[at + "<!-- command: ".len()..];
        let name = rest[..rest.find(" -->").expect("marker end")].to_owned();
        let start = rest.find("```json\n").expect("json block") + "```json\n".len();
        let end = start + rest[start..].find("```").expect("block end");
        let value = serde_json::from_str(&rest[start..end])
            .unwrap_or_else(|e| panic!("docs/cli-json.md, {name}: {e}"));
        out.insert(name, value);
        rest = &rest[end..];
    }
    out
}

/// Same keys, same kinds of values; `null` on either side matches any kind. Arrays: each
/// element of `actual` against the documented first element.
fn same_shape(doc: &serde_json::Value, actual: &serde_json::Value, at: &str) -> Result<(), String> {
    use serde_json::Value;
    match (doc, actual) {
        (Value::Null, _) | (_, Value::Null) => Ok(()),
        (Value::Object(d), Value::Object(a)) => {
            let dk: BTreeSet<&String> = d.keys().collect();
            let ak: BTreeSet<&String> = a.keys().collect();
            if dk != ak {
                return Err(format!("{at}: documented keys {dk:?}, output has {ak:?}"));
            }
            d.iter()
                .try_for_each(|(k, v)| same_shape(v, &a[k], &format!("{at}.{k}")))
        }
        (Value::Array(d), Value::Array(a)) => match d.first() {
            Some(first) => a
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| same_shape(first, v, &format!("{at}[{i}]"))),
            None => Ok(()),
        },
        (Value::Bool(_), Value::Bool(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::String(_), Value::String(_)) => Ok(()),
        _ => Err(format!("{at}: documented {doc}, output has {actual}")),
    }
}

#[test]
fn json_outputs_have_the_documented_shapes() {
    let shapes = documented_json_shapes();
    let db = TestDb::new();
    let dir = migration_dir(SET);
    let d = dir_arg(&dir);
    let mut checked = BTreeSet::new();
    let mut check = |name: &str, args: &[&str], code: i32| {
        let mut full = vec!["--json", "--migrations", &d];
        full.extend_from_slice(args);
        let out = run(&db.url(), &full);
        assert_exit(&out, code);
        let doc = shapes
            .get(name)
            .unwrap_or_else(|| panic!("docs/cli-json.md has no `{name}` example"));
        if let Err(e) = same_shape(doc, &json(&out), name) {
            panic!(
                "`chatbi-db {}` does not match docs/cli-json.md: {e}",
                args.join(" ")
            );
        }
        checked.insert(name.to_owned());
    };
    check("status", &["status"], 0);
    check("upgrade", &["upgrade", "+1"], 0);
    check("status", &["status"], 0);
    check("status", &["history"], 0);
    check("upgrade", &["upgrade"], 0);
    check("downgrade", &["downgrade"], 0);
    check("stamp", &["stamp", "head"], 0);
    check("fresh", &["fresh", "--yes"], 0);
    check("create", &["create", "next"], 0);
    check("error", &["upgrade", "99"], 2);
    let alembic = TestDb::new();
    alembic_database(&alembic);
    let chatbi = support::chatbi_migrations().display().to_string();
    let out = run(
        &alembic.url(),
        &["--json", "--migrations", &chatbi, "adopt"],
    );
    assert_exit(&out, 0);
    same_shape(&shapes["adopt"], &json(&out), "adopt").unwrap_or_else(|e| panic!("{e}"));
    checked.insert("adopt".into());
    // Every documented example is exercised.
    let documented: BTreeSet<String> = shapes.keys().cloned().collect();
    assert_eq!(checked, documented);
}
