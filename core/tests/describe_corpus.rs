//! Describes every corpus query against the project's `catalog.pg15.json` (plus the functions
//! and sequences its `schema.pg15.sql` declares) and compares with PostgreSQL's own answers in
//! the `.sqlx` files: column names, column types and parameter types must all match.

use chatbi_db_core::describe::{Schema, describe, type_info};
use chatbi_db_core::offline;
use std::path::PathBuf;

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus"))
}

fn load_schema(project: &std::path::Path) -> Schema {
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(project.join("catalog.pg15.json")).expect("catalog"),
    )
    .expect("json");
    let mut schema = Schema::from_catalog_json(&doc).expect("schema");
    if let Ok(dump) = std::fs::read_to_string(project.join("schema.pg15.sql")) {
        schema.add_from_dump(&dump);
    }
    schema
}

#[test]
fn corpus_queries_match_postgres() {
    let mut projects: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join(".sqlx").is_dir())
        .collect();
    projects.sort();
    let (mut total, mut exact) = (0, 0);
    let (mut null_definite, mut null_agree) = (0, 0);
    let mut failures = Vec::new();
    let mut null_diffs = Vec::new();
    let (mut origin_total, mut origin_agree) = (0, 0);
    let mut origin_diffs = Vec::new();
    let (mut sqlx_unknown, mut we_prove_non_null) = (0, 0);
    let mut proven = Vec::new();
    let (mut emulated_total, mut emulated_agree) = (0, 0);
    let mut emulated_diffs = Vec::new();
    for project in &projects {
        let pname = project
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let schema = load_schema(project);
        let (mut p_total, mut p_exact) = (0, 0);
        for (path, data) in offline::read_dir(&project.join(".sqlx")).expect("read") {
            p_total += 1;
            let file = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let ours = match describe(&schema, &data.query) {
                Ok(d) => d,
                Err(e) => {
                    failures.push(format!(
                        "{pname}/{file}: error {e}\n    {}",
                        one_line(&data.query)
                    ));
                    continue;
                }
            };
            let want = &data.describe;
            let mut problems = Vec::new();
            let want_params = want.parameter_types();
            let our_params: Vec<_> = ours
                .parameters
                .iter()
                .map(|t| type_info(&schema, t))
                .collect();
            if our_params != want_params {
                problems.push(format!(
                    "params: ours [{}] vs [{}]",
                    join(&our_params),
                    join(want_params)
                ));
            }
            if ours.columns.len() != want.columns.len() {
                problems.push(format!(
                    "columns: ours {} vs {}",
                    ours.columns
                        .iter()
                        .map(|c| c.name.clone())
                        .collect::<Vec<_>>()
                        .join(","),
                    want.columns
                        .iter()
                        .map(|c| c.name.clone())
                        .collect::<Vec<_>>()
                        .join(",")
                ));
            } else {
                for (o, w) in ours.columns.iter().zip(&want.columns) {
                    let ti = type_info(&schema, &o.ty);
                    if o.name != w.name || ti != w.type_info {
                        problems.push(format!(
                            "column {}: ours {} {} vs {} {}",
                            w.ordinal, o.name, ti, w.name, w.type_info
                        ));
                    }
                }
                let our_offline = ours.to_offline(&schema);
                for (o, w) in our_offline.columns.iter().zip(&want.columns) {
                    if let Some(wo) = &w.origin {
                        origin_total += 1;
                        if o.origin.as_ref() == Some(wo) {
                            origin_agree += 1;
                        } else {
                            origin_diffs.push(format!(
                                "{pname}/{file} column {}: ours {:?} vs {:?}",
                                w.ordinal, o.origin, wo
                            ));
                        }
                    }
                }
                for (i, (o, w)) in ours.columns.iter().zip(&want.nullable).enumerate() {
                    emulated_total += 1;
                    if o.sqlx_nullable == *w {
                        emulated_agree += 1;
                    } else {
                        emulated_diffs.push(format!(
                            "{pname}/{file} column {i} {:?}: emulated {:?}, sqlx {w:?}",
                            o.name, o.sqlx_nullable
                        ));
                    }
                    if w.is_none() {
                        sqlx_unknown += 1;
                        if o.nullable == Some(false) {
                            we_prove_non_null += 1;
                            proven.push(format!("{pname}/{file} column {i} {:?}", o.name));
                        }
                    }
                    if let Some(w) = w {
                        null_definite += 1;
                        if o.nullable == Some(*w) {
                            null_agree += 1;
                        } else {
                            null_diffs.push(format!(
                                "{pname}/{file} column {i} {:?}: ours nullable={:?}, sqlx nullable={w}",
                                o.name, o.nullable
                            ));
                        }
                    }
                }
            }
            if problems.is_empty() {
                p_exact += 1;
            } else {
                failures.push(format!(
                    "{pname}/{file}: {}\n    {}",
                    problems.join("; "),
                    one_line(&data.query)
                ));
            }
        }
        println!("{pname}: {p_exact}/{p_total} exact (names, types, parameters)");
        total += p_total;
        exact += p_exact;
    }
    println!("TOTAL: {exact}/{total} exact");
    println!("nullability: {null_agree}/{null_definite} agree where sqlx is definite");
    println!(
        "nullability: sqlx unknown (null) for {sqlx_unknown} columns; we prove {we_prove_non_null} of them non-null"
    );
    for p in &proven {
        println!("  non-null where sqlx could not tell: {p}");
    }
    println!(
        "sqlx-compatible nullability (what `prepare` writes): {emulated_agree}/{emulated_total} equal to the files"
    );
    for d in &emulated_diffs {
        println!("  emulation difference: {d}");
    }
    println!("origin: {origin_agree}/{origin_total} agree where the file records one");
    for d in &origin_diffs {
        println!("  origin difference: {d}");
    }
    for d in &null_diffs {
        println!("  nullability difference: {d}");
    }
    for f in &failures {
        println!("FAIL {f}");
    }
    assert_eq!(total, 405);
    assert!(failures.is_empty(), "{} queries differ", failures.len());
    assert_eq!(exact, total);
    assert_eq!(origin_agree, origin_total, "column origins differ");
}

fn one_line(q: &str) -> String {
    let s = q.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.len() > 300 {
        format!(
            "{}...",
            &s[..s.char_indices().nth(300).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

fn join(v: &[offline::TypeInfo]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
