//! Database URLs that never show their password, and connections made from them.
//!
//! Every place that prints a URL or an error that may quote one goes through
//! [`DbUrl`]'s `Display` (which masks the password) or [`DbUrl::redact`].

pub mod tls;
pub mod watchdog;

use std::fmt;
use std::time::Duration;

use postgres::config::Host;
use postgres::{Client, NoTls};

use tls::TlsSettings;

/// What the masked password is printed as.
pub const MASK: &str = "********";

/// Errors from parsing URLs, connecting and running statements; the text is
/// already redacted (no password can appear in it).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL could not be parsed (the URL itself is not repeated: it may hold a password).
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// Connecting to the server failed.
    #[error("could not connect to {url}: {message}")]
    Connect {
        /// The redacted URL.
        url: String,
        /// The redacted reason.
        message: String,
        /// The server's SQLSTATE, when it answered with an error (`3D000`: no such database).
        code: Option<String>,
    },
    /// A statement failed.
    #[error("{context}: {message}")]
    Query {
        /// What was being done.
        context: String,
        /// The server's message (redacted), with detail and hint.
        message: String,
    },
}

/// A PostgreSQL URL (`postgres://user:password@host:port/database?options`).
///
/// `Display` and `Debug` mask the password.
///
/// ```
/// use chatbi_db::db::DbUrl;
/// let url = DbUrl::parse("postgres://app:s3cret@localhost:5432/chatbi").unwrap();
/// assert_eq!(url.to_string(), "postgres://app:********@localhost:5432/chatbi");
/// assert_eq!(url.database().as_deref(), Some("chatbi"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    url: url::Url,
}

impl DbUrl {
    /// Parses a `postgres://` or `postgresql://` URL.
    pub fn parse(text: &str) -> Result<DbUrl, DbError> {
        let url = url::Url::parse(text.trim()).map_err(|e| DbError::InvalidUrl(e.to_string()))?;
        if url.scheme() != "postgres" && url.scheme() != "postgresql" {
            return Err(DbError::InvalidUrl(format!(
                "scheme `{}` is not supported; use postgres://user@host:port/database",
                url.scheme()
            )));
        }
        Ok(DbUrl { url })
    }

    /// Builds a URL from parts (no password).
    pub fn from_parts(host: &str, port: u16, user: &str, database: &str) -> DbUrl {
        let text = format!("postgres://{}@{}:{}/", encode(user), host, port);
        let mut url = url::Url::parse(&text).expect("a URL built from valid parts");
        url.set_path(&encode(database));
        DbUrl { url }
    }

    /// The database name (percent-decoded), if the URL has one.
    pub fn database(&self) -> Option<String> {
        let path = self.url.path().trim_start_matches('/');
        if path.is_empty() {
            None
        } else {
            Some(decode(path))
        }
    }

    /// The same server and credentials, another database.
    pub fn with_database(&self, database: &str) -> DbUrl {
        let mut url = self.url.clone();
        url.set_path(&encode(database));
        DbUrl { url }
    }

    /// Host name or address (`localhost` when absent).
    pub fn host(&self) -> String {
        self.url.host_str().unwrap_or("localhost").to_owned()
    }

    /// Port (5432 when absent).
    pub fn port(&self) -> u16 {
        self.url.port().unwrap_or(5432)
    }

    /// User name (percent-decoded; `postgres` when absent).
    pub fn user(&self) -> String {
        let user = self.url.username();
        if user.is_empty() {
            "postgres".to_owned()
        } else {
            decode(user)
        }
    }

    /// The password (percent-decoded), if any.
    pub fn password(&self) -> Option<String> {
        self.url.password().map(decode)
    }

    /// The full URL, password included: only for handing to a client library
    /// or a child process, never for printing.
    pub fn expose_secret(&self) -> &str {
        self.url.as_str()
    }

