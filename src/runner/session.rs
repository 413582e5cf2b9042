//! The session state a run starts with, put back before each history write and each
//! migration, so that what one migration sets (`set_config('search_path', '', false)` of a
//! pg_dump preamble, `SET ROLE`, `SET statement_timeout`, `SET default_transaction_read_only`)
//! never reaches the runner's own statements or the next migration.
//!
//! `RESET ALL` returns every setting to its value at connection time (the server's and the
//! role's and database's defaults, then the connection's own options), but it leaves the
//! role and the session user alone, and it would drop settings the caller made with `SET`
//! before handing the connection to the runner. So the state is read once as the run starts
//! (session user, role, and every setting whose source is `session`) and restored as
//! `SET SESSION AUTHORIZATION …; RESET ALL; SET ROLE …;` plus those settings. `DISCARD ALL`
//! is not used: it also releases the advisory lock and the prepared statements.

use postgres::GenericClient;

use super::MigrateError;
use crate::db::{quote_ident, quote_literal};

/// The statements that put the session back as the run found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionState {
    restore: String,
}

impl SessionState {
    /// Reads the session's user, role and `SET` settings.
    pub(crate) fn capture(client: &mut impl GenericClient) -> Result<SessionState, MigrateError> {
        let who = client
            .query_one("SELECT session_user::text, current_setting('role')", &[])
            .map_err(|e| MigrateError::db("reading the session state", &e))?;
        let session_user: String = who.get(0);
        let role: String = who.get(1);
        let settings = client
            .query(
                "SELECT name, setting FROM pg_settings WHERE source = 'session' \
                 AND name NOT IN ('role', 'session_authorization', 'is_superuser') \
                 AND name NOT LIKE 'transaction\\_%' ORDER BY name",
                &[],
            )
            .map_err(|e| MigrateError::db("reading the session state", &e))?;
        let mut restore = format!(
            "SET SESSION AUTHORIZATION {}; RESET ALL; ",
            quote_ident(&session_user)
        );
        if role == "none" {
            restore.push_str("RESET ROLE;");
        } else {
            restore.push_str(&format!("SET ROLE {};", quote_ident(&role)));
        }
        for row in settings {
            let (name, value): (String, String) = (row.get(0), row.get(1));
            restore.push_str(&format!(
                " SELECT set_config({}, {}, false);",
                quote_literal(&name),
                quote_literal(&value)
            ));
        }
        Ok(SessionState { restore })
    }

    /// The SQL that restores the state (to send alone or before other statements).
    pub(crate) fn sql(&self) -> &str {
        &self.restore
    }

    /// Restores the state now.
    pub(crate) fn restore(&self, client: &mut impl GenericClient) -> Result<(), MigrateError> {
        client
            .batch_execute(&self.restore)
            .map_err(|e| MigrateError::db("restoring the session state the run started with", &e))
    }
}
