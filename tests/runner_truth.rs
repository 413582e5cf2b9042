//! The runner never claims what did not happen (issue 14), on a real PostgreSQL 15:
//! transaction control inside migrations, INVALID indexes, session state left by a
//! migration, the history table's schema, what `status` reports, and `--yes`.

mod support;

use chatbi_db::runner::{MigrateError, Migrator, RunOptions, State, Target, lock_key};
use chatbi_db::testing::TestDb;
use support::{assert_exit, migration_dir, run, text};

fn quiet() -> impl FnMut(chatbi_db::runner::Progress<'_>) {
    |_| {}
}

fn exists(client: &mut postgres::Client, relation: &str) -> bool {
    client
        .query_one("select to_regclass($1) is not null", &[&relation])
        .unwrap()
        .get(0)
}

fn history(client: &mut postgres::Client) -> Vec<(i64, bool)> {
    client
        .query(
            "select version, success from public._sqlx_migrations order by version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn failed_parts(err: &MigrateError) -> (String, String) {
    match err {
        MigrateError::Failed {
            message,
            consequence,
            ..
        } => (message.clone(), consequence.clone()),
        other => panic!("expected a failed migration, got {other:?}"),
    }
}

// ---- 1. transaction control inside a transactional migration ----------------------------

#[test]
fn commit_then_failure_reports_the_committed_part_and_marks_history() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        ("0001_ok.sql", "create table ok (x int);"),
        (
            "0002_mixed.sql",
            "BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;\nCREATE TABLE b (x int);\nSELECT 1/0;\n",
        ),
    ]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let mut client = db.client();
    let err = migrator.run(&mut client).unwrap_err();
    let (message, consequence) = failed_parts(&err);
    // psql -c 'select 1/0' on PostgreSQL 15: ERROR:  division by zero
    assert!(
        message.contains("at line 5") && message.contains("division by zero"),
        "{err}"
    );
    assert!(
        consequence.contains("up to the COMMIT at line 3") && consequence.contains("FAILED"),
        "{err}"
    );
    assert!(!consequence.contains("as it was before"), "{err}");
    // What the report says is what the server holds: `a` committed, `b` rolled back.
    assert!(exists(&mut client, "public.a"));
    assert!(!exists(&mut client, "public.b"));
    assert_eq!(history(&mut client), vec![(1, true), (2, false)]);
    let status = migrator.status(&mut client).unwrap();
    assert_eq!(status.entries[1].state, State::Dirty);
    assert!(!status.is_clean());
    // The next run stops at the dirty row instead of running 0002 again.
    assert!(matches!(
        migrator.run(&mut client).unwrap_err(),
        MigrateError::Dirty { version: 2, .. }
    ));
}

#[test]
fn failure_before_any_commit_is_still_a_clean_rollback() {
    let db = TestDb::new();
    let dir = migration_dir(&[(
        "0001_x.sql",
        "BEGIN;\nCREATE TABLE a (x int);\nSELECT 1/0;\nCOMMIT;\n",
    )]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let mut client = db.client();
    let err = migrator.run(&mut client).unwrap_err();
    let (_, consequence) = failed_parts(&err);
    assert!(consequence.contains("as it was before"), "{err}");
    assert!(!exists(&mut client, "public.a"));
    assert_eq!(history(&mut client), vec![]);
}

#[test]
fn begin_commit_wrapped_migrations_apply_and_record_atomically() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        // zero-to-production's shape: the whole file wrapped in BEGIN; … COMMIT;
        (
            "0001_wrapped.sql",
            "-- wrapped\nBEGIN;\n    CREATE TABLE a (x int);\n    INSERT INTO a VALUES (1);\nCOMMIT;\n",
        ),
        // Work after the last COMMIT runs in the runner's transaction, with the row.
        (
            "0002_tail.sql",
            "START TRANSACTION;\nCREATE TABLE b (x int);\nEND;\nCREATE TABLE c (x int);\n",
        ),
        (
            "0003_savepoints.sql",
            "create table d (x int);\nsavepoint s;\ninsert into d values (1);\nrollback to savepoint s;\nrelease savepoint s;\n",
        ),
    ]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let mut client = db.client();
    let ran = migrator.run(&mut client).unwrap();
    assert_eq!(ran.len(), 3);
    for t in ["public.a", "public.b", "public.c", "public.d"] {
        assert!(exists(&mut client, t), "{t}");
    }
    let d: i64 = client
        .query_one("select count(*) from d", &[])
        .unwrap()
        .get(0);
    assert_eq!(d, 0);
    assert_eq!(history(&mut client), vec![(1, true), (2, true), (3, true)]);
}

