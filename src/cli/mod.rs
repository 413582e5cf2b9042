//! The `chatbi-db` command line: argument parsing, dispatch, exit codes.

mod adopt;
mod commands;
mod create;
mod load_report;
mod output;
mod static_checks;
mod targets;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

use clap::{Parser, Subcommand};

use crate::db::{DbError, DbUrl};
use crate::pg::ClusterError;
use crate::runner::MigrateError;

const EXIT_CODES: &str = "\
Exit codes:
  0  success (for `status`: nothing changed, missing or dirty)
  1  other error (I/O, unexpected server error)
  2  bad usage (unknown option, bad target, unknown database)
  3  refused: an applied migration changed, is missing from the set, or is marked dirty,
     or a migration would undo part of itself (ROLLBACK in a transactional file)
     (`status` also exits 3 when it finds any of these, an INVALID index, history out of
     order, or another session holding the migration lock)
  4  a migration failed (its error and what it left behind are printed)
  5  no server: could not connect (connect_timeout in the URL, default 10 s), the server
     stopped answering, or the local PostgreSQL could not start
  6  gave up waiting for the migration lock (--lock-timeout)";

const EXAMPLES: &str = "\
Examples:
  chatbi-db upgrade                       create/upgrade both ChatBI databases (chatbi, chatbi_demo)
  chatbi-db status                        applied and pending migrations of both
  chatbi-db --database chatbi downgrade   revert the newest migration of chatbi
  chatbi-db upgrade +1 --sql              print the SQL of the next migration instead of running it
  chatbi-db create \"add user avatars\"     new migrations/0002_add_user_avatars.{up,down}.sql
  chatbi-db --migrations ./db --database-url postgres://app@db:5432/app upgrade

Where the server comes from:
  --database-url, else DATABASE_URL (environment or .env file), else a local PostgreSQL
  cluster kept in .pgdata/ (created with initdb and started on first use, then reused; as
  root it runs as the `postgres` user). With a URL, --database picks the database name
  on that server; with --migrations the URL's own database is used.
  TLS as libpq: ?sslmode=verify-full&sslrootcert=/path/ca.pem (or sslrootcert=system);
  sslmode disable|allow|prefer (default)|require|verify-ca|verify-full, else $PGSSLMODE.";

/// chatbi-db: ChatBI's database migrations, from the terminal.
///
/// Applies, reverts and inspects migration sets in sqlx's format (`_sqlx_migrations`
/// history, SHA-384 checksums, sqlx's advisory lock), so sqlx-cli and `sqlx::migrate!`
/// see the same state. Without a database URL it runs its own local PostgreSQL.
#[derive(Debug, Parser)]
#[command(name = "chatbi-db", version, after_long_help = format!("{EXAMPLES}\n\n{EXIT_CODES}"), after_help = EXIT_CODES)]
pub struct Cli {
    /// The database: `chatbi` (application metadata) or `chatbi_demo` (sales demo data).
    /// `upgrade`, `status` and `history` act on both when omitted; other commands on `chatbi`.
    /// With --migrations: the name of the database to migrate.
    #[arg(long, global = true, value_name = "NAME")]
    pub database: Option<String>,

    /// Use the migration set in DIR instead of ChatBI's (sqlx layout).
    #[arg(long, global = true, value_name = "DIR")]
    pub migrations: Option<PathBuf>,

    /// Layout of the --migrations directory (default: detected).
    #[arg(long, global = true, value_enum)]
    pub layout: Option<LayoutArg>,

    /// Load --migrations strictly: refuse a lone .up.sql/.down.sql, an empty file, a name
    /// sqlx skips (default: load what sqlx/diesel loads and warn; a lock file implies it).
    #[arg(long, global = true)]
    pub strict: bool,

    /// Server URL (default: $DATABASE_URL, read from the environment or .env; else the local cluster).
    #[arg(long, global = true, value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder of the local cluster used when no URL is given (default: .pgdata, or $CHATBI_PGDATA).
    #[arg(long, global = true, value_name = "DIR")]
    pub pgdata: Option<PathBuf>,

    /// Print data as JSON (status, history, upgrade, downgrade, stamp).
    #[arg(long, global = true)]
    pub json: bool,

    /// Seconds to wait for another migrator's lock before giving up.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 60.0)]
    pub lock_timeout: f64,

    /// Go on when the database has applied migrations that are not in the set.
    #[arg(long, global = true)]
    pub ignore_missing: bool,

