//! The migration runner, on the synchronous `postgres` client.
//!
//! Compatible with sqlx 0.9: the same `_sqlx_migrations` table and DDL, SHA-384
//! checksums of the raw files, execution time in nanoseconds, and the same
//! advisory lock key, so a database migrated by one is seen as migrated by the other.
//!
//! ```no_run
//! use chatbi_db::runner::Migrator;
//! let migrator = Migrator::from_dir("migrations".as_ref())?;
//! let mut client = chatbi_db::db::DbUrl::parse("postgres://postgres@localhost/chatbi")?.connect()?;
//! let applied = migrator.run(&mut client)?;
//! println!("{} migrations applied", applied.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod apply;
mod history;
mod indexes;
mod lock;
mod session;
mod target;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use chatbi_db_core::migrate::{Layout, LoadOptions, Migration, MigrationSet};
use postgres::Client;

pub use history::{
    AppliedRow, CREATE_HISTORY_TABLE, HISTORY_TABLE, History, INSERT_HISTORY_ROW, NewRow,
    insert_sql,
};
pub use indexes::InvalidIndex;
pub use lock::{LockHolder, crc32, lock_key};
pub use target::Target;

use apply::RunContext;
use session::SessionState;

use crate::db::pg_error_text;

/// Errors of the runner. Messages name the file, the versions and what to do.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The migration directory could not be loaded.
    #[error("{0}")]
    Load(String),
    /// A statement of the runner's own failed.
    #[error("{context}: {message}")]
    Db {
        /// What was being done.
        context: String,
        /// The server's message.
        message: String,
    },
    /// An applied migration's file changed since it was applied.
    #[error(
        "migration {version} ({file}) was changed after it was applied:\n  checksum applied: {applied}\n  checksum of file: {current}\n\
         Restore the file as it was and put the change in a new migration (`chatbi-db create`)."
    )]
    Changed {
        /// Version.
        version: i64,
        /// The file.
        file: String,
        /// Checksum recorded in `_sqlx_migrations` (hex).
        applied: String,
        /// Checksum of the file now (hex).
        current: String,
    },
    /// Applied versions are not in the migration set.
    #[error(
        "the database has applied migration(s) that are not in the migration set: {}\n\
         Use the migration directory that applied them, or pass --ignore-missing to go on anyway.",
        versions.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
    )]
    Missing {
        /// The versions.
        versions: Vec<i64>,
    },
    /// A migration is recorded with `success = false`.
    #[error(
        "migration {version} ({description}) is marked as failed (success = false) in _sqlx_migrations: \
         a previous run stopped partway and the schema may be half changed.\n\
         Check the schema by hand, then either finish the change and mark it done \
         (UPDATE _sqlx_migrations SET success = true WHERE version = {version}), \
         or undo it and delete the row (DELETE FROM _sqlx_migrations WHERE version = {version}) so that `upgrade` runs it again."
    )]
    Dirty {
        /// Version.
        version: i64,
        /// Description.
        description: String,
    },
    /// The advisory lock could not be taken in time.
    #[error(
        "another migrator holds the migration lock on database {database}; gave up after {waited:.1?} \
         (raise --lock-timeout, or look for a stuck migration in pg_stat_activity)"
    )]
    LockTimeout {
        /// Database name.
        database: String,
        /// How long we waited.
        waited: Duration,
    },
    /// A migration failed.
    #[error("migration {version} ({file}) failed: {message}\n{consequence}")]
    Failed {
        /// Version.
        version: i64,
        /// The file.
        file: String,
        /// The server's error.
        message: String,
        /// What the failure leaves behind.
        consequence: String,
    },
    /// A transactional migration ends or hands off its own transaction in a way that would
    /// make recording it as applied false (`ROLLBACK`, `PREPARE TRANSACTION`, …).
    #[error(
        "migration {version} ({file}) runs {statement} at line {line}: part of it would be undone \
         (or left prepared) while the runner records it as applied. Remove the {statement}: the \
         runner runs each migration in a transaction and commits it with its history row \
         (BEGIN/COMMIT in a file are honoured; see the runner's documentation)."
    )]
    TransactionControl {
        /// Version.
        version: i64,
        /// The file.
        file: String,
        /// Line of the statement.
        line: u32,
        /// The statement (`ROLLBACK`, `PREPARE TRANSACTION`, …).
        statement: &'static str,
    },
    /// A migration has no down SQL.
    #[error("migration {version} ({file}) cannot be reverted: it has no .down.sql")]
    Irreversible {
        /// Version.
        version: i64,
        /// The file.
        file: String,
    },
    /// The target does not make sense for this command or set.
    #[error("{0}")]
    Target(String),
}