#[test]
fn a_failing_final_commit_records_nothing() {
    // The history row goes into the transaction the file's own final COMMIT ends: when
    // that COMMIT fails (a deferred foreign key), neither the tables nor the row remain.
    let db = TestDb::new();
    let dir = migration_dir(&[(
        "0001_deferred.sql",
        "BEGIN;\ncreate table p (id int primary key);\n\
         create table c (p int references p deferrable initially deferred);\n\
         insert into c values (1);\nCOMMIT;\n",
    )]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let mut client = db.client();
    let err = migrator.run(&mut client).unwrap_err();
    let (message, consequence) = failed_parts(&err);
    // PostgreSQL 15 on that COMMIT: ERROR:  insert or update on table "c" violates foreign key constraint "c_p_fkey"
    assert!(message.contains("violates foreign key constraint"), "{err}");
    assert!(consequence.contains("as it was before"), "{err}");
    assert!(!exists(&mut client, "public.p"));
    assert_eq!(history(&mut client), vec![]);
}

#[test]
fn rollback_inside_a_migration_is_refused_before_anything_runs() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        ("0001_ok.sql", "create table ok (x int);"),
        (
            "0002_undo.sql",
            "BEGIN;\nCREATE TABLE a (x int);\nROLLBACK;\nCREATE TABLE b (x int);\n",
        ),
    ]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let mut client = db.client();
    let err = migrator.run(&mut client).unwrap_err();
    match &err {
        MigrateError::TransactionControl {
            version,
            line,
            statement,
            ..
        } => assert_eq!((*version, *line, *statement), (2, 3, "ROLLBACK")),
        other => panic!("{other:?}"),
    }
    assert!(!exists(&mut client, "public.ok"), "nothing may run");
    assert_eq!(history(&mut client), vec![]);
    let out = run(
        &db.url(),
        &["--migrations", dir.path().to_str().unwrap(), "upgrade"],
    );
    assert_exit(&out, 3);
    assert!(
        text(&out).contains("runs ROLLBACK at line 3"),
        "{}",
        text(&out)
    );
}

// ---- 2. INVALID indexes -----------------------------------------------------------------

