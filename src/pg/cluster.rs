//! Creating, starting, reusing and stopping a cluster in a folder.
//!
//! Folder layout: `data/` (PGDATA), `run/` (unix socket), `server.log`, `port`
//! (the port the cluster listens on, reused on the next start).

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{ClusterError, find_bin_dir};
use crate::db::DbUrl;

/// The superuser every local cluster is created with (trust authentication).
pub const SUPERUSER: &str = "postgres";

/// The loopback address the cluster listens on.
const HOST: &str = "127.0.0.1";

/// How a cluster is created and started.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Throwaway cluster: `initdb --no-sync` and `fsync=off`, `synchronous_commit=off`,
    /// `full_page_writes=off` (fast, not crash safe: for tests only).
    pub ephemeral: bool,
    /// How long to wait for the server to accept connections.
    pub start_timeout: Duration,
    /// `max_connections` of the server.
    pub max_connections: u32,
}

impl ClusterOptions {
    /// Settings for the project's persistent cluster (`.pgdata/`).
    pub fn persistent() -> ClusterOptions {
        ClusterOptions {
            ephemeral: false,
            start_timeout: Duration::from_secs(60),
            max_connections: 100,
        }
    }

    /// Settings for a test cluster.
    pub fn ephemeral() -> ClusterOptions {
        ClusterOptions {
            ephemeral: true,
            start_timeout: Duration::from_secs(60),
            max_connections: 200,
        }
    }
}

/// A running local cluster.
#[derive(Debug)]
pub struct LocalCluster {
    root: PathBuf,
    bin_dir: PathBuf,
    port: u16,
    pid: i32,
    /// Present when this process started the server (so it can reap it).
    child: Option<Child>,
    /// Whether this handle started the server (rather than reusing a running one).
    started: bool,
}

impl LocalCluster {
    /// Makes sure a cluster runs from `root`: creates it with `initdb` if the folder
    /// holds none, reuses the server if one already runs there, starts it otherwise,
    /// and waits until it accepts connections.
    ///
    /// ```no_run
    /// use chatbi_db::pg::{ClusterOptions, LocalCluster};
    /// let cluster = LocalCluster::ensure_running(".pgdata".as_ref(), &ClusterOptions::persistent())?;
    /// println!("{}", cluster.url("chatbi"));
    /// # Ok::<(), chatbi_db::pg::ClusterError>(())
    /// ```
    pub fn ensure_running(
        root: &Path,
        options: &ClusterOptions,
    ) -> Result<LocalCluster, ClusterError> {
        let bin_dir = find_bin_dir()?;
        let owner = server_owner()?;
        let root = absolute(root)?;
        mkdir(&root)?;
        if let Some((uid, gid)) = owner {
            check_traversable(&root, uid, gid)?;
            chown(&root, uid, gid)?;
        }
        // Several chatbi-db processes may start at once: one at a time initialises/starts.
        let _guard = lock_dir(&root)?;
        let data = root.join("data");
        if let Some((pid, port)) = running_server(&data) {
            let mut cluster = LocalCluster {
                root: root.clone(),
                bin_dir: bin_dir.clone(),
                port,
                pid,
                child: None,
                started: false,
            };
            if cluster.wait_ready(options.start_timeout).is_ok() {
                return Ok(cluster);
            }
        }
        if !data.join("PG_VERSION").is_file() {
            initdb(&bin_dir, &root, &data, owner, options)?;
        }
        let run = root.join("run");
        mkdir(&run)?;
        if let Some((uid, gid)) = owner {
            chown(&run, uid, gid)?;
        }
        let port_file = root.join("port");
        let mut port = if options.ephemeral {
            None
        } else {
            fs::read_to_string(&port_file)
                .ok()
                .and_then(|p| p.trim().parse::<u16>().ok())
        };
        let mut last_error = None;
        for _attempt in 0..5 {
            let chosen = match port.take() {
                Some(p) => p,
                None => free_port()?,
            };
            match start_server(&bin_dir, &root, chosen, owner, options) {
                Ok(mut cluster) => match cluster.wait_ready(options.start_timeout) {
                    Ok(()) => {
                        if !options.ephemeral {
                            let _ = fs::write(&port_file, format!("{chosen}\n"));
                        }
                        return Ok(cluster);
                    }
                    Err(e) => {
                        let port_taken = log_tail(&root.join("server.log"), 30)
                            .contains("could not create any TCP/IP sockets");
                        let _ = cluster.stop();
                        if !port_taken {
                            return Err(e);
                        }
                        last_error = Some(e);
                    }
                },
                Err(e) => return Err(e),
            }
        }
        Err(last_error.unwrap_or_else(|| ClusterError::Stop("no free port".into())))
    }

    /// Stops the server running from `root`, if any; returns whether one was running.
    pub fn stop_dir(root: &Path) -> Result<bool, ClusterError> {
        let root = absolute(root)?;
        match running_server(&root.join("data")) {
            None => Ok(false),
            Some((pid, port)) => {
                let mut cluster = LocalCluster {
                    bin_dir: PathBuf::new(),
                    root,
                    port,
                    pid,
                    child: None,
                    started: false,
                };
                cluster.stop()?;
                Ok(true)
            }
        }
    }

