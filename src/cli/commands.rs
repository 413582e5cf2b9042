//! The commands.

use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;

use super::output::{self, Style, table};
use super::targets::{DbTarget, Server, pgdata, targets};
use super::{
    Cli, CliError, Command, SchemaAction, ServerAction, SqlxAction, adopt, create, static_checks,
};
use crate::db::quote_ident;
use crate::db::watchdog::Watchdog;
use crate::pg::{ClusterOptions, LocalCluster};
use crate::runner::{Migrator, Progress, RunOptions, State, Status, StatusEntry, Target};

/// Runs the parsed command; returns the exit code.
pub fn run(cli: &Cli) -> Result<u8, CliError> {
    let style = Style::detect(cli.no_color);
    match &cli.command {
        Command::Upgrade { target, sql } => upgrade(cli, &style, target.as_deref(), *sql),
        Command::Downgrade { target, sql, yes } => {
            downgrade(cli, &style, target.as_deref(), *sql, *yes)
        }
        Command::Status => status(cli, &style, false),
        Command::History => status(cli, &style, true),
        Command::Stamp { target, purge, yes } => {
            if *purge && !*yes {
                return Err(CliError::usage(
                    "`stamp --purge` deletes every row of the migration history first; pass --yes to confirm",
                ));
            }
            stamp(cli, &style, target, *purge)
        }
        Command::Fresh { yes } => fresh(cli, &style, *yes),
        Command::Create { description } => create::run(cli, &style, description),
        Command::Bootstrap { output } => bootstrap(cli, &style, output.as_ref()),
        Command::Adopt => adopt_cmd(cli, &style),
        Command::Lock => create::lock(cli, &style),
        Command::Server { action } => server(cli, &style, *action),
        Command::Schema {
            action: SchemaAction::Dump { format },
        } => static_checks::schema_dump(cli, *format),
        Command::Sqlx { action } => match action {
            SqlxAction::Verify {
                offline_dir,
                format,
                strict_nullability,
            } => static_checks::sqlx_verify(cli, offline_dir, *format, *strict_nullability),
            SqlxAction::Prepare { check, crate_dir } => {
                static_checks::sqlx_prepare(cli, crate_dir, *check)
            }
        },
    }
}

fn options(cli: &Cli) -> Result<RunOptions, CliError> {
    if !(cli.lock_timeout.is_finite() && cli.lock_timeout >= 0.0) {
        return Err(CliError::usage(
            "--lock-timeout must be a number of seconds >= 0",
        ));
    }
    Ok(RunOptions {
        ignore_missing: cli.ignore_missing,
        lock_timeout: Duration::from_secs_f64(cli.lock_timeout),
    })
}

fn parse_target(text: Option<&str>, default: Target) -> Result<Target, CliError> {
    match text {
        None => Ok(default),
        Some(t) => t.parse().map_err(CliError::usage),
    }
}

/// How a version is shown: the file's own prefix (`0001`) when it has one.
fn version_label(version: i64, file: Option<&str>) -> String {
    if let Some(f) = file {
        let digits: String = f.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.parse::<i64>().ok() == Some(version) {
            return digits;
        }
    }
    version.to_string()
}

fn migration_label(migrator: &Migrator, version: i64) -> String {
    let file = migrator
        .migrations()
        .iter()
        .find(|m| m.version == version)
        .map(|m| m.up_file.to_string());
    version_label(version, file.as_deref())
}

