//! The static catalog against a real PostgreSQL server: ChatBI's migration sets and a suite of
//! hand-written hard cases are applied to a fresh database, the catalog is read back from
//! `pg_catalog` (columns, constraints, indexes, enums, composites, domains, extensions) and
//! compared with what `chatbi_db_core::catalog` replays from the same SQL.

use std::collections::BTreeMap;

use chatbi_db::testing::TestDb;
use chatbi_db_core::catalog::{Catalog, ConstraintKind, FkAction};
use serde_json::{Value, json};

/// Object identity as both sides write it: `schema.name`.
fn key(schema: &str, name: &str) -> String {
    format!("{schema}.{name}")
}

fn action_code(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "a",
        FkAction::Restrict => "r",
        FkAction::Cascade => "c",
        FkAction::SetNull => "n",
        FkAction::SetDefault => "d",
    }
}

/// Constraints and indexes as sorted one-line descriptions (ours).
fn ours_extra(cat: &Catalog) -> Value {
    let mut cons: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in cat.relations() {
        if r.internal || r.name == "_sqlx_migrations" || !r.kind.is_table() {
            continue;
        }
        let list = cons.entry(key(&r.schema, &r.name)).or_default();
        for c in &r.constraints {
            let line = match &c.kind {
                ConstraintKind::PrimaryKey(cols) => format!("p {} ({})", c.name, cols.join(",")),
                ConstraintKind::Unique(cols) => format!("u {} ({})", c.name, cols.join(",")),
                ConstraintKind::Check(_) => format!("c {}", c.name),
                ConstraintKind::Exclusion(_) => format!("x {}", c.name),
                ConstraintKind::ForeignKey(fk) => format!(
                    "f {} ({}) -> {}({}) del={} upd={}",
                    c.name,
                    fk.columns.join(","),
                    key(&fk.ref_table.schema, &fk.ref_table.name),
                    fk.ref_columns.join(","),
                    action_code(fk.on_delete),
                    action_code(fk.on_update)
                ),
            };
            list.push(format!(
                "{line}{}",
                if c.not_valid { " not valid" } else { "" }
            ));
        }
        list.sort();
    }
    let mut idx: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in cat.indexes() {
        if i.table == "_sqlx_migrations" {
            continue;
        }
        let cols: Vec<String> = i
            .keys
            .iter()
            .map(|k| {
                if i.columns.contains(k) {
                    k.clone()
                } else {
                    "expr".to_string()
                }
            })
            .collect();
        idx.entry(key(&i.schema, &i.table))
            .or_default()
            .push(format!(
                "{} {}{} ({}){}",
                i.name,
                if i.unique { "unique " } else { "" },
                i.method,
                cols.join(","),
                if i.predicate.is_some() {
                    " partial"
                } else {
                    ""
                }
            ));
    }
    for v in idx.values_mut() {
        v.sort();
    }
    json!({"constraints": cons, "indexes": idx})
}

