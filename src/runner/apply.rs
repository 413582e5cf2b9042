//! Running one migration up and recording it, so that what the runner reports is what
//! happened: in its own transaction with its history row; outside one (`-- no-transaction`)
//! and checked for INVALID indexes before it is recorded; or, when the file controls its
//! own transactions (`BEGIN`/`COMMIT` at top level), statement by statement, knowing from
//! the parse what each `COMMIT` made permanent.

use std::collections::BTreeMap;
use std::time::Instant;

use chatbi_db_core::migrate::Migration;
use chatbi_db_core::syntax::{self, ParsedSql, TransactionControl, transaction_controls};
use postgres::Client;

use super::MigrateError;
use super::history::{History, NewRow};
use super::indexes::{self, InvalidIndex};
use super::session::SessionState;
use crate::db::pg_error_text;

/// What every migration of a run needs: where the history is, and the session to restore.
#[derive(Debug, Clone)]
pub(crate) struct RunContext {
    pub(crate) history: History,
    pub(crate) session: SessionState,
}

impl RunContext {
    fn row<'a>(m: &'a Migration, nanos: i64) -> NewRow<'a> {
        NewRow {
            version: m.version,
            description: &m.description,
            checksum: &m.checksum,
            execution_time: nanos,
        }
    }

    /// Restores the session, then inserts the row, in one round trip (inside the open
    /// transaction, if any; `SET LOCAL synchronous_commit = off` again, as `RESET ALL`
    /// dropped it).
    fn record_sql(&self, m: &Migration, nanos: i64, in_transaction: bool) -> String {
        let mut sql = self.session.sql().to_owned();
        if in_transaction {
            sql.push_str(" SET LOCAL synchronous_commit = off;");
        }
        sql.push(' ');
        sql.push_str(&self.history.insert_sql(&RunContext::row(m, nanos), true));
        sql.push(';');
        sql
    }
}

/// The transaction-control statements of a transactional migration that change what the
/// runner's transaction covers (savepoints do not), by statement index.
pub(crate) fn controls(m: &Migration) -> Option<(ParsedSql, BTreeMap<usize, TransactionControl>)> {
    if m.no_transaction {
        return None;
    }
    let parsed = syntax::parse(&m.up_sql);
    let controls: BTreeMap<usize, TransactionControl> = transaction_controls(&parsed.statements)
        .into_iter()
        .filter(|(_, c)| !c.is_savepoint())
        .collect();
    (!controls.is_empty()).then_some((parsed, controls))
}

/// Refuses, before anything runs, a migration whose own statements would undo part of it
/// or leave it neither committed nor undone (`ROLLBACK`, `ABORT`, `PREPARE TRANSACTION`,
/// `COMMIT/ROLLBACK PREPARED`): recording it as applied would be false.
pub(crate) fn refuse_self_undoing(m: &Migration) -> Result<(), MigrateError> {
    let Some((parsed, controls)) = controls(m) else {
        return Ok(());
    };
    for (&i, &control) in &controls {
        if !matches!(
            control,
            TransactionControl::Begin | TransactionControl::Commit { .. }
        ) {
            return Err(MigrateError::TransactionControl {
                version: m.version,
                file: m.up_file.to_string(),
                line: parsed.statements[i].position.line,
                statement: control.keyword(),
            });
        }
    }
    Ok(())
}

/// Runs one migration and records it; returns its wall time in nanoseconds.
pub(crate) fn apply(
    client: &mut Client,
    ctx: &RunContext,
    m: &Migration,
) -> Result<i64, MigrateError> {
    if m.no_transaction {
        return apply_outside(client, ctx, m);
    }
    match controls(m) {
        Some((parsed, controls)) => apply_self_managed(client, ctx, m, &parsed, &controls),
        None => apply_in_transaction(client, ctx, m),
    }
}

fn failed(m: &Migration, message: String, consequence: impl Into<String>) -> MigrateError {
    MigrateError::Failed {
        version: m.version,
        file: m.up_file.to_string(),
        message,
        consequence: consequence.into(),
    }
}

const ROLLED_BACK: &str =
    "It ran in a transaction that was rolled back: the database is as it was before it.";

