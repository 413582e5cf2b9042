//! ChatBI's data access: `sqlx::query_as!` (offline-checked) into the generated row
//! types, and the same types read through the `postgres` crate, on a real server.

use chatbi_db::data::rows;
use chatbi_db::migrations::CHATBI;
use chatbi_db::tables::{self, MessageRole};
use chatbi_db::testing::TestDb;

#[test]
fn rows_read_by_key_through_query_as_and_postgres_agree() {
    let db = TestDb::new();
    let mut pg = db.client();
    CHATBI.run(&mut pg).expect("migrations apply");
    let user: uuid::Uuid = pg
        .query_one(
            "INSERT INTO app_users (username, email, password_hash) \
             VALUES ('ada', 'ada@example.com', repeat('x', 24)) RETURNING id",
            &[],
        )
        .expect("user")
        .get(0);
    let session: uuid::Uuid = pg
        .query_one(
            "INSERT INTO user_sessions (user_id, token_hash, client_addr, expires_at) \
             VALUES ($1, decode(repeat('ab', 32), 'hex'), '10.1.2.3', now() + interval '1 day') \
             RETURNING id",
            &[&user],
        )
        .expect("session")
        .get(0);
    let ds: i32 = pg
        .query_one(
            "INSERT INTO datasources (name, database_name, port, options) \
             VALUES ('sales', 'chatbi_demo', 5432, '{\"sslmode\": \"disable\"}') RETURNING id",
            &[],
        )
        .expect("datasource")
        .get(0);
    let chat: uuid::Uuid = pg
        .query_one(
            "INSERT INTO chat_sessions (user_id, datasource_id) VALUES ($1, $2) RETURNING id",
            &[&user, &ds],
        )
        .expect("chat")
        .get(0);
    let msg: i64 = pg
        .query_one(
            "INSERT INTO chat_messages (session_id, role, content, generated_sql) \
             VALUES ($1, 'assistant', 'Revenue grew.', 'SELECT 1') RETURNING id",
            &[&chat],
        )
        .expect("message")
        .get(0);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let pool = rt.block_on(sqlx::PgPool::connect(&db.url())).expect("pool");

    let d = rt
        .block_on(rows::datasources_by_id(&pool, ds))
        .expect("query")
        .expect("row");
    assert_eq!(d.name, "sales");
    assert_eq!(d.port, Some(5432));
    assert_eq!(d.options, serde_json::json!({"sslmode": "disable"}));
    assert!(!d.is_default);
    let d_pg = tables::datasources::Row::try_from(
        &pg.query_one(
            &format!("{} WHERE id = $1", tables::datasources::SELECT),
            &[&ds],
        )
        .expect("postgres"),
    )
    .expect("convert");
    assert_eq!(d, d_pg, "both clients read the same row");

    let m = rt
        .block_on(rows::chat_messages_by_id(&pool, msg))
        .expect("query")
        .expect("row");
    assert_eq!(m.role, MessageRole::Assistant);
    assert_eq!(m.generated_sql.as_deref(), Some("SELECT 1"));
    assert_eq!(m.session_id, chat);

    let s = rt
        .block_on(rows::user_sessions_by_id(&pool, session))
        .expect("query")
        .expect("row");
    assert_eq!(s.token_hash, vec![0xab; 32]);
    assert_eq!(
        s.client_addr.map(|a| a.ip().to_string()),
        Some("10.1.2.3".into())
    );
    assert!(s.revoked_at.is_none());

    let missing = rt
        .block_on(rows::app_users_by_id(&pool, uuid::Uuid::nil()))
        .expect("query");
    assert!(missing.is_none());
    let u = rt
        .block_on(rows::app_users_by_id(&pool, user))
        .expect("query")
        .expect("row");
    assert_eq!(u.username, "ada");
    assert_eq!(u.role, "analyst");
    rt.block_on(pool.close());
}