    /// No colours (also off under NO_COLOR or when output is not a terminal).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations (to TARGET: head, +N, or a version; default head).
    ///
    /// Each migration runs in its own transaction together with its `_sqlx_migrations` row
    /// (a first line `-- no-transaction` runs it outside one). A database made by the old
    /// Alembic tooling (alembic_version = 0001_initial_schema, no _sqlx_migrations) is
    /// adopted first, as `adopt` does. Without --database both ChatBI databases are upgraded.
    #[command(
        after_help = "Examples:\n  chatbi-db upgrade\n  chatbi-db --database chatbi upgrade +1\n  chatbi-db upgrade 0002 --sql > upgrade.sql"
    )]
    Upgrade {
        /// head (default), +N, or a version such as 0002.
        target: Option<String>,
        /// Print the SQL that would run instead of running it.
        #[arg(long)]
        sql: bool,
    },
    /// Revert applied migrations (to TARGET: -N, base, or a version to keep; default -1).
    #[command(
        after_help = "Examples:\n  chatbi-db downgrade          # one step back\n  chatbi-db downgrade base     # revert everything\n  chatbi-db downgrade 0001     # keep 0001, revert what is above it"
    )]
    Downgrade {
        /// -1 (default), -N, base, or the version to go back to.
        target: Option<String>,
        /// Print the SQL that would run instead of running it.
        #[arg(long)]
        sql: bool,
        /// Confirm a downgrade that reverts more than one migration.
        #[arg(long)]
        yes: bool,
    },
    /// Show the current version, applied and pending migrations, and anything wrong.
    Status,
    /// List every migration: version, description, checksum, applied at, execution time.
    History,
    /// Record migrations as applied up to TARGET without running them (baseline a database).
    Stamp {
        /// head, base, +N, -N, or a version.
        target: String,
        /// Empty the history first (also removes dirty and unknown rows; needs --yes).
        #[arg(long)]
        purge: bool,
        /// Confirm --purge.
        #[arg(long)]
        yes: bool,
    },
    /// Drop and recreate the database, then apply every migration.
    Fresh {
        /// Do it without asking (otherwise the database name must be typed on a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Create new migration file(s) with the next version, in the set's style.
    #[command(
        after_help = "Example:\n  chatbi-db create \"add user avatars\"   # migrations/0002_add_user_avatars.up.sql + .down.sql"
    )]
    Create {
        /// What the migration does (becomes the file name).
        description: String,
    },
    /// Write a SQL script that creates the full schema and its migration history
    /// (`psql -f init_app_tables.sql` gives a database that counts as fully migrated).
    Bootstrap {
        /// Output file (`-` for stdout); default init_app_tables.sql (init_<db>_tables.sql for others).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write the set's lock file (migrations.lock: every migration's version, checksum and
    /// file, plus a hash of the list), which the build then checks. Run it after adding a
    /// migration by hand, or after editing one that was never applied anywhere.
    Lock,
    /// Adopt a database made by the old Alembic tooling: compare its tables with what the
    /// migrations create and, when equal, record them as applied (nothing is re-run).
    Adopt,
    /// Inspect the schema derived from the migration files (no database needed).
    #[command(
        after_help = "Examples:\n  chatbi-db schema dump --format sql\n  chatbi-db --migrations ../other/migrations --layout diesel schema dump --format catalog-json"
    )]
    Schema {
        /// What to do.
        #[command(subcommand)]
        action: SchemaAction,
    },
    /// Check or write sqlx offline data (`.sqlx/`) from the migration files, with no database.
    #[command(
        after_help = "Examples:\n  chatbi-db sqlx verify --offline-dir .sqlx\n  chatbi-db sqlx prepare --check\n  chatbi-db --migrations migrations sqlx verify --offline-dir .sqlx --format json"
    )]
    Sqlx {
        /// What to do.
        #[command(subcommand)]
        action: SqlxAction,
    },
    /// Manage the local PostgreSQL cluster (.pgdata/).
    Server {
        /// What to do with it.
        #[command(subcommand)]
        action: ServerAction,
    },
}

/// Migration directory layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutArg {
    /// `<version>_<description>.sql`, or `.up.sql`/`.down.sql` pairs.
    Sqlx,
    /// `<version>_<name>/up.sql`, `down.sql`, `metadata.toml`.
    Diesel,
    /// `V<n>__<name>.sql`.
    Refinery,
}

impl From<LayoutArg> for chatbi_db_core::migrate::Layout {
    fn from(l: LayoutArg) -> Self {
        match l {
            LayoutArg::Sqlx => Self::Sqlx,
            LayoutArg::Diesel => Self::Diesel,
            LayoutArg::Refinery => Self::Refinery,
        }
    }
}

/// `schema` actions.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum SchemaAction {
    /// Replay the migrations and print the resulting catalog.
    Dump {
        /// `catalog-json` (the shape of pg_catalog read back: relations, enums, composites,
        /// domains, extensions) or `sql` (normalised DDL for people).
        #[arg(long, value_enum, default_value = "sql")]
        format: DumpFormat,
    },
}

/// Output formats of `schema dump`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DumpFormat {
    /// JSON in the shape of a catalog read back from pg_catalog.
    CatalogJson,
    /// Normalised DDL.
    Sql,
}