#[test]
fn an_invalid_index_is_never_recorded_as_applied() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        (
            "0001_t.sql",
            "create table t (x int);\ninsert into t values (1), (1);\n",
        ),
        (
            "0002_unique.sql",
            "-- no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_x_key ON t (x);\n",
        ),
    ]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let mut client = db.client();
    // First run: the unique build fails on the duplicates and leaves an INVALID index.
    let err = migrator.run(&mut client).unwrap_err();
    let (message, consequence) = failed_parts(&err);
    // PostgreSQL 15: ERROR:  could not create unique index "t_x_key"
    assert!(message.contains("could not create unique index"), "{err}");
    assert!(
        consequence.contains("DROP INDEX CONCURRENTLY public.t_x_key;"),
        "{err}"
    );
    // Second run: IF NOT EXISTS skips the INVALID index; the runner does not record it.
    let err = migrator.run(&mut client).unwrap_err();
    let (message, consequence) = failed_parts(&err);
    assert!(
        message.contains("INVALID index(es): public.t_x_key on public.t"),
        "{err}"
    );
    assert!(consequence.contains("NOT recorded"), "{err}");
    assert!(
        consequence.contains("DROP INDEX CONCURRENTLY public.t_x_key;"),
        "{err}"
    );
    assert_eq!(history(&mut client), vec![(1, true)]);
    let status = migrator.status(&mut client).unwrap();
    assert_eq!(status.invalid_indexes.len(), 1);
    assert_eq!(status.invalid_indexes[0].index, "public.t_x_key");
    assert!(!status.is_clean());
    let out = run(
        &db.url(),
        &["--migrations", dir.path().to_str().unwrap(), "status"],
    );
    assert_exit(&out, 3);
    assert!(
        text(&out).contains("INVALID index public.t_x_key on public.t"),
        "{}",
        text(&out)
    );
    // The advice works: drop it, fix the data, run again.
    client
        .batch_execute("DROP INDEX CONCURRENTLY public.t_x_key")
        .unwrap();
    client
        .batch_execute("DELETE FROM t WHERE ctid <> (SELECT min(ctid) FROM t)")
        .unwrap();
    migrator.run(&mut client).unwrap();
    assert_eq!(history(&mut client), vec![(1, true), (2, true)]);
    assert!(migrator.status(&mut client).unwrap().is_clean());
}

// ---- 3. session state and the history table's schema -------------------------------------

#[test]
fn settings_made_by_one_migration_do_not_reach_the_next_or_the_history() {
    let db = TestDb::new();
    let role = format!("{}_nobody", db.name());
    let mut admin = db.client();
    admin
        .batch_execute(&format!("CREATE ROLE {role} NOLOGIN"))
        .unwrap();
    let dir = migration_dir(&[
        // pg_dump's preamble, outside a transaction: the search path becomes empty.
        (
            "0001_dump.sql",
            "-- no-transaction\nSELECT pg_catalog.set_config('search_path', '', false);\n",
        ),
        ("0002_a.sql", "create table a (x int);"),
        (
            "0003_timeout.sql",
            "-- no-transaction\nSET statement_timeout = 1;\n",
        ),
        (
            "0004_slow.sql",
            "select pg_sleep(0.05);\ncreate table b (x int);",
        ),
        (
            "0005_readonly.sql",
            "-- no-transaction\nSET default_transaction_read_only = on;\n",
        ),
        ("0006_c.sql", "create table c (x int);"),
        (
            "0007_role.sql",
            &format!("-- no-transaction\nSET ROLE {role};\n"),
        ),
        // PostgreSQL 15: a role without CREATE on public gets "permission denied for schema public".
        ("0008_d.sql", "create table d (x int);"),
        // underway's shape: a local search path and a look-alike history table in another schema.
        (
            "0009_other.sql",
            "create schema other;\ncreate table other._sqlx_migrations (like public._sqlx_migrations including all);\nset local search_path to other;\ncreate table q (x int);\n",
        ),
    ]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let mut client = db.client();
    let ran = migrator.run(&mut client);
    admin
        .batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
        .unwrap();
    assert_eq!(ran.unwrap().len(), 9);
    for t in ["public.a", "public.b", "public.c", "public.d", "other.q"] {
        assert!(exists(&mut admin, t), "{t}");
    }
    let owner: String = admin
        .query_one(
            "select tableowner::text from pg_tables where tablename = 'd'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(owner, db.user());
    assert_eq!(history(&mut admin).len(), 9);
    let other: i64 = admin
        .query_one("select count(*) from other._sqlx_migrations", &[])
        .unwrap()
        .get(0);
    assert_eq!(
        other, 0,
        "the history stays in the schema the run found it in"
    );
    // The run's session ends as it started.
    let row = client
        .query_one(
            "select current_setting('search_path'), current_setting('statement_timeout'), \
             current_setting('default_transaction_read_only'), current_user::text",
            &[],
        )
        .unwrap();
    let state: (String, String, String, String) = (row.get(0), row.get(1), row.get(2), row.get(3));
    assert_eq!(
        state,
        (
            "\"$user\", public".into(),
            "0".into(),
            "off".into(),
            db.user()
        )
    );
}

#[test]
fn the_callers_own_session_settings_are_kept() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        (
            "0001_reset.sql",
            "-- no-transaction\nSET search_path = '';\n",
        ),
        ("0002_t.sql", "create table t (x int);"),
    ]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let mut client = db.client();
    client
        .batch_execute("CREATE SCHEMA app; SET search_path = app, public")
        .unwrap();
    migrator.run(&mut client).unwrap();
    assert!(exists(&mut client, "app.t"));
    assert!(exists(&mut client, "app._sqlx_migrations"));
    let path: String = client
        .query_one("select current_setting('search_path')", &[])
        .unwrap()
        .get(0);
    assert_eq!(path, "app, public");
}

