//! Every construct of the query analyser against PostgreSQL 15's own answers.
//!
//! The expected names and types below were produced by a PostgreSQL 15.18 server
//! (`PREPARE` + `pg_prepared_statements.parameter_types` + psql's `\\gdesc`) on this schema:
//!
//! create schema app;
//! create type mood as enum ('happy','sad');
//! create type pair as (k text, v int);
//! create domain posint as integer not null check (value > 0);
//! create table users (id serial primary key, name text not null, email varchar(100), mood mood, created_at timestamptz not null default now(), tags text[] not null default '{}', score numeric(10,2), data jsonb);
//! create table posts (id bigserial primary key, user_id int not null references users, title text not null, body text, views posint, published date, meta json);
//! create table app.events (id uuid primary key, kind text not null, at timestamp not null, payload pair);
//!
//! The schema document is that database's catalog in `catalog.pg15.json` shape.

use chatbi_db_core::describe::{Nullability, Schema, describe, type_info};
use chatbi_db_core::offline::{CustomType, TypeInfo, TypeKind};

const CATALOG: &str = r#"{"relations" : { "public.users" : {"kind" : "table", "columns" : [{"name" : "id", "type" : "integer", "typname" : "int4", "not_null" : true}, {"name" : "name", "type" : "text", "typname" : "text", "not_null" : true}, {"name" : "email", "type" : "character varying(100)", "typname" : "varchar", "not_null" : false}, {"name" : "mood", "type" : "mood", "typname" : "mood", "not_null" : false}, {"name" : "created_at", "type" : "timestamp with time zone", "typname" : "timestamptz", "not_null" : true}, {"name" : "tags", "type" : "text[]", "typname" : "_text", "not_null" : true}, {"name" : "score", "type" : "numeric(10,2)", "typname" : "numeric", "not_null" : false}, {"name" : "data", "type" : "jsonb", "typname" : "jsonb", "not_null" : false}]}, "public.posts" : {"kind" : "table", "columns" : [{"name" : "id", "type" : "bigint", "typname" : "int8", "not_null" : true}, {"name" : "user_id", "type" : "integer", "typname" : "int4", "not_null" : true}, {"name" : "title", "type" : "text", "typname" : "text", "not_null" : true}, {"name" : "body", "type" : "text", "typname" : "text", "not_null" : false}, {"name" : "views", "type" : "posint", "typname" : "posint", "not_null" : false}, {"name" : "published", "type" : "date", "typname" : "date", "not_null" : false}, {"name" : "meta", "type" : "json", "typname" : "json", "not_null" : false}]}, "app.events" : {"kind" : "table", "columns" : [{"name" : "id", "type" : "uuid", "typname" : "uuid", "not_null" : true}, {"name" : "kind", "type" : "text", "typname" : "text", "not_null" : true}, {"name" : "at", "type" : "timestamp without time zone", "typname" : "timestamp", "not_null" : true}, {"name" : "payload", "type" : "pair", "typname" : "pair", "not_null" : false}]} }, "enums" : { "public.mood" : ["happy", "sad"] }, "composites" : {"public.pair" : ["k text", "v integer"]}, "domains" : {"public.posint" : {"base" : "integer", "not_null" : true}}}"#;

fn schema() -> Schema {
    Schema::from_catalog_json(&serde_json::from_str(CATALOG).expect("json")).expect("schema")
}