/// The usual case: the file and its history row in one transaction.
fn apply_in_transaction(
    client: &mut Client,
    ctx: &RunContext,
    m: &Migration,
) -> Result<i64, MigrateError> {
    let start = Instant::now();
    // One round trip opens the transaction; group commit (see `flush_commits`): its
    // commit does not wait for the WAL flush.
    client
        .batch_execute("BEGIN; SET LOCAL synchronous_commit = off")
        .map_err(|e| MigrateError::db("starting a transaction", &e))?;
    if let Err(e) = client.batch_execute(&m.up_sql) {
        let _ = client.batch_execute("ROLLBACK");
        return Err(failed(m, pg_error_text(&e), ROLLED_BACK));
    }
    let nanos = start.elapsed().as_nanos() as i64;
    let record = format!("{} COMMIT;", ctx.record_sql(m, nanos, true));
    if let Err(e) = client.batch_execute(&record) {
        let _ = client.batch_execute("ROLLBACK");
        return Err(failed(
            m,
            format!("recording or committing it failed: {}", pg_error_text(&e)),
            ROLLED_BACK,
        ));
    }
    Ok(nanos)
}

/// A `-- no-transaction` migration: its one statement, then (session restored) a check
/// for INVALID indexes it left, then its row.
fn apply_outside(
    client: &mut Client,
    ctx: &RunContext,
    m: &Migration,
) -> Result<i64, MigrateError> {
    let start = Instant::now();
    if let Err(e) = client.batch_execute(&m.up_sql) {
        let _ = ctx.session.restore(client);
        let mut consequence = String::from(
            "It ran outside a transaction (-- no-transaction): nothing was recorded in _sqlx_migrations, \
             but what its statements did before the error stays done.",
        );
        let invalid = indexes::invalid(client, Some(&m.up_sql)).unwrap_or_default();
        if !invalid.is_empty() {
            consequence.push(' ');
            consequence.push_str(&indexes::advice(&invalid));
        }
        return Err(failed(m, pg_error_text(&e), consequence));
    }
    let nanos = start.elapsed().as_nanos() as i64;
    ctx.session.restore(client)?;
    let invalid = indexes::invalid(client, Some(&m.up_sql))?;
    if !invalid.is_empty() {
        return Err(left_invalid(m, &invalid));
    }
    client
        .batch_execute(&ctx.record_sql(m, nanos, false))
        .map_err(|e| MigrateError::db(format!("recording migration {}", m.version), &e))?;
    Ok(nanos)
}

fn left_invalid(m: &Migration, invalid: &[InvalidIndex]) -> MigrateError {
    let names: Vec<String> = invalid
        .iter()
        .map(|i| format!("{} on {}", i.index, i.table))
        .collect();
    failed(
        m,
        format!(
            "it left INVALID index(es): {} (an index that exists but is not used and enforces \
             nothing; CREATE INDEX CONCURRENTLY IF NOT EXISTS skips an existing INVALID one)",
            names.join(", ")
        ),
        format!(
            "It ran outside a transaction (-- no-transaction) and is NOT recorded as applied. {}",
            indexes::advice(invalid)
        ),
    )
}

/// Where a self-managed migration stands while it runs.
#[derive(Debug, Default)]
struct Progress {
    /// A transaction is open (the file's or the runner's).
    in_transaction: bool,
    /// Index of the last statement that committed (a `COMMIT`/`END` that succeeded).
    committed: Option<usize>,
    /// The history row is written (inside the transaction the last `COMMIT` ends).
    recorded: bool,
}