#[test]
fn a_migration_that_drops_the_history_is_refused_at_validation() {
    let dir = migration_dir(&[
        ("0001_a.sql", "create table a (x int);"),
        (
            "0002_b.sql",
            "create table b (x int);\ndrop table _sqlx_migrations;\n",
        ),
    ]);
    let err = Migrator::from_dir(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("0002_b.sql:2:1: error: DROP TABLE of _sqlx_migrations"),
        "{err}"
    );
}

// ---- 5. status: the lock holder and history out of order ---------------------------------

#[test]
fn status_names_the_lock_holder_and_history_out_of_order() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        ("0001_a.sql", "create table a (x int);"),
        ("0002_b.sql", "create table b (x int);"),
        ("0003_c.sql", "create table c (x int);"),
    ]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let mut client = db.client();
    migrator.run(&mut client).unwrap();
    assert!(migrator.status(&mut client).unwrap().is_clean());
    client
        .batch_execute("DELETE FROM _sqlx_migrations WHERE version = 2")
        .unwrap();
    let status = migrator.status(&mut client).unwrap();
    assert_eq!(status.out_of_order, vec![2]);
    assert!(!status.is_clean());
    let url = db.url();
    let path = dir.path().to_str().unwrap();
    let out = run(&url, &["--migrations", path, "status"]);
    assert_exit(&out, 3);
    assert!(
        text(&out).contains("history out of order: 0002 pending below the current version 0003"),
        "{}",
        text(&out)
    );
    client
        .batch_execute("INSERT INTO _sqlx_migrations SELECT 2, description, installed_on, success, checksum, execution_time FROM _sqlx_migrations WHERE version = 1")
        .unwrap();
    // Another session holds sqlx's lock, as a running (or stuck) migrator does.
    let mut other = db.client();
    let pid: i32 = other
        .query_one("select pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    other
        .execute("select pg_advisory_lock($1)", &[&lock_key(db.name())])
        .unwrap();
    let status = migrator.status(&mut client).unwrap();
    let holder = status.lock_holder.clone().expect("the holder");
    assert_eq!(holder.pid, pid);
    assert_eq!(holder.application_name, "chatbi-db");
    let out = run(&url, &["--migrations", path, "--json", "status"]);
    assert_exit(&out, 3);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["databases"][0]["lock_holder"]["pid"], pid);
    let out = run(&url, &["--migrations", path, "status"]);
    assert!(
        text(&out).contains(&format!("holds the migration lock: pid {pid} (chatbi-db)")),
        "{}",
        text(&out)
    );
    drop(other);
    // The server drops a dead session's advisory locks: the holder is gone.
    let mut gone = false;
    for _ in 0..50 {
        if migrator.status(&mut client).unwrap().lock_holder.is_none() {
            gone = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(gone);
}

// ---- 6. --yes ----------------------------------------------------------------------------

#[test]
fn reverting_more_than_one_migration_or_purging_asks_for_yes() {
    let db = TestDb::new();
    let dir = migration_dir(&[
        ("0001_a.up.sql", "create table a (x int);"),
        ("0001_a.down.sql", "drop table a;"),
        ("0002_b.up.sql", "create table b (x int);"),
        ("0002_b.down.sql", "drop table b;"),
        ("0003_c.up.sql", "create table c (x int);"),
        ("0003_c.down.sql", "drop table c;"),
    ]);
    let url = db.url();
    let path = dir.path().to_str().unwrap();
    assert_exit(&run(&url, &["--migrations", path, "upgrade"]), 0);
    for args in [
        &["downgrade", "--", "-99"][..],
        &["downgrade", "base"],
        &["downgrade", "0001"],
    ] {
        let mut full = vec!["--migrations", path];
        full.extend_from_slice(args);
        let out = run(&url, &full);
        assert_exit(&out, 2);
        assert!(
            text(&out).contains("pass --yes to confirm"),
            "{}",
            text(&out)
        );
    }
    let out = run(&url, &["--migrations", path, "stamp", "base", "--purge"]);
    assert_exit(&out, 2);
    let mut client = db.client();
    assert_eq!(history(&mut client).len(), 3, "nothing was reverted");
    // One step needs no confirmation; --sql changes nothing and needs none.
    assert_exit(&run(&url, &["--migrations", path, "downgrade"]), 0);
    assert_exit(
        &run(&url, &["--migrations", path, "downgrade", "base", "--sql"]),
        0,
    );
    assert_exit(
        &run(&url, &["--migrations", path, "downgrade", "base", "--yes"]),
        0,
    );
    assert_eq!(history(&mut client).len(), 0);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let left = migrator
        .downgrade(
            &mut client,
            Target::Base,
            &RunOptions::default(),
            &mut quiet(),
        )
        .unwrap();
    assert!(left.is_empty());
}

// ---- 4. a server that accepts and never answers --------------------------------------------

/// A TCP listener that accepts connections and never says a word; returns its port.
fn silent_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

#[test]
fn connect_timeout_in_the_url_is_honoured() {
    let port = silent_server();
    let url = chatbi_db::db::DbUrl::parse(&format!(
        "postgres://postgres@127.0.0.1:{port}/x?connect_timeout=1&sslmode=disable"
    ))
    .unwrap();
    let start = std::time::Instant::now();
    let Err(err) = url.connect() else {
        panic!("connected to a server that never answers");
    };
    let err = err.to_string();
    let waited = start.elapsed();
    assert!(
        waited >= std::time::Duration::from_millis(900)
            && waited < std::time::Duration::from_secs(5),
        "{waited:?}"
    );
    assert!(
        err.contains("no answer from the server within 1 s"),
        "{err}"
    );
}

#[test]
fn the_cli_gives_up_on_a_silent_server_after_the_default_10_s() {
    let port = silent_server();
    let url = format!("postgres://postgres@127.0.0.1:{port}/x?sslmode=disable");
    let dir = migration_dir(&[("0001_a.sql", "create table a (x int);")]);
    let start = std::time::Instant::now();
    let out = run(
        &url,
        &["--migrations", dir.path().to_str().unwrap(), "upgrade"],
    );
    let waited = start.elapsed();
    assert_exit(&out, 5);
    assert!(
        waited >= std::time::Duration::from_secs(9) && waited < std::time::Duration::from_secs(20),
        "{waited:?}"
    );
    assert!(
        text(&out).contains("no answer from the server within 10 s"),
        "{}",
        text(&out)
    );
}

/// A TCP proxy to the test server that can be frozen: once frozen it forwards nothing more
/// (in either direction) and holds new connections without answering, as a server that
/// stopped answering does; closing a side still closes the other.
struct Proxy {
    port: u16,
    frozen: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Proxy {
    fn start(upstream: (String, u16)) -> Proxy {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let frozen = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = frozen.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for client in listener.incoming().flatten() {
                if flag.load(Ordering::SeqCst) {
                    held.push(client);
                    continue;
                }
                let server =
                    std::net::TcpStream::connect((upstream.0.as_str(), upstream.1)).unwrap();
                for (from, to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    let flag = flag.clone();
                    std::thread::spawn(move || pump(from, to, &flag));
                }
            }
        });
        Proxy { port, frozen }
    }

    fn freeze(&self) {
        self.frozen.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

fn pump(
    mut from: std::net::TcpStream,
    mut to: std::net::TcpStream,
    frozen: &std::sync::atomic::AtomicBool,
) {
    use std::io::{Read, Write};
    let mut buf = [0u8; 16384];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => {
                let _ = to.shutdown(std::net::Shutdown::Both);
                return;
            }
            Ok(n) => n,
        };
        if frozen.load(std::sync::atomic::Ordering::SeqCst) {
            continue; // swallowed: the other side never hears of it
        }
        if to.write_all(&buf[..n]).is_err() {
            return;
        }
    }
}