impl MigrateError {
    pub(crate) fn db(context: impl Into<String>, error: &postgres::Error) -> MigrateError {
        MigrateError::Db {
            context: context.into(),
            message: pg_error_text(error),
        }
    }
}

/// Options for the commands that change the database.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Go on when the database has applied versions the set lacks.
    pub ignore_missing: bool,
    /// How long to wait for the advisory lock.
    pub lock_timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            ignore_missing: false,
            lock_timeout: Duration::from_secs(60),
        }
    }
}

/// What the runner reports while it works.
#[derive(Debug)]
pub enum Progress<'a> {
    /// The lock is held by someone else; polling.
    WaitingForLock,
    /// About to run a migration (`index` counts from 0 up to `total`).
    Starting {
        /// The migration.
        migration: &'a Migration,
        /// Its position in this run.
        index: usize,
        /// Number of migrations in this run.
        total: usize,
    },
    /// A migration finished.
    Finished {
        /// The migration.
        migration: &'a Migration,
        /// Its wall time.
        elapsed: Duration,
    },
}

/// A migration that ran (up or down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// Version.
    pub version: i64,
    /// Description.
    pub description: String,
    /// Wall time in nanoseconds.
    pub nanos: i64,
}

/// The state of one migration in [`Status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Applied, checksum matches.
    Applied,
    /// Not applied yet.
    Pending,
    /// Applied, but the file changed since.
    Changed,
    /// Applied, but not in the set.
    Missing,
    /// Recorded with `success = false`.
    Dirty,
}

/// One line of [`Status`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusEntry {
    /// Version.
    pub version: i64,
    /// Description (from the set, or from the history for missing ones).
    pub description: String,
    /// The up file, when in the set.
    pub file: Option<String>,
    /// State.
    pub state: State,
    /// When applied (UTC, RFC 3339).
    pub installed_on: Option<String>,
    /// Execution time in nanoseconds (-1: unknown).
    pub execution_time_ns: Option<i64>,
    /// Checksum of the file (hex).
    pub checksum: Option<String>,
    /// Checksum recorded in the history (hex).
    pub applied_checksum: Option<String>,
}

/// The state of a database against a migration set.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Status {
    /// Highest applied version, if any.
    pub current: Option<i64>,
    /// Highest version of the set.
    pub head: Option<i64>,
    /// Whether `_sqlx_migrations` exists.
    pub history_table: bool,
    /// Every migration of the set and every applied version, by version.
    pub entries: Vec<StatusEntry>,
    /// INVALID indexes in the database (left by a failed `CREATE INDEX CONCURRENTLY`).
    pub invalid_indexes: Vec<InvalidIndex>,
    /// Another session holding the migration lock (a migrator running now, or stuck).
    pub lock_holder: Option<LockHolder>,
    /// Pending versions below the highest applied one (history out of order: rows deleted,
    /// or a migration merged in with an old version).
    pub out_of_order: Vec<i64>,
}

impl Status {
    /// Number of entries in `state`.
    pub fn count(&self, state: State) -> usize {
        self.entries.iter().filter(|e| e.state == state).count()
    }

