//! Where our nullability and sqlx's stored answer disagree, a real server decides.
//!
//! docs.rs's query `5436944…` reads `repositories.stars` through a LEFT JOIN. sqlx's
//! `.sqlx` file says the column is never NULL (its EXPLAIN-based heuristic misreads the
//! join; sqlx issues #367, #3202, #2800); we say it may be NULL. Here the query runs on
//! PostgreSQL against a release without a repository, and the server returns NULL.

use std::path::Path;

use chatbi_db::Migrator;
use chatbi_db::testing::TestDb;
use chatbi_db_core::describe::{describe, verify};
use chatbi_db_core::offline;

fn docs_rs() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/rust-lang__docs.rs"
    ))
}

#[test]
fn left_join_column_is_null_on_the_server_as_we_say_and_sqlx_does_not() {
    let dir = docs_rs();
    let file = std::fs::read_dir(dir.join(".sqlx"))
        .expect(".sqlx")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("query-5436944"))
        })
        .expect("the disputed query file");
    let data = offline::read_file(&file).expect("offline file");
    let stars = data
        .describe
        .columns
        .iter()
        .position(|c| c.name == "stars?")
        .expect("stars? column");
    assert_eq!(
        data.describe.nullable[stars],
        Some(false),
        "sqlx's stored answer: never null"
    );

    let (schema, _) =
        verify::schema_from_migrations(&dir.join("migrations"), None).expect("schema");
    let ours = describe(&schema, &data.query).expect("describe");
    assert_eq!(
        ours.columns[stars].nullable,
        Some(true),
        "ours: may be null"
    );

    let db = TestDb::new();
    let mut client = db.client();
    Migrator::from_dir(&dir.join("migrations"))
        .expect("docs.rs set loads")
        .run(&mut client)
        .expect("docs.rs migrations apply");
    client
        .batch_execute(
            "INSERT INTO crates (id, name) VALUES (1, 'demo');
             INSERT INTO releases (id, crate_id, version, repository_id) VALUES (10, 1, '1.0.0', NULL);
             UPDATE crates SET latest_version_id = 10 WHERE id = 1;
             INSERT INTO release_build_status (rid, build_status) VALUES (10, 'success');",
        )
        .expect("rows");
    let names = vec!["demo".to_string()];
    let rows = client.query(&data.query, &[&names]).expect("query runs");
    assert_eq!(rows.len(), 1, "the release is found");
    let value: Option<i32> = rows[0].get(stars);
    assert_eq!(
        value, None,
        "the server returns NULL for stars?: sqlx's `false` is wrong"
    );
}
