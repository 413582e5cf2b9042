//! Loading a `--migrations` directory for the CLI: the set as sqlx (diesel) loads it, or
//! strictly with `--strict` (or a lock file), with the loader's warnings printed on stderr
//! so that a file left out is never left out silently.

use std::path::Path;

use chatbi_db_core::migrate::{Layout, LoadOptions, LoadWarning, MigrateError, MigrationSet};

use super::CliError;

/// Loads and validates `dir` (layout `None`: detected), lock-checked when `check_lock`;
/// prints the warnings (skipped files, down-only files, problems in down files) and
/// returns the set, or the errors as exit code `exit_code`.
pub fn load_set(
    dir: &Path,
    layout: Option<Layout>,
    strict: bool,
    check_lock: bool,
    exit_code: u8,
) -> Result<MigrationSet, CliError> {
    let options = LoadOptions {
        layout,
        check_lock,
        strict,
        ..LoadOptions::default()
    };
    let loaded = chatbi_db_core::migrate::load_dir_with(dir, &options)
        .map_err(|errors| CliError::new(exit_code, joined(&errors)))?;
    print_warnings(&loaded.warnings, &loaded.down_warnings);
    Ok(loaded.set)
}

/// The errors, one a line.
fn joined(errors: &[MigrateError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `file: warning: message`, one a line, on stderr.
fn print_warnings(warnings: &[LoadWarning], down_warnings: &[MigrateError]) {
    for w in warnings {
        eprintln!("{w}");
    }
    for e in down_warnings {
        // A problem in a down file does not stop an upgrade; it is a warning here.
        eprintln!("{}", e.to_string().replacen(": error: ", ": warning: ", 1));
    }
}
