//! Syntax errors in queries are errors, with PostgreSQL's wording and position: squawk's
//! parser recovers from them, the analyser must not describe what is left.
//!
//! Each answer is PostgreSQL 15's, from `psql -X -c "<query>"` (message; position is the
//! byte offset under psql's `^`), against `CREATE TABLE users (id int not null, name text)`.

use chatbi_db_core::describe::{Schema, describe};

/// (query, the server's message, the server's byte offset)
const CASES: &[(&str, &str, usize)] = &[
    (
        "selectt id from users",
        "syntax error at or near \"selectt\"",
        0,
    ),
    (
        "select id fro users",
        "syntax error at or near \"users\"",
        14,
    ),
    ("select (1", "syntax error at end of input", 9),
    ("select 1 +", "syntax error at end of input", 10),
    (
        "select * from users where",
        "syntax error at end of input",
        25,
    ),
    (
        "select id from users where id = = 1",
        "syntax error at or near \"=\"",
        32,
    ),
    (
        "select id, from users",
        "syntax error at or near \"from\"",
        11,
    ),
    (
        "select id from users order id",
        "syntax error at or near \"id\"",
        27,
    ),
    (
        "insert into users values (1,)",
        "syntax error at or near \")\"",
        28,
    ),
    (
        "update users set where id = 1",
        "syntax error at or near \"where\"",
        17,
    ),
    (
        "delete users where id = 1",
        "syntax error at or near \"users\"",
        7,
    ),
    (
        "with x as (select 1) selec * from x",
        "syntax error at or near \"selec\"",
        21,
    ),
    (
        "select id from users limit",
        "syntax error at end of input",
        26,
    ),
];

fn schema() -> Schema {
    Schema::from_catalog_json(&serde_json::json!({
        "relations": {"public.users": {"kind": "table", "columns": [
            {"name": "id", "type": "integer", "typname": "int4", "not_null": true},
            {"name": "name", "type": "text", "typname": "text", "not_null": false}
        ]}}
    }))
    .expect("schema")
}

#[test]
fn syntax_errors_have_the_servers_message_and_position() {
    let schema = schema();
    let mut wrong = Vec::new();
    for (sql, message, offset) in CASES {
        let ours = describe(&schema, sql).map(|d| d.columns.len());
        let want = Err((message.to_string(), *offset));
        let got = ours.map_err(|e| (e.message, e.offset));
        if got != want {
            wrong.push(format!("{sql}: ours {got:?}, server {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_misspelt_command_is_not_described_as_empty() {
    let err = describe(&schema(), "selectt id from users").map(|d| d.columns.len());
    let err = err.map_err(|e| (e.message, e.position.line, e.position.column));
    assert_eq!(
        err,
        Err(("syntax error at or near \"selectt\"".to_string(), 1, 1))
    );
}
