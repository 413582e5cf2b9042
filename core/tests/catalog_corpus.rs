//! Replays every corpus project's migrations and compares the catalog with the server's
//! (`catalog.pg15.json`, read from `pg_catalog` after applying the same files to PostgreSQL 15).

use std::path::{Path, PathBuf};

use chatbi_db_core::catalog;
use chatbi_db_core::catalog::TypeKind;
use chatbi_db_core::migrate::MigrationSet;
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus")).to_path_buf()
}

/// The set as core loads it (layout detected; the corpus has no lock file to check).
fn load(dir: &Path) -> MigrationSet {
    let options = chatbi_db_core::migrate::LoadOptions {
        layout: None,
        check_lock: false,
        ..chatbi_db_core::migrate::LoadOptions::default()
    };
    match chatbi_db_core::migrate::load_dir_with(dir, &options) {
        Ok(loaded) => loaded.set,
        Err(errors) => panic!("{}: {}", dir.display(), errors[0]),
    }
}

struct Counts {
    relations_exact: usize,
    relations_total: usize,
    columns_exact: usize,
    columns_total: usize,
    other_diffs: Vec<String>,
    rel_diffs: Vec<String>,
}

fn compare(project: &str, ours: &Value, expected: &Value) -> Counts {
    let mut c = Counts {
        relations_exact: 0,
        relations_total: 0,
        columns_exact: 0,
        columns_total: 0,
        other_diffs: Vec::new(),
        rel_diffs: Vec::new(),
    };
    let empty = serde_json::Map::new();
    let exp_rel = expected["relations"].as_object().unwrap_or(&empty);
    let our_rel = ours["relations"].as_object().unwrap_or(&empty);
    for (name, exp) in exp_rel {
        c.relations_total += 1;
        let exp_cols = exp["columns"].as_array().cloned().unwrap_or_default();
        c.columns_total += exp_cols.len();
        let Some(our) = our_rel.get(name) else {
            c.rel_diffs
                .push(format!("{project}: missing relation {name}"));
            continue;
        };
        if our == exp {
            c.relations_exact += 1;
        } else if our["kind"] != exp["kind"] {
            c.rel_diffs.push(format!(
                "{project}: {name}: kind {} vs expected {}",
                our["kind"], exp["kind"]
            ));
        }
        let our_cols = our["columns"].as_array().cloned().unwrap_or_default();
        for (i, ec) in exp_cols.iter().enumerate() {
            match our_cols.get(i) {
                Some(oc) if oc == ec => c.columns_exact += 1,
                Some(oc) => c
                    .rel_diffs
                    .push(format!("{project}: {name}[{i}]: ours {oc} expected {ec}")),
                None => c
                    .rel_diffs
                    .push(format!("{project}: {name}[{i}]: missing, expected {ec}")),
            }
        }
        if our_cols.len() > exp_cols.len() {
            c.rel_diffs.push(format!(
                "{project}: {name}: extra columns {:?}",
                &our_cols[exp_cols.len()..]
            ));
        }
    }
    for name in our_rel.keys() {
        if !exp_rel.contains_key(name) {
            c.rel_diffs
                .push(format!("{project}: unexpected relation {name}"));
        }
    }
    for key in ["enums", "composites", "domains", "extensions"] {
        if ours[key] != expected[key] {
            c.other_diffs.push(format!(
                "{project}: {key}: ours {} expected {}",
                ours[key], expected[key]
            ));
        }
    }
    c
}