/// `sqlx` actions.
#[derive(Debug, Clone, Subcommand)]
pub enum SqlxAction {
    /// Describe every `query-*.json` of an offline directory against the migrations:
    /// column names, types and parameter types must match exactly; nullability
    /// differences are listed and fail only with --strict-nullability.
    /// Last line `N passed, M failed`; exit 3 when any failed.
    Verify {
        /// The offline data directory.
        #[arg(long, default_value = ".sqlx")]
        offline_dir: PathBuf,
        /// `text` (one line per failing query) or `json` (every file: hash, our describe, verdict).
        #[arg(long, value_enum, default_value = "text")]
        format: VerifyFormat,
        /// Fail on nullability differences too.
        #[arg(long)]
        strict_nullability: bool,
    },
    /// Find the `sqlx::query!` family of calls in a crate's sources and write its
    /// `.sqlx/` (as `cargo sqlx prepare` would, but with no database); `--check` only compares.
    Prepare {
        /// Compare instead of writing; exit 3 when anything differs.
        #[arg(long)]
        check: bool,
        /// The crate whose sources are searched (and whose `.sqlx/` is written).
        #[arg(long, default_value = ".")]
        crate_dir: PathBuf,
    },
}

/// Output formats of `sqlx verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    /// One line per failing query, then `N passed, M failed`.
    Text,
    /// Every file with its hash, our describe and the verdict.
    Json,
}

/// `server` actions.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum ServerAction {
    /// Start it (creating it if needed) and print its URL.
    Start,
    /// Stop it.
    Stop,
    /// Print whether it runs, and its URL.
    Status,
    /// Print the URL of --database (default chatbi) on it, starting it if needed.
    Url,
}

/// An error with its exit code; the text is redacted before printing.
#[derive(Debug)]
pub struct CliError {
    /// Exit code (see `--help`).
    pub code: u8,
    /// Message.
    pub message: String,
}

impl CliError {
    pub(crate) fn new(code: u8, message: impl Into<String>) -> CliError {
        CliError {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> CliError {
        CliError::new(2, message)
    }
}

impl From<MigrateError> for CliError {
    fn from(e: MigrateError) -> CliError {
        let code = match &e {
            MigrateError::Changed { .. }
            | MigrateError::Missing { .. }
            | MigrateError::Dirty { .. } => 3,
            MigrateError::Failed { .. } => 4,
            MigrateError::LockTimeout { .. } => 6,
            MigrateError::Target(_) => 2,
            MigrateError::Irreversible { .. } | MigrateError::TransactionControl { .. } => 3,
            MigrateError::Load(_) | MigrateError::Db { .. } => 1,
        };
        CliError::new(code, e.to_string())
    }
}

impl From<DbError> for CliError {
    fn from(e: DbError) -> CliError {
        let code = match &e {
            DbError::Connect { .. } => 5,
            DbError::InvalidUrl(_) => 2,
            DbError::Query { .. } => 1,
        };
        CliError::new(code, e.to_string())
    }
}

impl From<ClusterError> for CliError {
    fn from(e: ClusterError) -> CliError {
        CliError::new(5, e.to_string())
    }
}

/// URLs whose passwords must be masked in anything printed.
static SECRETS: OnceLock<std::sync::Mutex<Vec<DbUrl>>> = OnceLock::new();

pub(crate) fn register_secret(url: &DbUrl) {
    let list = SECRETS.get_or_init(Default::default);
    list.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(url.clone());
}

pub(crate) fn redact(text: &str) -> String {
    let mut out = text.to_owned();
    if let Some(list) = SECRETS.get() {
        for url in list.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            out = url.redact(&out);
        }
    }
    out
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    // Mask the password of DATABASE_URL / --database-url in everything, clap errors included.
    for (i, arg) in std::env::args().enumerate() {
        if let Ok(url) = DbUrl::parse(arg.split_once('=').map_or(arg.as_str(), |(_, v)| v))
            && i > 0
        {
            register_secret(&url);
        }
    }
    if let Ok(text) = std::env::var("DATABASE_URL")
        && let Ok(url) = DbUrl::parse(&text)
    {
        register_secret(&url);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let text = redact(&e.render().to_string());
            let code = if e.use_stderr() {
                eprint!("{text}");
                2
            } else {
                print!("{text}");
                0
            };
            return ExitCode::from(code);
        }
    };
    match commands::run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let style = output::Style::detect(cli.no_color);
            style.progress_done();
            let message = redact(&e.message);
            eprintln!("{} {}", style.bad("error:"), message);
            if cli.json {
                // Machine readers get the failure on stdout too, in the documented shape.
                println!(
                    "{}",
                    serde_json::json!({ "error": { "code": e.code, "message": message } })
                );
            }
            ExitCode::from(e.code)
        }
    }
}
