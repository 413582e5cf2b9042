//! Finding the installed PostgreSQL server binaries.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::ClusterError;

/// The environment variable that names the binary directory explicitly.
pub const BINDIR_ENV: &str = "CHATBI_PG_BINDIR";

/// What to tell a user who has no PostgreSQL installed.
pub const INSTALL_HELP: &str = "\
PostgreSQL server binaries (initdb, postgres) were not found.
Install PostgreSQL, for example:
  Debian/Ubuntu:  sudo apt-get install postgresql
  Fedora/RHEL:    sudo dnf install postgresql-server
  macOS:          brew install postgresql@16
then run the command again. Alternatively point chatbi-db at an existing server with
DATABASE_URL=postgres://user:password@host:5432/chatbi, or name the binary directory
with CHATBI_PG_BINDIR=/path/to/postgresql/bin.";

/// Finds the directory holding `initdb`, `postgres`, `psql` and `pg_dump`.
///
/// Order: `$CHATBI_PG_BINDIR`, `pg_config --bindir`, the newest
/// `/usr/lib/postgresql/<N>/bin`, `/usr/pgsql-<N>/bin`, then `initdb` on `PATH`.
pub fn find_bin_dir() -> Result<PathBuf, ClusterError> {
    if let Some(dir) = std::env::var_os(BINDIR_ENV) {
        let dir = PathBuf::from(dir);
        if has_server(&dir) {
            return Ok(dir);
        }
        return Err(ClusterError::NoBinaries(format!(
            "{BINDIR_ENV}={} has no initdb and postgres\n{INSTALL_HELP}",
            dir.display()
        )));
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has_server(&dir) {
            return Ok(dir);
        }
    }
    for base in ["/usr/lib/postgresql", "/usr/local/lib/postgresql"] {
        if let Some(dir) = newest_versioned(Path::new(base), "", "bin") {
            return Ok(dir);
        }
    }
    if let Some(dir) = newest_versioned(Path::new("/usr"), "pgsql-", "bin") {
        return Ok(dir);
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_server(&dir) {
                return Ok(dir);
            }
        }
    }
    Err(ClusterError::NoBinaries(INSTALL_HELP.to_owned()))
}

fn has_server(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("postgres").is_file()
}

/// The `<base>/<prefix><N>/<sub>` with the highest numeric `N` that holds the server.
fn newest_versioned(base: &Path, prefix: &str, sub: &str) -> Option<PathBuf> {
    let entries = std::fs::read_dir(base).ok()?;
    let mut best: Option<(Vec<u32>, PathBuf)> = None;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(version) = name.to_str().and_then(|n| n.strip_prefix(prefix)) else {
            continue;
        };
        let Some(key) = version
            .split('.')
            .map(|p| p.parse::<u32>().ok())
            .collect::<Option<Vec<u32>>>()
        else {
            continue;
        };
        let dir = entry.path().join(sub);
        if has_server(&dir) && best.as_ref().is_none_or(|(k, _)| key > *k) {
            best = Some((key, dir));
        }
    }
    best.map(|(_, dir)| dir)
}