#[test]
fn corpus_catalogs_match_postgres() {
    let root = corpus_dir();
    let mut projects: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("corpus dir (../shared/corpus)")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("catalog.pg15.json").is_file())
        .collect();
    projects.sort();
    assert_eq!(projects.len(), 6, "six corpus projects");
    let mut total = (0, 0, 0, 0);
    let mut all_diffs = Vec::new();
    let mut failures = Vec::new();
    for p in &projects {
        let project = p.file_name().unwrap().to_string_lossy().to_string();
        let set = load(&p.join("migrations"));
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(p.join("catalog.pg15.json")).unwrap())
                .unwrap();
        let replay = match catalog::replay(&set) {
            Ok(r) => r,
            Err(e) => {
                println!("{project}: replay failed: {e}");
                failures.push(format!("{project}: {e}"));
                let rels = expected["relations"].as_object().map_or(0, |m| m.len());
                total.1 += rels;
                continue;
            }
        };
        for d in &replay.diagnostics {
            println!("  note {project}: {d}");
        }
        let ours = replay.catalog.to_catalog_json();
        let c = compare(&project, &ours, &expected);
        println!(
            "{project}: relations {}/{} exact, columns {}/{} exact, other sections {}",
            c.relations_exact,
            c.relations_total,
            c.columns_exact,
            c.columns_total,
            if c.other_diffs.is_empty() {
                "equal"
            } else {
                "DIFFER"
            }
        );
        total.0 += c.relations_exact;
        total.1 += c.relations_total;
        total.2 += c.columns_exact;
        total.3 += c.columns_total;
        all_diffs.extend(c.rel_diffs);
        all_diffs.extend(c.other_diffs);
    }
    for d in &all_diffs {
        println!("DIFF {d}");
    }
    println!(
        "TOTAL: relations {}/{} exact, columns {}/{} exact",
        total.0, total.1, total.2, total.3
    );
    assert!(failures.is_empty(), "replay failures: {failures:#?}");
    assert!(
        all_diffs.is_empty(),
        "{} differences (see output)",
        all_diffs.len()
    );
}

/// Names following `marker` in a `pg_dump` text (`CONSTRAINT x`, `INDEX x`), unquoted.
fn names_after(dump: &str, marker: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (pos, _) in dump.match_indices(marker) {
        let rest = &dump[pos + marker.len()..];
        let name: String = if let Some(q) = rest.strip_prefix('"') {
            q.split('"').next().unwrap_or("").to_string()
        } else {
            rest.split(|c: char| c.is_whitespace() || c == ';')
                .next()
                .unwrap_or("")
                .to_string()
        };
        // `CONSTRAINT name` inside comments or function bodies would add noise; pg_dump puts
        // the ones we want at the start of a clause
        out.push(name);
    }
    out.sort();
    out
}

/// Constraint and index names (the server's own generated names included) equal those in
/// `schema.pg15.sql` (`pg_dump -s` of the migrated database).
#[test]
fn corpus_constraint_and_index_names_match_pg_dump() {
    let root = corpus_dir();
    let mut projects: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("schema.pg15.sql").is_file())
        .collect();
    projects.sort();
    let mut diffs = Vec::new();
    let mut total = (0usize, 0usize);
    for p in &projects {
        let project = p.file_name().unwrap().to_string_lossy().to_string();
        let dump = std::fs::read_to_string(p.join("schema.pg15.sql")).unwrap();
        let cat = catalog::replay(&load(&p.join("migrations")))
            .expect("replays")
            .catalog;
        // the runner's own table in `public` is not in the dump (underway's copy is)
        let mut cons: Vec<String> = cat
            .relations()
            .filter(|r| !r.internal)
            .flat_map(|r| r.constraints.iter().map(|c| c.name.clone()))
            .collect();
        for t in cat.types() {
            if let TypeKind::Domain { checks, .. } = &t.kind {
                cons.extend(checks.iter().map(|(n, _)| n.clone()));
            }
        }
        cons.sort();
        let mut idx: Vec<String> = cat
            .indexes()
            .filter(|i| i.constraint.is_none())
            .filter(|i| {
                cat.relation(&i.schema, &i.table)
                    .is_some_and(|r| !r.internal)
            })
            .map(|i| i.name.clone())
            .collect();
        idx.sort();
        let want_cons = names_after(&dump, "CONSTRAINT ");
        let mut want_idx = names_after(&dump, "CREATE INDEX ");
        want_idx.extend(names_after(&dump, "CREATE UNIQUE INDEX "));
        want_idx.sort();
        total.0 += want_cons.len() + want_idx.len();
        let mut ok = 0;
        for (what, ours, want) in [
            ("constraint", &cons, &want_cons),
            ("index", &idx, &want_idx),
        ] {
            for n in want {
                if ours.contains(n) {
                    ok += 1;
                } else {
                    diffs.push(format!("{project}: {what} {n} missing"));
                }
            }
            for n in ours {
                if !want.contains(n) {
                    diffs.push(format!("{project}: {what} {n} unexpected"));
                }
            }
        }
        total.1 += ok;
        println!(
            "{project}: {ok}/{} constraint and index names",
            want_cons.len() + want_idx.len()
        );
    }
    for d in &diffs {
        println!("DIFF {d}");
    }
    println!("TOTAL names {}/{}", total.1, total.0);
    assert!(diffs.is_empty(), "{} name differences", diffs.len());
}
