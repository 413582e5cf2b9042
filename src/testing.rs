//! Test support: a real PostgreSQL server per test process and a fresh database per test.
//!
//! The first [`TestDb::new`] in a process starts a throwaway cluster (initdb into a
//! temporary folder, loopback TCP on a free port, unix socket in the folder,
//! `fsync=off`); it is stopped and deleted when the process exits (an `atexit`
//! handler, plus a watchdog process that cleans up if the test process is killed).
//! When `DATABASE_URL` is set, the databases are created on that server instead.
//!
//! ```no_run
//! use chatbi_db::testing::TestDb;
//! let db = TestDb::new();
//! let mut client = db.client();
//! client.batch_execute("create table t (id int)").unwrap();
//! // `db.url()` for other clients; `db.command("psql")` for the PostgreSQL tools.
//! ```
//! The database is dropped when the `TestDb` is dropped.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::db::{DbUrl, quote_ident};
use crate::pg::{ClusterOptions, LocalCluster, find_bin_dir};

/// The server the tests of this process use.
struct Server {
    /// URL of the maintenance database (`postgres` on the local cluster).
    admin: DbUrl,
    /// Serialises CREATE/DROP DATABASE.
    lock: Mutex<()>,
}

struct LocalState {
    cluster: LocalCluster,
    dir: Option<tempfile::TempDir>,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static LOCAL: Mutex<Option<LocalState>> = Mutex::new(None);
static COUNTER: AtomicU64 = AtomicU64::new(0);

extern "C" fn stop_local_cluster() {
    if let Ok(mut guard) = LOCAL.lock()
        && let Some(mut state) = guard.take()
    {
        let _ = state.cluster.stop_immediately();
        if let Some(dir) = state.dir.take() {
            let _ = dir.close();
        }
    }
}

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.trim().is_empty()
        {
            let url = DbUrl::parse(&url).unwrap_or_else(|e| panic!("DATABASE_URL: {e}"));
            return Server {
                admin: url,
                lock: Mutex::new(()),
            };
        }
        let dir = tempfile::Builder::new()
            .prefix("chatbi-db-test-")
            .tempdir()
            .unwrap_or_else(|e| panic!("creating a temporary directory: {e}"));
        let cluster = LocalCluster::ensure_running(dir.path(), &ClusterOptions::ephemeral())
            .unwrap_or_else(|e| panic!("starting the test PostgreSQL cluster: {e}"));
        spawn_watchdog(cluster.pid(), dir.path().to_owned());
        let admin = cluster.url("postgres");
        *LOCAL.lock().unwrap_or_else(|p| p.into_inner()) = Some(LocalState {
            cluster,
            dir: Some(dir),
        });
        // SAFETY: registering a plain `extern "C" fn` with no captured state.
        unsafe {
            libc::atexit(stop_local_cluster);
        }
        Server {
            admin,
            lock: Mutex::new(()),
        }
    })
}

/// A shell that waits for this process to die, then kills the server and deletes its folder.
fn spawn_watchdog(server_pid: i32, dir: PathBuf) {
    let script = r#"while kill -0 "$1" 2>/dev/null; do sleep 1; done
kill -QUIT "$2" 2>/dev/null; sleep 2; rm -rf "$3""#;
    let _ = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("chatbi-db-test-watchdog")
        .arg(std::process::id().to_string())
        .arg(server_pid.to_string())
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn();
}

/// A fresh, empty database on the test server; dropped on `Drop`.
#[derive(Debug)]
pub struct TestDb {
    name: String,
    url: DbUrl,
}

impl TestDb {
    /// Creates a new empty database (starting the process's test cluster on first use).
    ///
    /// Panics when no server can be started or reached: tests need one.
    pub fn new() -> TestDb {
        let server = server();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("test_{}_{}", std::process::id(), n);
        let _guard = server.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut admin = server
            .admin
            .connect()
            .unwrap_or_else(|e| panic!("connecting to the test server: {e}"));
        // A leftover of an earlier run with the same pid (servers before 13 lack FORCE).
        let _ = admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&name)
        ));
        admin
            .batch_execute(&format!("CREATE DATABASE {}", quote_ident(&name)))
            .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
        TestDb {
            url: server.admin.with_database(&name),
            name,
        }
    }

    /// The database's URL (no password on the local cluster).
    pub fn url(&self) -> String {
        self.url.expose_secret().to_owned()
    }

    /// The database's URL as a [`DbUrl`].
    pub fn db_url(&self) -> &DbUrl {
        &self.url
    }

    /// The URL of the server's maintenance database (`postgres`), for creating other databases.
    pub fn admin_url(&self) -> String {
        server().admin.expose_secret().to_owned()
    }

    /// The database name (`test_<pid>_<n>`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A new connection to the database.
    pub fn client(&self) -> postgres::Client {
        self.url
            .connect()
            .unwrap_or_else(|e| panic!("connecting to {}: {e}", self.name))
    }

    /// Server host (`127.0.0.1` for the local cluster).
    pub fn host(&self) -> String {
        self.url.host()
    }

    /// Server port.
    pub fn port(&self) -> u16 {
        self.url.port()
    }

    /// User name (`postgres` for the local cluster).
    pub fn user(&self) -> String {
        self.url.user()
    }

    /// Password, when the server needs one (`DATABASE_URL` with a password).
    pub fn password(&self) -> Option<String> {
        self.url.password()
    }

    /// Directory of the PostgreSQL binaries (`psql`, `pg_dump`, ...).
    pub fn bin_dir(&self) -> PathBuf {
        find_bin_dir().unwrap_or_else(|e| panic!("{e}"))
    }

    /// A command for a PostgreSQL tool (`"psql"`, `"pg_dump"`, ...) from [`bin_dir`](Self::bin_dir),
    /// with `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE` (and `PGPASSWORD`) set for this database.
    pub fn command(&self, tool: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir().join(tool));
        cmd.env("PGHOST", self.host())
            .env("PGPORT", self.port().to_string())
            .env("PGUSER", self.user())
            .env("PGDATABASE", &self.name)
            .env_remove("PGSERVICE");
        match self.password() {
            Some(p) => cmd.env("PGPASSWORD", p),
            None => cmd.env_remove("PGPASSWORD"),
        };
        cmd
    }
}

impl Default for TestDb {
    fn default() -> Self {
        TestDb::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let server = server();
        let _guard = server.lock.lock().unwrap_or_else(|p| p.into_inner());
        if let Ok(mut admin) = server.admin.connect() {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&self.name)
            ));
        }
    }
}
