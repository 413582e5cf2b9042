//! Which top-level statements of a parsed text control transactions.
//!
//! The migration runner wraps a file in its own transaction; a file that says `BEGIN`,
//! `COMMIT`, `ROLLBACK` (or `START TRANSACTION`, `END`, `ABORT`, `PREPARE TRANSACTION`,
//! savepoints, …) changes what that transaction covers, and the runner must know it to
//! report truthfully what was committed. Statements inside a `DO` block or a function
//! body are not top level and are not listed (PostgreSQL refuses a `COMMIT` there when the
//! block runs inside a transaction block).

use squawk_syntax::ast;

use super::Statement;

/// What a transaction-control statement does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionControl {
    /// `BEGIN`, `START TRANSACTION`.
    Begin,
    /// `COMMIT`, `END` (`chain`: `AND CHAIN`, a new transaction starts at once).
    Commit {
        /// `AND CHAIN`.
        chain: bool,
    },
    /// `ROLLBACK`, `ABORT` (`chain`: `AND CHAIN`).
    Rollback {
        /// `AND CHAIN`.
        chain: bool,
    },
    /// `SAVEPOINT name`.
    Savepoint,
    /// `RELEASE [SAVEPOINT] name`.
    ReleaseSavepoint,
    /// `ROLLBACK TO [SAVEPOINT] name`.
    RollbackToSavepoint,
    /// `PREPARE TRANSACTION 'id'`.
    PrepareTransaction,
    /// `COMMIT PREPARED 'id'`.
    CommitPrepared,
    /// `ROLLBACK PREPARED 'id'`.
    RollbackPrepared,
}

impl TransactionControl {
    /// The statement's keywords, for messages (`COMMIT`, `ROLLBACK TO SAVEPOINT`, …).
    pub fn keyword(self) -> &'static str {
        match self {
            TransactionControl::Begin => "BEGIN",
            TransactionControl::Commit { chain: false } => "COMMIT",
            TransactionControl::Commit { chain: true } => "COMMIT AND CHAIN",
            TransactionControl::Rollback { chain: false } => "ROLLBACK",
            TransactionControl::Rollback { chain: true } => "ROLLBACK AND CHAIN",
            TransactionControl::Savepoint => "SAVEPOINT",
            TransactionControl::ReleaseSavepoint => "RELEASE SAVEPOINT",
            TransactionControl::RollbackToSavepoint => "ROLLBACK TO SAVEPOINT",
            TransactionControl::PrepareTransaction => "PREPARE TRANSACTION",
            TransactionControl::CommitPrepared => "COMMIT PREPARED",
            TransactionControl::RollbackPrepared => "ROLLBACK PREPARED",
        }
    }

    /// True for the statements that work only inside a transaction and leave it open
    /// (savepoints): a runner's own transaction around the file gives them what they need.
    pub fn is_savepoint(self) -> bool {
        matches!(
            self,
            TransactionControl::Savepoint
                | TransactionControl::ReleaseSavepoint
                | TransactionControl::RollbackToSavepoint
        )
    }
}

/// The transaction-control statements among `statements` (from [`super::parse`]), as
/// `(index in statements, what it does)`, in source order.
///
/// ```
/// use chatbi_db_core::syntax::{TransactionControl, parse, transaction_controls};
/// let parsed = parse("BEGIN; CREATE TABLE a (x int); END; SAVEPOINT s; ABORT AND CHAIN;");
/// assert_eq!(
///     transaction_controls(&parsed.statements),
///     vec![
///         (0, TransactionControl::Begin),
///         (2, TransactionControl::Commit { chain: false }),
///         (3, TransactionControl::Savepoint),
///         (4, TransactionControl::Rollback { chain: true }),
///     ]
/// );
/// ```
pub fn transaction_controls(statements: &[Statement]) -> Vec<(usize, TransactionControl)> {
    statements
        .iter()
        .enumerate()
        .filter_map(|(i, s)| control_of(&s.node).map(|c| (i, c)))
        .collect()
}

fn control_of(stmt: &ast::Stmt) -> Option<TransactionControl> {
    let chained = |c: Option<ast::ChainClause>| matches!(c, Some(ast::ChainClause::AndChain(_)));
    Some(match stmt {
        ast::Stmt::Begin(_) => TransactionControl::Begin,
        ast::Stmt::Commit(ast::Commit::CommitTransaction(c)) => TransactionControl::Commit {
            chain: chained(c.chain_clause()),
        },
        ast::Stmt::Commit(ast::Commit::CommitPrepared(_)) => TransactionControl::CommitPrepared,
        ast::Stmt::Rollback(ast::Rollback::RollbackTransaction(r)) => {
            TransactionControl::Rollback {
                chain: chained(r.chain_clause()),
            }
        }
        ast::Stmt::Rollback(ast::Rollback::RollbackToSavepoint(_)) => {
            TransactionControl::RollbackToSavepoint
        }
        ast::Stmt::Rollback(ast::Rollback::RollbackPrepared(_)) => {
            TransactionControl::RollbackPrepared
        }
        ast::Stmt::SavepointCreate(_) => TransactionControl::Savepoint,
        ast::Stmt::ReleaseSavepoint(_) => TransactionControl::ReleaseSavepoint,
        ast::Stmt::PrepareTransaction(_) => TransactionControl::PrepareTransaction,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn kinds(sql: &str) -> Vec<TransactionControl> {
        let parsed = parse(sql);
        assert!(parsed.errors.is_empty(), "{sql}: {:?}", parsed.errors);
        transaction_controls(&parsed.statements)
            .into_iter()
            .map(|(_, c)| c)
            .collect()
    }

    #[test]
    fn every_spelling() {
        use TransactionControl as T;
        let sql = "begin; begin work; start transaction isolation level serializable; \
                   commit; commit work; end transaction; commit and chain; commit and no chain; \
                   rollback; abort; rollback work and chain; \
                   savepoint s; release s; release savepoint s; rollback to s; rollback to savepoint s; \
                   prepare transaction 'x'; commit prepared 'x'; rollback prepared 'x';";
        assert_eq!(
            kinds(sql),
            vec![
                T::Begin,
                T::Begin,
                T::Begin,
                T::Commit { chain: false },
                T::Commit { chain: false },
                T::Commit { chain: false },
                T::Commit { chain: true },
                T::Commit { chain: false },
                T::Rollback { chain: false },
                T::Rollback { chain: false },
                T::Rollback { chain: true },
                T::Savepoint,
                T::ReleaseSavepoint,
                T::ReleaseSavepoint,
                T::RollbackToSavepoint,
                T::RollbackToSavepoint,
                T::PrepareTransaction,
                T::CommitPrepared,
                T::RollbackPrepared,
            ]
        );
    }

    #[test]
    fn bodies_and_look_alikes_are_not_control() {
        let sql = "create function f() returns void language plpgsql as $$ begin commit; end $$;\n\
                   do $$ begin rollback; end $$;\n\
                   create table commit_log (\"begin\" int, rollback int);\n\
                   select 'commit';\n\
                   set transaction isolation level serializable;";
        assert_eq!(kinds(sql), vec![]);
    }
}