    /// The port of the server running from `root`, if one runs.
    pub fn running_port(root: &Path) -> Option<u16> {
        running_server(&root.join("data")).map(|(_, port)| port)
    }

    /// A URL for `database` on this cluster (superuser, loopback TCP, no password).
    pub fn url(&self, database: &str) -> DbUrl {
        DbUrl::from_parts(HOST, self.port, SUPERUSER, database)
    }

    /// The loopback address the server listens on.
    pub fn host(&self) -> &str {
        HOST
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The superuser name.
    pub fn user(&self) -> &str {
        SUPERUSER
    }

    /// The PostgreSQL binary directory (psql, pg_dump, ...).
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// The cluster's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory holding the unix socket.
    pub fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
    }

    /// The server log.
    pub fn log_file(&self) -> PathBuf {
        self.root.join("server.log")
    }

    /// The postmaster's process id.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// Whether this handle started the server (false: it was already running).
    pub fn started_here(&self) -> bool {
        self.started
    }

    /// Fast shutdown (SIGINT), waiting up to 30 s, then immediate shutdown (SIGQUIT).
    pub fn stop(&mut self) -> Result<(), ClusterError> {
        self.signal_and_wait(libc::SIGINT, Duration::from_secs(30))
            .or_else(|_| self.signal_and_wait(libc::SIGQUIT, Duration::from_secs(10)))
    }

    /// Immediate shutdown (SIGQUIT): for throwaway clusters about to be deleted.
    pub fn stop_immediately(&mut self) -> Result<(), ClusterError> {
        self.signal_and_wait(libc::SIGQUIT, Duration::from_secs(10))
    }

    fn signal_and_wait(&mut self, signal: i32, timeout: Duration) -> Result<(), ClusterError> {
        // SAFETY: kill(2) with a pid we read from postmaster.pid or spawned.
        unsafe {
            libc::kill(self.pid, signal);
        }
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if !self.alive() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(ClusterError::Stop(format!(
            "process {} still running after {:?}",
            self.pid, timeout
        )))
    }

