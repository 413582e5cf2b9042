//! Adopting a database made by the old Alembic tooling.
//!
//! Such a database has `alembic_version` (e.g. `0001_initial_schema`), the tables, and
//! no `_sqlx_migrations`. The migrations up to that revision are applied to a scratch
//! database, both catalogs are listed from `pg_catalog` (tables, columns with types,
//! nullability and defaults, constraints, indexes, enums, domains, functions,
//! extensions) and compared; when equal the migrations are recorded as applied,
//! otherwise the differences are listed and nothing changes.

use std::collections::BTreeSet;

use postgres::Client;
use serde_json::json;

use super::CliError;
use super::output::Style;
use super::targets::{DbTarget, Server};
use crate::db::quote_ident;
use crate::runner::{RunOptions, Target};

/// Relations the comparison ignores (the two tools' own tables).
const IGNORED: &str = "('alembic_version', '_sqlx_migrations')";

/// The catalog of the current database as sorted lines.
fn catalog(client: &mut Client) -> Result<BTreeSet<String>, postgres::Error> {
    let sql = format!(
        "
WITH rels AS (
  SELECT c.oid, c.relname, c.relkind, n.nspname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'
    AND c.relname NOT IN {IGNORED}
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                    AND d.objid = c.oid AND d.deptype = 'e')
)
SELECT format('relation %I.%I (%s)', nspname, relname, relkind) FROM rels
  WHERE relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')
    AND NOT (relkind = 'S' AND relname IN ('alembic_version_seq'))
UNION ALL
SELECT format('column %I.%I.%I %s%s%s%s%s', r.nspname, r.relname, a.attname,
              format_type(a.atttypid, a.atttypmod),
              CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
              coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''),
              CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END,
              CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END)
  FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
UNION ALL
SELECT format('constraint %I.%I %I %s', r.nspname, r.relname, con.conname, pg_get_constraintdef(con.oid))
  FROM rels r JOIN pg_constraint con ON con.conrelid = r.oid
UNION ALL
SELECT format('index %I.%I %s', r.nspname, r.relname, pg_get_indexdef(i.indexrelid))
  FROM rels r JOIN pg_index i ON i.indrelid = r.oid
UNION ALL
SELECT format('enum %I.%I (%s)', n.nspname, t.typname,
              string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder))
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
  GROUP BY n.nspname, t.typname
UNION ALL
SELECT format('domain %I.%I %s%s', n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod),
              CASE WHEN t.typnotnull THEN ' not null' ELSE '' END)
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
UNION ALL
SELECT format('domain constraint %I %s', con.conname, pg_get_constraintdef(con.oid))
  FROM pg_constraint con WHERE con.contypid <> 0
UNION ALL
SELECT format('function %I.%I(%s) %s', n.nspname, p.proname,
              pg_get_function_identity_arguments(p.oid), md5(pg_get_functiondef(p.oid)))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND p.prokind IN ('f', 'p')
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                    AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'
"
    );
    let rows = client.query(sql.as_str(), &[])?;
    Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
}

/// When `client`'s database was made by Alembic (an `alembic_version` row, no
/// `_sqlx_migrations`), adopts it and returns what was recorded; `None` when there is
/// nothing to adopt. Refuses (exit 3) with the differences when the schema differs.
pub fn adopt_if_alembic(
    server: &Server,
    db: &DbTarget,
    client: &mut Client,
    options: &RunOptions,
    style: &Style,
    json: bool,
) -> Result<Option<serde_json::Value>, CliError> {
    let url = server.url(&db.name);
    let row = client
        .query_one(
            "SELECT to_regclass('alembic_version') IS NOT NULL, to_regclass('_sqlx_migrations') IS NOT NULL",
            &[],
        )
        .map_err(|e| url.query_error("looking for alembic_version", &e))?;
    let (alembic, sqlx): (bool, bool) = (row.get(0), row.get(1));
    if !alembic || sqlx {
        return Ok(None);
    }
    let revisions: Vec<String> = client
        .query("SELECT version_num::text FROM alembic_version", &[])
        .map_err(|e| url.query_error("reading alembic_version", &e))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let [revision] = revisions.as_slice() else {
        if revisions.is_empty() {
            return Ok(None);
        }
        return Err(CliError::new(
            3,
            format!(
                "{}: alembic_version holds several revisions ({}); adopt needs exactly one",
                db.name,
                revisions.join(", ")
            ),
        ));
    };
    let version = match revision.parse::<Target>() {
        Ok(Target::Version(v)) if db.migrator.migrations().iter().any(|m| m.version == v) => v,
        _ => {
            return Err(CliError::new(
                3,
                format!(
                    "{}: alembic_version says `{revision}`, which is not a migration of this set; \
                     stamp the database by hand (`chatbi-db stamp VERSION`) once its schema matches",
                    db.name
                ),
            ));
        }
    };
    if !json {
        println!(
            "  {} alembic_version = {revision}: comparing the live schema with what migrations up to {version} create...",
            style.warn("adopting")
        );
    }
    let live = catalog(client).map_err(|e| url.query_error("reading the catalog", &e))?;
    let expected = expected_catalog(server, db, version, options)?;
    if live != expected {
        let mut text = format!(
            "{}: refusing to adopt: the schema differs from what migrations up to {version} create \
             (nothing was changed):\n",
            db.name
        );
        for line in expected.difference(&live) {
            text.push_str(&format!("  missing in the database:     {line}\n"));
        }
        for line in live.difference(&expected) {
            text.push_str(&format!("  not created by the migrations: {line}\n"));
        }
        text.push_str("Bring the schema in line (or write a migration for the difference), then run `chatbi-db adopt` again.");
        return Err(CliError::new(3, text));
    }
    let (recorded, _) = db
        .migrator
        .stamp(client, Target::Version(version), false, options)?;
    if !json {
        println!(
            "  {} schema matches; recorded {} migration(s) as applied (alembic_version kept)",
            style.ok("adopted:"),
            recorded.len()
        );
    }
    Ok(Some(
        json!({ "alembic_revision": revision, "recorded": recorded }),
    ))
}

/// The catalog that migrations up to `version` produce, from a scratch database.
fn expected_catalog(
    server: &Server,
    db: &DbTarget,
    version: i64,
    options: &RunOptions,
) -> Result<BTreeSet<String>, CliError> {
    let mut scratch: String = format!("{}_adopt_{}", db.name, std::process::id());
    scratch.truncate(63);
    let mut admin = server.admin()?;
    let url = server.url(&scratch);
    let quoted = quote_ident(&scratch);
    for statement in [
        format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"),
        format!("CREATE DATABASE {quoted}"),
    ] {
        admin
            .batch_execute(&statement)
            .map_err(|e| url.query_error("creating a scratch database", &e))?;
    }
    let result = (|| -> Result<BTreeSet<String>, CliError> {
        let mut client = url.connect()?;
        db.migrator
            .upgrade(&mut client, Target::Version(version), options, &mut |_| {})?;
        catalog(&mut client)
            .map_err(|e| CliError::from(url.query_error("reading the scratch catalog", &e)))
    })();
    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"));
    result
}
