//! The commands that need no database: `schema dump`, `sqlx verify`, `sqlx prepare`.
//! Each derives the schema from the migration files with core and prints or writes
//! what core returns.

use std::path::{Path, PathBuf};

use chatbi_db_core::describe::{self, Nullability, Schema, verify};
use chatbi_db_core::migrate::Layout;
use chatbi_db_core::{catalog, offline};

use super::{Cli, CliError, DumpFormat, VerifyFormat};

/// The migration directory and layout a static command reads: `--migrations DIR`,
/// else the ChatBI set named by `--database` (default `chatbi`).
fn migration_dir(cli: &Cli) -> Result<(PathBuf, Option<Layout>), CliError> {
    let layout = cli.layout.map(Layout::from);
    if let Some(dir) = &cli.migrations {
        return Ok((dir.clone(), layout));
    }
    let dirs = super::targets::target_dirs(cli, false)?;
    let (_, dir) = dirs
        .into_iter()
        .next()
        .ok_or_else(|| CliError::usage("no migration set selected"))?;
    Ok((dir, layout))
}

fn print_notes(notes: &[catalog::Diagnostic]) {
    for note in notes {
        // `file:line:col: note: message` (the diagnostic's own form).
        eprintln!("{note}");
    }
}

/// `chatbi-db schema dump`: the catalog replayed from the migration files.
pub fn schema_dump(cli: &Cli, format: DumpFormat) -> Result<u8, CliError> {
    let (dir, layout) = migration_dir(cli)?;
    let set = super::load_report::load_set(&dir, layout, cli.strict, true, 3)?;
    let replay = catalog::replay_with(&set, &describe::AnalyserTyper)
        .map_err(|e| CliError::new(3, e.to_string()))?;
    print_notes(&replay.diagnostics);
    match format {
        DumpFormat::CatalogJson => {
            let json = serde_json::to_string_pretty(&replay.catalog.to_catalog_json())
                .map_err(|e| CliError::new(1, format!("cannot write JSON: {e}")))?;
            println!("{json}");
        }
        DumpFormat::Sql => print!("{}", replay.catalog.to_sql()),
    }
    Ok(0)
}

fn schema(cli: &Cli) -> Result<Schema, CliError> {
    let (dir, layout) = migration_dir(cli)?;
    let (schema, notes) = verify::schema_from_migrations(&dir, layout)
        .map_err(|e| CliError::new(3, e.to_string()))?;
    print_notes(&notes);
    Ok(schema)
}

/// `chatbi-db sqlx verify`: every offline file described again from the migrations.
pub fn sqlx_verify(
    cli: &Cli,
    offline_dir: &Path,
    format: VerifyFormat,
    strict_nullability: bool,
) -> Result<u8, CliError> {
    let schema = schema(cli)?;
    let report = verify::verify_dir(&schema, offline_dir, strict_nullability)
        .map_err(|e| CliError::new(1, e.to_string()))?;
    match format {
        VerifyFormat::Text => print!("{}", report.to_text()),
        VerifyFormat::Json => {
            let json = serde_json::to_string_pretty(&report.to_json())
                .map_err(|e| CliError::new(1, format!("cannot write JSON: {e}")))?;
            println!("{json}");
        }
    }
    Ok(if report.failed() == 0 { 0 } else { 3 })
}

/// `chatbi-db sqlx prepare [--check]`: finds the `sqlx::query!` family of calls in a
/// crate and writes (or checks) its `.sqlx/` directory, with no database.
pub fn sqlx_prepare(cli: &Cli, crate_dir: &Path, check: bool) -> Result<u8, CliError> {
    let schema = schema(cli)?;
    let found =
        offline::sources::find_in_crate(crate_dir).map_err(|e| CliError::new(1, e.to_string()))?;
    let queries: Vec<String> = found.iter().map(|q| q.sql.clone()).collect();
    let dir = crate_dir.join(".sqlx");
    if !check {
        std::fs::create_dir_all(&dir)
            .map_err(|e| CliError::new(1, format!("cannot create {}: {e}", dir.display())))?;
    }
    let report = verify::prepare(&schema, &queries, &dir, Nullability::Sqlx, check)
        .map_err(|e| CliError::new(3, e.to_string()))?;
    let verb = if check { "out of date" } else { "written" };
    for p in &report.changed {
        println!("{verb}: {}", p.display());
    }
    for p in &report.stale {
        println!(
            "{}: {}",
            if check { "unused" } else { "removed" },
            p.display()
        );
    }
    println!(
        "{} queries in {} files; {} changed, {} unchanged, {} stale",
        queries.len(),
        found
            .iter()
            .map(|q| &q.file)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        report.changed.len(),
        report.unchanged.len(),
        report.stale.len()
    );
    if check && !report.is_clean() {
        eprintln!("error: .sqlx is out of date; run `chatbi-db sqlx prepare` and commit it");
        return Ok(3);
    }
    Ok(0)
}
