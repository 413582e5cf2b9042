//! End to end with no database: migrations → replayed catalog → analyser → every corpus query
//! verified against the `.sqlx` files (names, types, parameters).

use chatbi_db_core::catalog;
use chatbi_db_core::describe::{AnalyserTyper, Schema, verify};
use chatbi_db_core::migrate;
use std::path::PathBuf;

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus"))
}

#[test]
fn corpus_queries_verify_against_replayed_migrations() {
    let mut projects: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join(".sqlx").is_dir())
        .collect();
    projects.sort();
    let (mut total, mut passed) = (0, 0);
    let mut problems = Vec::new();
    for p in &projects {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let set = match migrate::load_dir(&p.join("migrations"), None) {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("{name}: migrations do not load: {e}"));
                continue;
            }
        };
        let replay = match catalog::replay_with(&set, &AnalyserTyper) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{name}: replay failed: {e}"));
                continue;
            }
        };
        let schema = Schema::from_catalog(&replay.catalog);
        let report = verify::verify_dir(&schema, &p.join(".sqlx"), false).expect("verify");
        println!(
            "{name}: {}/{} verified from migrations",
            report.passed(),
            report.files.len()
        );
        for f in report.files.iter().filter(|f| !f.passed) {
            problems.push(format!(
                "{name}/{}: {}",
                f.path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default(),
                f.error
                    .iter()
                    .chain(&f.mismatches)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        total += report.files.len();
        passed += report.passed();
    }
    println!("TOTAL: {passed}/{total} verified from migrations alone");
    for p in &problems {
        println!("  {p}");
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!((passed, total), (405, 405));
}

/// ChatBI's own migration sets: every relation describes, with its columns in order, and a
/// parameterised lookup by each column gets that column's type.
#[test]
fn chatbi_migrations_describe() {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    for dir in ["migrations", "migrations_demo"] {
        let (schema, _) = verify::schema_from_migrations(&root.join(dir), None)
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        let mut rels: Vec<_> = schema
            .relations
            .values()
            .filter(|r| r.schema == "public" && !r.name.starts_with('_'))
            .collect();
        rels.sort_by(|a, b| a.name.cmp(&b.name));
        assert!(!rels.is_empty(), "{dir}: no tables");
        for r in rels {
            let q = format!("SELECT * FROM \"{}\"", r.name);
            let d = chatbi_db_core::describe::describe(&schema, &q)
                .unwrap_or_else(|e| panic!("{dir}: {q}: {e}"));
            let names: Vec<&str> = d.columns.iter().map(|c| c.name.as_str()).collect();
            let want: Vec<&str> = r.columns.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, want, "{dir}: {q}");
            if let Some(c) = r.columns.first() {
                let q = format!("SELECT 1 FROM \"{}\" WHERE \"{}\" = $1", r.name, c.name);
                let d = chatbi_db_core::describe::describe(&schema, &q)
                    .unwrap_or_else(|e| panic!("{dir}: {q}: {e}"));
                assert_eq!(d.parameters.len(), 1, "{q}");
            }
        }
    }
}

/// The analyser as the catalog's view typer: every corpus view and materialized view gets
/// PostgreSQL's column names and `format_type` spellings.
#[test]
fn views_typed_by_the_analyser_match_postgres() {
    let mut checked = 0;
    for entry in std::fs::read_dir(corpus()).expect("corpus") {
        let p = entry.expect("entry").path();
        let Ok(text) = std::fs::read_to_string(p.join("catalog.pg15.json")) else {
            continue;
        };
        let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
        let views: Vec<(String, Vec<(String, String)>)> = doc["relations"]
            .as_object()
            .expect("relations")
            .iter()
            .filter(|(_, r)| r["kind"] == "view" || r["kind"] == "materialized_view")
            .map(|(k, r)| {
                let cols = r["columns"]
                    .as_array()
                    .expect("columns")
                    .iter()
                    .map(|c| {
                        (
                            c["name"].as_str().unwrap_or_default().to_string(),
                            c["type"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect();
                (k.clone(), cols)
            })
            .collect();
        if views.is_empty() {
            continue;
        }
        let set = migrate::load_dir(&p.join("migrations"), None).expect("load");
        let replay = catalog::replay_with(&set, &AnalyserTyper).expect("replay");
        for (qname, want) in views {
            let (schema, name) = qname.split_once('.').expect("qualified");
            let rel = replay
                .catalog
                .relation(schema, name)
                .unwrap_or_else(|| panic!("{qname} missing"));
            let got: Vec<(String, String)> = rel
                .columns
                .iter()
                .map(|c| (c.name.clone(), replay.catalog.format_type(&c.ty)))
                .collect();
            assert_eq!(got, want, "{qname}");
            checked += 1;
        }
    }
    assert!(checked > 0);
}