    /// True when nothing is changed, missing or dirty, no index is INVALID, no other
    /// session holds the migration lock and the history is in order.
    pub fn is_clean(&self) -> bool {
        self.entries
            .iter()
            .all(|e| matches!(e.state, State::Applied | State::Pending))
            && self.invalid_indexes.is_empty()
            && self.lock_holder.is_none()
            && self.out_of_order.is_empty()
    }
}

/// A migration set with the operations that apply it to a database.
#[derive(Debug, Clone)]
pub struct Migrator {
    set: MigrationSet,
}

impl Migrator {
    /// Wraps a migration set (`embed_migrations!` expands to this).
    pub const fn new(set: MigrationSet) -> Migrator {
        Migrator { set }
    }

    /// Loads and validates a migration directory at run time (layout detected; checked
    /// against its `migrations.lock` when it has one), with the same core code as
    /// `embed_migrations!`.
    pub fn from_dir(dir: &Path) -> Result<Migrator, MigrateError> {
        Migrator::from_dir_with(dir, None, true)
    }

    /// Like [`from_dir`](Self::from_dir), naming the layout (`None`: detect) and whether
    /// to check the lock file.
    pub fn from_dir_with(
        dir: &Path,
        layout: Option<Layout>,
        check_lock: bool,
    ) -> Result<Migrator, MigrateError> {
        let options = LoadOptions {
            layout,
            check_lock,
            ..LoadOptions::default()
        };
        chatbi_db_core::migrate::load_dir_with(dir, &options)
            .map(|loaded| Migrator::new(loaded.set))
            .map_err(|errors| {
                MigrateError::Load(
                    errors
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            })
    }

    /// The migration set.
    pub fn set(&self) -> &MigrationSet {
        &self.set
    }

    /// The migrations, ascending.
    pub fn migrations(&self) -> &[Migration] {
        &self.set.migrations
    }

    fn find(&self, version: i64) -> Option<&Migration> {
        self.migrations().iter().find(|m| m.version == version)
    }

    /// Applies every pending migration (like `sqlx::migrate::Migrator::run`).
    pub fn run(&self, client: &mut Client) -> Result<Vec<Ran>, MigrateError> {
        self.upgrade(client, Target::Head, &RunOptions::default(), &mut |_| {})
    }

    /// Compares the database's history with the set, and looks for INVALID indexes and
    /// a session holding the migration lock (read only, no lock taken).
    pub fn status(&self, client: &mut Client) -> Result<Status, MigrateError> {
        let history = History::find(client)?;
        let rows = match &history {
            Some(h) => h.read(client)?,
            None => Vec::new(),
        };
        let mut status = self.status_from_rows(history.is_some(), &rows);
        status.invalid_indexes = indexes::invalid(client, None)?;
        status.lock_holder = lock::holder(client)?;
        Ok(status)
    }

    /// The status of a database with no history (everything pending).
    pub fn status_of_empty(&self) -> Status {
        self.status_from_rows(false, &[])
    }

    fn status_from_rows(&self, table: bool, rows: &[AppliedRow]) -> Status {
        let applied: BTreeMap<i64, &AppliedRow> = rows.iter().map(|r| (r.version, r)).collect();
        let mut entries = Vec::new();
        for m in self.migrations() {
            let row = applied.get(&m.version);
            let state = match row {
                None => State::Pending,
                Some(r) if !r.success => State::Dirty,
                Some(r) if r.checksum != *m.checksum => State::Changed,
                Some(_) => State::Applied,
            };
            entries.push(StatusEntry {
                version: m.version,
                description: m.description.to_string(),
                file: Some(m.up_file.to_string()),
                state,
                installed_on: row.map(|r| r.installed_on.clone()),
                execution_time_ns: row.map(|r| r.execution_time),
                checksum: Some(hex::encode(&*m.checksum)),
                applied_checksum: row.map(|r| hex::encode(&r.checksum)),
            });
        }
        for r in rows {
            if !self.set.knows_version(r.version) {
                entries.push(StatusEntry {
                    version: r.version,
                    description: r.description.clone(),
                    file: None,
                    state: if r.success {
                        State::Missing
                    } else {
                        State::Dirty
                    },
                    installed_on: Some(r.installed_on.clone()),
                    execution_time_ns: Some(r.execution_time),
                    checksum: None,
                    applied_checksum: Some(hex::encode(&r.checksum)),
                });
            }
        }
        entries.sort_by_key(|e| e.version);
        let current = rows.iter().filter(|r| r.success).map(|r| r.version).max();
        let out_of_order = entries
            .iter()
            .filter(|e| e.state == State::Pending && current.is_some_and(|c| e.version < c))
            .map(|e| e.version)
            .collect();
        Status {
            current,
            head: self.migrations().last().map(|m| m.version),
            history_table: table,
            entries,
            invalid_indexes: Vec::new(),
            lock_holder: None,
            out_of_order,
        }
    }

    /// Refuses dirty rows, missing versions (unless allowed) and changed files.
    fn check(&self, rows: &[AppliedRow], options: &RunOptions) -> Result<(), MigrateError> {
        if let Some(r) = rows.iter().find(|r| !r.success) {
            return Err(MigrateError::Dirty {
                version: r.version,
                description: r.description.clone(),
            });
        }
        let missing: Vec<i64> = rows
            .iter()
            .filter(|r| !self.set.knows_version(r.version))
            .map(|r| r.version)
            .collect();
        if !missing.is_empty() && !options.ignore_missing {
            return Err(MigrateError::Missing { versions: missing });
        }
        for r in rows {
            if let Some(m) = self.find(r.version)
                && *m.checksum != *r.checksum
            {
                return Err(MigrateError::Changed {
                    version: m.version,
                    file: m.up_file.to_string(),
                    applied: hex::encode(&r.checksum),
                    current: hex::encode(&*m.checksum),
                });
            }
        }
        Ok(())
    }

    /// The migrations `upgrade` to `target` would apply, given the applied versions.
    pub fn plan_upgrade(
        &self,
        applied: &BTreeSet<i64>,
        target: Target,
    ) -> Result<Vec<&Migration>, MigrateError> {
        let pending = self
            .migrations()
            .iter()
            .filter(|m| !applied.contains(&m.version));
        Ok(match target {
            Target::Head => pending.collect(),
            Target::Relative(n) if n > 0 => pending.take(n as usize).collect(),
            Target::Version(v) => {
                if self.find(v).is_none() {
                    return Err(MigrateError::Target(format!(
                        "there is no migration {v} in the set"
                    )));
                }
                pending.filter(|m| m.version <= v).collect()
            }
            Target::Base | Target::Relative(_) => {
                return Err(MigrateError::Target(format!(
                    "`upgrade {target}` goes backwards; use `downgrade {target}`"
                )));
            }
        })
    }

    /// The applied migrations `downgrade` to `target` would revert, newest first.
    pub fn plan_downgrade(
        &self,
        applied: &BTreeSet<i64>,
        target: Target,
    ) -> Result<Vec<i64>, MigrateError> {
        let newest_first = applied.iter().rev().copied();
        Ok(match target {
            Target::Base => newest_first.collect(),
            Target::Relative(n) if n < 0 => newest_first.take(n.unsigned_abs() as usize).collect(),
            Target::Version(v) => {
                if !applied.contains(&v) && self.find(v).is_none() {
                    return Err(MigrateError::Target(format!(
                        "there is no migration {v} in the set or the database"
                    )));
                }
                newest_first.filter(|&x| x > v).collect()
            }
            Target::Head | Target::Relative(_) => {
                return Err(MigrateError::Target(format!(
                    "`downgrade {target}` goes forwards; use `upgrade {target}`"
                )));
            }
        })
    }

    /// Applies pending migrations up to `target` under the advisory lock.
    pub fn upgrade(
        &self,
        client: &mut Client,
        target: Target,
        options: &RunOptions,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Vec<Ran>, MigrateError> {
        self.locked(client, options, progress, |this, client, progress| {
            let ctx = RunContext {
                session: SessionState::capture(client)?,
                history: History::ensure(client)?,
            };
            let rows = ctx.history.read(client)?;
            this.check(&rows, options)?;
            let applied: BTreeSet<i64> = rows.iter().map(|r| r.version).collect();
            let plan = this.plan_upgrade(&applied, target)?;
            let mut ran = Vec::new();
            for m in &plan {
                apply::refuse_self_undoing(m)?;
            }
            if plan.is_empty() {
                return Ok(ran);
            }
            let result = run_each(plan, client, progress, &mut ran, |client, m| {
                apply::apply(client, &ctx, m)
            });
            // Group commit: the migrations committed without waiting for the WAL flush;
            // one durable commit now makes all of them durable before we report success.
            // After a failure, still make what did commit durable, but report the failure.
            match result {
                Ok(()) => flush_commits(client).map(|()| ran),
                Err(e) => {
                    if !ran.is_empty() {
                        let _ = flush_commits(client);
                    }
                    Err(e)
                }
            }
        })
    }

    /// Reverts applied migrations down to `target` (newest first) under the advisory lock.
    pub fn downgrade(
        &self,
        client: &mut Client,
        target: Target,
        options: &RunOptions,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Vec<Ran>, MigrateError> {
        self.locked(client, options, progress, |this, client, progress| {
            let session = SessionState::capture(client)?;
            let Some(history) = History::find(client)? else {
                return Ok(Vec::new());
            };
            let rows = history.read(client)?;
            this.check(&rows, options)?;
            let applied: BTreeSet<i64> = rows.iter().map(|r| r.version).collect();
            let plan = this.plan_downgrade(&applied, target)?;
            let migrations = this.down_migrations(&plan)?;
            let layout = this.set().layout;
            let ctx = RunContext { history, session };
            let mut ran = Vec::new();
            run_each(migrations, client, progress, &mut ran, |client, m| {
                revert(client, &ctx, m, layout)
            })?;
            Ok(ran)
        })
    }

    fn down_migrations(&self, versions: &[i64]) -> Result<Vec<&Migration>, MigrateError> {
        versions
            .iter()
            .map(|&v| {
                let m = self
                    .find(v)
                    .ok_or(MigrateError::Missing { versions: vec![v] })?;
                if m.down_sql.is_none() {
                    return Err(MigrateError::Irreversible {
                        version: v,
                        file: m.up_file.to_string(),
                    });
                }
                Ok(m)
            })
            .collect()
    }

    /// Records migrations as applied (or not) without running them, so that exactly the
    /// versions up to `target` count as applied. `purge` first empties the history
    /// (dirty and missing rows included).
    pub fn stamp(
        &self,
        client: &mut Client,
        target: Target,
        purge: bool,
        options: &RunOptions,
    ) -> Result<(Vec<i64>, Vec<i64>), MigrateError> {
        self.locked(client, options, &mut |_| {}, |this, client, _| {
            let history = History::ensure(client)?;
            let mut tx = client
                .transaction()
                .map_err(|e| MigrateError::db("starting a transaction", &e))?;
            if purge {
                history.purge(&mut tx)?;
            }
            let rows = history.read(&mut tx)?;
            let applied: BTreeSet<i64> = rows.iter().map(|r| r.version).collect();
            let last_applied = applied.iter().next_back().copied();
            let limit = match target {
                Target::Head => i64::MAX,
                Target::Base => i64::MIN,
                Target::Version(v) => {
                    if this.find(v).is_none() {
                        return Err(MigrateError::Target(format!(
                            "there is no migration {v} in the set"
                        )));
                    }
                    v
                }
                Target::Relative(n) => {
                    let versions: Vec<i64> = this.migrations().iter().map(|m| m.version).collect();
                    let pos = last_applied
                        .and_then(|l| versions.iter().position(|&v| v == l))
                        .map(|p| p as i64)
                        .unwrap_or(-1);
                    let new = pos + n;
                    if new < 0 {
                        i64::MIN
                    } else {
                        *versions.get(new as usize).ok_or_else(|| {
                            MigrateError::Target(format!("`{target}` goes past the head"))
                        })?
                    }
                }
            };
            let mut added = Vec::new();
            let mut removed = Vec::new();
            for m in this.migrations() {
                if m.version <= limit && !applied.contains(&m.version) {
                    let row = NewRow {
                        version: m.version,
                        description: &m.description,
                        checksum: &m.checksum,
                        execution_time: -1,
                    };
                    history.insert(&mut tx, &row, true)?;
                    added.push(m.version);
                } else if m.version > limit && applied.contains(&m.version) {
                    history.delete(&mut tx, m.version)?;
                    removed.push(m.version);
                }
            }
            tx.commit()
                .map_err(|e| MigrateError::db("committing the stamp", &e))?;
            Ok((added, removed))
        })
    }

    /// The SQL `upgrade` would run for `plan`, as one script (for `--sql`).
    pub fn upgrade_script(&self, plan: &[&Migration]) -> String {
        let mut out = String::new();
        out.push_str(CREATE_HISTORY_TABLE.trim());
        out.push_str("\n\n");
        for m in plan {
            out.push_str(&format!(
                "-- {} {} ({})\n",
                m.version, m.description, m.up_file
            ));
            if !m.no_transaction {
                out.push_str("BEGIN;\n");
            }
            out.push_str(m.up_sql.trim_end());
            out.push('\n');
            out.push_str(&insert_sql(m.version, &m.description, &m.checksum, -1));
            out.push('\n');
            if !m.no_transaction {
                out.push_str("COMMIT;\n");
            }
            out.push('\n');
        }
        out
    }

    /// The SQL `downgrade` would run to revert `versions` (newest first), for `--sql`.
    pub fn downgrade_script(&self, versions: &[i64]) -> Result<String, MigrateError> {
        let mut out = String::new();
        for m in self.down_migrations(versions)? {
            let down = m.down_sql.as_deref().unwrap_or_default();
            let no_tx = m.down_runs_outside_transaction(self.set().layout);
            out.push_str(&format!(
                "-- revert {} {} ({})\n",
                m.version,
                m.description,
                m.down_file.as_deref().unwrap_or_default()
            ));
            if !no_tx {
                out.push_str("BEGIN;\n");
            }
            out.push_str(down.trim_end());
            out.push_str(&format!(
                "\nDELETE FROM _sqlx_migrations WHERE version = {};\n",
                m.version
            ));
            if !no_tx {
                out.push_str("COMMIT;\n");
            }
            out.push('\n');
        }
        Ok(out)
    }

    /// A script that creates the whole schema and the history rows, so that
    /// `psql -f` on an empty database gives a fully migrated one.
    pub fn bootstrap_script(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "-- Generated by `chatbi-db bootstrap`: the full schema and its migration history.\n",
        );
        out.push_str(
            "-- Apply to an empty database: psql -v ON_ERROR_STOP=1 -d <database> -f <this file>\n",
        );
        out.push_str("\\set ON_ERROR_STOP on\n\n");
        let any_no_tx = self.migrations().iter().any(|m| m.no_transaction);
        if !any_no_tx {
            out.push_str("BEGIN;\n\n");
        }
        out.push_str(CREATE_HISTORY_TABLE.trim());
        out.push_str("\n\n");
        for m in self.migrations() {
            out.push_str(&format!(
                "-- {} {} ({})\n",
                m.version, m.description, m.up_file
            ));
            out.push_str(m.up_sql.trim_end());
            out.push_str("\n\n");
        }
        out.push_str("-- The migration history: every migration above counts as applied.\n");
        for m in self.migrations() {
            out.push_str(&insert_sql(m.version, &m.description, &m.checksum, -1));
            out.push('\n');
        }
        if !any_no_tx {
            out.push_str("\nCOMMIT;\n");
        }
        out
    }

    fn locked<T>(
        &self,
        client: &mut Client,
        options: &RunOptions,
        progress: &mut dyn FnMut(Progress<'_>),
        body: impl FnOnce(&Self, &mut Client, &mut dyn FnMut(Progress<'_>)) -> Result<T, MigrateError>,
    ) -> Result<T, MigrateError> {
        let key = lock::acquire(client, options.lock_timeout, &mut || {
            progress(Progress::WaitingForLock)
        })?;
        let result = body(self, client, progress);
        lock::release(client, key);
        result
    }
}

/// Runs `step` on each migration in order, reporting progress and collecting what ran in
/// `ran` (kept on failure: it says what was done before the error).
fn run_each(
    plan: Vec<&Migration>,
    client: &mut Client,
    progress: &mut dyn FnMut(Progress<'_>),
    ran: &mut Vec<Ran>,
    mut step: impl FnMut(&mut Client, &Migration) -> Result<i64, MigrateError>,
) -> Result<(), MigrateError> {
    let total = plan.len();
    for (index, m) in plan.into_iter().enumerate() {
        progress(Progress::Starting {
            migration: m,
            index,
            total,
        });
        let nanos = step(client, m)?;
        progress(Progress::Finished {
            migration: m,
            elapsed: Duration::from_nanos(nanos as u64),
        });
        ran.push(Ran {
            version: m.version,
            description: m.description.to_string(),
            nanos,
        });
    }
    Ok(())
}

/// Runs one migration's down SQL and removes its row; returns the wall time in nanoseconds.
fn revert(
    client: &mut Client,
    ctx: &RunContext,
    m: &Migration,
    layout: Layout,
) -> Result<i64, MigrateError> {
    ctx.session.restore(client)?;
    let start = Instant::now();
    let down = m.down_sql.as_deref().unwrap_or_default();
    let file = m.down_file.as_deref().unwrap_or_default().to_owned();
    if m.down_runs_outside_transaction(layout) {
        client.batch_execute(down).map_err(|e| MigrateError::Failed {
            version: m.version,
            file: file.clone(),
            message: pg_error_text(&e),
            consequence: "It ran outside a transaction: what it did before the error stays done; the history row was kept.".into(),
        })?;
        ctx.session.restore(client)?;
        ctx.history.delete(client, m.version)?;
        return Ok(start.elapsed().as_nanos() as i64);
    }
    let mut tx = client
        .transaction()
        .map_err(|e| MigrateError::db("starting a transaction", &e))?;
    tx.batch_execute(down).map_err(|e| MigrateError::Failed {
        version: m.version,
        file,
        message: pg_error_text(&e),
        consequence: "It ran in a transaction that was rolled back: nothing changed.".into(),
    })?;
    ctx.session.restore(&mut tx)?;
    ctx.history.delete(&mut tx, m.version)?;
    tx.commit()
        .map_err(|e| MigrateError::db(format!("committing the revert of {}", m.version), &e))?;
    Ok(start.elapsed().as_nanos() as i64)
}

/// Makes every earlier commit of this session durable: a transaction that takes a
/// transaction id commits with `synchronous_commit = on`, and its flush covers all WAL
/// written before it. Migrations commit with `synchronous_commit = off` (one WAL flush per
/// run instead of one per migration); a crash of the machine before this call can lose
/// the last migrations together with their history rows, never one without the other,
/// and the next `upgrade` applies them again.
fn flush_commits(client: &mut Client) -> Result<(), MigrateError> {
    client
        .batch_execute("BEGIN; SET LOCAL synchronous_commit = on; SELECT txid_current(); COMMIT;")
        .map_err(|e| MigrateError::db("flushing the migrations' commits to disk", &e))
}
