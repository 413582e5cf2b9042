//! Notices a server that stops answering while a long statement runs.
//!
//! The `postgres` client waits for a reply for ever, and a reply can legitimately take
//! hours (`CREATE INDEX` on a big table), so a read timeout on the connection itself would
//! be wrong. Instead a watchdog thread asks the server from the side, every `connect_timeout`:
//! it opens a fresh connection (which must answer within `connect_timeout`) and checks
//! that the watched session is still in `pg_stat_activity`. When the server gives no
//! answer, or the session is gone, it calls `on_dead` with the reason (the CLI prints it
//! and exits with code 5). A server that answers with an error (too many connections,
//! …) is alive and does not count.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{DbError, DbUrl, within};

/// A running watchdog; dropping it stops it.
#[derive(Debug)]
pub struct Watchdog {
    stop: Arc<AtomicBool>,
}

impl Watchdog {
    /// Watches the session `pid` of the server at `url`, checking every `interval`.
    pub fn start(
        url: DbUrl,
        pid: i32,
        interval: Duration,
        on_dead: impl FnOnce(String) + Send + 'static,
    ) -> Watchdog {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("chatbi-db-watchdog".into())
            .spawn(move || {
                loop {
                    let until = Instant::now() + interval;
                    while Instant::now() < until {
                        if flag.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    if let Some(reason) = probe(&url, pid, interval) {
                        if !flag.load(Ordering::Relaxed) {
                            on_dead(reason);
                        }
                        return;
                    }
                }
            });
        if spawned.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        Watchdog { stop }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// `None` when the server answers and the session lives; otherwise why not.
fn probe(url: &DbUrl, pid: i32, timeout: Duration) -> Option<String> {
    let mut client = match url.connect() {
        Ok(client) => client,
        // The server answered, if only with an error: it is alive.
        Err(DbError::Connect { code: Some(_), .. }) => return None,
        Err(e) => return Some(format!("a new connection got no answer: {e}")),
    };
    let asked = within(Some(timeout), move || {
        client
            .query_opt("SELECT 1 FROM pg_stat_activity WHERE pid = $1", &[&pid])
            .map(|row| row.is_some())
    });
    match asked {
        None => Some(format!(
            "a new connection was accepted but its query got no answer within {} s",
            timeout.as_secs()
        )),
        Some(Ok(true)) | Some(Err(_)) => None,
        Some(Ok(false)) => Some(format!(
            "the server no longer has this run's session (pid {pid}): the connection was lost"
        )),
    }
}
