//! The default datasource step on a real server: idempotent, and exactly one
//! default when several application instances start at once.

use chatbi_db::data::{DefaultDatasourceConfig, ensure_default_datasource};
use chatbi_db::migrations::CHATBI;
use chatbi_db::testing::TestDb;

fn migrated() -> TestDb {
    let db = TestDb::new();
    CHATBI
        .run(&mut db.client())
        .expect("chatbi migrations apply");
    db
}

fn config() -> DefaultDatasourceConfig {
    DefaultDatasourceConfig {
        host: Some("db.internal".into()),
        port: Some(6543),
        username: Some("demo_reader".into()),
        ..DefaultDatasourceConfig::default()
    }
}

fn defaults(db: &TestDb) -> Vec<(String, String, Option<String>, Option<i32>)> {
    db.client()
        .query(
            "SELECT name, database_name, host, port FROM datasources WHERE is_default ORDER BY id",
            &[],
        )
        .expect("query datasources")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

/// The sync `postgres` client used for setup cannot run inside a tokio runtime,
/// so the async parts run on a runtime of their own.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

#[test]
fn concurrent_startups_make_exactly_one_default() {
    let db = migrated();
    let config = config();
    let results = runtime().block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let url = db.url();
            let config = config.clone();
            tasks.push(tokio::spawn(async move {
                let pool = sqlx::PgPool::connect(&url).await.expect("connect");
                let ds = ensure_default_datasource(&pool, &config)
                    .await
                    .expect("ensure");
                pool.close().await;
                ds
            }));
        }
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("task"));
        }
        results
    });
    let created = results.iter().filter(|ds| ds.created).count();
    let ids: std::collections::BTreeSet<i32> = results.iter().map(|ds| ds.id).collect();
    assert_eq!(created, 1, "exactly one instance creates the default");
    assert_eq!(
        ids.len(),
        1,
        "every instance sees the same default: {ids:?}"
    );
    assert_eq!(
        defaults(&db),
        vec![(
            "chatbi_demo".to_string(),
            "chatbi_demo".to_string(),
            Some("db.internal".to_string()),
            Some(6543)
        )]
    );
}

#[test]
fn existing_default_is_kept_and_named_row_is_promoted() {
    let db = migrated();
    let rt = runtime();
    let pool = rt
        .block_on(sqlx::PgPool::connect(&db.url()))
        .expect("connect");
    // A datasource with the configured name exists but is not the default: it is promoted.
    db.client()
        .execute(
            "INSERT INTO datasources (name, database_name) VALUES ('chatbi_demo', 'other_db')",
            &[],
        )
        .expect("insert");
    let first = rt
        .block_on(ensure_default_datasource(&pool, &config()))
        .expect("ensure");
    assert!(first.created);
    assert_eq!(first.database_name, "other_db");
    let count: i64 = db
        .client()
        .query_one("SELECT count(*) FROM datasources", &[])
        .expect("count")
        .get(0);
    assert_eq!(count, 1, "no second row for the same name");
    // Running again changes nothing.
    let again = rt
        .block_on(ensure_default_datasource(&pool, &config()))
        .expect("ensure");
    assert!(!again.created);
    assert_eq!(again.id, first.id);
    rt.block_on(pool.close());
}

#[test]
fn config_reads_the_environment_and_rejects_bad_ports() {
    let vars = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let c = DefaultDatasourceConfig::from_vars(&vars(&[
        ("CHATBI_DEMO_HOST", "pg.example"),
        ("CHATBI_DEMO_PORT", "5433"),
        ("CHATBI_DEMO_DATABASE", "sales"),
        ("CHATBI_DEMO_SECRET_REF", "vault:demo#password"),
    ]))
    .expect("valid");
    assert_eq!(c.host.as_deref(), Some("pg.example"));
    assert_eq!(c.port, Some(5433));
    assert_eq!(c.database_name, "sales");
    assert_eq!(c.secret_ref.as_deref(), Some("vault:demo#password"));
    assert_eq!(c.name, "chatbi_demo");
    let err = DefaultDatasourceConfig::from_vars(&vars(&[("CHATBI_DEMO_PORT", "70000")]))
        .expect_err("port out of range");
    assert!(err.contains("CHATBI_DEMO_PORT"), "{err}");
}
