//! Which databases a command acts on, with which migration set, on which server.

use std::path::{Path, PathBuf};

use postgres::Client;

use super::load_report::load_set;
use super::output::Style;
use super::{Cli, CliError, register_secret};
use crate::db::{DbUrl, quote_ident};
use crate::pg::{ClusterOptions, LocalCluster};
use crate::runner::Migrator;

/// ChatBI's databases and their migration directories (relative to the repository).
pub const KNOWN: [(&str, &str); 2] = [("chatbi", "migrations"), ("chatbi_demo", "migrations_demo")];

/// One database and the set it is migrated with.
pub struct DbTarget {
    /// Database name.
    pub name: String,
    /// Its migrations.
    pub migrator: Migrator,
    /// The migration directory (for `create`).
    pub dir: PathBuf,
}

/// The source directory of a ChatBI set (where `create` and `lock` write).
fn builtin_dir(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)
}

/// ChatBI's sets, embedded in the binary (checked and checksummed at compile time).
fn builtin_set(name: &str) -> Migrator {
    if name == "chatbi_demo" {
        crate::migrations::CHATBI_DEMO.clone()
    } else {
        crate::migrations::CHATBI.clone()
    }
}

/// The databases a command acts on, with their migration directories.
/// `both_by_default`: no --database means both ChatBI databases (otherwise `chatbi`).
pub fn target_dirs(cli: &Cli, both_by_default: bool) -> Result<Vec<(String, PathBuf)>, CliError> {
    if let Some(dir) = &cli.migrations {
        let name = match &cli.database {
            Some(n) => n.clone(),
            None => server_url(cli)?.and_then(|u| u.database()).ok_or_else(|| {
                CliError::usage(
                    "with --migrations, name the database: --database NAME, or a database in the URL",
                )
            })?,
        };
        return Ok(vec![(name, dir.clone())]);
    }
    let known: Vec<&(&str, &str)> = match cli.database.as_deref() {
        Some(n) => match KNOWN.iter().find(|(k, _)| *k == n) {
            Some(k) => vec![k],
            None => {
                return Err(CliError::usage(format!(
                    "unknown database `{n}`: ChatBI's are chatbi and chatbi_demo; for another set use --migrations DIR"
                )));
            }
        },
        None if both_by_default => KNOWN.iter().collect(),
        None => vec![&KNOWN[0]],
    };
    Ok(known
        .into_iter()
        .map(|(name, dir)| (name.to_string(), builtin_dir(dir)))
        .collect())
}

/// The databases a command acts on, with their (validated, lock-checked) migration sets:
/// ChatBI's embedded ones, or the --migrations directory loaded now (as sqlx or diesel
/// loads it, or strictly with --strict; the files it leaves out are named on stderr).
pub fn targets(cli: &Cli, both_by_default: bool) -> Result<Vec<DbTarget>, CliError> {
    target_dirs(cli, both_by_default)?
        .into_iter()
        .map(|(name, dir)| {
            let migrator = if cli.migrations.is_none() {
                builtin_set(&name)
            } else {
                let layout = cli.layout.map(Into::into);
                Migrator::new(load_set(&dir, layout, cli.strict, true, 1)?)
            };
            Ok(DbTarget {
                name,
                migrator,
                dir,
            })
        })
        .collect()
}

/// The URL given by --database-url or DATABASE_URL, if any.
pub fn server_url(cli: &Cli) -> Result<Option<DbUrl>, CliError> {
    let text = match &cli.database_url {
        Some(t) => Some(t.clone()),
        None => std::env::var("DATABASE_URL")
            .ok()
            .filter(|t| !t.trim().is_empty()),
    };
    match text {
        None => Ok(None),
        Some(t) => {
            let url = DbUrl::parse(&t).map_err(CliError::from)?;
            register_secret(&url);
            Ok(Some(url))
        }
    }
}

/// The local cluster's folder.
pub fn pgdata(cli: &Cli) -> PathBuf {
    cli.pgdata
        .clone()
        .or_else(|| std::env::var_os("CHATBI_PGDATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(".pgdata"))
}

/// The server the command talks to.
pub struct Server {
    base: DbUrl,
}

impl Server {
    /// From the URL, or by starting/reusing the local cluster.
    pub fn open(cli: &Cli, style: &Style) -> Result<Server, CliError> {
        if let Some(base) = server_url(cli)? {
            return Ok(Server { base });
        }
        let dir = pgdata(cli);
        let fresh = !dir.join("data").join("PG_VERSION").exists();
        if fresh {
            eprintln!(
                "{}",
                style.dim(&format!(
                    "No DATABASE_URL: creating a local PostgreSQL cluster in {} ...",
                    dir.display()
                ))
            );
        }
        let cluster = LocalCluster::ensure_running(&dir, &ClusterOptions::persistent())?;
        if cluster.started_here() {
            eprintln!(
                "{}",
                style.dim(&format!(
                    "Started local PostgreSQL ({}, port {}); stop it with `chatbi-db server stop`.",
                    dir.display(),
                    cluster.port()
                ))
            );
        }
        Ok(Server {
            base: cluster.url("postgres"),
        })
    }

    /// The URL of `database` on this server.
    pub fn url(&self, database: &str) -> DbUrl {
        self.base.with_database(database)
    }

    /// A connection to a maintenance database (`postgres`, else `template1`, else the URL's own).
    pub fn admin(&self) -> Result<Client, CliError> {
        let mut last = None;
        for db in ["postgres", "template1"] {
            match self.base.with_database(db).connect() {
                Ok(c) => return Ok(c),
                Err(e) => last = Some(e),
            }
        }
        if self.base.database().is_some()
            && let Ok(c) = self.base.connect()
        {
            return Ok(c);
        }
        Err(last
            .map(CliError::from)
            .unwrap_or_else(|| CliError::new(5, "no server")))
    }

    /// Whether `database` exists.
    pub fn exists(&self, database: &str) -> Result<bool, CliError> {
        match self.url(database).connect() {
            Ok(_) => Ok(true),
            Err(e) if e.is_missing_database() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Connects to `database`, creating it first when missing; returns whether it was created.
    pub fn connect_creating(&self, database: &str) -> Result<(Client, bool), CliError> {
        let url = self.url(database);
        match url.connect() {
            Ok(c) => return Ok((c, false)),
            Err(e) if e.is_missing_database() => {}
            Err(e) => return Err(e.into()),
        }
        let mut admin = self.admin()?;
        let created = match admin
            .batch_execute(&format!("CREATE DATABASE {}", quote_ident(database)))
        {
            Ok(()) => true,
            // Another process created it at the same moment.
            Err(e) if matches!(e.code().map(|c| c.code()), Some("42P04") | Some("23505")) => false,
            Err(e) => {
                return Err(url
                    .query_error(format!("creating database {database}"), &e)
                    .into());
            }
        };
        Ok((url.connect()?, created))
    }

    /// Connects to an existing `database`.
    pub fn connect(&self, database: &str) -> Result<Client, CliError> {
        Ok(self.url(database).connect()?)
    }
}
