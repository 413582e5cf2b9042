//! `verify` over the corpus, stale offline data, and `prepare` writing sqlx's exact bytes.

use chatbi_db_core::describe::{Nullability, Schema, verify};
use chatbi_db_core::offline::{self, QueryData};
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus"))
}

fn projects() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join(".sqlx").is_dir())
        .collect();
    v.sort();
    v
}

fn catalog_doc(project: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(project.join("catalog.pg15.json")).expect("read"))
        .expect("json")
}

fn schema_from(project: &Path, doc: &serde_json::Value) -> Schema {
    let mut s = Schema::from_catalog_json(doc).expect("schema");
    if let Ok(dump) = std::fs::read_to_string(project.join("schema.pg15.sql")) {
        s.add_from_dump(&dump);
    }
    s
}

#[test]
fn every_corpus_project_verifies() {
    let start = std::time::Instant::now();
    let mut total = 0;
    for p in projects() {
        let schema = schema_from(&p, &catalog_doc(&p));
        let report = verify::verify_dir(&schema, &p.join(".sqlx"), false).expect("verify");
        let text = report.to_text();
        assert_eq!(report.failed(), 0, "{}:\n{text}", p.display());
        assert!(
            text.ends_with(&format!("{} passed, 0 failed\n", report.files.len())),
            "{text}"
        );
        let json = report.to_json();
        let files = json["files"].as_array().expect("files");
        assert_eq!(files.len(), report.files.len());
        for f in files {
            assert_eq!(f["verdict"], "pass");
            assert_eq!(f["hash"].as_str().map(str::len), Some(64));
            assert!(f["describe"]["columns"].is_array());
            assert!(f["describe"]["parameters"]["Left"].is_array());
        }
        total += report.files.len();
    }
    assert_eq!(total, 405);
    println!(
        "verify of {total} corpus queries (schema load included): {:?}",
        start.elapsed()
    );
}

fn zero2prod() -> PathBuf {
    corpus().join("LukeMathWalker__zero-to-production")
}

fn verify_with(doc: &serde_json::Value) -> verify::VerifyReport {
    let p = zero2prod();
    verify::verify_dir(&schema_from(&p, doc), &p.join(".sqlx"), false).expect("verify")
}

#[test]
fn a_dropped_column_fails_naming_it() {
    let mut doc = catalog_doc(&zero2prod());
    let cols = doc["relations"]["public.users"]["columns"]
        .as_array_mut()
        .expect("columns");
    cols.retain(|c| c["name"] != "password_hash");
    let report = verify_with(&doc);
    let text = report.to_text();
    assert_eq!(report.failed(), 3, "{text}");
    assert!(
        text.contains("column \"password_hash\" does not exist"),
        "{text}"
    );
    assert!(text.ends_with("15 passed, 3 failed\n"), "{text}");
}

#[test]
fn a_changed_type_fails_naming_the_column_and_both_types() {
    let mut doc = catalog_doc(&zero2prod());
    for c in doc["relations"]["public.subscriptions"]["columns"]
        .as_array_mut()
        .expect("columns")
    {
        if c["name"] == "email" {
            c["type"] = "character varying(200)".into();
            c["typname"] = "varchar".into();
        }
    }
    let report = verify_with(&doc);
    let text = report.to_text();
    assert!(
        text.contains("column 0 (`email`) is Varchar, offline data says Text")
            || text.contains("column 0 (subscriptions.email) is Varchar, offline data says Text"),
        "{text}"
    );
    // parameters bound to the column change too
    assert!(
        text.contains("parameter $2 is Varchar, offline data says Text"),
        "{text}"
    );
}

#[test]
fn nullability_differences_fail_only_when_strict() {
    let p = corpus().join("rust-lang__docs.rs");
    let schema = schema_from(&p, &catalog_doc(&p));
    let file =
        p.join(".sqlx/query-543694448dbb43af41dc18c29017c5b211f45f7722811fdcabea26f796d4514b.json");
    let data = offline::read_file(&file).expect("read");
    let lax = verify::verify_query(&schema, &data, false);
    assert!(lax.passed);
    assert_eq!(
        lax.nullability,
        ["column 6 `stars?`: nullable, offline data says never null"]
    );
    let strict = verify::verify_query(&schema, &data, true);
    assert!(!strict.passed);
}

