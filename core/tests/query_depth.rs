//! Deep and long query input: PostgreSQL's answer or a result, never a stack overflow (the
//! same code runs inside `build.rs` and proc macros, where an overflow aborts the compiler),
//! and never quadratic time. Each case runs on a thread with a 1 MiB stack, half of what the
//! test harness gives, to keep a margin.
//!
//! The server's answers (PostgreSQL 15, default `max_stack_depth` = 2MB), from
//! `psql -X -f case.sql` on `CREATE TABLE users (id int not null, name text)`:
//! - `SELECT id FROM users WHERE id = 0 OR id = 1 OR … OR id = 2299`: runs (0 rows);
//! - `SELECT ((…(1)…))` with 1,800 parentheses: runs; with 9,993: runs; with 9,994:
//!   `ERROR:  memory exhausted at or near "("`;
//! - `SELECT 1+1+…` with 4,092 terms: runs; with 4,093 (and 20,000):
//!   `ERROR:  stack depth limit exceeded`.

use chatbi_db_core::describe::{Described, Schema, describe};

fn schema() -> Schema {
    Schema::from_catalog_json(&serde_json::json!({
        "relations": {"public.users": {"kind": "table", "columns": [
            {"name": "id", "type": "integer", "typname": "int4", "not_null": true},
            {"name": "name", "type": "text", "typname": "text", "not_null": false}
        ]}}
    }))
    .expect("schema")
}

/// Describes `sql` on a small stack (1 MiB, as a thread of `build.rs` or a proc macro may
/// have). How long the 20,000-term refusal takes is measured by `benches/describe_verify.rs`'s
/// deep-input case, not asserted here.
fn run(sql: String) -> (Result<Described, String>, ()) {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let schema = schema();
            (describe(&schema, &sql).map_err(|e| e.message), ())
        })
        .expect("thread")
        .join()
        .expect("no panic")
}

fn or_chain(n: usize) -> String {
    let terms: Vec<String> = (0..n).map(|i| format!("id = {i}")).collect();
    format!("SELECT id FROM users WHERE {}", terms.join(" OR "))
}

fn parens(n: usize) -> String {
    format!("SELECT {}1{} AS x", "(".repeat(n), ")".repeat(n))
}

fn plus_chain(n: usize) -> String {
    format!("SELECT {} AS x", vec!["1"; n].join("+"))
}

#[test]
fn a_where_with_2300_or_terms_is_described() {
    let (d, _) = run(or_chain(2_300));
    assert_eq!(d.map(|d| d.columns.len()), Ok(1));
}

#[test]
fn nested_parentheses_are_described_up_to_the_servers_limit() {
    let (d, _) = run(parens(1_800));
    assert_eq!(d.map(|d| d.columns.len()), Ok(1));
    let (d, _) = run(parens(9_993));
    assert_eq!(d.map(|d| d.columns.len()), Ok(1));
    let (d, _) = run(parens(9_994));
    assert_eq!(
        d.map(|_| ()),
        Err("memory exhausted at or near \"(\"".to_string())
    );
}

#[test]
fn long_operator_chains_stop_where_the_server_stops() {
    let (d, _) = run(plus_chain(4_092));
    assert_eq!(d.map(|d| d.columns.len()), Ok(1));
    let (d, _) = run(plus_chain(20_000));
    assert_eq!(d.map(|_| ()), Err("stack depth limit exceeded".to_string()));
}
