//! `tables!` enums and composites on a real server, through both clients (sqlx and `postgres`):
//! odd labels (`'in progress'`, `'Self'`), records with NULL and empty fields, nested records,
//! arrays of enums and of records, and types in another schema
//! (`tests/tables_types/migrations/0001_types.sql`).
//!
//! The oracle is the server: each value our code writes is rendered as text by PostgreSQL and
//! compared with the server's rendering of the same value written as an SQL literal, and the
//! literal's row is read back through both clients and must equal our value.

use chatbi_db::testing::TestDb;
use chrono::{TimeZone, Utc};
use rust_decimal::Decimal;

chatbi_db::tables!("tests/tables_types/migrations", module = "types");

use types::jobs::{Slot, TaskState};
use types::{Labelled, Mood, Pair, things};

const MIGRATION: &str = include_str!("tables_types/migrations/0001_types.sql");

struct Clients {
    pg: postgres::Client,
    pool: sqlx::PgPool,
    rt: tokio::runtime::Runtime,
}

impl Clients {
    fn new(db: &TestDb) -> Clients {
        let mut pg = db.client();
        pg.batch_execute(MIGRATION).expect("apply 0001_types.sql");
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
        Clients { pg, pool, rt }
    }

    /// The server's text of every column of `table`'s row with key `id`.
    fn server_text(&mut self, table: &str, id: i64) -> String {
        let sql = format!("SELECT t::text FROM {table} t WHERE id = $1");
        let row = if table == "jobs.task" {
            self.pg.query_one(&sql, &[&(id as i32)])
        } else {
            self.pg.query_one(&sql, &[&id])
        };
        row.expect("server text").get(0)
    }

    /// `things` row `id` read through both clients.
    fn things_both(&mut self, id: i64) -> (things::Row, things::Row) {
        let sql = format!("{} WHERE id = $1", things::SELECT);
        let via_sqlx: things::Row = self
            .rt
            .block_on(
                sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(id)
                    .fetch_one(&self.pool),
            )
            .expect("sqlx select");
        let row = self.pg.query_one(&sql, &[&id]).expect("postgres select");
        let via_pg = things::Row::try_from(&row).expect("postgres decode");
        (via_sqlx, via_pg)
    }

    /// `jobs.task` row `id` read through both clients.
    fn task_both(&mut self, id: i32) -> (types::jobs::task::Row, types::jobs::task::Row) {
        use types::jobs::task;
        let sql = format!("{} WHERE id = $1", task::SELECT);
        let via_sqlx: task::Row = self
            .rt
            .block_on(
                sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(id)
                    .fetch_one(&self.pool),
            )
            .expect("sqlx select");
        let row = self.pg.query_one(&sql, &[&id]).expect("postgres select");
        let via_pg = task::Row::try_from(&row).expect("postgres decode");
        (via_sqlx, via_pg)
    }
}

fn pair(name: Option<&str>, odd: Option<&[u8]>) -> Pair {
    Pair {
        name: name.map(str::to_string),
        odd_name: odd.map(<[u8]>::to_vec),
    }
}

/// A `things` row with every field set, and the same row as SQL.
fn full() -> (things::Insert, &'static str) {
    let labelled = Labelled {
        label: Some("lbl".into()),
        mood: Some(Mood::Self_),
        pairs: Some(vec![pair(Some("q"), None)]),
        moods: Some(vec![Mood::Happy]),
        at: Some(Utc.timestamp_opt(1_709_210_096, 789_012_000).unwrap()),
        amount: Some(Decimal::new(123_456_789, 4)),
        r#ref: Some("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".parse().unwrap()),
        doc: Some(serde_json::json!({"k": [1, null, "x"]})),
        n: Some(-7),
    };
    let insert = things::Insert {
        mood: Mood::InProgress,
        moods: Some(vec![Mood::Self_, Mood::Happy]),
        p: Some(pair(Some("a,b \"c\" (d)"), Some(&[0, 1, 255]))),
        ps: Some(vec![pair(None, None), pair(Some(""), Some(&[]))]),
        l: Some(labelled),
        state: Some(TaskState::Done),
        slot: Some(Slot {
            state: Some(TaskState::Pending),
            inner_pair: Some(pair(Some("x"), None)),
        }),
    };
    let sql = r#"INSERT INTO things (mood, moods, p, ps, l, state, slot) VALUES (
        'in progress', '{Self,happy}', ROW('a,b "c" (d)', '\x0001ff')::pair,
        ARRAY[ROW(NULL, NULL)::pair, ROW('', '\x')::pair],
        ROW('lbl', 'Self', ARRAY[ROW('q', NULL)::pair], '{happy}',
            '2024-02-29 12:34:56.789012+00', 12345.6789,
            'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"k": [1, null, "x"]}', -7)::labelled,
        'done', ROW('pending', ROW('x', NULL)::pair)::jobs.slot) RETURNING id"#;
    (insert, sql)
}

