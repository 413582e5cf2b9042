//! `tables!` over ChatBI's migrations on a real server: a row of every one of the 15 tables is
//! inserted and read back through both clients (sqlx and `postgres`), covering every column type
//! of the schema (uuid, jsonb, timestamptz, text[], inet, bytea, numeric, boolean, smallint,
//! integer, bigint, identity keys and the `message_role` enum).

use chatbi_db::testing::TestDb;
use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;

// ChatBI's tables, generated at compile time from `migrations/`, in module `schema`.
chatbi_db::tables!("migrations", runtime = "", module = "schema");
use schema::*;

fn ts(secs: i64, micros: u32) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, micros * 1000).unwrap()
}

struct Clients {
    pg: postgres::Client,
    pool: sqlx::PgPool,
    rt: tokio::runtime::Runtime,
}

/// Inserts `make(1)` through `postgres` and `make(2)` through sqlx; each stored row is read back
/// by key through both clients and must equal what the insert returned, and its insertable
/// columns must equal what was inserted. Returns the two stored rows.
macro_rules! roundtrip {
    ($c:expr, $table:ident, $key:ident, $make:expr) => {{
        let make = $make;
        let c: &mut Clients = $c;
        let first: $table::Insert = make(1);
        let second: $table::Insert = make(2);
        let a = first
            .insert_postgres(&mut c.pg)
            .expect(concat!(stringify!($table), ": postgres insert"));
        let b =
            c.rt.block_on(second.insert_sqlx(&c.pool))
                .expect(concat!(stringify!($table), ": sqlx insert"));
        assert_eq!(
            $table::Insert::from(&a),
            first,
            "{}: inserted through postgres",
            stringify!($table)
        );
        assert_eq!(
            $table::Insert::from(&b),
            second,
            "{}: inserted through sqlx",
            stringify!($table)
        );
        let by_key = format!("{} WHERE \"{}\" = $1", $table::SELECT, stringify!($key));
        for row in [&a, &b] {
            let via_sqlx: $table::Row =
                c.rt.block_on(
                    sqlx::query_as(sqlx::AssertSqlSafe(by_key.clone()))
                        .bind(&row.$key)
                        .fetch_one(&c.pool),
                )
                .expect("sqlx select");
            assert_eq!(
                &via_sqlx,
                row,
                "{}: read back through sqlx",
                stringify!($table)
            );
            let pg_row =
                c.pg.query_one(&by_key, &[&row.$key])
                    .expect("postgres select");
            let via_pg = $table::Row::try_from(&pg_row).expect("postgres decode");
            assert_eq!(
                &via_pg,
                row,
                "{}: read back through postgres",
                stringify!($table)
            );
        }
        (a, b)
    }};
}

