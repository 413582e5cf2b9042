//! Finding `sqlx::query!`-family calls in Rust sources.

use chatbi_db_core::offline::sources::{find_in_crate, find_in_source};
use std::path::Path;

const SOURCE: &str = r####"
use sqlx::query_as;
struct Row { id: i32 }
async fn f(pool: &sqlx::PgPool, id: i32) {
    let a = sqlx::query!("SELECT 1 AS one").fetch_one(pool).await;
    let b = query_as!(Row, r#"SELECT id AS "id!" FROM t WHERE id = $1"#, id);
    let c = sqlx::query_scalar!("SELECT " + "count(*) FROM t");
    let d = sqlx::query_as_unchecked!(Row, concat!("SELECT id ", "FROM t"));
    let e = tokio::try_join!(sqlx::query!("SELECT 2").fetch_one(pool), async { 1 });
    let f = format!("{}", "not a query");
    let g = other::query!("SELECT 'other crate'");
    let h = vec![sqlx::query_file!("queries/q.sql")];
}
"####;

#[test]
fn finds_every_form_with_the_exact_text() {
    let dir = std::env::temp_dir().join(format!("chatbi-sources-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("queries")).expect("mkdir");
    std::fs::write(dir.join("queries/q.sql"), "SELECT 3\n").expect("write");
    let found = find_in_source(Path::new("src/lib.rs"), SOURCE, &dir).expect("parse");
    let got: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.macro_name.as_str(), f.sql.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("query", "SELECT 1 AS one"),
            ("query_as", "SELECT id AS \"id!\" FROM t WHERE id = $1"),
            ("query_scalar", "SELECT count(*) FROM t"),
            ("query_as_unchecked", "SELECT id FROM t"),
            ("query", "SELECT 2"),
            ("query_file", "SELECT 3\n"),
        ]
    );
    assert_eq!(
        found[5].sql_file.as_deref(),
        Some(dir.join("queries/q.sql").as_path())
    );

    // the same through a crate walk
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(dir.join("src/lib.rs"), SOURCE).expect("write");
    let walked = find_in_crate(&dir).expect("walk");
    assert_eq!(walked.len(), 6);
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn a_missing_query_file_and_bad_rust_are_errors() {
    let err = find_in_source(
        Path::new("a.rs"),
        "fn f() { sqlx::query_file!(\"nope.sql\"); }",
        Path::new("/nonexistent"),
    )
    .expect_err("missing file");
    assert!(err.to_string().contains("nope.sql"), "{err}");
    let err = find_in_source(Path::new("a.rs"), "fn f( {", Path::new(".")).expect_err("bad rust");
    assert!(err.to_string().starts_with("a.rs:"), "{err}");
}