fn progress_printer<'a>(
    style: &'a Style,
    json: bool,
    verb: &'a str,
) -> impl FnMut(Progress<'_>) + 'a {
    move |p| match p {
        Progress::WaitingForLock => {
            eprintln!(
                "{}",
                style.warn("Another migrator holds the lock; waiting for it...")
            )
        }
        Progress::Starting {
            migration,
            index,
            total,
        } => style.progress_line(
            index,
            total,
            &format!(
                "{} {}",
                version_label(migration.version, Some(&migration.up_file)),
                migration.description
            ),
        ),
        Progress::Finished { migration, elapsed } => {
            if !json {
                style.progress_done();
                println!(
                    "  {} {} {}  {}",
                    style.ok(verb),
                    version_label(migration.version, Some(&migration.up_file)),
                    migration.description,
                    style.dim(&output::duration(elapsed))
                );
            }
        }
    }
}

fn upgrade(cli: &Cli, style: &Style, target: Option<&str>, sql: bool) -> Result<u8, CliError> {
    let target = parse_target(target, Target::Head)?;
    let opts = options(cli)?;
    let dbs = targets(cli, true)?;
    let server = Server::open(cli, style)?;
    if dbs.len() > 1 && !cli.json && !sql {
        eprintln!(
            "{}",
            style.dim(
                "Upgrading both ChatBI databases, chatbi and chatbi_demo (--database picks one)."
            )
        );
    }
    let mut reports = Vec::new();
    for db in &dbs {
        if sql {
            let applied = applied_versions(&server, db)?;
            let plan = db.migrator.plan_upgrade(&applied, target)?;
            println!("-- chatbi-db upgrade {target}: database {}", db.name);
            print!("{}", db.migrator.upgrade_script(&plan));
            continue;
        }
        let (mut client, created) = server.connect_creating(&db.name)?;
        if !cli.json {
            println!(
                "{}{}",
                style.bold(&db.name),
                if created { " (database created)" } else { "" }
            );
        }
        let _watchdog = watch(&server, db, &mut client, cli.json);
        let adopted = adopt::adopt_if_alembic(&server, db, &mut client, &opts, style, cli.json)?;
        let ran = db.migrator.upgrade(
            &mut client,
            target,
            &opts,
            &mut progress_printer(style, cli.json, "applied"),
        )?;
        style.progress_done();
        let default_datasource = if db.name == "chatbi" && cli.migrations.is_none() {
            Some(ensure_default_datasource(&server, db)?)
        } else {
            None
        };
        if !cli.json {
            if let Some(ds) = default_datasource.as_ref().filter(|ds| ds.created) {
                println!(
                    "  default datasource {:?} created (-> database {})",
                    ds.name, ds.database_name
                );
            }
            let head = db
                .migrator
                .migrations()
                .last()
                .map(|m| version_label(m.version, Some(&m.up_file)))
                .unwrap_or_else(|| "-".into());
            if ran.is_empty() {
                println!("  nothing to apply (head {head})");
            } else {
                let total: i64 = ran.iter().map(|r| r.nanos).sum();
                println!(
                    "  {} migration(s) applied in {}",
                    ran.len(),
                    output::nanos(total)
                );
            }
        }
        reports.push(json!({
            "database": db.name,
            "created": created,
            "adopted": adopted,
            "default_datasource": default_datasource.as_ref().map(|ds| json!({
                "id": ds.id, "name": ds.name, "database_name": ds.database_name, "created": ds.created,
            })),
            "applied": ran_json(&ran),
        }));
    }
    if cli.json && !sql {
        println!("{}", json!({ "databases": reports }));
    }
    Ok(0)
}

/// After migrating `chatbi`: makes sure the default datasource exists (the step the
/// application also runs on startup), configured from `CHATBI_DEMO_*` variables.
fn ensure_default_datasource(
    server: &Server,
    db: &DbTarget,
) -> Result<crate::data::DefaultDatasource, CliError> {
    let url = server.url(&db.name);
    // The demo database lives on the same server: its address is the default,
    // CHATBI_DEMO_* variables override it.
    let mut vars: std::collections::HashMap<String, String> = std::env::vars().collect();
    for (key, value) in [
        ("CHATBI_DEMO_HOST", url.host()),
        ("CHATBI_DEMO_PORT", url.port().to_string()),
        ("CHATBI_DEMO_USER", url.user()),
    ] {
        vars.entry(key.to_string()).or_insert(value);
    }
    let config = crate::data::DefaultDatasourceConfig::from_vars(&vars)
        .map_err(|e| CliError::new(2, format!("default datasource: {e}")))?;
    let failed = |e: sqlx::Error| {
        CliError::new(
            1,
            url.redact(&format!("default datasource in {}: {e}", db.name)),
        )
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new(1, format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(url.expose_secret())
            .await
            .map_err(failed)?;
        let ds = crate::data::ensure_default_datasource(&pool, &config)
            .await
            .map_err(failed)?;
        pool.close().await;
        Ok(ds)
    })
}

/// Watches the server while `client` works: when it stops answering (see
/// [`crate::db::watchdog`]), says so and exits with code 5.
fn watch(
    server: &Server,
    db: &DbTarget,
    client: &mut postgres::Client,
    json: bool,
) -> Option<Watchdog> {
    let url = server.url(&db.name);
    let interval = url
        .connect_timeout()
        .ok()
        .flatten()
        .unwrap_or(crate::db::DEFAULT_CONNECT_TIMEOUT);
    let pid: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .ok()?
        .get(0);
    let name = db.name.clone();
    Some(Watchdog::start(url, pid, interval, move |reason| {
        let message = super::redact(&format!(
            "the server of database {name} stopped answering: {reason}.\n\
             The run was stopped. Migrations reported as applied are committed with their \
             history rows; the one in progress is rolled back by the server when it notices \
             the connection is gone (a -- no-transaction one may be partly done: check \
             `chatbi-db status`). The server releases the migration lock when this connection \
             closes (at once if it can reach us, else after its TCP keepalive timeout)."
        ));
        eprintln!("error: {message}");
        if json {
            println!("{}", json!({ "error": { "code": 5, "message": message } }));
        }
        std::process::exit(5);
    }))
}

fn applied_versions(server: &Server, db: &DbTarget) -> Result<BTreeSet<i64>, CliError> {
    if !server.exists(&db.name)? {
        return Ok(BTreeSet::new());
    }
    let mut client = server.connect(&db.name)?;
    let status = db.migrator.status(&mut client)?;
    Ok(status
        .entries
        .iter()
        .filter(|e| e.installed_on.is_some())
        .map(|e| e.version)
        .collect())
}

fn downgrade(
    cli: &Cli,
    style: &Style,
    target: Option<&str>,
    sql: bool,
    yes: bool,
) -> Result<u8, CliError> {
    let target = parse_target(target, Target::Relative(-1))?;
    let opts = options(cli)?;
    let dbs = targets(cli, false)?;
    let server = Server::open(cli, style)?;
    let mut reports = Vec::new();
    for db in &dbs {
        if sql || !yes {
            let applied = applied_versions(&server, db)?;
            let plan = db.migrator.plan_downgrade(&applied, target)?;
            if sql {
                println!("-- chatbi-db downgrade {target}: database {}", db.name);
                print!("{}", db.migrator.downgrade_script(&plan)?);
                continue;
            }
            if plan.len() > 1 {
                let versions: Vec<String> = plan
                    .iter()
                    .map(|&v| migration_label(&db.migrator, v))
                    .collect();
                return Err(CliError::usage(format!(
                    "`downgrade {target}` would revert {} migrations of {} ({}); pass --yes to confirm \
                     (or `--sql` to see what would run)",
                    plan.len(),
                    db.name,
                    versions.join(", ")
                )));
            }
        }
        let mut client = server.connect(&db.name)?;
        let _watchdog = watch(&server, db, &mut client, cli.json);
        if !cli.json {
            println!("{}", style.bold(&db.name));
        }
        let ran = db.migrator.downgrade(
            &mut client,
            target,
            &opts,
            &mut progress_printer(style, cli.json, "reverted"),
        )?;
        style.progress_done();
        if !cli.json && ran.is_empty() {
            println!("  nothing to revert");
        }
        reports.push(json!({
            "database": db.name,
            "reverted": ran_json(&ran),
        }));
    }
    if cli.json && !sql {
        println!("{}", json!({ "databases": reports }));
    }
    Ok(0)
}

fn state_text(style: &Style, state: State) -> String {
    match state {
        State::Applied => style.ok("applied"),
        State::Pending => style.warn("pending"),
        State::Changed => style.bad("CHANGED"),
        State::Missing => style.bad("MISSING"),
        State::Dirty => style.bad("DIRTY"),
    }
}

fn status(cli: &Cli, style: &Style, history: bool) -> Result<u8, CliError> {
    let dbs = targets(cli, true)?;
    let server = Server::open(cli, style)?;
    let mut reports = Vec::new();
    let mut clean = true;
    for db in &dbs {
        let exists = server.exists(&db.name)?;
        let status = if exists {
            let mut client = server.connect(&db.name)?;
            let _watchdog = watch(&server, db, &mut client, cli.json);
            db.migrator.status(&mut client)?
        } else {
            db.migrator.status_of_empty()
        };
        clean &= status.is_clean();
        if cli.json {
            let mut value =
                serde_json::to_value(&status).map_err(|e| CliError::new(1, e.to_string()))?;
            value["database"] = json!(db.name);
            value["exists"] = json!(exists);
            value["url"] = json!(server.url(&db.name).to_string());
            reports.push(value);
        } else {
            print_status(style, db, &status, exists, history);
        }
    }
    if cli.json {
        println!("{}", json!({ "databases": reports }));
    }
    Ok(if clean { 0 } else { 3 })
}

fn print_status(style: &Style, db: &DbTarget, status: &Status, exists: bool, history: bool) {
    let label = |v: Option<i64>| {
        v.map(|v| migration_label(&db.migrator, v))
            .unwrap_or_else(|| "none".into())
    };
    let pending = status.count(State::Pending);
    let problems = status.entries.len() - status.count(State::Applied) - pending
        + status.invalid_indexes.len()
        + usize::from(status.lock_holder.is_some())
        + usize::from(!status.out_of_order.is_empty());
    let summary = if !exists {
        style.warn("database does not exist yet (upgrade creates it)")
    } else if problems > 0 {
        style.bad(&format!("{problems} problem(s): see below"))
    } else if pending > 0 {
        style.warn(&format!("{pending} pending"))
    } else {
        style.ok("up to date")
    };
    println!(
        "{}  current {}  head {}  {}",
        style.bold(&db.name),
        label(status.current),
        label(status.head),
        summary
    );
    let rows: Vec<Vec<String>> = status
        .entries
        .iter()
        .map(|e: &StatusEntry| {
            let mut row = vec![
                version_label(e.version, e.file.as_deref()),
                e.description.clone(),
                state_text(style, e.state),
                e.installed_on
                    .as_deref()
                    .map(output::timestamp)
                    .unwrap_or_default(),
                e.execution_time_ns.map(output::nanos).unwrap_or_default(),
            ];
            if history {
                row.insert(
                    2,
                    e.applied_checksum
                        .as_deref()
                        .or(e.checksum.as_deref())
                        .map(|c| c[..c.len().min(12)].to_owned())
                        .unwrap_or_default(),
                );
            }
            row
        })
        .collect();
    let header: &[&str] = if history {
        &[
            "VERSION",
            "DESCRIPTION",
            "CHECKSUM",
            "STATE",
            "APPLIED AT",
            "TIME",
        ]
    } else {
        &["VERSION", "DESCRIPTION", "STATE", "APPLIED AT", "TIME"]
    };
    print!("{}", table(header, &rows));
    for e in &status.entries {
        match e.state {
            State::Changed => println!(
                "{} {} changed after it was applied: checksum applied {}, file {}",
                style.bad("!"),
                e.file.as_deref().unwrap_or_default(),
                e.applied_checksum.as_deref().unwrap_or_default(),
                e.checksum.as_deref().unwrap_or_default()
            ),
            State::Missing => println!(
                "{} version {} is applied but has no file in the set",
                style.bad("!"),
                e.version
            ),
            State::Dirty => println!(
                "{} version {} is marked failed (success = false): a previous run stopped partway",
                style.bad("!"),
                e.version
            ),
            _ => {}
        }
    }
    print_trouble(style, db, status);
    println!();
}

/// The problems `status` finds beyond the history rows.
fn print_trouble(style: &Style, db: &DbTarget, status: &Status) {
    for i in &status.invalid_indexes {
        println!(
            "{} INVALID index {} on {}: it exists but is not used and enforces nothing (a CREATE \
             INDEX CONCURRENTLY failed); run DROP INDEX CONCURRENTLY {}; then `chatbi-db upgrade`",
            style.bad("!"),
            i.index,
            i.table,
            i.index
        );
    }
    if let Some(h) = &status.lock_holder {
        println!(
            "{} another session holds the migration lock: pid {} ({}), connected {} ago, {} \
             for {}: {}",
            style.bad("!"),
            h.pid,
            if h.application_name.is_empty() {
                "no application_name"
            } else {
                &h.application_name
            },
            output::duration(Duration::from_secs_f64(h.connected_secs.max(0.0))),
            h.state,
            output::duration(Duration::from_secs_f64(h.query_secs.max(0.0))),
            h.query.lines().next().unwrap_or_default()
        );
    }
    if !status.out_of_order.is_empty() {
        let pending: Vec<String> = status
            .out_of_order
            .iter()
            .map(|&v| migration_label(&db.migrator, v))
            .collect();
        println!(
            "{} history out of order: {} pending below the current version {} (rows deleted, or \
             a migration merged in with an old version); `upgrade` would apply it after newer ones",
            style.bad("!"),
            pending.join(", "),
            status
                .current
                .map(|v| migration_label(&db.migrator, v))
                .unwrap_or_default()
        );
    }
}

fn stamp(cli: &Cli, style: &Style, target: &str, purge: bool) -> Result<u8, CliError> {
    let target = parse_target(Some(target), Target::Head)?;
    let opts = options(cli)?;
    let dbs = targets(cli, false)?;
    let server = Server::open(cli, style)?;
    let mut reports = Vec::new();
    for db in &dbs {
        let (mut client, _) = server.connect_creating(&db.name)?;
        let _watchdog = watch(&server, db, &mut client, cli.json);
        let (added, removed) = db.migrator.stamp(&mut client, target, purge, &opts)?;
        if !cli.json {
            println!(
                "{}: stamped {target}: {} recorded as applied, {} removed from the history{}",
                style.bold(&db.name),
                added.len(),
                removed.len(),
                if purge { " (history purged first)" } else { "" }
            );
        }
        reports.push(
            json!({"database": db.name, "recorded": added, "removed": removed, "purged": purge}),
        );
    }
    if cli.json {
        println!("{}", json!({ "databases": reports }));
    }
    Ok(0)
}

/// The `applied` / `reverted` list of the JSON output (docs/cli-json.md).
fn ran_json(ran: &[crate::runner::Ran]) -> Vec<serde_json::Value> {
    ran.iter()
        .map(|r| {
            json!({
                "version": r.version,
                "description": r.description,
                "execution_time_ns": r.nanos,
            })
        })
        .collect()
}

fn fresh(cli: &Cli, style: &Style, yes: bool) -> Result<u8, CliError> {
    let opts = options(cli)?;
    let dbs = targets(cli, false)?;
    let server = Server::open(cli, style)?;
    let mut reports = Vec::new();
    for db in &dbs {
        if matches!(db.name.as_str(), "postgres" | "template0" | "template1") {
            return Err(CliError::usage(format!(
                "refusing to drop the system database {}",
                db.name
            )));
        }
        if !yes {
            if !std::io::stdin().is_terminal() {
                return Err(CliError::usage(format!(
                    "`fresh` drops database {} and everything in it; pass --yes to confirm",
                    db.name
                )));
            }
            eprint!(
                "This drops database {} on {} and everything in it.\nType its name to confirm: ",
                db.name,
                server.url(&db.name)
            );
            let _ = std::io::stderr().flush();
            let mut answer = String::new();
            let _ = std::io::stdin().lock().read_line(&mut answer);
            if answer.trim() != db.name {
                return Err(CliError::usage("not confirmed; nothing dropped"));
            }
        }
        let mut admin = server.admin()?;
        let url = server.url(&db.name);
        admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&db.name)
            ))
            .map_err(|e| url.query_error(format!("dropping database {}", db.name), &e))?;
        admin
            .batch_execute(&format!("CREATE DATABASE {}", quote_ident(&db.name)))
            .map_err(|e| url.query_error(format!("creating database {}", db.name), &e))?;
        drop(admin);
        if !cli.json {
            println!("{}: dropped and recreated", style.bold(&db.name));
        }
        let mut client = server.connect(&db.name)?;
        let _watchdog = watch(&server, db, &mut client, cli.json);
        let ran = db.migrator.upgrade(
            &mut client,
            Target::Head,
            &opts,
            &mut progress_printer(style, cli.json, "applied"),
        )?;
        style.progress_done();
        if cli.json {
            reports
                .push(json!({"database": db.name, "recreated": true, "applied": ran_json(&ran)}));
        } else {
            println!("  {} migration(s) applied", ran.len());
        }
    }
    if cli.json {
        println!("{}", json!({ "databases": reports }));
    }
    Ok(0)
}