/// The same descriptions read from the server.
fn server_extra(client: &mut postgres::Client) -> Value {
    let mut cons: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let rows = client
        .query(
            "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relkind in ('r','p') and n.nspname not in ('pg_catalog','information_schema')
               and n.nspname not like 'pg_toast%' and c.relname <> '_sqlx_migrations'",
            &[],
        )
        .unwrap();
    for r in rows {
        cons.insert(key(r.get(0), r.get(1)), Vec::new());
    }
    let rows = client
        .query(
            "select n.nspname, t.relname, c.conname, c.contype::text,
                    coalesce((select string_agg(a.attname, ',' order by k.ord) from unnest(c.conkey) with ordinality k(num, ord)
                              join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.num), ''),
                    coalesce(fn.nspname || '.' || ft.relname, ''),
                    coalesce((select string_agg(a.attname, ',' order by k.ord) from unnest(c.confkey) with ordinality k(num, ord)
                              join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.num), ''),
                    c.confdeltype::text, c.confupdtype::text, c.convalidated
             from pg_constraint c
             join pg_class t on t.oid = c.conrelid
             join pg_namespace n on n.oid = t.relnamespace
             left join pg_class ft on ft.oid = c.confrelid
             left join pg_namespace fn on fn.oid = ft.relnamespace
             where n.nspname not in ('pg_catalog','information_schema') and t.relname <> '_sqlx_migrations'
               and c.contype <> 'n' and c.conparentid = 0",
            &[],
        )
        .unwrap();
    for r in rows {
        let (schema, table, name, kind, cols): (String, String, String, String, String) =
            (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        let line = match kind.as_str() {
            "p" => format!("p {name} ({cols})"),
            "u" => format!("u {name} ({cols})"),
            "c" => format!("c {name}"),
            "x" => format!("x {name}"),
            "f" => format!(
                "f {name} ({cols}) -> {}({}) del={} upd={}",
                r.get::<_, String>(5),
                r.get::<_, String>(6),
                r.get::<_, String>(7),
                r.get::<_, String>(8)
            ),
            other => format!("{other} {name}"),
        };
        let valid: bool = r.get(9);
        cons.entry(key(&schema, &table))
            .or_default()
            .push(format!("{line}{}", if valid { "" } else { " not valid" }));
    }
    for v in cons.values_mut() {
        v.sort();
    }
    let mut idx: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let rows = client
        .query(
            "select n.nspname, t.relname, i.relname, x.indisunique, am.amname,
                    (select string_agg(case when k.num = 0 then 'expr' else a.attname end, ',' order by k.ord)
                       from unnest(x.indkey::int2[]) with ordinality k(num, ord)
                       left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.num
                      where k.ord <= x.indnkeyatts),
                    x.indpred is not null
             from pg_index x
             join pg_class i on i.oid = x.indexrelid
             join pg_class t on t.oid = x.indrelid
             join pg_namespace n on n.oid = t.relnamespace
             join pg_am am on am.oid = i.relam
             where n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg_toast%'
               and t.relname <> '_sqlx_migrations'",
            &[],
        )
        .unwrap();
    for r in rows {
        let unique: bool = r.get(3);
        let partial: bool = r.get(6);
        idx.entry(key(r.get(0), r.get(1)))
            .or_default()
            .push(format!(
                "{} {}{} ({}){}",
                r.get::<_, String>(2),
                if unique { "unique " } else { "" },
                r.get::<_, String>(4),
                r.get::<_, String>(5),
                if partial { " partial" } else { "" }
            ));
    }
    for v in idx.values_mut() {
        v.sort();
    }
    json!({"constraints": cons, "indexes": idx})
}

/// `catalog.pg15.json`'s shape, read from the server the way the corpus was.
fn server_catalog(client: &mut postgres::Client) -> Value {
    let mut relations = serde_json::Map::new();
    let rows = client
        .query(
            "select n.nspname, c.relname, c.relkind::text, c.oid
             from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relkind in ('r','p','v','m') and n.nspname not in ('pg_catalog','information_schema')
               and n.nspname not like 'pg_toast%'
               and c.relname not in ('_sqlx_migrations','__diesel_schema_migrations')
             order by 1, 2",
            &[],
        )
        .unwrap();
    for r in rows {
        let oid: u32 = r.get(3);
        let kind = match r.get::<_, String>(2).as_str() {
            "r" => "table",
            "p" => "partitioned_table",
            "v" => "view",
            _ => "materialized_view",
        };
        let cols = client
            .query(
                "select a.attname::text, format_type(a.atttypid, a.atttypmod), t.typname::text,
                        a.attnotnull, a.atthasdef, nullif(a.attidentity::text, ''), nullif(a.attgenerated::text, '')
                 from pg_attribute a join pg_type t on t.oid = a.atttypid
                 where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped order by a.attnum",
                &[&oid],
            )
            .unwrap();
        let columns: Vec<Value> = cols
            .iter()
            .map(|c| {
                json!({
                    "name": c.get::<_, String>(0),
                    "type": c.get::<_, String>(1),
                    "typname": c.get::<_, String>(2),
                    "not_null": c.get::<_, bool>(3),
                    "has_default": c.get::<_, bool>(4),
                    "identity": c.get::<_, Option<String>>(5),
                    "generated": c.get::<_, Option<String>>(6),
                })
            })
            .collect();
        relations.insert(
            key(r.get(0), r.get(1)),
            json!({"kind": kind, "columns": columns}),
        );
    }
    let mut enums = serde_json::Map::new();
    for r in client
        .query(
            "select n.nspname, t.typname::text, array_agg(e.enumlabel::text order by e.enumsortorder)
             from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
             group by 1, 2 order by 1, 2",
            &[],
        )
        .unwrap()
    {
        enums.insert(key(r.get(0), r.get(1)), json!(r.get::<_, Vec<String>>(2)));
    }
    let mut composites = serde_json::Map::new();
    for r in client
        .query(
            "select n.nspname, t.typname::text,
                    array_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) order by a.attnum)
             from pg_type t join pg_namespace n on n.oid = t.typnamespace
             join pg_class c on c.oid = t.typrelid and c.relkind = 'c'
             join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
             where n.nspname not in ('pg_catalog','information_schema')
             group by 1, 2 order by 1, 2",
            &[],
        )
        .unwrap()
    {
        composites.insert(key(r.get(0), r.get(1)), json!(r.get::<_, Vec<String>>(2)));
    }
    let mut domains = serde_json::Map::new();
    for r in client
        .query(
            "select n.nspname, t.typname::text, format_type(t.typbasetype, t.typtypmod), t.typnotnull
             from pg_type t join pg_namespace n on n.oid = t.typnamespace
             where t.typtype = 'd' and n.nspname not in ('pg_catalog','information_schema') order by 1, 2",
            &[],
        )
        .unwrap()
    {
        domains.insert(
            key(r.get(0), r.get(1)),
            json!({"base": r.get::<_, String>(2), "not_null": r.get::<_, bool>(3)}),
        );
    }
    let mut extensions = serde_json::Map::new();
    for r in client
        .query(
            "select extname::text, extversion from pg_extension order by 1",
            &[],
        )
        .unwrap()
    {
        extensions.insert(r.get(0), json!(r.get::<_, String>(1)));
    }
    json!({"relations": relations, "enums": enums, "composites": composites,
           "domains": domains, "extensions": extensions})
}