struct Case {
    sql: &'static str,
    params: &'static [&'static str],
    columns: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        sql: "SELECT u.id, u.name, p.title, p.views FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE u.name = $1",
        params: &["Text"],
        columns: &[
            ("id", "Int4"),
            ("name", "Text"),
            ("title", "Text"),
            ("views", "Int4"),
        ],
    },
    Case {
        sql: "SELECT u.id, p.title FROM users u RIGHT JOIN posts p ON p.user_id = u.id",
        params: &[],
        columns: &[("id", "Int4"), ("title", "Text")],
    },
    Case {
        sql: "SELECT u.name, p.title FROM users u FULL JOIN posts p ON p.user_id = u.id",
        params: &[],
        columns: &[("name", "Text"), ("title", "Text")],
    },
    Case {
        sql: "SELECT count(*), count(p.id) AS n, max(p.views), sum(p.views), avg(u.score), min(u.email), string_agg(u.name, ', ') FROM users u CROSS JOIN posts p",
        params: &[],
        columns: &[
            ("count", "Int8"),
            ("n", "Int8"),
            ("max", "Int4"),
            ("sum", "Int8"),
            ("avg", "Numeric"),
            ("min", "Text"),
            ("string_agg", "Text"),
        ],
    },
    Case {
        sql: "SELECT u.id, x.title FROM users u, LATERAL (SELECT title FROM posts WHERE posts.user_id = u.id ORDER BY id DESC LIMIT 1) x",
        params: &[],
        columns: &[("id", "Int4"), ("title", "Text")],
    },
    Case {
        sql: "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < $1) SELECT n FROM t",
        params: &["Int4"],
        columns: &[("n", "Int4")],
    },
    Case {
        sql: "WITH moved AS (DELETE FROM posts WHERE user_id = $1 RETURNING id, title) SELECT count(*) AS \"moved!\" FROM moved",
        params: &["Int4"],
        columns: &[("moved!", "Int8")],
    },
    Case {
        sql: "SELECT id, name FROM users UNION SELECT id::int, title FROM posts ORDER BY 1 LIMIT $1 OFFSET $2",
        params: &["Int8", "Int8"],
        columns: &[("id", "Int4"), ("name", "Text")],
    },
    Case {
        sql: "SELECT 1 AS a UNION ALL SELECT 2.5",
        params: &[],
        columns: &[("a", "Numeric")],
    },
    Case {
        sql: "SELECT DISTINCT ON (user_id) user_id, title FROM posts ORDER BY user_id, id DESC",
        params: &[],
        columns: &[("user_id", "Int4"), ("title", "Text")],
    },
    Case {
        sql: "SELECT user_id, count(*) FILTER (WHERE views > $1) AS popular FROM posts GROUP BY user_id HAVING count(*) > $2",
        params: &["Int4", "Int8"],
        columns: &[("user_id", "Int4"), ("popular", "Int8")],
    },
    Case {
        sql: "SELECT id, row_number() OVER (ORDER BY id), lag(title) OVER (ORDER BY id), lead(title, 1, 'none') OVER (ORDER BY id), rank() OVER w FROM posts WINDOW w AS (PARTITION BY user_id ORDER BY id)",
        params: &[],
        columns: &[
            ("id", "Int8"),
            ("row_number", "Int8"),
            ("lag", "Text"),
            ("lead", "Text"),
            ("rank", "Int8"),
        ],
    },
    Case {
        sql: "SELECT * FROM (VALUES (1, 'a'), (2, NULL)) AS v(n, s)",
        params: &[],
        columns: &[("n", "Int4"), ("s", "Text")],
    },
    Case {
        sql: "SELECT u FROM users u",
        params: &[],
        columns: &[("u", "users")],
    },
    Case {
        sql: "SELECT e.payload, (e.payload).k, e.id FROM app.events e WHERE e.kind = ANY($1) AND e.at > $2",
        params: &["TextArray", "Timestamp"],
        columns: &[("payload", "pair"), ("k", "Text"), ("id", "Uuid")],
    },
    Case {
        sql: "SELECT ARRAY[1, 2], ARRAY(SELECT title FROM posts), u.tags[1], u.tags[1:2], cardinality(u.tags) FROM users u",
        params: &[],
        columns: &[
            ("array", "Int4Array"),
            ("array", "TextArray"),
            ("tags", "Text"),
            ("tags", "TextArray"),
            ("cardinality", "Int4"),
        ],
    },
    Case {
        sql: "INSERT INTO users (name, email, mood, tags) VALUES ($1, $2, $3, $4) RETURNING id, created_at",
        params: &["Text", "Varchar", "mood", "TextArray"],
        columns: &[("id", "Int4"), ("created_at", "Timestamptz")],
    },
    Case {
        sql: "INSERT INTO posts (user_id, title, views) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, body = $4 RETURNING *",
        params: &["Int4", "Text", "posint", "Text"],
        columns: &[
            ("id", "Int8"),
            ("user_id", "Int4"),
            ("title", "Text"),
            ("body", "Text"),
            ("views", "Int4"),
            ("published", "Date"),
            ("meta", "Json"),
        ],
    },
    Case {
        sql: "UPDATE users SET score = score + $1, data = $2, mood = $3 WHERE id = ANY($4) AND email LIKE $5 RETURNING name, score",
        params: &["Numeric", "Jsonb", "mood", "Int4Array", "Text"],
        columns: &[("name", "Text"), ("score", "Numeric")],
    },
    Case {
        sql: "UPDATE posts p SET title = u.name FROM users u WHERE u.id = p.user_id AND u.created_at < now() - $1::interval RETURNING p.id, u.email",
        params: &["Interval"],
        columns: &[("id", "Int8"), ("email", "Varchar")],
    },
    Case {
        sql: "DELETE FROM posts USING users WHERE posts.user_id = users.id AND users.mood = $1 RETURNING posts.*",
        params: &["mood"],
        columns: &[
            ("id", "Int8"),
            ("user_id", "Int4"),
            ("title", "Text"),
            ("body", "Text"),
            ("views", "Int4"),
            ("published", "Date"),
            ("meta", "Json"),
        ],
    },
    Case {
        sql: "SELECT coalesce(u.email, u.name), coalesce(u.email, 'x'), coalesce(u.email, $1), nullif(u.name, ''), greatest(u.score, 1), u.id IN ($2, $3) AS \"in\", exists(select 1 from posts) FROM users u",
        params: &["Varchar", "Int4", "Int4"],
        columns: &[
            ("coalesce", "Varchar"),
            ("coalesce", "Varchar"),
            ("coalesce", "Varchar"),
            ("nullif", "Text"),
            ("greatest", "Numeric"),
            ("in", "Bool"),
            ("exists", "Bool"),
        ],
    },
    Case {
        sql: "SELECT user_id, published, count(*) FROM posts GROUP BY ROLLUP (user_id, published)",
        params: &[],
        columns: &[
            ("user_id", "Int4"),
            ("published", "Date"),
            ("count", "Int8"),
        ],
    },
    Case {
        sql: "SELECT now(), current_date, date_trunc('day', created_at), extract(year FROM created_at), age(created_at), created_at::date, interval '1 day', make_interval(days => $1) FROM users",
        params: &["Int4"],
        columns: &[
            ("now", "Timestamptz"),
            ("current_date", "Date"),
            ("date_trunc", "Timestamptz"),
            ("extract", "Numeric"),
            ("age", "Interval"),
            ("created_at", "Date"),
            ("interval", "Interval"),
            ("make_interval", "Interval"),
        ],
    },
    Case {
        sql: "SELECT lower(name), upper(email), length(name), concat(name, id), substring(name from 2 for 3), replace(name, 'a', 'b'), name || id, email || 'x' FROM users",
        params: &[],
        columns: &[
            ("lower", "Text"),
            ("upper", "Text"),
            ("length", "Int4"),
            ("concat", "Text"),
            ("substring", "Text"),
            ("replace", "Text"),
            ("?column?", "Text"),
            ("?column?", "Text"),
        ],
    },
    Case {
        sql: "SELECT data -> 'a', data ->> 'a', data #> '{a,b}', data #>> $1, data @> $2, data ? 'k', meta -> 'x', meta ->> 0, jsonb_agg(users.id) OVER () FROM users, posts",
        params: &["TextArray", "Jsonb"],
        columns: &[
            ("?column?", "Jsonb"),
            ("?column?", "Text"),
            ("?column?", "Jsonb"),
            ("?column?", "Text"),
            ("?column?", "Bool"),
            ("?column?", "Bool"),
            ("?column?", "Json"),
            ("?column?", "Text"),
            ("jsonb_agg", "Jsonb"),
        ],
    },
    Case {
        sql: "SELECT g, t FROM generate_series(1, $1) g, unnest($2::text[]) WITH ORDINALITY AS t",
        params: &["Int4", "TextArray"],
        columns: &[("g", "Int4"), ("t", "Text")],
    },
    Case {
        sql: "SELECT abs(score), round(score, 2), score * 2, id / 2, id % 3, random(), trunc(random() * 10)::int AS r, 2 ^ 3 FROM users",
        params: &[],
        columns: &[
            ("abs", "Numeric"),
            ("round", "Numeric"),
            ("?column?", "Numeric"),
            ("?column?", "Int4"),
            ("?column?", "Int4"),
            ("random", "Float8"),
            ("r", "Int4"),
            ("?column?", "Float8"),
        ],
    },
    Case {
        sql: "SELECT CASE WHEN mood = 'happy' THEN 1 WHEN mood IS NULL THEN NULL ELSE 2.0 END, CASE mood WHEN $1 THEN 'x' END FROM users",
        params: &["mood"],
        columns: &[("case", "Numeric"), ("case", "Text")],
    },
    Case {
        sql: "SELECT id FROM users WHERE created_at BETWEEN $1 AND $2 AND name IS DISTINCT FROM $3 AND NOT (score > $4)",
        params: &["Timestamptz", "Timestamptz", "Text", "Numeric"],
        columns: &[("id", "Int4")],
    },
    Case {
        sql: "SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM posts p WHERE p.user_id = u.id AND p.published = $1) AND u.id IN (SELECT user_id FROM posts)",
        params: &["Date"],
        columns: &[("id", "Int4")],
    },
    Case {
        sql: "SELECT (SELECT max(id) FROM posts) AS m, (SELECT title FROM posts LIMIT 1)",
        params: &[],
        columns: &[("m", "Int8"), ("title", "Text")],
    },
    Case {
        sql: "SELECT $1::uuid AS \"id!\", $2 AS t, 'lit', 42, 4200000000, 1.5, true, NULL",
        params: &["Uuid", "Text"],
        columns: &[
            ("id!", "Uuid"),
            ("t", "Text"),
            ("?column?", "Text"),
            ("?column?", "Int4"),
            ("?column?", "Int8"),
            ("?column?", "Numeric"),
            ("?column?", "Bool"),
            ("?column?", "Text"),
        ],
    },
    Case {
        sql: "SELECT e.* FROM app.events e JOIN users u ON u.id = $1",
        params: &["Int4"],
        columns: &[
            ("id", "Uuid"),
            ("kind", "Text"),
            ("at", "Timestamp"),
            ("payload", "pair"),
        ],
    },
    Case {
        sql: "SELECT p.id, sum(p.views) OVER (PARTITION BY p.user_id) FROM posts p",
        params: &[],
        columns: &[("id", "Int8"), ("sum", "Int8")],
    },
    Case {
        sql: "SELECT array_agg(name ORDER BY id), array_agg(DISTINCT mood), bool_and(email IS NULL), json_agg(u) FROM users u",
        params: &[],
        columns: &[
            ("array_agg", "TextArray"),
            ("array_agg", "mood[]"),
            ("bool_and", "Bool"),
            ("json_agg", "Json"),
        ],
    },
    Case {
        sql: "SELECT name FROM users INTERSECT SELECT title FROM posts EXCEPT SELECT $1",
        params: &["Text"],
        columns: &[("name", "Text")],
    },
    Case {
        sql: "WITH a AS (SELECT id, name FROM users), b AS (SELECT a.id FROM a WHERE a.name = $1) SELECT a.*, b.id AS bid FROM a LEFT JOIN b USING (id)",
        params: &["Text"],
        columns: &[("id", "Int4"), ("name", "Text"), ("bid", "Int4")],
    },
    Case {
        sql: "SELECT to_char(created_at, 'YYYY'), date_part('hour', created_at), created_at AT TIME ZONE 'UTC', to_timestamp($1) FROM users",
        params: &["Float8"],
        columns: &[
            ("to_char", "Text"),
            ("date_part", "Float8"),
            ("timezone", "Timestamp"),
            ("to_timestamp", "Timestamptz"),
        ],
    },
    Case {
        sql: "SELECT id FROM users ORDER BY created_at DESC FETCH FIRST 3 ROWS ONLY",
        params: &[],
        columns: &[("id", "Int4")],
    },
    Case {
        sql: "MERGE INTO posts p USING users u ON p.user_id = u.id WHEN MATCHED AND u.mood = $1 THEN UPDATE SET title = $2, views = $3 WHEN NOT MATCHED THEN INSERT (user_id, title, published) VALUES (u.id, $4, $5)",
        params: &["mood", "Text", "posint", "Text", "Date"],
        columns: &[],
    },
    Case {
        sql: "SELECT * FROM users JOIN posts USING (id)",
        params: &[],
        columns: &[
            ("id", "Int8"),
            ("name", "Text"),
            ("email", "Varchar"),
            ("mood", "mood"),
            ("created_at", "Timestamptz"),
            ("tags", "TextArray"),
            ("score", "Numeric"),
            ("data", "Jsonb"),
            ("user_id", "Int4"),
            ("title", "Text"),
            ("body", "Text"),
            ("views", "Int4"),
            ("published", "Date"),
            ("meta", "Json"),
        ],
    },
    Case {
        sql: "SELECT * FROM users u FULL JOIN (SELECT id, title FROM posts) p USING (id) WHERE id = $1",
        params: &["Int8"],
        columns: &[
            ("id", "Int8"),
            ("name", "Text"),
            ("email", "Varchar"),
            ("mood", "mood"),
            ("created_at", "Timestamptz"),
            ("tags", "TextArray"),
            ("score", "Numeric"),
            ("data", "Jsonb"),
            ("title", "Text"),
        ],
    },
    Case {
        sql: "SELECT * FROM users NATURAL JOIN (SELECT name, 1 AS x FROM users) n",
        params: &[],
        columns: &[
            ("name", "Text"),
            ("id", "Int4"),
            ("email", "Varchar"),
            ("mood", "mood"),
            ("created_at", "Timestamptz"),
            ("tags", "TextArray"),
            ("score", "Numeric"),
            ("data", "Jsonb"),
            ("x", "Int4"),
        ],
    },
    Case {
        sql: "SELECT id FROM users WHERE ($1::text IS NULL OR name = $1) AND ($2::int IS NULL OR id > $2)",
        params: &["Text", "Int4"],
        columns: &[("id", "Int4")],
    },
    Case {
        sql: "SELECT count(DISTINCT user_id), percentile_cont(0.5) WITHIN GROUP (ORDER BY views), string_agg(DISTINCT title, ',') FROM posts",
        params: &[],
        columns: &[
            ("count", "Int8"),
            ("percentile_cont", "Float8"),
            ("string_agg", "Text"),
        ],
    },
    Case {
        sql: "SELECT e.value, e.value ->> 'k' AS k FROM users u, jsonb_array_elements(u.data) AS e",
        params: &[],
        columns: &[("value", "Jsonb"), ("k", "Text")],
    },
    Case {
        sql: "SELECT u.id, j.elem FROM users u LEFT JOIN LATERAL jsonb_array_elements_text(u.data -> 'tags') AS j(elem) ON true",
        params: &[],
        columns: &[("id", "Int4"), ("elem", "Text")],
    },
    Case {
        sql: "UPDATE posts SET views = v.views FROM (VALUES (1, 10), (2, 20)) AS v(id, views) WHERE posts.id = v.id",
        params: &[],
        columns: &[],
    },
    Case {
        sql: "DELETE FROM posts WHERE id NOT IN (SELECT id FROM posts WHERE user_id = $1) AND title NOT LIKE $2",
        params: &["Int4", "Text"],
        columns: &[],
    },
    Case {
        sql: "SELECT jsonb_build_object('id', id, 'name', name), to_jsonb(u), row_to_json(u), array_length(tags, 1) FROM users u",
        params: &[],
        columns: &[
            ("jsonb_build_object", "Jsonb"),
            ("to_jsonb", "Jsonb"),
            ("row_to_json", "Json"),
            ("array_length", "Int4"),
        ],
    },
    Case {
        sql: "SELECT date_trunc('month', $1::timestamptz), extract(epoch FROM now() - created_at), created_at - interval '1 hour' * $2 FROM users",
        params: &["Timestamptz", "Float8"],
        columns: &[
            ("date_trunc", "Timestamptz"),
            ("extract", "Numeric"),
            ("?column?", "Timestamptz"),
        ],
    },
    Case {
        sql: "SELECT d::date FROM generate_series($1::date, $2::date, '1 day') AS d",
        params: &["Date", "Date"],
        columns: &[("d", "Date")],
    },
    Case {
        sql: "SELECT name ~ $1, name ~* 'x', email ILIKE $2, name SIMILAR TO 'a%' FROM users",
        params: &["Text", "Text"],
        columns: &[
            ("?column?", "Bool"),
            ("?column?", "Bool"),
            ("?column?", "Bool"),
            ("?column?", "Bool"),
        ],
    },
    Case {
        sql: "SELECT id, name FROM users WHERE tags && $1 AND tags @> ARRAY[$2] AND $3 = ANY(tags)",
        params: &["TextArray", "Text", "Text"],
        columns: &[("id", "Int4"), ("name", "Text")],
    },
    Case {
        sql: "SELECT CAST($1 AS TEXT[]), $2::numeric(10,2), 'users'::regclass, ARRAY[]::int[]",
        params: &["TextArray", "Numeric"],
        columns: &[
            ("text", "TextArray"),
            ("numeric", "Numeric"),
            ("regclass", "regclass"),
            ("array", "Int4Array"),
        ],
    },
    Case {
        sql: "INSERT INTO posts (user_id, title) SELECT id, name FROM users WHERE id = $1 RETURNING id, title",
        params: &["Int4"],
        columns: &[("id", "Int8"), ("title", "Text")],
    },
    Case {
        sql: "SELECT user_id, count(*) AS n FROM posts GROUP BY 1 HAVING count(*) > 1 ORDER BY n DESC",
        params: &[],
        columns: &[("user_id", "Int4"), ("n", "Int8")],
    },
    Case {
        sql: "SELECT now()::date - published AS days, current_date - 7, published + 1 FROM posts",
        params: &[],
        columns: &[("days", "Int4"), ("?column?", "Date"), ("?column?", "Date")],
    },
    Case {
        sql: "WITH ins AS (INSERT INTO users (name) VALUES ($1) RETURNING id) INSERT INTO posts (user_id, title) SELECT id, $2 FROM ins RETURNING id",
        params: &["Text", "Text"],
        columns: &[("id", "Int8")],
    },
    Case {
        sql: "SELECT upper(left(name, 1)) || substr(name, 2), trim(both ' ' from name), position('a' in name), split_part(email, '@', 2) FROM users",
        params: &[],
        columns: &[
            ("?column?", "Text"),
            ("btrim", "Text"),
            ("position", "Int4"),
            ("split_part", "Text"),
        ],
    },
    Case {
        sql: "SELECT count(*) FILTER (WHERE mood = 'happy'), avg(score)::float8, round(avg(score), 2), sum(score) / nullif(count(*), 0) FROM users",
        params: &[],
        columns: &[
            ("count", "Int8"),
            ("avg", "Float8"),
            ("round", "Numeric"),
            ("?column?", "Numeric"),
        ],
    },
    Case {
        sql: "SELECT greatest(created_at, $1), least(1, 2.5), coalesce(score, 0) FROM users",
        params: &["Timestamptz"],
        columns: &[
            ("greatest", "Timestamptz"),
            ("least", "Numeric"),
            ("coalesce", "Numeric"),
        ],
    },
    Case {
        sql: "SELECT id FROM users ORDER BY created_at DESC NULLS LAST LIMIT $1",
        params: &["Int8"],
        columns: &[("id", "Int4")],
    },
    Case {
        sql: "SELECT id, sum(views) OVER (PARTITION BY user_id ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM posts",
        params: &[],
        columns: &[("id", "Int8"), ("sum", "Int8")],
    },
    Case {
        sql: "SELECT id, rank() OVER (PARTITION BY user_id = $1 ORDER BY id) FROM posts",
        params: &["Int4"],
        columns: &[("id", "Int8"), ("rank", "Int8")],
    },
    Case {
        sql: "SELECT * FROM users WHERE id = (SELECT user_id FROM posts WHERE id = $1)",
        params: &["Int8"],
        columns: &[
            ("id", "Int4"),
            ("name", "Text"),
            ("email", "Varchar"),
            ("mood", "mood"),
            ("created_at", "Timestamptz"),
            ("tags", "TextArray"),
            ("score", "Numeric"),
            ("data", "Jsonb"),
        ],
    },
    Case {
        sql: "SELECT u.name, (SELECT count(*) FROM posts p WHERE p.user_id = u.id) AS n FROM users u",
        params: &[],
        columns: &[("name", "Text"), ("n", "Int8")],
    },
    Case {
        sql: "SELECT id FROM users WHERE mood = ANY($1::mood[]) OR mood IS NULL",
        params: &["mood[]"],
        columns: &[("id", "Int4")],
    },
    Case {
        sql: "SELECT mood::text, mood = 'happy' AS h FROM users WHERE mood IN ('happy', 'sad')",
        params: &[],
        columns: &[("mood", "Text"), ("h", "Bool")],
    },
    Case {
        sql: "INSERT INTO users (name, mood) VALUES ($1, $2::mood) ON CONFLICT DO NOTHING RETURNING id",
        params: &["Text", "mood"],
        columns: &[("id", "Int4")],
    },
    Case {
        sql: "UPDATE users SET tags = array_append(tags, $1), data = coalesce(data, '{}'::jsonb) || $2 WHERE id = $3",
        params: &["Text", "Jsonb", "Int4"],
        columns: &[],
    },
    Case {
        sql: "UPDATE users SET data = jsonb_set(data, '{a}', to_jsonb($1::text)) WHERE id = $2 RETURNING data",
        params: &["Text", "Int4"],
        columns: &[("data", "Jsonb")],
    },
    Case {
        sql: "SELECT date_trunc('day', created_at) AS day, count(*) FROM users WHERE created_at >= now() - make_interval(days => $1) GROUP BY 1 ORDER BY 1",
        params: &["Int4"],
        columns: &[("day", "Timestamptz"), ("count", "Int8")],
    },
    Case {
        sql: "SELECT id, name FROM users WHERE name ILIKE '%' || $1 || '%' LIMIT 10",
        params: &["Text"],
        columns: &[("id", "Int4"), ("name", "Text")],
    },
    Case {
        sql: "SELECT t.id, t.cnt FROM (SELECT user_id AS id, count(*) AS cnt FROM posts GROUP BY user_id) t WHERE t.cnt > $1",
        params: &["Int8"],
        columns: &[("id", "Int4"), ("cnt", "Int8")],
    },
    Case {
        sql: "SELECT COALESCE(SUM(views), 0) AS total, MAX(published) AS last FROM posts WHERE user_id = $1",
        params: &["Int4"],
        columns: &[("total", "Int8"), ("last", "Date")],
    },
    Case {
        sql: "SELECT p.*, u.name AS author FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = $1",
        params: &["Int8"],
        columns: &[
            ("id", "Int8"),
            ("user_id", "Int4"),
            ("title", "Text"),
            ("body", "Text"),
            ("views", "Int4"),
            ("published", "Date"),
            ("meta", "Json"),
            ("author", "Text"),
        ],
    },
    Case {
        sql: "SELECT EXISTS (SELECT 1 FROM users WHERE email = $1) AS \"exists!\"",
        params: &["Text"],
        columns: &[("exists!", "Bool")],
    },
    Case {
        sql: "SELECT id, CASE WHEN score IS NULL THEN 'n/a' ELSE score::text END AS s FROM users",
        params: &[],
        columns: &[("id", "Int4"), ("s", "Text")],
    },
    Case {
        sql: "SELECT unnest(tags) AS tag, count(*) FROM users GROUP BY tag",
        params: &[],
        columns: &[("tag", "Text"), ("count", "Int8")],
    },
    Case {
        sql: "DELETE FROM users WHERE created_at < $1 RETURNING id, name",
        params: &["Timestamptz"],
        columns: &[("id", "Int4"), ("name", "Text")],
    },
    Case {
        sql: "SELECT $1::int + 1, $2::bigint * 2, -$3::float8, $4::text || 'x'",
        params: &["Int4", "Int8", "Float8", "Text"],
        columns: &[
            ("?column?", "Int4"),
            ("?column?", "Int8"),
            ("?column?", "Float8"),
            ("?column?", "Text"),
        ],
    },
    Case {
        sql: "SELECT array_agg(DISTINCT p.user_id) FILTER (WHERE p.views > 10) FROM posts p",
        params: &[],
        columns: &[("array_agg", "Int4Array")],
    },
];