#[test]
fn every_chatbi_table_round_trips_through_sqlx_and_postgres() {
    let db = TestDb::new();
    let mut pg = db.client();
    let up = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/migrations/0001_initial_schema.up.sql"
    ))
    .unwrap();
    pg.batch_execute(&up).expect("apply ChatBI's 0001");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pool = rt
        .block_on(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(&db.url()),
        )
        .unwrap();
    let c = &mut Clients { pg, pool, rt };

    let (u1, u2) = roundtrip!(c, app_users, id, |i: i32| app_users::Insert {
        username: format!("user_{i}"),
        email: format!("user{i}@example.com"),
        display_name: (i == 1).then(|| "Ünïcode Üser".to_string()),
        password_hash: format!("$argon2id$v=19$m=65536,t=3,p=4${i:0>20}"),
        last_login_at: (i == 2).then(|| ts(1_700_000_000, 123_456)),
    });
    assert_eq!(u1.role, "analyst", "server default read back");
    assert!(u1.is_active);
    roundtrip!(c, user_sessions, id, |i: i32| user_sessions::Insert {
        user_id: if i == 1 { u1.id } else { u2.id },
        token_hash: vec![i as u8; 32],
        client_addr: Some(if i == 1 {
            "192.168.1.10/32".parse().unwrap()
        } else {
            "2001:db8::1/64".parse().unwrap()
        }),
        user_agent: Some("curl/8".into()),
        last_seen_at: None,
        expires_at: ts(4_102_444_800, 1),
        revoked_at: (i == 2).then(|| ts(4_102_444_000, 0)),
    });
    let (d1, d2) = roundtrip!(c, datasources, id, |i: i32| datasources::Insert {
        name: format!("ds{i}"),
        host: Some("localhost".into()),
        port: Some(5432 + i),
        database_name: "chatbi_demo".into(),
        username: None,
        secret_ref: Some(format!("env:DS{i}_PASSWORD")),
        description: None,
    });
    assert_eq!(d1.options, serde_json::json!({}));
    let (s1, _s2) = roundtrip!(c, chat_sessions, id, |i: i32| chat_sessions::Insert {
        user_id: (i == 1).then_some(u1.id),
        datasource_id: Some(if i == 1 { d1.id } else { d2.id }),
        title: Some(format!("session {i}")),
    });
    let (m1, m2) = roundtrip!(c, chat_messages, id, |i: i32| chat_messages::Insert {
        session_id: s1.id,
        role: if i == 1 {
            MessageRole::User
        } else {
            MessageRole::Assistant
        },
        content: format!("message {i}"),
        generated_sql: (i == 2).then(|| "SELECT 1".to_string()),
        token_count: Some(42),
    });
    assert_eq!(m2.role.as_str(), "assistant");
    assert!(m2.id > m1.id, "identity always");
    roundtrip!(c, visualizations, id, |i: i32| visualizations::Insert {
        message_id: if i == 1 { m1.id } else { m2.id },
        chart_type: "bar".into(),
        title: None,
    });
    let (q1, _) = roundtrip!(c, query_history, id, |i: i32| query_history::Insert {
        datasource_id: Some(d1.id),
        session_id: Some(s1.id),
        user_id: (i == 2).then_some(u2.id),
        sql_text: "SELECT count(*) FROM orders".into(),
        status: if i == 1 {
            "success".into()
        } else {
            "error".into()
        },
        row_count: Some(9_000_000_000),
        duration_ms: Some(12),
        error_message: (i == 2).then(|| "relation \"x\" does not exist".to_string()),
    });
    roundtrip!(c, chat_history, id, |i: i32| chat_history::Insert {
        session_id: Some(s1.id),
        user_id: Some(u1.id),
        question: "revenue per month?".into(),
        answer_summary: Some("24 rows".into()),
        generated_sql: None,
        success: i == 1,
        feedback_rating: Some(i as i16 + 2),
        feedback_comment: None,
        latency_ms: Some(1500),
        llm_cost_usd: Some(Decimal::new(1_234_567, 6)),
    });
    roundtrip!(c, saved_queries, id, |i: i32| saved_queries::Insert {
        user_id: u1.id,
        datasource_id: None,
        name: format!("q{i}"),
        description: Some("saved".into()),
        sql_text: "SELECT 2".into(),
    });
    let (p1, _) = roundtrip!(c, mdl_projects, id, |i: i32| mdl_projects::Insert {
        datasource_id: d1.id,
        name: format!("project {i}"),
        description: None,
        catalog_name: Some("chatbi_demo".into()),
        created_by: Some(u1.id),
    });
    let (mm1, mm2) = roundtrip!(c, mdl_models, id, |i: i32| mdl_models::Insert {
        project_id: p1.id,
        name: format!("model{i}"),
        table_ref: format!("public.t{i}"),
        description: None,
    });
    roundtrip!(c, mdl_fields, id, |i: i32| mdl_fields::Insert {
        model_id: mm1.id,
        name: format!("f{i}"),
        data_type: "integer".into(),
        expression: Some("a + b".into()),
        description: None,
    });
    roundtrip!(c, mdl_relationships, id, |i: i32| {
        mdl_relationships::Insert {
            project_id: p1.id,
            name: format!("rel{i}"),
            from_model_id: mm1.id,
            to_model_id: mm2.id,
            join_type: "many_to_one".into(),
            condition: "model1.id = model2.id".into(),
        }
    });
    let (e1, _) = roundtrip!(c, error_patterns, id, |i: i32| error_patterns::Insert {
        name: format!("pattern {i}"),
        pattern: "column \"(.+)\" does not exist".into(),
        category: "unknown_column".into(),
        fix_template: None,
    });
    roundtrip!(c, sql_corrections, id, |i: i32| sql_corrections::Insert {
        query_history_id: Some(q1.id),
        pattern_id: Some(e1.id),
        failed_sql: "SELECT nme FROM t".into(),
        error_message: "column \"nme\" does not exist".into(),
        corrected_sql: "SELECT name FROM t".into(),
        succeeded: Some(i == 1),
        confidence: Some(Decimal::new(875, 3)),
    });

    // Every table was covered.
    let count: i64 = c
        .pg
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(count, 15);
    assert_eq!(MessageRole::LABELS, ["user", "assistant", "system"]);
}