/// A transactional migration with top-level `BEGIN`/`COMMIT`: each statement in turn. A
/// statement that needs a transaction gets the runner's when none is open (so the work
/// after the last `COMMIT` is atomic with the history row); the history row goes into the
/// transaction the file's final `COMMIT` ends, or into the runner's at the end.
fn apply_self_managed(
    client: &mut Client,
    ctx: &RunContext,
    m: &Migration,
    parsed: &ParsedSql,
    controls: &BTreeMap<usize, TransactionControl>,
) -> Result<i64, MigrateError> {
    let start = Instant::now();
    let statements = &parsed.statements;
    let final_commit = final_commit(parsed, &m.up_sql, controls);
    let mut state = Progress::default();
    for (i, stmt) in statements.iter().enumerate() {
        let text = stmt.text(&m.up_sql);
        if text.trim().is_empty() {
            continue;
        }
        let result = match controls.get(&i) {
            Some(TransactionControl::Begin) => {
                state.in_transaction = true;
                client.batch_execute(text)
            }
            Some(TransactionControl::Commit { chain }) => {
                if !state.recorded && final_commit == Some(i) {
                    let sql = ctx.record_sql(m, start.elapsed().as_nanos() as i64, true);
                    let opened = if state.in_transaction { "" } else { "BEGIN; " };
                    state.in_transaction = true;
                    state.recorded = true;
                    client.batch_execute(&format!("{opened}{sql}"))
                } else {
                    Ok(())
                }
                .and_then(|()| client.batch_execute(text))
                .inspect(|()| {
                    state.committed = Some(i);
                    state.in_transaction = *chain;
                })
            }
            _ => {
                let opened = if state.in_transaction {
                    Ok(())
                } else {
                    state.in_transaction = true;
                    client.batch_execute("BEGIN; SET LOCAL synchronous_commit = off")
                };
                opened.and_then(|()| client.batch_execute(text))
            }
        };
        if let Err(e) = result {
            let _ = client.batch_execute("ROLLBACK");
            let message = format!("at line {}: {}", stmt.position.line, pg_error_text(&e));
            let nanos = start.elapsed().as_nanos() as i64;
            return Err(partial_failure(
                client, ctx, m, parsed, &state, message, nanos,
            ));
        }
    }
    if !state.recorded {
        let nanos = start.elapsed().as_nanos() as i64;
        let opened = if state.in_transaction { "" } else { "BEGIN; " };
        let sql = format!("{opened}{} COMMIT;", ctx.record_sql(m, nanos, true));
        if let Err(e) = client.batch_execute(&sql) {
            let _ = client.batch_execute("ROLLBACK");
            let message = format!("recording or committing it failed: {}", pg_error_text(&e));
            return Err(partial_failure(
                client, ctx, m, parsed, &state, message, nanos,
            ));
        }
    }
    Ok(start.elapsed().as_nanos() as i64)
}

/// The first of the plain `COMMIT`s the file ends with, if it ends with one: the history
/// row goes into the transaction it commits.
fn final_commit(
    parsed: &ParsedSql,
    sql: &str,
    controls: &BTreeMap<usize, TransactionControl>,
) -> Option<usize> {
    let mut first = None;
    for (i, stmt) in parsed.statements.iter().enumerate().rev() {
        if stmt.text(sql).trim().is_empty() {
            continue;
        }
        if !matches!(
            controls.get(&i),
            Some(TransactionControl::Commit { chain: false })
        ) {
            break;
        }
        first = Some(i);
    }
    first
}

/// The failure of a self-managed migration: what its `COMMIT`s made permanent, and a
/// `success = false` history row when anything was (so that no run goes on before
/// someone looks).
fn partial_failure(
    client: &mut Client,
    ctx: &RunContext,
    m: &Migration,
    parsed: &ParsedSql,
    state: &Progress,
    message: String,
    nanos: i64,
) -> MigrateError {
    let Some(committed) = state.committed else {
        return failed(m, message, ROLLED_BACK);
    };
    let statements = &parsed.statements;
    let commit_line = statements[committed].position.line;
    let mut consequence = format!(
        "The file controls its own transactions: its statements up to the COMMIT at line \
         {commit_line} (statements 1-{} of {}) were committed and stay done; the statements \
         after it were rolled back.",
        committed + 1,
        statements.len()
    );
    let row = RunContext::row(m, nanos);
    let marked = ctx
        .session
        .restore(client)
        .and_then(|()| ctx.history.insert(client, &row, false));
    match marked {
        Ok(()) => consequence.push_str(&format!(
            " It is recorded as FAILED (success = false) in {}, so runs stop until it is \
             resolved: finish or undo the change by hand, then either mark it done \
             (UPDATE {0} SET success = true WHERE version = {1}) or delete the row \
             (DELETE FROM {0} WHERE version = {1}) so that `upgrade` runs it again.",
            ctx.history.name(),
            m.version
        )),
        Err(e) => consequence.push_str(&format!(
            " Marking it failed in the history also failed ({e}): nothing records it."
        )),
    }
    failed(m, message, consequence)
}
