//! What the replay does not model never stops it: a note at the statement, the objects it
//! touches marked as not fully known, errors only for what the server would not read; a
//! strict replay turns those notes into errors. Extensions the replay does not know, or that
//! a project creates outside its migrations, are opaque.

use chatbi_db_core::catalog::{
    Catalog, ErrorKind, NoteKind, ObjectKind, ReplayOptions, SimpleTyper,
};

fn notes_of(sql: &str) -> (Catalog, Vec<String>) {
    let mut cat = Catalog::new();
    let notes = cat.replay_sql("m.sql", sql).expect("replays");
    (cat, notes.iter().map(|n| n.to_string()).collect())
}

fn strict(sql: &str) -> chatbi_db_core::catalog::CatalogError {
    let mut cat = Catalog::new();
    let options = ReplayOptions { strict: true };
    cat.replay_sql_with_options("m.sql", sql, &SimpleTyper, options)
        .expect_err("a strict replay refuses what it does not model")
}

/// psql, PostgreSQL 15: `frobnicate the database;`
/// `ERROR:  syntax error at or near "frobnicate"` / `LINE 1: frobnicate the database;` (caret
/// under the first character).
#[test]
fn what_the_server_cannot_read_is_a_syntax_error() {
    let mut cat = Catalog::new();
    let e = cat
        .replay_sql(
            "m.sql",
            "create table t (id int);\nfrobnicate the database;",
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::SyntaxError);
    assert_eq!(e.message, "syntax error at or near \"frobnicate\"");
    assert_eq!((e.position.line, e.position.column), (2, 1));
}

/// psql, PostgreSQL 15: `create table t (id int); alter table t add column x int frobnicate;`
/// `ERROR:  syntax error at or near "frobnicate"` (caret under `frobnicate`).
#[test]
fn a_syntax_error_inside_a_statement_points_at_the_token() {
    let mut cat = Catalog::new();
    let e = cat
        .replay_sql(
            "m.sql",
            "create table t (id int);\nalter table t add column x int frobnicate;",
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::SyntaxError);
    assert_eq!(e.message, "syntax error at or near \"frobnicate\"");
    assert_eq!((e.position.line, e.position.column), (2, 32));
}

#[test]
fn a_statement_not_modelled_is_a_note_and_marks_its_objects() {
    let sql = "create foreign table ft (id int) server s;\n\
               alter table ft add column y int;\n\
               create table t (id int);\n\
               create view v as select id from t;";
    let (cat, notes) = notes_of(sql);
    assert!(
        notes[0].starts_with("m.sql:1:1: note: CREATE FOREIGN TABLE is not modelled"),
        "{notes:?}"
    );
    // the ALTER of an object the catalog does not know is not modelled either, not an error
    assert!(
        notes[1].starts_with("m.sql:2:1: note: statement not replayed"),
        "{notes:?}"
    );
    assert!(
        notes[1].contains("relation \"public.ft\" is not fully known"),
        "{notes:?}"
    );
    let u = cat.unknown_relation(None, "ft").expect("ft is marked");
    assert_eq!(u.kind, ObjectKind::Relation);
    assert_eq!((u.position.line, u.position.column), (1, 1));
    assert!(cat.relation("public", "ft").is_none());
    // objects the statement does not touch stay fully known
    assert!(cat.unknown_relation(None, "t").is_none());
    assert!(cat.unknown_relation(None, "v").is_none());
    assert!(!cat.is_fully_known());
}

#[test]
fn strict_turns_notes_into_errors() {
    let e = strict("create table t (id int);\ncreate foreign table ft (id int) server s;");
    assert_eq!(e.kind, ErrorKind::NotModelled);
    assert_eq!((e.position.line, e.position.column), (2, 1));
    let e = strict("do $$ begin for i in 1..3 loop execute 'select 1'; end loop; end $$;");
    assert_eq!(e.kind, ErrorKind::NotModelled);
    // the server's own notices are not errors, even when strict
    let mut cat = Catalog::new();
    let options = ReplayOptions { strict: true };
    let notes = cat
        .replay_sql_with_options("m.sql", "drop table if exists nope;", &SimpleTyper, options)
        .unwrap();
    assert_eq!(notes[0].kind, NoteKind::Notice);
}