/// Applies `files` to a fresh database (each in one transaction) and replays them; asserts
/// both catalogs agree, including constraints and indexes.
fn check(case: &str, files: &[(&str, &str)]) {
    let db = TestDb::new();
    let mut client = db.client();
    let mut cat = Catalog::new();
    for (name, sql) in files {
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(sql).unwrap_or_else(|e| {
            let msg = e
                .as_db_error()
                .map_or(e.to_string(), |d| d.message().to_string());
            panic!("{case}: {name} on the server: {msg}")
        });
        tx.commit().unwrap();
        let notes = cat
            .replay_sql(name, sql)
            .unwrap_or_else(|e| panic!("{case}: replay: {e}"));
        for n in notes {
            println!("{case}: {n}");
        }
    }
    let server = server_catalog(&mut client);
    let ours = cat.to_catalog_json();
    for k in ["relations", "enums", "composites", "domains", "extensions"] {
        assert_eq!(
            ours[k],
            server[k],
            "{case}: {k} differ\nours:   {}\nserver: {}",
            serde_json::to_string_pretty(&ours[k]).unwrap(),
            serde_json::to_string_pretty(&server[k]).unwrap()
        );
    }
    let (o, s) = (ours_extra(&cat), server_extra(&mut client));
    assert_eq!(
        o["constraints"],
        s["constraints"],
        "{case}: constraints differ\nours:   {}\nserver: {}",
        serde_json::to_string_pretty(&o["constraints"]).unwrap(),
        serde_json::to_string_pretty(&s["constraints"]).unwrap()
    );
    assert_eq!(
        o["indexes"],
        s["indexes"],
        "{case}: indexes differ\nours:   {}\nserver: {}",
        serde_json::to_string_pretty(&o["indexes"]).unwrap(),
        serde_json::to_string_pretty(&s["indexes"]).unwrap()
    );
}