    fn alive(&mut self) -> bool {
        if let Some(child) = &mut self.child {
            return matches!(child.try_wait(), Ok(None));
        }
        pid_alive(self.pid)
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), ClusterError> {
        let deadline = Instant::now() + timeout;
        let url = self.url("postgres");
        loop {
            if !self.alive() {
                return Err(self.start_error("the server process exited".into()));
            }
            let last = match url.connect() {
                Ok(_) => return Ok(()),
                Err(e) => e.to_string(),
            };
            if Instant::now() >= deadline {
                return Err(self.start_error(format!(
                    "not accepting connections after {timeout:?}: {last}"
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn start_error(&self, reason: String) -> ClusterError {
        let log = self.log_file();
        ClusterError::Start {
            reason,
            tail: log_tail(&log, 20),
            log: log.display().to_string(),
        }
    }
}

fn initdb(
    bin_dir: &Path,
    root: &Path,
    data: &Path,
    owner: Option<(u32, u32)>,
    options: &ClusterOptions,
) -> Result<(), ClusterError> {
    if data.exists() {
        // A data directory without PG_VERSION is the remains of a failed initdb.
        fs::remove_dir_all(data).map_err(|source| ClusterError::Io {
            action: "removing incomplete data directory",
            path: data.display().to_string(),
            source,
        })?;
    }
    let mut cmd = Command::new(bin_dir.join("initdb"));
    cmd.arg("-D")
        .arg(data)
        .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-locale"])
        .current_dir(root)
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    if options.ephemeral {
        cmd.arg("--no-sync");
    }
    if let Some((uid, gid)) = owner {
        cmd.uid(uid).gid(gid);
    }
    let out = cmd.output().map_err(|source| ClusterError::Io {
        action: "running",
        path: bin_dir.join("initdb").display().to_string(),
        source,
    })?;
    if !out.status.success() {
        return Err(ClusterError::Initdb {
            data_dir: data.display().to_string(),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        });
    }
    Ok(())
}

fn start_server(
    bin_dir: &Path,
    root: &Path,
    port: u16,
    owner: Option<(u32, u32)>,
    options: &ClusterOptions,
) -> Result<LocalCluster, ClusterError> {
    let log_path = root.join("server.log");
    let log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|source| ClusterError::Io {
            action: "opening",
            path: log_path.display().to_string(),
            source,
        })?;
    if let Some((uid, gid)) = owner {
        chown(&log_path, uid, gid)?;
    }
    let err = log.try_clone().map_err(|source| ClusterError::Io {
        action: "opening",
        path: log_path.display().to_string(),
        source,
    })?;
    let run = root.join("run");
    // Unix socket paths are limited to ~107 bytes: skip the socket when too long.
    let socket_dir = if run.as_os_str().len() + 20 < 100 {
        run.display().to_string()
    } else {
        String::new()
    };
    let mut cmd = Command::new(bin_dir.join("postgres"));
    cmd.arg("-D")
        .arg(root.join("data"))
        .arg("-p")
        .arg(port.to_string())
        .args(["-c", &format!("listen_addresses={HOST}")])
        .args(["-c", &format!("unix_socket_directories={socket_dir}")])
        .args([
            "-c",
            &format!("max_connections={}", options.max_connections),
        ]);
    if options.ephemeral {
        for setting in [
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
            "shared_buffers=64MB",
        ] {
            cmd.args(["-c", setting]);
        }
    }
    cmd.current_dir(root)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        // Own process group: a Ctrl-C in the terminal does not reach the server.
        .process_group(0);
    if let Some((uid, gid)) = owner {
        cmd.uid(uid).gid(gid);
    }
    let child = cmd.spawn().map_err(|source| ClusterError::Io {
        action: "starting",
        path: bin_dir.join("postgres").display().to_string(),
        source,
    })?;
    Ok(LocalCluster {
        root: root.to_owned(),
        bin_dir: bin_dir.to_owned(),
        port,
        pid: child.id() as i32,
        child: Some(child),
        started: true,
    })
}

/// An exclusive `flock` on `root/cluster.lock`, released when the file is dropped.
fn lock_dir(root: &Path) -> Result<fs::File, ClusterError> {
    use std::os::fd::AsRawFd;
    let path = root.join("cluster.lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| ClusterError::Io {
            action: "opening",
            path: path.display().to_string(),
            source,
        })?;
    // SAFETY: flock on a file descriptor we own for the duration of the call.
    let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
    if r != 0 {
        return Err(ClusterError::Io {
            action: "locking",
            path: path.display().to_string(),
            source: std::io::Error::last_os_error(),
        });
    }
    Ok(file)
}

/// `(pid, port)` of a live server according to `postmaster.pid`.
fn running_server(data: &Path) -> Option<(i32, u16)> {
    let text = fs::read_to_string(data.join("postmaster.pid")).ok()?;
    let mut lines = text.lines();
    let pid: i32 = lines.next()?.trim().parse().ok()?;
    let port: u16 = lines.nth(2)?.trim().parse().ok()?;
    pid_alive(pid).then_some((pid, port))
}

fn pid_alive(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks for existence and permission.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

fn free_port() -> Result<u16, ClusterError> {
    let listener = TcpListener::bind((HOST, 0)).map_err(|source| ClusterError::Io {
        action: "finding a free port on",
        path: HOST.to_owned(),
        source,
    })?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|source| ClusterError::Io {
            action: "finding a free port on",
            path: HOST.to_owned(),
            source,
        })
}

/// The last `lines` lines of a file (empty if unreadable).
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    let Ok(mut file) = fs::File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(16 * 1024)));
    let mut text = String::new();
    let mut bytes = Vec::new();
    if file.read_to_end(&mut bytes).is_ok() {
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// When running as root: the uid/gid of the `postgres` user the server must run as.
fn server_owner() -> Result<Option<(u32, u32)>, ClusterError> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    // SAFETY: getpwnam with a NUL-terminated name; the result is read immediately.
    unsafe {
        let pw = libc::getpwnam(c"postgres".as_ptr());
        if pw.is_null() {
            return Err(ClusterError::NoPostgresUser);
        }
        Ok(Some(((*pw).pw_uid, (*pw).pw_gid)))
    }
}

fn absolute(path: &Path) -> Result<PathBuf, ClusterError> {
    std::path::absolute(path).map_err(|source| ClusterError::Io {
        action: "resolving",
        path: path.display().to_string(),
        source,
    })
}

fn mkdir(path: &Path) -> Result<(), ClusterError> {
    fs::create_dir_all(path).map_err(|source| ClusterError::Io {
        action: "creating",
        path: path.display().to_string(),
        source,
    })
}

fn chown(path: &Path, uid: u32, gid: u32) -> Result<(), ClusterError> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).map_err(|source| ClusterError::Io {
        action: "changing the owner of",
        path: path.display().to_string(),
        source,
    })
}

/// The server user must be able to reach `root` through every ancestor.
fn check_traversable(root: &Path, uid: u32, gid: u32) -> Result<(), ClusterError> {
    use std::os::unix::fs::MetadataExt;
    for dir in root.ancestors().skip(1) {
        let Ok(meta) = fs::metadata(dir) else {
            continue;
        };
        let mode = meta.permissions().mode();
        let ok = if meta.uid() == uid {
            mode & 0o100 != 0
        } else if meta.gid() == gid {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        };
        if !ok {
            return Err(ClusterError::Io {
                action: "the postgres user cannot enter",
                path: dir.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "PostgreSQL runs as the `postgres` user when chatbi-db runs as root; \
                     put the cluster elsewhere with CHATBI_PGDATA=/some/dir or allow \
                     traversal (chmod o+x)",
                ),
            });
        }
    }
    Ok(())
}
