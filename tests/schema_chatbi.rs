//! ChatBI's `chatbi` schema (`migrations/0001_initial_schema`) on a real PostgreSQL server:
//! the exact table list, the column types code generation relies on, reversibility
//! (`up → down → up` dumps identically to a single `up`) and the constraints.
//!
//! The migration files are applied by executing their SQL directly, each in one transaction,
//! so these tests check the SQL itself, independently of the migration runner.

use chatbi_db::testing::TestDb;
use postgres::error::SqlState;

const UP: &str = include_str!("../migrations/0001_initial_schema.up.sql");
const DOWN: &str = include_str!("../migrations/0001_initial_schema.down.sql");

/// The 15 tables of `../shared/chatbi-domain.md`, sorted.
const TABLES: [&str; 15] = [
    "app_users",
    "chat_history",
    "chat_messages",
    "chat_sessions",
    "datasources",
    "error_patterns",
    "mdl_fields",
    "mdl_models",
    "mdl_projects",
    "mdl_relationships",
    "query_history",
    "saved_queries",
    "sql_corrections",
    "user_sessions",
    "visualizations",
];

fn apply(client: &mut postgres::Client, sql: &str) {
    let mut tx = client.transaction().expect("begin");
    tx.batch_execute(sql)
        .unwrap_or_else(|e| panic!("migration failed: {}", chatbi_db::db::pg_error_text(&e)));
    tx.commit().expect("commit");
}