fn read_set(dir: &str) -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".sql") && !n.ends_with(".down.sql")
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn chatbi_migrations_match_server() {
    let files = read_set("migrations");
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    check("migrations", &refs);
}

#[test]
fn chatbi_demo_migrations_match_server() {
    let files = read_set("migrations_demo");
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    check("migrations_demo", &refs);
}

#[test]
fn renames() {
    check(
        "renames",
        &[
            (
                "1.sql",
                "create table account (id serial primary key, mail text unique, kind text);
                 create table post (id bigserial primary key, account_id int not null references account (id) on delete cascade, title varchar(200));
                 create index post_title_idx on post (title);
                 create type mood as enum ('happy', 'sad');
                 alter table post add column feeling mood;",
            ),
            (
                "2.sql",
                "alter table account rename to users;
                 alter table users rename column mail to email;
                 alter table users rename constraint account_mail_key to users_email_key;
                 alter index post_title_idx rename to post_title_index;
                 alter table post rename column account_id to user_id;
                 alter type mood rename to feeling_kind;
                 create schema old;
                 alter table post set schema old;
                 alter schema old rename to archive;",
            ),
        ],
    );
}

#[test]
fn cascades() {
    check(
        "cascades",
        &[
            (
                "1.sql",
                "create table a (id int primary key, code text unique, n int);
                 create table b (id int primary key, a_id int references a, a_code text references a (code));
                 create view va as select id, code from a;
                 create view vb as select va.code, b.id from va join b on b.a_id = va.id;
                 create type color as enum ('red', 'blue');
                 create table c (id int, col color, other text);
                 create sequence s;
                 create table d (id int default nextval('s'), x int);",
            ),
            (
                "2.sql",
                "drop table a cascade;
                 drop type color cascade;
                 drop sequence s cascade;
                 alter table b drop column if exists nothing;",
            ),
        ],
    );
}

#[test]
fn enum_edits() {
    check(
        "enum_edits",
        &[
            (
                "1.sql",
                "create type state as enum ('new', 'done');
                 create table job (id int, s state not null default 'new');",
            ),
            (
                "2.sql",
                "alter type state add value 'running' before 'done';
                 alter type state add value 'failed' after 'done';
                 alter type state add value if not exists 'new';
                 alter type state rename value 'done' to 'succeeded';
                 alter type state add value 'queued';",
            ),
        ],
    );
}

#[test]
fn domains_and_composites() {
    check(
        "domains",
        &[(
            "1.sql",
            "create domain email as text not null check (value like '%@%');
             create domain positive as numeric(10,2) check (value > 0);
             create domain tags as varchar(20)[];
             alter domain positive add constraint positive_small check (value < 1000000);
             alter domain email drop not null;
             create type money_pair as (amount positive, currency char(3));
             create table invoice (id int primary key, contact email, total positive, t tags, price money_pair, prices money_pair[]);",
        )],
    );
}