/// A `things` row with NULLs and empty arrays, and the same row as SQL.
fn sparse() -> (things::Insert, &'static str) {
    let insert = things::Insert {
        mood: Mood::Happy,
        moods: Some(vec![]),
        p: None,
        ps: Some(vec![]),
        l: Some(Labelled {
            label: None,
            mood: None,
            pairs: None,
            moods: None,
            at: None,
            amount: None,
            r#ref: None,
            doc: None,
            n: None,
        }),
        state: None,
        slot: Some(Slot {
            state: None,
            inner_pair: None,
        }),
    };
    let sql = "INSERT INTO things (mood, moods, p, ps, l, state, slot) VALUES ( \
        'happy', '{}', NULL, '{}', ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::labelled, \
        NULL, ROW(NULL, NULL)::jobs.slot) RETURNING id";
    (insert, sql)
}

/// Writes `insert` through both clients and `sql` as a literal; the server renders all three
/// rows alike, and every row reads back equal through both clients.
fn check_things(c: &mut Clients, insert: &things::Insert, sql: &str) {
    let literal: i64 = c.pg.query_one(sql, &[]).expect("literal insert").get(0);
    let a = insert.insert_postgres(&mut c.pg).expect("postgres insert");
    let b =
        c.rt.block_on(insert.insert_sqlx(&c.pool))
            .expect("sqlx insert");
    assert_eq!(
        &things::Insert::from(&a),
        insert,
        "inserted through postgres"
    );
    assert_eq!(&things::Insert::from(&b), insert, "inserted through sqlx");
    let expected = c
        .server_text("things", literal)
        .replacen(&format!("({literal},"), "(", 1);
    for row in [&a, &b] {
        let text = c.server_text("things", row.id);
        assert_eq!(
            text.replacen(&format!("({},", row.id), "(", 1),
            expected,
            "server text of our row and of the literal"
        );
        let (via_sqlx, via_pg) = c.things_both(row.id);
        assert_eq!(&via_sqlx, row, "read back through sqlx");
        assert_eq!(&via_pg, row, "read back through postgres");
    }
    let (via_sqlx, via_pg) = c.things_both(literal);
    assert_eq!(&things::Insert::from(&via_sqlx), insert, "literal via sqlx");
    assert_eq!(
        &things::Insert::from(&via_pg),
        insert,
        "literal via postgres"
    );
}

#[test]
fn enums_and_composites_round_trip_through_sqlx_and_postgres() {
    let db = TestDb::new();
    let c = &mut Clients::new(&db);
    let (insert, sql) = full();
    check_things(c, &insert, sql);
    let (insert, sql) = sparse();
    check_things(c, &insert, sql);
}

#[test]
fn arrays_of_records_in_another_schema() {
    use types::jobs::task;
    let db = TestDb::new();
    let c = &mut Clients::new(&db);
    let slots = vec![
        Slot {
            state: Some(TaskState::Done),
            inner_pair: None,
        },
        Slot {
            state: None,
            inner_pair: Some(pair(Some("y"), Some(b"\\x"))),
        },
    ];
    let literal = "INSERT INTO jobs.task (id, state, slots) VALUES (3, 'pending', \
        ARRAY[ROW('done', NULL)::jobs.slot, ROW(NULL, ROW('y', '\\x5c78')::pair)::jobs.slot])";
    c.pg.execute(literal, &[]).expect("literal insert");
    let mut insert = task::Insert {
        id: 1,
        state: TaskState::Pending,
        slots,
    };
    let a = insert.insert_postgres(&mut c.pg).expect("postgres insert");
    insert.id = 2;
    let b =
        c.rt.block_on(insert.insert_sqlx(&c.pool))
            .expect("sqlx insert");
    let expected = c.server_text("jobs.task", 3).replacen("(3,", "(", 1);
    for row in [&a, &b] {
        let text = c.server_text("jobs.task", i64::from(row.id));
        let prefix = format!("({},", row.id);
        assert_eq!(text.replacen(&prefix, "(", 1), expected);
        let (via_sqlx, via_pg) = c.task_both(row.id);
        assert_eq!(&via_sqlx, row, "read back through sqlx");
        assert_eq!(&via_pg, row, "read back through postgres");
    }
    let (via_sqlx, via_pg) = c.task_both(3);
    assert_eq!(via_sqlx.slots, insert.slots);
    assert_eq!(via_pg, via_sqlx);
    assert_eq!(Mood::LABELS, ["happy", "in progress", "Self"]);
    assert_eq!(Mood::InProgress.as_str(), "in progress");
}
