//! The advisory lock that keeps migrators (ours and sqlx's) from running at once.
//!
//! The key is sqlx's: `0x3d32ad9e * crc32(current_database())` (CRC-32/ISO-HDLC),
//! so our runner and `sqlx::migrate` exclude each other. The lock is taken by
//! polling `pg_try_advisory_lock` between short autocommit statements: a
//! session blocked in `pg_advisory_lock` keeps a snapshot open, and a
//! `CREATE INDEX CONCURRENTLY` run by the lock holder waits for that snapshot
//! forever (golang-migrate#960).

use std::time::{Duration, Instant};

use postgres::Client;

use super::MigrateError;

/// sqlx's advisory lock key for a database name.
///
/// ```
/// use chatbi_db::runner::{crc32, lock_key};
/// assert_eq!(lock_key("chatbi"), 0x3d32ad9e * i64::from(crc32(b"chatbi")));
/// ```
pub fn lock_key(database: &str) -> i64 {
    0x3d32ad9e_i64 * i64::from(crc32(database.as_bytes()))
}

/// CRC-32 (ISO-HDLC / IEEE 802.3, reflected, polynomial 0xEDB88320).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Takes the lock for the connected database, polling until `timeout`.
/// `waiting` is called once if the lock is busy on the first try.
pub(crate) fn acquire(
    client: &mut Client,
    timeout: Duration,
    waiting: &mut dyn FnMut(),
) -> Result<i64, MigrateError> {
    let database: String = client
        .query_one("SELECT current_database()", &[])
        .map_err(|e| MigrateError::db("reading the database name", &e))?
        .get(0);
    let key = lock_key(&database);
    let start = Instant::now();
    let mut delay = Duration::from_millis(10);
    let mut told = false;
    loop {
        let got: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
            .map_err(|e| MigrateError::db("taking the migration lock", &e))?
            .get(0);
        if got {
            return Ok(key);
        }
        if !told {
            waiting();
            told = true;
        }
        if start.elapsed() >= timeout {
            return Err(MigrateError::LockTimeout {
                database,
                waited: start.elapsed(),
            });
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_millis(200));
    }
}

/// A session holding the migration lock (seen by `status`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LockHolder {
    /// Its backend process id (`pg_terminate_backend(pid)` ends it).
    pub pid: i32,
    /// Its `application_name` (`chatbi-db`, `sqlx-cli`, …).
    pub application_name: String,
    /// Seconds since it connected (it took the lock at or after that time).
    pub connected_secs: f64,
    /// Its state (`active`, `idle`, `idle in transaction`, …).
    pub state: String,
    /// Its current or last statement.
    pub query: String,
    /// Seconds since that statement started.
    pub query_secs: f64,
}

/// The session (other than this one) holding the migration lock of the connected database.
pub(crate) fn holder(client: &mut Client) -> Result<Option<LockHolder>, MigrateError> {
    let database: String = client
        .query_one("SELECT current_database()", &[])
        .map_err(|e| MigrateError::db("reading the database name", &e))?
        .get(0);
    let key = lock_key(&database);
    // A bigint advisory lock shows its high half in classid, its low half in objid.
    let (high, low) = ((key >> 32) & 0xffff_ffff, key & 0xffff_ffff);
    let row = client
        .query_opt(
            "SELECT a.pid, coalesce(a.application_name, ''), \
             coalesce(extract(epoch FROM now() - a.backend_start), 0)::float8, \
             coalesce(a.state, ''), coalesce(a.query, ''), \
             coalesce(extract(epoch FROM now() - a.query_start), 0)::float8 \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
             AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.pid <> pg_backend_pid() \
             LIMIT 1",
            &[&high, &low],
        )
        .map_err(|e| MigrateError::db("looking for the migration lock's holder", &e))?;
    Ok(row.map(|r| LockHolder {
        pid: r.get(0),
        application_name: r.get(1),
        connected_secs: r.get(2),
        state: r.get(3),
        query: r.get(4),
        query_secs: r.get(5),
    }))
}

/// Releases the lock (errors ignored: a closed connection releases it anyway).
pub(crate) fn release(client: &mut Client, key: i64) {
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&key]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }
}