/// `origin` is only written by sqlx 0.8.3 and later; older files are compared without it.
fn strip_origin(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(cols) = v["describe"]["columns"].as_array_mut() {
        for c in cols {
            if let Some(o) = c.as_object_mut() {
                o.remove("origin");
            }
        }
    }
    v
}

#[test]
fn prepare_writes_what_sqlx_wrote() {
    let dir = std::env::temp_dir().join(format!("chatbi-prepare-{}", std::process::id()));
    let (mut identical, mut same_but_origin, mut total) = (0, 0, 0);
    let mut differing = Vec::new();
    for p in projects() {
        let schema = schema_from(&p, &catalog_doc(&p));
        let originals = offline::read_dir(&p.join(".sqlx")).expect("read");
        let queries: Vec<String> = originals.iter().map(|(_, d)| d.query.clone()).collect();
        let out = dir.join(p.file_name().expect("name"));
        let report =
            verify::prepare(&schema, &queries, &out, Nullability::Sqlx, false).expect("prepare");
        assert_eq!(report.changed.len(), queries.len());
        for (path, original) in &originals {
            total += 1;
            let ours = std::fs::read(out.join(path.file_name().expect("name"))).expect("ours");
            let theirs = std::fs::read(path).expect("theirs");
            if ours == theirs {
                identical += 1;
                continue;
            }
            let ours_data =
                QueryData::parse(std::str::from_utf8(&ours).expect("utf8")).expect("parse");
            let has_origin = original.describe.columns.iter().any(|c| c.origin.is_some());
            if !has_origin && strip_origin(ours_data.to_json()) == strip_origin(original.to_json())
            {
                same_but_origin += 1;
            } else {
                differing.push(format!(
                    "{}: nullable ours {:?} vs {:?}",
                    path.display(),
                    ours_data.describe.nullable,
                    original.describe.nullable
                ));
            }
        }
        // a second run changes nothing; --check is clean
        let again =
            verify::prepare(&schema, &queries, &out, Nullability::Sqlx, true).expect("check");
        assert!(again.is_clean(), "{again:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
    println!(
        "prepare: {identical}/{total} byte-identical, {same_but_origin} identical but for `origin` (older sqlx), {} differ:",
        differing.len()
    );
    for d in &differing {
        println!("  {d}");
    }
    assert_eq!(total, 405);
    // The remaining differences are sqlx's planner-dependent EXPLAIN heuristic (listed above).
    assert!(identical + same_but_origin >= 401, "{differing:#?}");
}

#[test]
fn prepare_check_reports_missing_and_stale_files() {
    let p = zero2prod();
    let schema = schema_from(&p, &catalog_doc(&p));
    let dir = std::env::temp_dir().join(format!("chatbi-prepare-check-{}", std::process::id()));
    let queries = vec!["SELECT username FROM users WHERE user_id = $1".to_string()];
    let check = verify::prepare(&schema, &queries, &dir, Nullability::Sqlx, true).expect("check");
    assert_eq!(check.changed.len(), 1);
    assert!(!check.is_clean());
    assert!(!dir.exists() || std::fs::read_dir(&dir).expect("dir").next().is_none());
    verify::prepare(&schema, &queries, &dir, Nullability::Sqlx, false).expect("write");
    std::fs::write(dir.join("query-0000.json"), "{}").expect("stale");
    let check = verify::prepare(&schema, &queries, &dir, Nullability::Sqlx, true).expect("check");
    assert!(check.changed.is_empty());
    assert_eq!(check.stale, [dir.join("query-0000.json")]);
    verify::prepare(&schema, &queries, &dir, Nullability::Sqlx, false).expect("write");
    assert!(!dir.join("query-0000.json").exists());
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