    /// Removes the password (raw and percent-decoded forms) from any text.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        if let Some(raw) = self.url.password()
            && !raw.is_empty()
        {
            out = out.replace(raw, MASK);
            let decoded = decode(raw);
            if !decoded.is_empty() {
                out = out.replace(&decoded, MASK);
            }
        }
        out
    }

    /// Connects with the synchronous `postgres` client, with TLS as the URL's
    /// `sslmode`/`sslrootcert` ask (see [`tls`]; libpq's meanings, `prefer` by default).
    ///
    /// The whole connection (TCP, TLS, startup and authentication) must finish within the
    /// URL's `connect_timeout` (seconds, as libpq; `0` waits for ever), else 10 s: a server
    /// that accepts the connection and never answers is an error, not a hang. TCP
    /// keepalives (`keepalives_idle` 30 s, `keepalives_interval` 10 s, `keepalives_retries`
    /// 3 unless the URL says otherwise) let a connection to a host that vanished fail
    /// instead of waiting for ever.
    pub fn connect(&self) -> Result<Client, DbError> {
        let tls = TlsSettings::from_url(self)?;
        let mut config: postgres::Config = self
            .client_url()
            .as_str()
            .parse()
            .map_err(|e: postgres::Error| DbError::InvalidUrl(self.redact(&pg_error_text(&e))))?;
        config.ssl_mode(tls.mode.client_mode());
        let timeout = self.connect_timeout()?;
        if let Some(timeout) = timeout {
            config.connect_timeout(timeout);
        }
        self.default_keepalives(&mut config);
        if config.get_application_name().is_none() {
            config.application_name("chatbi-db");
        }
        // Unix sockets carry no TLS; the postgres client refuses `require` over one itself.
        let tcp = config.get_hosts().iter().any(|h| matches!(h, Host::Tcp(_)));
        let connector = if tcp { tls.connector()? } else { None };
        let connected = within(timeout, move || match connector {
            Some(connector) => config.connect(connector),
            None => config.connect(NoTls),
        });
        let connected = match connected {
            Some(connected) => connected,
            None => {
                return Err(DbError::Connect {
                    url: self.to_string(),
                    message: format!(
                        "no answer from the server within {} s (connect_timeout): it accepted \
                         the connection but did not complete the startup; it may be stopped, \
                         overloaded, or not a PostgreSQL server",
                        timeout.map_or(0, |t| t.as_secs())
                    ),
                    code: None,
                });
            }
        };
        connected.map_err(|e| {
            let mut message = self.redact(&pg_error_text(&e));
            if let Some(hint) = tls::hint_for(&message) {
                message.push_str(&format!("\nHINT: {hint}"));
            }
            DbError::Connect {
                url: self.to_string(),
                message,
                code: e.code().map(|c| c.code().to_owned()),
            }
        })
    }

    /// The URL's `connect_timeout` (libpq: whole seconds; `0`: wait for ever, `None`), else
    /// [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(&self) -> Result<Option<Duration>, DbError> {
        let Some((_, value)) = self.url.query_pairs().find(|(k, _)| k == "connect_timeout") else {
            return Ok(Some(DEFAULT_CONNECT_TIMEOUT));
        };
        let secs: u64 = value.trim().parse().map_err(|_| {
            DbError::InvalidUrl(format!(
                "connect_timeout `{value}` is not a whole number of seconds"
            ))
        })?;
        Ok((secs > 0).then(|| Duration::from_secs(secs)))
    }

    /// TCP keepalives tighter than the client's 2-hour default, unless the URL sets them.
    fn default_keepalives(&self, config: &mut postgres::Config) {
        let given = |key: &str| self.url.query_pairs().any(|(k, _)| k == key);
        if !given("keepalives_idle") {
            config.keepalives_idle(Duration::from_secs(30));
        }
        if !given("keepalives_interval") {
            config.keepalives_interval(Duration::from_secs(10));
        }
        if !given("keepalives_retries") {
            config.keepalives_retries(3);
        }
    }

    /// The URL without the TLS parameters this crate reads itself (the `postgres` client
    /// does not know `verify-full` or `sslrootcert`).
    fn client_url(&self) -> url::Url {
        let mut url = self.url.clone();
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !tls::TLS_PARAMETERS.contains(&k.as_ref()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
        url
    }

    /// Wraps a `postgres` error from work on this URL's server into a redacted [`DbError`].
    pub fn query_error(&self, context: impl Into<String>, error: &postgres::Error) -> DbError {
        DbError::Query {
            context: self.redact(&context.into()),
            message: self.redact(&pg_error_text(error)),
        }
    }
}

impl DbError {
    /// True when connecting failed because the database does not exist (SQLSTATE 3D000).
    pub fn is_missing_database(&self) -> bool {
        matches!(self, DbError::Connect { code: Some(c), .. } if c == "3D000")
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut url = self.url.clone();
        if url.password().is_some() {
            let _ = url.set_password(Some(MASK));
        }
        // Query parameters may also carry a password (`?password=...`).
        if url.query_pairs().any(|(k, _)| k == "password") {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k == "password" {
                        MASK.to_owned()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
        f.write_str(url.as_str())
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({self})")
    }
}

/// The connect timeout when the URL gives none.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `work` on its own thread and waits at most `timeout` (`None`: for ever) for it.
/// On timeout the thread is left to finish or fail on its own (the `postgres` client has no
/// way to abandon a connection attempt); `None` is returned.
pub(crate) fn within<T: Send + 'static>(
    timeout: Option<Duration>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let Some(timeout) = timeout else {
        return Some(work());
    };
    let (sender, receiver) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("chatbi-db-connect".into())
        .spawn(move || {
            let _ = sender.send(work());
        });
    if spawned.is_err() {
        return None;
    }
    receiver.recv_timeout(timeout).ok()
}

/// The text of a `postgres` error: the server's message with detail, hint and
/// position when it comes from the server, otherwise the error and its causes.
pub fn pg_error_text(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("{}: {}", db.severity(), db.message());
        if let Some(detail) = db.detail() {
            text.push_str(&format!("\nDETAIL: {detail}"));
        }
        if let Some(hint) = db.hint() {
            text.push_str(&format!("\nHINT: {hint}"));
        }
        if let Some(where_) = db.where_() {
            text.push_str(&format!("\nCONTEXT: {where_}"));
        }
        return text;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Quotes an SQL identifier (`"name"`, inner quotes doubled).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Quotes an SQL string literal (`'text'`, inner quotes doubled).
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn encode(part: &str) -> String {
    let mut out = String::new();
    for b in part.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(part: &str) -> String {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(v) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_masks_password_everywhere() {
        let url = DbUrl::parse("postgresql://u:p%40ss@h:1/db?password=p%40ss&x=1").unwrap();
        let shown = url.to_string();
        assert!(!shown.contains("p%40ss"), "{shown}");
        assert!(!shown.contains("p@ss"), "{shown}");
        assert_eq!(url.password().as_deref(), Some("p@ss"));
        assert_eq!(
            url.redact("failed for p@ss and p%40ss"),
            "failed for ******** and ********"
        );
    }

    #[test]
    fn database_swaps_and_decodes() {
        let url = DbUrl::parse("postgres://u@h/chatbi").unwrap();
        assert_eq!(
            url.with_database("chatbi_demo").database().as_deref(),
            Some("chatbi_demo")
        );
        assert_eq!(url.with_database("a b").database().as_deref(), Some("a b"));
        assert_eq!(
            DbUrl::from_parts("127.0.0.1", 5, "postgres", "x").to_string(),
            "postgres://postgres@127.0.0.1:5/x"
        );
    }
}