#[test]
fn a_view_that_cannot_be_typed_is_marked() {
    let (cat, notes) = notes_of(
        "create table t (data jsonb);\ncreate view v as select data #>> '{}' as s from t;",
    );
    assert!(
        notes[0].contains("view \"v\" created without columns"),
        "{notes:?}"
    );
    let u = cat
        .unknown_relation(Some("public"), "v")
        .expect("v is marked");
    assert_eq!(u.position.line, 2);
    // a later definition the replay can type makes it known again
    let mut cat = cat;
    cat.replay_sql("m2.sql", "create or replace view v as select data from t;")
        .unwrap();
    assert!(cat.unknown_relation(None, "v").is_none());
}

#[test]
fn loops_in_do_blocks_mark_the_tables_they_alter() {
    let (cat, notes) = notes_of(
        "create table t (id int);\n\
         do $$ begin for i in 1..3 loop alter table t add column x int; end loop; end $$;",
    );
    assert!(
        notes.iter().any(|n| n.contains("loop not replayed")),
        "{notes:?}"
    );
    assert!(cat.unknown_relation(None, "t").is_some());
}

#[test]
fn unknown_extensions_are_opaque() {
    let (cat, notes) =
        notes_of("create extension postgis;\ncreate table g (id int, p geometry, ps geometry[]);");
    assert!(
        notes[0].contains("extension \"postgis\" is recorded but its objects are not modelled")
    );
    let g = cat.relation("public", "g").unwrap();
    assert_eq!(g.columns[1].ty.name, "geometry");
    assert_eq!(g.columns[1].ty.schema, "public");
    assert_eq!(g.columns[2].ty.array_dims, 1);
    let u = cat.unknown_type(None, "geometry").expect("opaque type");
    assert_eq!(u.kind, ObjectKind::Extension);
    assert!(cat.unknown_relation(None, "g").is_none());
    // without the extension, a missing type stays the server's error
    let mut cat = Catalog::new();
    let e = cat
        .replay_sql("m.sql", "create table g (p geometry);")
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::UndefinedObject);
}

/// chirpstack creates `pg_trgm` and `hstore` in a container init script, outside its
/// migrations, and its migrations use `gin_trgm_ops`.
#[test]
fn contrib_extensions_created_outside_the_migrations_are_assumed() {
    let (cat, notes) = notes_of(
        "create table t (name text, tags hstore);\n\
         create index t_name on t using gin (name gin_trgm_ops);",
    );
    assert!(
        notes[0].contains("type \"hstore\" belongs to extension \"hstore\""),
        "{notes:?}"
    );
    assert!(notes[1].contains("operator class \"gin_trgm_ops\" belongs to extension \"pg_trgm\""));
    let exts: Vec<&str> = cat.extensions().map(|e| e.name.as_str()).collect();
    assert_eq!(exts, ["hstore", "pg_trgm", "plpgsql"]);
    let t = cat.relation("public", "t").unwrap();
    assert_eq!(t.columns[1].ty.format(&["public".into()]), "hstore");
    let e = strict("create table t (tags hstore);");
    assert_eq!(e.kind, ErrorKind::NotModelled);
}

/// psql, PostgreSQL 15:
/// `create domain d as int; create table t (a int default null, b varchar(5) default null,
///  c varchar default null, e numeric(5,2) default null, f d default null, i int[] default null,
///  j char default null); alter table t add column k varchar(3) default null;`
/// `select attname, atthasdef from pg_attribute where attrelid = 't'::regclass and attnum > 0`
/// gives a f, b t, c f, e t, f t, i f, j t, k t.
#[test]
fn a_null_default_is_stored_when_coercing_it_takes_a_call() {
    let (cat, _) = notes_of(
        "create domain d as int;\n\
         create table t (a int default null, b varchar(5) default null, c varchar default null,\n\
           e numeric(5,2) default null, f d default null, i int[] default null, j char default null);\n\
         alter table t add column k varchar(3) default null;",
    );
    let t = cat.relation("public", "t").unwrap();
    let has: Vec<(&str, bool)> = t
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.default.is_some()))
        .collect();
    assert_eq!(
        has,
        [
            ("a", false),
            ("b", true),
            ("c", false),
            ("e", true),
            ("f", true),
            ("i", false),
            ("j", true),
            ("k", true)
        ]
    );
}