#[test]
fn names_types_and_parameters_match_postgres() {
    let schema = schema();
    let mut failures = Vec::new();
    for case in CASES {
        let d = match describe(&schema, case.sql) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{}: error {e}", case.sql));
                continue;
            }
        };
        let params: Vec<String> = d
            .parameters
            .iter()
            .map(|t| type_info(&schema, t).to_string())
            .collect();
        let columns: Vec<(String, String)> = d
            .columns
            .iter()
            .map(|c| (c.name.clone(), type_info(&schema, &c.ty).to_string()))
            .collect();
        let want_cols: Vec<(String, String)> = case
            .columns
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        if params != case.params || columns != want_cols {
            failures.push(format!(
                "{}\n   ours:   {params:?} {columns:?}\n   server: {:?} {want_cols:?}",
                case.sql, case.params
            ));
        }
    }
    println!(
        "{}/{} constructs match",
        CASES.len() - failures.len(),
        CASES.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn nullability(sql: &str) -> Vec<(String, Option<bool>)> {
    let d = describe(&schema(), sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    d.columns
        .into_iter()
        .map(|c| (c.name, c.nullable))
        .collect()
}

fn nulls(sql: &str) -> Vec<bool> {
    nullability(sql)
        .into_iter()
        .map(|(n, v)| v.unwrap_or_else(|| panic!("{n}: undecided")))
        .collect()
}

#[test]
fn outer_joins_make_the_optional_side_nullable_whatever_the_order() {
    // users.id and posts.title are NOT NULL columns; only the outer side may be null.
    let q = "SELECT u.id, p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id";
    assert_eq!(nulls(q), [false, true]);
    let q = "SELECT u.id, p.title FROM posts p RIGHT JOIN users u ON p.user_id = u.id";
    assert_eq!(nulls(q), [false, true]);
    let q = "SELECT u.id, p.title FROM users u FULL JOIN posts p ON p.user_id = u.id";
    assert_eq!(nulls(q), [true, true]);
    // a nested inner join on the optional side is optional as a whole
    let q = "SELECT u.id, p.id, e.kind FROM users u LEFT JOIN (posts p JOIN app.events e ON true) ON p.user_id = u.id";
    assert_eq!(nulls(q), [false, true, true]);
    // ORDER BY and LIMIT above a join change nothing
    let q = "SELECT u.name, p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id ORDER BY p.title LIMIT 1";
    assert_eq!(nulls(q), [false, true]);
    // through a subquery and a CTE
    let q = "WITH x AS (SELECT u.id, p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id) SELECT * FROM x";
    assert_eq!(nulls(q), [false, true]);
    let q = "SELECT s.title FROM users u LEFT JOIN (SELECT user_id, title FROM posts) s ON s.user_id = u.id";
    assert_eq!(nulls(q), [true]);
    // the whole row of an optional side
    let q = "SELECT u, p FROM users u LEFT JOIN posts p ON p.user_id = u.id";
    assert_eq!(nulls(q), [false, true]);
}

#[test]
fn expressions_aggregates_and_windows() {
    assert_eq!(
        nulls("SELECT count(*), count(email), max(id), sum(id), bool_and(true) FROM users"),
        [false, false, true, true, true]
    );
    assert_eq!(
        nulls(
            "SELECT coalesce(email, name), coalesce(email, 'x'), coalesce(email, $1), coalesce(email, NULL) FROM users"
        ),
        [false, false, true, true]
    );
    assert_eq!(
        nulls(
            "SELECT row_number() OVER (), rank() OVER (), lag(id) OVER (), lead(id) OVER (), first_value(id) OVER () FROM users"
        ),
        [false, false, true, true, true]
    );
    assert_eq!(
        nulls(
            "SELECT (SELECT id FROM users LIMIT 1), EXISTS (SELECT 1 FROM users), 1, 'a', NULL, $1::int, now()"
        ),
        [true, false, false, false, true, true, false]
    );
    assert_eq!(
        nulls(
            "SELECT id + 1, email || 'x', name || 'x', data -> 'a', lower(name), lower(email) FROM users"
        ),
        [false, true, false, true, false, true]
    );
    assert_eq!(
        nulls(
            "SELECT CASE WHEN id > 0 THEN 1 END, CASE WHEN id > 0 THEN 1 ELSE 2 END, CASE WHEN id > 0 THEN email ELSE name END FROM users"
        ),
        [true, false, true]
    );
}

#[test]
fn grouping_sets_make_grouped_columns_nullable() {
    let q = "SELECT user_id, published, count(*) FROM posts GROUP BY ROLLUP (user_id, published)";
    assert_eq!(nulls(q), [true, true, false]);
    let q = "SELECT user_id, count(*) FROM posts GROUP BY CUBE (user_id)";
    assert_eq!(nulls(q), [true, false]);
    let q = "SELECT user_id, count(*) FROM posts GROUP BY GROUPING SETS ((user_id), ())";
    assert_eq!(nulls(q), [true, false]);
    let q = "SELECT user_id, count(*) FROM posts GROUP BY user_id";
    assert_eq!(nulls(q), [false, false]);
}

#[test]
fn data_modifying_statements() {
    let q = "INSERT INTO users (name) VALUES ($1) RETURNING id, name, email";
    assert_eq!(nulls(q), [false, false, true]);
    let q = "WITH d AS (DELETE FROM posts RETURNING user_id, body) SELECT d.user_id, d.body FROM d";
    assert_eq!(nulls(q), [false, true]);
    // a domain NOT NULL column can never hold NULL, and is reported as its base type
    let d = describe(&schema(), "SELECT views FROM posts").expect("describe");
    assert_eq!(d.columns[0].nullable, Some(false));
    assert_eq!(type_info(&schema(), &d.columns[0].ty).to_string(), "Int4");
    // ... while an INSERT parameter keeps the domain
    let d = describe(
        &schema(),
        "INSERT INTO posts (user_id, title, views) VALUES (1, 't', $1)",
    )
    .expect("describe");
    assert_eq!(
        type_info(&schema(), &d.parameters[0]),
        TypeInfo::Custom(CustomType {
            name: "posint".into(),
            kind: TypeKind::Domain(Box::new(TypeInfo::builtin("Int4")))
        })
    );
}

#[test]
fn custom_type_infos_have_sqlx_shape() {
    let s = schema();
    let d = describe(
        &s,
        "SELECT mood, payload, ARRAY[mood] FROM users, app.events",
    )
    .expect("describe");
    let tis: Vec<TypeInfo> = d.columns.iter().map(|c| type_info(&s, &c.ty)).collect();
    let mood = TypeInfo::Custom(CustomType {
        name: "mood".into(),
        kind: TypeKind::Enum(vec!["happy".into(), "sad".into()]),
    });
    assert_eq!(tis[0], mood);
    assert_eq!(
        tis[1],
        TypeInfo::Custom(CustomType {
            name: "pair".into(),
            kind: TypeKind::Composite(vec![
                ("k".into(), TypeInfo::builtin("Text")),
                ("v".into(), TypeInfo::builtin("Int4"))
            ])
        })
    );
    assert_eq!(
        tis[2],
        TypeInfo::Custom(CustomType {
            name: "mood[]".into(),
            kind: TypeKind::Array(Box::new(mood))
        })
    );
    // origins: table columns (qualified outside the search path), expressions none
    let d = describe(
        &s,
        "SELECT e.kind, u.name, 1 AS one FROM app.events e, users u",
    )
    .expect("describe");
    let off = d.to_offline_with(&s, Nullability::Sqlx);
    let json = serde_json::to_string(&off.to_json()).expect("json");
    assert!(
        json.contains(r#""origin":{"Table":{"table":"app.events","name":"kind"}}"#),
        "{json}"
    );
    assert!(
        json.contains(r#""origin":{"Table":{"table":"users","name":"name"}}"#),
        "{json}"
    );
    assert!(json.contains(r#""origin":"Expression""#), "{json}");
    assert_eq!(off.nullable, [Some(false), Some(false), None]);
}

fn error(sql: &str) -> String {
    match describe(&schema(), sql) {
        Ok(d) => panic!("{sql}: described as {d:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn errors_a_server_would_raise_with_positions() {
    assert_eq!(
        error("SELECT id FROM userz"),
        "1:16: relation \"userz\" does not exist (hint: Perhaps you meant to reference the table \"users\".)"
    );
    assert_eq!(
        error("SELECT nme FROM users"),
        "1:8: column \"nme\" does not exist (hint: Perhaps you meant to reference the column \"users.name\".)"
    );
    assert_eq!(
        error("SELECT u.nme FROM users u"),
        "1:8: column u.nme does not exist (hint: Perhaps you meant to reference the column \"u.name\".)"
    );
    assert_eq!(
        error("SELECT id FROM users, posts"),
        "1:8: column reference \"id\" is ambiguous"
    );
    assert!(
        error("SELECT id FROM users WHERE id = name")
            .starts_with("1:31: operator does not exist: integer = text"),
    );
    assert_eq!(
        error("SELECT $2::int"),
        "1:1: could not determine data type of parameter $1"
    );
    // psql -c 'SELECT FROM WHERE': syntax error at or near "WHERE" (the token as written)
    assert_eq!(
        error("SELECT FROM WHERE"),
        "1:13: syntax error at or near \"WHERE\""
    );
    assert_eq!(
        error("SELECT id\nFROM users\nWHERE x.id = 1"),
        "3:7: missing FROM-clause entry for table \"x\""
    );
    assert!(
        error("INSERT INTO users (nam) VALUES (1)")
            .starts_with("1:20: column \"nam\" of relation \"users\" does not exist")
    );
    assert!(error("SELECT row_number() FROM users").contains("requires an OVER clause"));
    // PostgreSQL 15's own wording and positions for these
    assert_eq!(
        error("INSERT INTO users (name, email) VALUES ($1)"),
        "1:26: INSERT has more target columns than expressions"
    );
    assert_eq!(
        error("INSERT INTO users (name) VALUES ($1, $2)"),
        "1:38: INSERT has more expressions than target columns"
    );
    assert!(
        error("SELECT 1 FROM users WHERE id = $1 AND name = $1")
            .starts_with("1:44: operator does not exist: text = integer")
    );
}

#[test]
fn utility_statements_describe_as_empty() {
    for q in [
        "SET LOCAL search_path TO app",
        "ALTER TABLE users ADD COLUMN x int",
        "create schema if not exists s;",
    ] {
        let d = describe(&schema(), q).expect(q);
        assert!(d.columns.is_empty() && d.parameters.is_empty(), "{q}");
    }
}

/// Every construct that needs a boolean refuses other types as PostgreSQL 15 does: the
/// construct's name, the argument's position, the type as written (a domain by its name).
#[test]
fn non_boolean_conditions_are_refused_like_the_server() {
    // (query, PostgreSQL 15's error with its position), from psql against the same tables
    let cases = [
        (
            "SELECT 1 FROM users WHERE mood",
            "1:27: argument of WHERE must be type boolean, not type mood",
        ),
        (
            "SELECT 1 FROM users WHERE id = 1 AND name",
            "1:38: argument of AND must be type boolean, not type text",
        ),
        (
            "SELECT 1 FROM users WHERE tags OR true",
            "1:27: argument of OR must be type boolean, not type text[]",
        ),
        (
            "SELECT NOT score FROM users",
            "1:12: argument of NOT must be type boolean, not type numeric",
        ),
        (
            "SELECT 1 FROM users u JOIN posts p ON p.id",
            "1:39: argument of JOIN/ON must be type boolean, not type bigint",
        ),
        (
            "SELECT count(*) FILTER (WHERE id) FROM users",
            "1:31: argument of FILTER must be type boolean, not type integer",
        ),
        (
            "SELECT CASE WHEN name THEN 1 END FROM users",
            "1:18: argument of CASE/WHEN must be type boolean, not type text",
        ),
        (
            "SELECT 1 FROM users GROUP BY id HAVING id",
            "1:40: argument of HAVING must be type boolean, not type integer",
        ),
        (
            "UPDATE users SET name = 'x' WHERE data",
            "1:35: argument of WHERE must be type boolean, not type jsonb",
        ),
        (
            "DELETE FROM users WHERE created_at",
            "1:25: argument of WHERE must be type boolean, not type timestamp with time zone",
        ),
        (
            "SELECT 1 FROM posts WHERE views",
            "1:27: argument of WHERE must be type boolean, not type posint",
        ),
        (
            "SELECT 1 FROM app.events WHERE payload",
            "1:32: argument of WHERE must be type boolean, not type pair",
        ),
        (
            "SELECT 1 FROM users WHERE id + 1",
            "1:27: argument of WHERE must be type boolean, not type integer",
        ),
        (
            "SELECT 1 FROM users WHERE name::text",
            "1:27: argument of WHERE must be type boolean, not type text",
        ),
    ];
    let schema = schema();
    let cases: Vec<(&str, Option<String>)> = cases
        .into_iter()
        .map(|(sql, e)| (sql, Some(e.to_string())))
        .collect();
    expect_answers(&schema, &cases);
    // Parameters and untyped literals become boolean.
    let d = describe(
        &schema,
        "SELECT id FROM users WHERE $1 AND 'true' AND NULL AND NOT $2",
    )
    .expect("describes");
    let params: Vec<String> = d
        .parameters
        .iter()
        .map(|t| type_info(&schema, t).to_string())
        .collect();
    assert_eq!(params, ["Bool", "Bool"]);
}

/// Types in messages are spelled as `format_type` does: quoted when needed, qualified when
/// their schema is not on the search path (PostgreSQL 15's answers for the same schema).
#[test]
fn user_types_in_messages_are_quoted_and_qualified_like_format_type() {
    let catalog = r#"{"relations": {"public.t": {"kind": "table", "columns": [
        {"name": "m", "type": "\"Mood\"", "typname": "Mood", "not_null": false},
        {"name": "s", "type": "app.status", "typname": "status", "not_null": false},
        {"name": "o", "type": "app.\"Odd\"", "typname": "Odd", "not_null": false}]}},
      "enums": {"public.Mood": ["a"], "app.status": ["x"], "app.Odd": ["y"]}}"#;
    let schema =
        Schema::from_catalog_json(&serde_json::from_str(catalog).expect("json")).expect("schema");
    let error = |sql: &str| match describe(&schema, sql) {
        Ok(d) => panic!("{sql}: described as {d:?}"),
        Err(e) => e.to_string(),
    };
    let cases = [
        (
            "SELECT 1 FROM t WHERE m = 1",
            "1:25: operator does not exist: \"Mood\" = integer",
        ),
        (
            "SELECT 1 FROM t WHERE s = 1",
            "1:25: operator does not exist: app.status = integer",
        ),
        (
            "SELECT 1 FROM t WHERE o = 1",
            "1:25: operator does not exist: app.\"Odd\" = integer",
        ),
        (
            "SELECT 1 FROM t WHERE NOT m",
            "1:27: argument of NOT must be type boolean, not type \"Mood\"",
        ),
        (
            "SELECT lower(m) FROM t",
            "1:8: function lower(\"Mood\") does not exist",
        ),
    ];
    for (sql, expected) in cases {
        let got = error(sql);
        assert!(
            got.starts_with(expected),
            "{sql}\n  got:      {got}\n  expected: {expected}"
        );
    }
}

/// Column origins are spelled as `regclass` prints the relation (what sqlx writes into
/// `.sqlx` files): quoted where needed, qualified outside the search path. A view over such
/// relations keeps its source columns' type modifiers. Expected values are PostgreSQL 15's
/// (`'"user"'::regclass::text`, `format_type` of the view's columns).
#[test]
fn origins_are_spelled_like_regclass() {
    use chatbi_db_core::catalog::Catalog;
    use chatbi_db_core::describe::AnalyserTyper;
    let mut catalog = Catalog::new();
    catalog
        .replay_sql_with(
            "0001.sql",
            "CREATE TABLE \"user\" (id int NOT NULL, name varchar(20));\n\
             CREATE SCHEMA app;\n\
             CREATE TABLE app.\"Order\" (id int, \"Total\" numeric(10,2));\n\
             CREATE VIEW v AS SELECT u.name, o.\"Total\" FROM \"user\" u, app.\"Order\" o;\n",
            &AnalyserTyper,
        )
        .expect("replay");
    let schema = Schema::from_catalog(&catalog);
    let d = describe(
        &schema,
        "SELECT u.id, o.\"Total\" FROM \"user\" u JOIN app.\"Order\" o ON o.id = u.id",
    )
    .expect("describes");
    let origins: Vec<Option<(String, String)>> =
        d.columns.iter().map(|c| c.origin.clone()).collect();
    assert_eq!(
        origins,
        [
            Some(("\"user\"".to_string(), "id".to_string())),
            Some(("app.\"Order\"".to_string(), "Total".to_string())),
        ]
    );
    let view = catalog.relation("public", "v").expect("view v");
    let types: Vec<String> = view
        .columns
        .iter()
        .map(|c| catalog.format_type(&c.ty))
        .collect();
    assert_eq!(types, ["character varying(20)", "numeric(10,2)"]);
}

/// Grouped queries: columns outside aggregates must be grouped or depend on a grouped primary
/// key, and aggregates stay out of WHERE and JOIN conditions. Expected answers are PostgreSQL
/// 15's for the same tables (`None`: the server accepts the query).
#[test]
fn grouping_rules_match_the_server() {
    use chatbi_db_core::catalog::Catalog;
    use chatbi_db_core::describe::AnalyserTyper;
    let mut catalog = Catalog::new();
    catalog
        .replay_sql_with(
            "0001.sql",
            "CREATE TYPE mood AS ENUM ('happy', 'sad');\n\
             CREATE TABLE users (id integer NOT NULL PRIMARY KEY, name text NOT NULL, \
               email varchar(100), mood mood, score numeric(10,2));\n\
             CREATE TABLE posts (id bigint NOT NULL, user_id int NOT NULL, title text NOT NULL, \
               body text);\n",
            &AnalyserTyper,
        )
        .expect("replay");
    let schema = Schema::from_catalog(&catalog);
    let must = "must appear in the GROUP BY clause or be used in an aggregate function";
    let cases: Vec<(&str, Option<String>)> = vec![
        (
            "SELECT id, count(*) FROM users",
            Some(format!("1:8: column \"users.id\" {must}")),
        ),
        (
            "SELECT u.name, count(*) FROM users u GROUP BY u.email",
            Some(format!("1:8: column \"u.name\" {must}")),
        ),
        (
            "SELECT count(*) OVER (), id FROM users GROUP BY name",
            Some(format!("1:26: column \"users.id\" {must}")),
        ),
        (
            "SELECT id FROM users HAVING id > 1",
            Some(format!("1:8: column \"users.id\" {must}")),
        ),
        (
            "SELECT title FROM posts GROUP BY user_id",
            Some(format!("1:8: column \"posts.title\" {must}")),
        ),
        (
            "SELECT p.title, u.name FROM posts p JOIN users u ON u.id = p.user_id GROUP BY u.id",
            Some(format!("1:8: column \"p.title\" {must}")),
        ),
        (
            "SELECT name FROM users GROUP BY 1 ORDER BY email",
            Some(format!("1:44: column \"users.email\" {must}")),
        ),
        (
            "SELECT id FROM users WHERE count(*) > 1",
            Some("1:28: aggregate functions are not allowed in WHERE".into()),
        ),
        (
            "UPDATE users SET name = 'x' WHERE max(id) > 1",
            Some("1:35: aggregate functions are not allowed in WHERE".into()),
        ),
        (
            "SELECT max(count(*)) FROM users",
            Some("1:12: aggregate function calls cannot be nested".into()),
        ),
        (
            "SELECT 1 FROM users u JOIN posts p ON count(*) > 0",
            Some("1:39: aggregate functions are not allowed in JOIN conditions".into()),
        ),
        (
            "SELECT id FROM users WHERE row_number() OVER () > 1",
            Some("1:28: window functions are not allowed in WHERE".into()),
        ),
        ("SELECT name, count(*) FROM users GROUP BY id", None),
        (
            "SELECT u.n, count(*) FROM users AS u(i, n) GROUP BY u.i",
            None,
        ),
        (
            "SELECT s.name FROM (SELECT id, name FROM users) s GROUP BY s.id",
            Some(format!("1:8: column \"s.name\" {must}")),
        ),
        (
            "SELECT u.name, count(p.*) FROM users u LEFT JOIN posts p ON p.user_id = u.id GROUP BY u.id",
            None,
        ),
        ("SELECT name AS n, count(*) FROM users GROUP BY n", None),
        ("SELECT name, count(*) FROM users GROUP BY 1", None),
        (
            "SELECT lower(name), count(*) FROM users GROUP BY lower(name)",
            None,
        ),
        ("SELECT count(*) FROM users", None),
        (
            "SELECT (SELECT count(*) FROM posts p WHERE p.user_id = u.id) FROM users u",
            None,
        ),
        (
            "SELECT id FROM users WHERE id IN (SELECT max(user_id) FROM posts)",
            None,
        ),
        (
            "SELECT user_id, count(*) FILTER (WHERE title <> '') FROM posts GROUP BY user_id",
            None,
        ),
        (
            "SELECT user_id, string_agg(title, ',' ORDER BY body) FROM posts GROUP BY user_id",
            None,
        ),
        (
            "SELECT id, sum(score) OVER (PARTITION BY mood) FROM users",
            None,
        ),
        ("SELECT u.*, count(*) FROM users u GROUP BY u.id", None),
        (
            "SELECT user_id, count(*) FROM posts GROUP BY user_id HAVING count(*) > 1 ORDER BY count(*) DESC",
            None,
        ),
        (
            "SELECT mood, count(*) FROM users GROUP BY mood UNION ALL SELECT mood, 1 FROM users",
            None,
        ),
    ];
    expect_answers(&schema, &cases);
}

/// Checks each query's answer: `None` described, `Some(e)` an error starting with `e` (the
/// server's message with its position; our hint may follow).
fn expect_answers(schema: &Schema, cases: &[(&str, Option<String>)]) {
    let mut wrong = Vec::new();
    for (sql, expected) in cases {
        let got = describe(schema, sql).err().map(|e| e.to_string());
        let ok = match (&got, expected) {
            (None, None) => true,
            (Some(g), Some(e)) => g.starts_with(e.as_str()),
            _ => false,
        };
        if !ok {
            wrong.push(format!(
                "{sql}\n  got:      {got:?}\n  expected: {expected:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Positions in ORDER BY / GROUP BY / DISTINCT ON, duplicate INSERT columns, USING columns,
/// and the type unification of CASE, COALESCE, GREATEST and ARRAY, as PostgreSQL 15 reports
/// them (`None`: the server accepts the query).
#[test]
fn positions_duplicates_and_unification_match_the_server() {
    let cases: &[(&str, Option<&str>)] = &[
        (
            "SELECT id FROM users ORDER BY 5",
            Some("1:31: ORDER BY position 5 is not in select list"),
        ),
        (
            "SELECT id FROM users ORDER BY 0",
            Some("1:31: ORDER BY position 0 is not in select list"),
        ),
        (
            "SELECT id, count(*) FROM users GROUP BY 3",
            Some("1:41: GROUP BY position 3 is not in select list"),
        ),
        (
            "SELECT DISTINCT ON (3) id FROM users",
            Some("1:21: DISTINCT ON position 3 is not in select list"),
        ),
        (
            "INSERT INTO users (id, name, id) VALUES (1, 'a', 2)",
            Some("1:30: column \"id\" specified more than once"),
        ),
        (
            "SELECT 1 FROM users u JOIN posts p USING (nope)",
            Some("1:1: column \"nope\" specified in USING clause does not exist in left table"),
        ),
        (
            "SELECT 1 FROM users u JOIN posts p USING (name)",
            Some("1:1: column \"name\" specified in USING clause does not exist in right table"),
        ),
        (
            "SELECT coalesce(id, name) FROM users",
            Some("1:21: COALESCE types integer and text cannot be matched"),
        ),
        (
            "SELECT greatest(id, name) FROM users",
            Some("1:21: GREATEST types integer and text cannot be matched"),
        ),
        (
            "SELECT coalesce(id, mood) FROM users",
            Some("1:21: COALESCE types integer and mood cannot be matched"),
        ),
        (
            "SELECT CASE WHEN true THEN 1 ELSE 'x'::text END",
            Some("1:28: CASE types text and integer cannot be matched"),
        ),
        (
            "SELECT CASE WHEN true THEN 1 WHEN false THEN 'x'::text END",
            Some("1:46: CASE types integer and text cannot be matched"),
        ),
        (
            "SELECT ARRAY[1, 'x'::text]",
            Some("1:17: ARRAY types integer and text cannot be matched"),
        ),
        (
            "SELECT CASE WHEN true THEN 1 ELSE 2.5 END, coalesce(score, 0), ARRAY[1, 2.5], coalesce(mood, 'happy'), greatest(1, 2.5, NULL) FROM users",
            None,
        ),
        ("SELECT id FROM users ORDER BY 1", None),
        (
            "SELECT DISTINCT id FROM users ORDER BY name",
            Some("1:40: for SELECT DISTINCT, ORDER BY expressions must appear in select list"),
        ),
        (
            "UPDATE users SET id = 'a'::text",
            Some("1:23: column \"id\" is of type integer but expression is of type text"),
        ),
        (
            "UPDATE users SET score = true",
            Some("1:26: column \"score\" is of type numeric but expression is of type boolean"),
        ),
        (
            "UPDATE users SET mood = 'happy'::text",
            Some("1:25: column \"mood\" is of type mood but expression is of type text"),
        ),
        (
            "SELECT id FROM users WHERE mood IN ('happy', 'angry')",
            Some("1:46: invalid input value for enum mood: \"angry\""),
        ),
        (
            "INSERT INTO users (id, name, mood) VALUES (1, 'a', 'angry')",
            Some("1:52: invalid input value for enum mood: \"angry\""),
        ),
        (
            "SELECT id FROM users WHERE id = '99999999999'",
            Some("1:33: value \"99999999999\" is out of range for type integer"),
        ),
        (
            "SELECT id FROM users WHERE id = 'abc'",
            Some("1:33: invalid input syntax for type integer: \"abc\""),
        ),
        (
            "SELECT id FROM users WHERE id = ' 12 ' OR id = '+7' OR score = '1.5e3' OR mood = 'sad'",
            None,
        ),
        (
            "SELECT name, count(*) FROM users GROUP BY 1 ORDER BY 2 DESC",
            None,
        ),
    ];
    let cases: Vec<(&str, Option<String>)> = cases
        .iter()
        .map(|(sql, e)| (*sql, e.map(str::to_string)))
        .collect();
    expect_answers(&schema(), &cases);
}
