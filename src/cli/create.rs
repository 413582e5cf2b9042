//! `create "description"`: new migration file(s) with the next version, in the set's style.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::output::Style;
use super::targets::{target_dirs, targets};
use super::{Cli, CliError};
use crate::runner::Migrator;
use chatbi_db_core::migrate::Layout;
use chatbi_db_core::migrate::lock::LOCK_FILE_NAME;

/// The file name part for a description: lowercase ASCII words joined by `_`.
pub fn slug(description: &str) -> String {
    let mut out = String::new();
    for c in description.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// The next version's text: a timestamp (`YYYYMMDDHHMMSS`, UTC) when the set uses
/// timestamps, else the next number zero-padded to the set's width (4 for an empty set).
pub fn next_version(migrator: &Migrator, now_unix: u64) -> String {
    let prefixes: Vec<String> = migrator
        .migrations()
        .iter()
        .map(|m| {
            m.up_file
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect()
        })
        .collect();
    let max = migrator.migrations().last().map(|m| m.version).unwrap_or(0);
    let timestamps = !prefixes.is_empty() && prefixes.iter().all(|p| p.len() >= 12);
    if timestamps {
        let stamp = utc_timestamp(now_unix);
        let value: i64 = stamp.parse().unwrap_or(0);
        if value > max {
            return stamp;
        }
        return (max + 1).to_string();
    }
    let width = prefixes.iter().map(|p| p.len()).max().unwrap_or(4);
    format!("{:0width$}", max + 1)
}

/// `YYYYMMDDHHMMSS` for a Unix time (UTC).
fn utc_timestamp(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Runs `create`.
pub fn run(cli: &Cli, style: &Style, description: &str) -> Result<u8, CliError> {
    let dbs = targets(cli, false)?;
    let db = &dbs[0];
    let name = slug(description);
    if name.is_empty() {
        return Err(CliError::usage(
            "the description is empty (it needs letters or digits, e.g. \"add user avatars\")",
        ));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let version = next_version(&db.migrator, now);
    let reversible = db
        .migrator
        .migrations()
        .last()
        .map(|m| m.down_file.is_some())
        .unwrap_or(true);
    if let Some(m) = db
        .migrator
        .migrations()
        .iter()
        .find(|m| m.description.replace(' ', "_") == name)
    {
        return Err(CliError::usage(format!(
            "a migration named `{name}` already exists: {}; choose another description",
            m.up_file
        )));
    }
    let up_text = format!("-- {description}\n");
    let down_text = format!("-- Revert: {description}\n");
    let (version, files): (String, Vec<(PathBuf, String)>) = match db.migrator.set().layout {
        Layout::Diesel => {
            let stamp = utc_timestamp(now);
            let version = format!(
                "{}-{}-{}-{}",
                &stamp[0..4],
                &stamp[4..6],
                &stamp[6..8],
                &stamp[8..14]
            );
            let sub = db.dir.join(format!("{version}_{name}"));
            (
                version,
                vec![
                    (sub.join("up.sql"), up_text),
                    (sub.join("down.sql"), down_text),
                ],
            )
        }
        Layout::Refinery => {
            let next = db
                .migrator
                .migrations()
                .last()
                .map(|m| m.version)
                .unwrap_or(0)
                + 1;
            let version = format!("V{next}");
            (
                version.clone(),
                vec![(db.dir.join(format!("{version}__{name}.sql")), up_text)],
            )
        }
        Layout::Sqlx if reversible => (
            version.clone(),
            vec![
                (db.dir.join(format!("{version}_{name}.up.sql")), up_text),
                (db.dir.join(format!("{version}_{name}.down.sql")), down_text),
            ],
        ),
        Layout::Sqlx => (
            version.clone(),
            vec![(db.dir.join(format!("{version}_{name}.sql")), up_text)],
        ),
    };
    for (path, _) in &files {
        if path.exists() || version_taken(&db.dir, &version) {
            return Err(CliError::usage(format!(
                "{} would collide with an existing migration file",
                path.display()
            )));
        }
    }
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CliError::new(1, format!("creating {}: {e}", parent.display())))?;
        }
        write_new(path, text)?;
    }
    let lock_file = db.dir.join(LOCK_FILE_NAME);
    let lock_updated = lock_file.exists();
    if lock_updated {
        write_lock(&db.dir, cli)?;
    }
    if cli.json {
        println!(
            "{}",
            json!({
                // As recorded in _sqlx_migrations (digits of the prefix), and as written.
                "version": version.chars().filter(char::is_ascii_digit).collect::<String>().parse::<i64>().ok(),
                "prefix": version,
                "files": files.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>(),
                "lock_updated": lock_updated,
            })
        );
    } else {
        for (path, _) in &files {
            println!("{} {}", style.ok("created"), path.display());
        }
        if lock_updated {
            println!("{} {}", style.ok("updated"), lock_file.display());
        }
    }
    Ok(0)
}

/// Rewrites `dir/migrations.lock` from the set as it is now; returns the number of entries.
fn write_lock(dir: &Path, cli: &Cli) -> Result<usize, CliError> {
    let migrator = Migrator::from_dir_with(dir, cli.layout.map(Into::into), false)
        .map_err(|e| CliError::new(1, e.to_string()))?;
    let path = dir.join(LOCK_FILE_NAME);
    std::fs::write(&path, chatbi_db_core::migrate::lock::render(migrator.set()))
        .map_err(|e| CliError::new(1, format!("writing {}: {e}", path.display())))?;
    Ok(migrator.migrations().len())
}

/// Runs `lock`: writes the lock file of the set(s).
pub fn lock(cli: &Cli, style: &Style) -> Result<u8, CliError> {
    for (_, dir) in target_dirs(cli, false)? {
        let n = write_lock(&dir, cli)?;
        println!(
            "{} {} ({n} migrations)",
            style.ok("wrote"),
            dir.join(LOCK_FILE_NAME).display()
        );
    }
    Ok(0)
}

fn version_taken(dir: &Path, version: &str) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{version}_"))
            })
        })
        .unwrap_or(false)
}

fn write_new(path: &Path, text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| CliError::new(1, format!("creating {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(|e| CliError::new(1, format!("writing {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Add user avatars!"), "add_user_avatars");
        assert_eq!(slug("  --  "), "");
    }

    #[test]
    fn timestamps() {
        assert_eq!(utc_timestamp(0), "19700101000000");
        assert_eq!(utc_timestamp(1_700_000_000), "20231114221320");
    }
}