fn bootstrap(cli: &Cli, style: &Style, out: Option<&PathBuf>) -> Result<u8, CliError> {
    let dbs = targets(cli, false)?;
    for db in &dbs {
        let script = db.migrator.bootstrap_script();
        let path = out.cloned().unwrap_or_else(|| {
            if db.name == "chatbi" {
                PathBuf::from("init_app_tables.sql")
            } else {
                PathBuf::from(format!("init_{}_tables.sql", db.name))
            }
        });
        if path.as_os_str() == "-" {
            print!("{script}");
        } else {
            std::fs::write(&path, &script)
                .map_err(|e| CliError::new(1, format!("writing {}: {e}", path.display())))?;
            eprintln!(
                "{} {} ({} migrations of {}). Apply with: psql -v ON_ERROR_STOP=1 -d {} -f {}",
                style.ok("wrote"),
                path.display(),
                db.migrator.migrations().len(),
                db.name,
                db.name,
                path.display()
            );
        }
    }
    Ok(0)
}

fn adopt_cmd(cli: &Cli, style: &Style) -> Result<u8, CliError> {
    let opts = options(cli)?;
    let dbs = targets(cli, false)?;
    let server = Server::open(cli, style)?;
    let mut reports = Vec::new();
    for db in &dbs {
        let mut client = server.connect(&db.name)?;
        match adopt::adopt_if_alembic(&server, db, &mut client, &opts, style, cli.json)? {
            Some(adopted) => reports.push(json!({"database": db.name, "adopted": adopted})),
            None => {
                return Err(CliError::new(
                    3,
                    format!(
                        "{}: nothing to adopt (adoption needs an alembic_version table and no _sqlx_migrations)",
                        db.name
                    ),
                ));
            }
        }
    }
    if cli.json {
        println!("{}", json!({ "databases": reports }));
    }
    Ok(0)
}

