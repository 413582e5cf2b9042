//! A local PostgreSQL cluster run from the installed binaries.
//!
//! The CLI keeps one in the project's `.pgdata/` folder (started on demand and
//! left running for the next command); tests get a throwaway one per process
//! (see [`crate::testing`]). As root, `initdb` and `postgres` run as the
//! `postgres` system user, since PostgreSQL refuses to run as root.

mod binaries;
mod cluster;

pub use binaries::{BINDIR_ENV, INSTALL_HELP, find_bin_dir};
pub use cluster::{ClusterOptions, LocalCluster, SUPERUSER};

/// Errors from finding, creating, starting and stopping a local cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// No PostgreSQL binaries were found; the text says how to install them.
    #[error("{0}")]
    NoBinaries(String),
    /// Running as root but there is no `postgres` system user to run the server as.
    #[error(
        "running as root, but there is no `postgres` system user to run PostgreSQL as \
         (PostgreSQL refuses to run as root); create one (e.g. `useradd --system postgres`) \
         or run as an ordinary user"
    )]
    NoPostgresUser,
    /// A file system operation failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path concerned.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// `initdb` failed.
    #[error("initdb failed for {data_dir}:\n{output}")]
    Initdb {
        /// The data directory.
        data_dir: String,
        /// initdb's output.
        output: String,
    },
    /// The server did not start or did not become ready in time.
    #[error("PostgreSQL did not start ({reason}); last lines of {log}:\n{tail}")]
    Start {
        /// Why we gave up.
        reason: String,
        /// The server log file.
        log: String,
        /// The last lines of the server log.
        tail: String,
    },
    /// Stopping the server failed.
    #[error("could not stop PostgreSQL: {0}")]
    Stop(String),
}