#[test]
fn generated_and_identity_columns() {
    check(
        "generated",
        &[
            (
                "1.sql",
                "create table item (
                    id bigint generated always as identity primary key,
                    seq int generated by default as identity,
                    price numeric(12,2) not null,
                    qty int not null default 1,
                    total numeric generated always as (price * qty) stored,
                    created timestamp(3) with time zone default now(),
                    t time(0) without time zone,
                    bits bit varying(8),
                    flags bit(3),
                    c char,
                    ints int[][],
                    f float, r real, d double precision, i interval
                 );",
            ),
            (
                "2.sql",
                "alter table item alter column seq drop identity;
                 alter table item add column code text generated always as (upper('x' || id::text)) stored;
                 alter table item alter column qty drop default;
                 alter table item alter column created type timestamp(6) with time zone;",
            ),
        ],
    );
}

#[test]
fn partitions_and_inheritance() {
    check(
        "partitions",
        &[(
            "1.sql",
            "create table measurement (city_id int not null, logdate date not null, peak int) partition by range (logdate);
             create table measurement_2024 partition of measurement for values from ('2024-01-01') to ('2025-01-01');
             create table measurement_2025 partition of measurement for values from ('2025-01-01') to ('2026-01-01');
             alter table measurement add column unit text;
             create table base (id int not null, created timestamptz default now());
             create table child (extra text) inherits (base);",
        )],
    );
}

#[test]
fn search_path_and_schemas() {
    check(
        "search_path",
        &[
            (
                "1.sql",
                "create schema app;
                 create schema util;
                 set search_path to app, public;
                 create type app_status as enum ('on', 'off');
                 create table thing (id serial primary key, st app_status);
                 create table public.other (id int, st app.app_status, t_id int references thing);",
            ),
            (
                "2.sql",
                "select pg_catalog.set_config('search_path', 'util', false);
                 create table helper (id int);
                 set search_path to default;
                 create table plain (id int);",
            ),
        ],
    );
}

#[test]
fn like_and_table_as() {
    check(
        "like",
        &[(
            "1.sql",
            "create table src (id int primary key, name text not null default 'x' check (name <> ''), created timestamptz default now());
             create index src_name_idx on src (lower(name));
             create table copy_all (like src including all);
             create table copy_defaults (like src including defaults, extra int);
             create table copy_plain (like src);
             create table t_as as select id, name, created from src;",
        )],
    );
}

#[test]
fn views_over_views() {
    check(
        "views",
        &[(
            "1.sql",
            "create table orders (id serial primary key, customer text not null, amount numeric(10,2), qty int, placed timestamptz default now());
             create view customer_totals as
               select customer, sum(amount) as total, count(*) as n, max(placed) as last_order, sum(qty) as q
               from orders group by customer;
             create view big_customers as
               select c.customer as who, c.total, c.total * 2 as doubled, c.n::int as orders,
                      case when c.total > 100 then 'big' else 'small' end as size, upper(c.customer)
               from customer_totals c where c.total > 10;
             create materialized view recent as
               select o.id, o.placed::date as day, coalesce(o.amount, 0) as amount, now() - o.placed as age
               from orders o;
             create or replace view customer_totals as
               select customer, sum(amount) as total, count(*) as n, max(placed) as last_order, sum(qty) as q, avg(qty) as avg_qty
               from orders group by customer;",
        )],
    );
}

#[test]
fn constraints_and_alters() {
    check(
        "alters",
        &[(
            "1.sql",
            "create table p (a int, b int, primary key (a, b), c text, d text);
             create table q (id int generated by default as identity, pa int, pb int, note text,
                             constraint q_p_fk foreign key (pa, pb) references p (a, b) on update cascade on delete set null);
             alter table p add constraint p_c_d_key unique (c, d);
             alter table q add constraint q_note_check check (length(note) < 100) not valid;
             alter table q add constraint q_pkey primary key (id);
             create unique index q_note_uniq on q (note) where note is not null;
             alter table q alter column note set not null, alter column note type varchar(100);
             alter table p drop constraint p_c_d_key;
             alter table q add column r int check (r > 0), add column s text;
             alter table q drop column s;
             comment on table q is 'q table';
             comment on column q.note is 'a note';",
        )],
    );
}