/// `pg_dump --schema-only` of the database, without the lines that differ between any two
/// runs (`\restrict` keys of newer pg_dump releases).
fn schema_dump(db: &TestDb) -> String {
    let out = db
        .command("pg_dump")
        .args(["--schema-only", "--no-owner", "--no-privileges"])
        .arg("-h")
        .arg(db.host())
        .arg("-p")
        .arg(db.port().to_string())
        .arg("-U")
        .arg(db.user())
        .arg(db.name())
        .output()
        .expect("running pg_dump");
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("pg_dump output is UTF-8")
        .lines()
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every user object in the `public` schema: relations (tables, indexes, sequences, views),
/// types, functions, and constraints, each as `kind name`.
fn public_objects(client: &mut postgres::Client) -> Vec<String> {
    client
        .query(
            "select 'relation ' || c.relname from pg_class c
               join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'
             union all
             select 'type ' || t.typname from pg_type t
               join pg_namespace n on n.oid = t.typnamespace where n.nspname = 'public'
             union all
             select 'function ' || p.proname from pg_proc p
               join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'
             union all
             select 'constraint ' || co.conname from pg_constraint co
               join pg_namespace n on n.oid = co.connamespace where n.nspname = 'public'
             order by 1",
            &[],
        )
        .expect("listing objects")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn up_creates_exactly_the_fifteen_tables_with_the_expected_types() {
    let db = TestDb::new();
    let mut client = db.client();
    apply(&mut client, UP);

    let tables: Vec<String> = client
        .query(
            "select table_name::text from information_schema.tables
             where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(tables, TABLES);
    let cubes: i64 = client
        .query_one(
            "select count(*) from pg_class where relname in ('cubes', 'cube_fields')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(cubes, 0, "Cube.js tables must not exist");

    // The enum type and its labels, in order.
    let labels: Vec<String> = client
        .query(
            "select e.enumlabel::text from pg_enum e join pg_type t on t.oid = e.enumtypid
             where t.typname = 'message_role' order by e.enumsortorder",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(labels, ["user", "assistant", "system"]);

    // Every type the domain asks for is used by some column.
    let types: Vec<String> = client
        .query(
            "select distinct format_type(a.atttypid, a.atttypmod)
               from pg_attribute a join pg_class c on c.oid = a.attrelid
               join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0
                and not a.attisdropped
              order by 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for wanted in [
        "bigint",
        "boolean",
        "bytea",
        "inet",
        "integer",
        "jsonb",
        "message_role",
        "numeric(12,6)",
        "numeric(4,3)",
        "smallint",
        "text",
        "text[]",
        "timestamp with time zone",
        "uuid",
    ] {
        assert!(
            types.iter().any(|t| t == wanted),
            "no column of type {wanted}"
        );
    }
    let identity: i64 = client
        .query_one(
            "select count(*) from information_schema.columns
             where table_schema = 'public' and is_identity = 'YES'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(identity >= 5, "only {identity} identity columns");

    // Every table has a primary key, a comment and a creation time that is
    // `timestamptz NOT NULL DEFAULT now()`.
    for table in TABLES {
        let created = match table {
            "query_history" => "executed_at",
            _ => "created_at",
        };
        let row = client
            .query_one(
                "select
                   exists(select 1 from pg_constraint where conrelid = c.oid and contype = 'p'),
                   obj_description(c.oid, 'pg_class') is not null,
                   (select a.attnotnull and format_type(a.atttypid, a.atttypmod) = 'timestamp with time zone'
                           and pg_get_expr(d.adbin, d.adrelid) = 'now()'
                      from pg_attribute a
                      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                     where a.attrelid = c.oid and a.attname = $2)
                 from pg_class c where c.oid = ('public.' || $1)::regclass",
                &[&table, &created],
            )
            .unwrap();
        assert!(row.get::<_, bool>(0), "{table} has no primary key");
        assert!(row.get::<_, bool>(1), "{table} has no comment");
        assert_eq!(
            row.get::<_, Option<bool>>(2),
            Some(true),
            "{table}.{created} is not `timestamptz NOT NULL DEFAULT now()`"
        );
    }

    // The access paths the domain names are served by an index whose leading columns match.
    for (table, columns) in [
        ("chat_messages", "session_id, created_at"),
        ("query_history", "datasource_id, executed_at"),
        ("user_sessions", "token_hash"),
    ] {
        let found: bool = client
            .query_one(
                "select exists(
                   select 1 from pg_index i
                   where i.indrelid = ('public.' || $1)::regclass
                     and (select string_agg(a.attname, ', ' order by k.ord)
                            from unnest(i.indkey) with ordinality as k(attnum, ord)
                            join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum)
                         = $2)",
                &[&table, &columns],
            )
            .unwrap()
            .get(0);
        assert!(found, "no index on {table} ({columns})");
    }
}

#[test]
fn up_down_up_dumps_identically_to_a_single_up() {
    let once = TestDb::new();
    apply(&mut once.client(), UP);

    let twice = TestDb::new();
    let mut client = twice.client();
    let empty = public_objects(&mut client);
    apply(&mut client, UP);
    apply(&mut client, DOWN);
    assert_eq!(
        public_objects(&mut client),
        empty,
        "the down migration left objects behind"
    );
    apply(&mut client, UP);

    let a = schema_dump(&once);
    let b = schema_dump(&twice);
    assert!(
        a.contains("CREATE TABLE public.datasources"),
        "unexpected dump:\n{a}"
    );
    assert!(a.contains("CREATE TYPE public.message_role AS ENUM"));
    if a != b {
        let first = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(a.lines().count().min(b.lines().count()));
        panic!(
            "schemas differ from line {}:\n  single up: {:?}\n  up/down/up: {:?}",
            first + 1,
            a.lines().nth(first),
            b.lines().nth(first)
        );
    }
}

/// Runs `sql`, expecting it to fail with `state` (and `constraint`, when given).
fn expect_error(
    client: &mut postgres::Client,
    sql: &str,
    state: &SqlState,
    constraint: Option<&str>,
) {
    match client.batch_execute(sql) {
        Ok(()) => panic!("statement succeeded but should fail with {state:?}: {sql}"),
        Err(e) => {
            let db = e
                .as_db_error()
                .unwrap_or_else(|| panic!("not a server error: {e}"));
            assert_eq!(db.code(), state, "{sql}: {}", db.message());
            if let Some(name) = constraint {
                assert_eq!(db.constraint(), Some(name), "{sql}: {}", db.message());
            }
        }
    }
}

fn count(client: &mut postgres::Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn constraints_reject_bad_rows_and_cascades_follow_ownership() {
    let db = TestDb::new();
    let mut c = db.client();
    apply(&mut c, UP);

    const HASH: &str = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    c.batch_execute(&format!(
        "insert into app_users (id, username, email, password_hash) values
           ('00000000-0000-0000-0000-00000000000a', 'alice', 'Alice@Example.com', '{HASH}'),
           ('00000000-0000-0000-0000-00000000000b', 'bob', 'bob@example.com', '{HASH}')"
    ))
    .unwrap();

    // Users: unique username, unique email whatever its case, closed set of roles.
    let unique = &SqlState::UNIQUE_VIOLATION;
    let check = &SqlState::CHECK_VIOLATION;
    let fk = &SqlState::FOREIGN_KEY_VIOLATION;
    expect_error(
        &mut c,
        &format!(
            "insert into app_users (username, email, password_hash) values ('alice', 'a2@example.com', '{HASH}')"
        ),
        unique,
        Some("app_users_username_key"),
    );
    expect_error(
        &mut c,
        &format!(
            "insert into app_users (username, email, password_hash) values ('alice2', 'alice@EXAMPLE.com', '{HASH}')"
        ),
        unique,
        Some("app_users_email_key"),
    );
    expect_error(
        &mut c,
        &format!(
            "insert into app_users (username, email, password_hash, role) values ('carol', 'c@example.com', '{HASH}', 'root')"
        ),
        check,
        Some("app_users_role_check"),
    );

    // Datasources (ids 1 and 2): one default at most, secrets only by reference, unique names.
    c.batch_execute(
        "insert into datasources (name, host, port, database_name, username, secret_ref, is_default)
         values ('demo', 'localhost', 5432, 'chatbi_demo', 'chatbi', 'env:CHATBI_DEMO_PASSWORD', true),
                ('warehouse', 'db.internal', 5432, 'dwh', 'reader', 'vault:dwh#password', false)",
    )
    .unwrap();
    expect_error(
        &mut c,
        "insert into datasources (name, database_name, is_default) values ('other', 'x', true)",
        unique,
        Some("datasources_single_default_idx"),
    );
    expect_error(
        &mut c,
        "update datasources set is_default = true where id = 2",
        unique,
        Some("datasources_single_default_idx"),
    );
    expect_error(
        &mut c,
        "insert into datasources (name, database_name, secret_ref) values ('pw', 'x', 'hunter2')",
        check,
        Some("datasources_secret_ref_check"),
    );
    expect_error(
        &mut c,
        "insert into datasources (name, database_name) values ('demo', 'x')",
        unique,
        Some("datasources_name_key"),
    );
    // The startup step's idempotent form: a second default is silently skipped.
    let inserted = c
        .execute(
            "insert into datasources (name, database_name, is_default) values ('again', 'x', true)
             on conflict ((true)) where is_default do nothing",
            &[],
        )
        .unwrap();
    assert_eq!(inserted, 0);
    assert_eq!(
        count(&mut c, "select count(*) from datasources where is_default"),
        1
    );

    // Sessions, messages and charts.
    c.batch_execute(
        "insert into chat_sessions (id, user_id, datasource_id, title) values
           ('00000000-0000-0000-0000-000000000051', '00000000-0000-0000-0000-00000000000a', 1, 'Revenue'),
           ('00000000-0000-0000-0000-000000000052', '00000000-0000-0000-0000-00000000000b', 1, 'Other');
         insert into chat_messages (session_id, role, content, generated_sql) values
           ('00000000-0000-0000-0000-000000000051', 'user', 'Revenue per month?', null),
           ('00000000-0000-0000-0000-000000000051', 'assistant', 'Here it is.', 'select 1'),
           ('00000000-0000-0000-0000-000000000052', 'user', 'Hello', null);
         insert into visualizations (message_id, chart_type, config)
           select id, 'line', '{\"x\": \"month\"}' from chat_messages where role = 'assistant';
         insert into query_history (datasource_id, session_id, user_id, sql_text, status, row_count, duration_ms)
           values (1, '00000000-0000-0000-0000-000000000051', '00000000-0000-0000-0000-00000000000a',
                   'select 1', 'success', 1, 12);",
    )
    .unwrap();
    expect_error(
        &mut c,
        "insert into chat_messages (session_id, role, content)
         values ('00000000-0000-0000-0000-000000000051', 'robot', 'beep')",
        &SqlState::INVALID_TEXT_REPRESENTATION,
        None,
    );
    expect_error(
        &mut c,
        "insert into chat_messages (session_id, role, content)
         values ('00000000-0000-0000-0000-0000000000ff', 'user', 'orphan')",
        fk,
        Some("chat_messages_session_id_fkey"),
    );
    expect_error(
        &mut c,
        "insert into visualizations (message_id, chart_type)
         select min(id), 'hologram' from chat_messages",
        check,
        Some("visualizations_chart_type_check"),
    );
    expect_error(
        &mut c,
        "insert into query_history (sql_text, status) values ('select x', 'error')",
        check,
        Some("query_history_error_check"),
    );
    expect_error(
        &mut c,
        "insert into chat_history (question, success, feedback_rating) values ('q', true, 6)",
        check,
        Some("chat_history_feedback_rating_check"),
    );

    // Deleting a session takes its messages and their charts; history keeps the row, unlinked.
    c.batch_execute("delete from chat_sessions where id = '00000000-0000-0000-0000-000000000051'")
        .unwrap();
    assert_eq!(count(&mut c, "select count(*) from chat_messages"), 1);
    assert_eq!(count(&mut c, "select count(*) from visualizations"), 0);
    assert_eq!(
        count(
            &mut c,
            "select count(*) from query_history where session_id is null and user_id is not null"
        ),
        1
    );

    // User sessions: 32-byte token hashes, unique; deleting a user takes its sessions and saved
    // queries and unlinks its chats.
    c.batch_execute(
        "insert into user_sessions (user_id, token_hash, client_addr, expires_at)
           values ('00000000-0000-0000-0000-00000000000b', sha256('token-1'), '192.0.2.7', now() + interval '1 day');
         insert into saved_queries (user_id, datasource_id, name, sql_text, tags)
           values ('00000000-0000-0000-0000-00000000000b', 1, 'daily', 'select 1', '{finance,daily}');",
    )
    .unwrap();
    expect_error(
        &mut c,
        "insert into user_sessions (user_id, token_hash, expires_at)
           values ('00000000-0000-0000-0000-00000000000a', sha256('token-1'), now() + interval '1 day')",
        unique,
        Some("user_sessions_token_hash_key"),
    );
    expect_error(
        &mut c,
        "insert into user_sessions (user_id, token_hash, expires_at)
           values ('00000000-0000-0000-0000-00000000000a', '\\x0102', now() + interval '1 day')",
        check,
        Some("user_sessions_token_hash_check"),
    );
    expect_error(
        &mut c,
        "insert into saved_queries (user_id, name, sql_text)
           values ('00000000-0000-0000-0000-00000000000b', 'daily', 'select 2')",
        unique,
        Some("saved_queries_user_id_name_key"),
    );
    c.batch_execute("delete from app_users where username = 'bob'")
        .unwrap();
    assert_eq!(count(&mut c, "select count(*) from user_sessions"), 0);
    assert_eq!(count(&mut c, "select count(*) from saved_queries"), 0);
    assert_eq!(
        count(
            &mut c,
            "select count(*) from chat_sessions where user_id is null"
        ),
        1
    );

    // MDL: relationships join models of their own project; projects pin their datasource.
    c.batch_execute(
        "insert into mdl_projects (id, datasource_id, name) values (1, 1, 'sales'), (2, 2, 'dwh');
         insert into mdl_models (id, project_id, name, table_ref, primary_key) values
           (1, 1, 'orders', 'public.orders', '{id}'),
           (2, 1, 'customers', 'public.customers', '{id}'),
           (3, 2, 'facts', 'dwh.facts', '{}');
         insert into mdl_fields (model_id, name, data_type, expression, is_calculated) values
           (1, 'total', 'numeric', 'sum(line_total)', true);
         insert into mdl_relationships (project_id, name, from_model_id, to_model_id, join_type, condition)
           values (1, 'orders_customers', 1, 2, 'many_to_one', 'orders.customer_id = customers.id');",
    )
    .unwrap();
    expect_error(
        &mut c,
        "insert into mdl_relationships (project_id, name, from_model_id, to_model_id, join_type, condition)
           values (1, 'cross_project', 1, 3, 'many_to_one', 'x')",
        fk,
        Some("mdl_relationships_to_model_fkey"),
    );
    expect_error(
        &mut c,
        "insert into mdl_fields (model_id, name, data_type, is_calculated) values (1, 'bad', 'int', true)",
        check,
        Some("mdl_fields_calculated_check"),
    );
    expect_error(
        &mut c,
        "delete from datasources where id = 1",
        fk,
        Some("mdl_projects_datasource_id_fkey"),
    );
    c.batch_execute("delete from mdl_models where id = 2")
        .unwrap();
    assert_eq!(count(&mut c, "select count(*) from mdl_relationships"), 0);
    c.batch_execute("delete from mdl_projects where id = 1")
        .unwrap();
    assert_eq!(
        count(
            &mut c,
            "select count(*) from mdl_models where project_id = 1"
        ),
        0
    );
    assert_eq!(count(&mut c, "select count(*) from mdl_fields"), 0);

    // Diagnosis: corrections outlive their pattern and history entry.
    c.batch_execute(
        "insert into error_patterns (name, pattern, category, priority)
           values ('missing_column', 'column \"[^\"]+\" does not exist', 'unknown_column', 500);
         insert into sql_corrections (query_history_id, pattern_id, failed_sql, error_message, corrected_sql, succeeded, confidence)
           select max(id), (select id from error_patterns), 'select nme from t', 'column \"nme\" does not exist', 'select name from t', true, 0.875
           from query_history;
         delete from error_patterns;
         delete from query_history;",
    )
    .unwrap();
    assert_eq!(
        count(
            &mut c,
            "select count(*) from sql_corrections where pattern_id is null and query_history_id is null"
        ),
        1
    );
    expect_error(
        &mut c,
        "insert into error_patterns (name, pattern, category) values ('p', '.*', 'mystery')",
        check,
        Some("error_patterns_category_check"),
    );
}

#[test]
fn migration_files_parse_with_cores_parser() {
    for (name, sql) in [("up", UP), ("down", DOWN)] {
        let parsed = chatbi_db::core::syntax::parse(sql);
        assert!(parsed.errors.is_empty(), "{name}: {:?}", parsed.errors);
        assert!(!parsed.statements.is_empty(), "{name}: no statements");
    }
}