fn server(cli: &Cli, style: &Style, action: ServerAction) -> Result<u8, CliError> {
    let dir = pgdata(cli);
    match action {
        ServerAction::Start => {
            let cluster = LocalCluster::ensure_running(&dir, &ClusterOptions::persistent())?;
            println!("{}", cluster.url("chatbi"));
            eprintln!(
                "{} local PostgreSQL in {} (port {}, pid {}, log {})",
                if cluster.started_here() {
                    style.ok("started")
                } else {
                    style.ok("running")
                },
                dir.display(),
                cluster.port(),
                cluster.pid(),
                cluster.log_file().display()
            );
        }
        ServerAction::Stop => {
            if LocalCluster::stop_dir(&dir)? {
                println!("stopped the local PostgreSQL in {}", dir.display());
            } else {
                println!("no local PostgreSQL is running in {}", dir.display());
            }
        }
        ServerAction::Url => {
            let cluster = LocalCluster::ensure_running(&dir, &ClusterOptions::persistent())?;
            println!(
                "{}",
                cluster.url(cli.database.as_deref().unwrap_or("chatbi"))
            );
        }
        ServerAction::Status => match LocalCluster::running_port(&dir) {
            Some(port) => println!(
                "running in {} on port {port}: {}",
                dir.display(),
                crate::db::DbUrl::from_parts("127.0.0.1", port, crate::pg::SUPERUSER, "chatbi")
            ),
            None => {
                println!("not running ({})", dir.display());
                return Ok(1);
            }
        },
    }
    Ok(0)
}