#[test]
fn a_server_that_stops_answering_mid_run_ends_the_run_with_exit_5() {
    let db = TestDb::new();
    let proxy = Proxy::start((db.host(), db.port()));
    let url = format!(
        "{}?connect_timeout=2&sslmode=disable",
        chatbi_db::db::DbUrl::from_parts("127.0.0.1", proxy.port, &db.user(), db.name())
            .expose_secret()
    );
    let dir = migration_dir(&[(
        "0001_slow.sql",
        "select pg_sleep(4);\ncreate table a (x int);",
    )]);
    let start = std::time::Instant::now();
    let child = support::chatbi_db()
        .args([
            "--database-url",
            &url,
            "--migrations",
            dir.path().to_str().unwrap(),
            "upgrade",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    proxy.freeze();
    let out = child.wait_with_output().unwrap();
    let waited = start.elapsed();
    assert_exit(&out, 5);
    assert!(waited < std::time::Duration::from_secs(15), "{waited:?}");
    let said = text(&out);
    assert!(said.contains("stopped answering"), "{said}");
    assert!(said.contains("releases the migration lock"), "{said}");
    // The server notices the closed connection, rolls the migration back and drops the lock.
    let mut client = db.client();
    let key = lock_key(db.name());
    let mut released = false;
    for _ in 0..100 {
        let held: bool = client
            .query_one(
                "select exists (select 1 from pg_locks where locktype = 'advisory' \
                 and objid::bigint = $1 & 4294967295 and pid <> pg_backend_pid())",
                &[&key],
            )
            .unwrap()
            .get(0);
        if !held {
            released = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(released, "the advisory lock was not released");
    assert!(!exists(&mut client, "public.a"));
    assert_eq!(history(&mut client), vec![]);
}

#[test]
fn a_non_superuser_run_restores_its_session_too() {
    // `SET SESSION AUTHORIZATION <self>` is allowed to any role (PostgreSQL 15,
    // SetSessionAuthorization: userid == AuthenticatedUserId), so the restore works without
    // superuser rights.
    let db = TestDb::new();
    let role = format!("{}_app", db.name());
    let mut admin = db.client();
    admin
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN; GRANT CREATE ON SCHEMA public TO {role}"
        ))
        .unwrap();
    let url = chatbi_db::db::DbUrl::from_parts(&db.host(), db.port(), &role, db.name());
    let dir = migration_dir(&[
        (
            "0001_reset.sql",
            "-- no-transaction\nSELECT pg_catalog.set_config('search_path', '', false);\n",
        ),
        ("0002_t.sql", "create table t (x int);"),
    ]);
    let migrator = Migrator::from_dir(dir.path()).unwrap();
    let result = url.connect().map(|mut c| migrator.run(&mut c));
    let owner: Option<String> = admin
        .query_opt(
            "select tableowner::text from pg_tables where tablename = 't'",
            &[],
        )
        .unwrap()
        .map(|r| r.get(0));
    admin
        .batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
        .unwrap();
    assert_eq!(result.unwrap().unwrap().len(), 2);
    assert_eq!(owner.as_deref(), Some(role.as_str()));
}
