//! Replay errors: one test per kind, each showing the message and where it points.

use chatbi_db_core::catalog::{Catalog, CatalogError, ErrorKind};

/// Replays `setup` (must succeed), then `sql` as file `m.sql`, which must fail.
fn err(setup: &str, sql: &str) -> CatalogError {
    let mut cat = Catalog::new();
    cat.replay_sql("setup.sql", setup).expect("setup replays");
    let e = cat
        .replay_sql("m.sql", sql)
        .expect_err("the server would reject this");
    println!("{e}");
    e
}

fn at(e: &CatalogError, line: u32, column: u32) {
    assert_eq!(e.file, "m.sql");
    assert_eq!(
        (e.position.line, e.position.column),
        (line, column),
        "position of {e}"
    );
}

#[test]
fn missing_table() {
    let e = err(
        "",
        "create table a (id int);\nalter table nope add column x int;",
    );
    assert_eq!(e.kind, ErrorKind::UndefinedTable);
    assert_eq!(e.message, "relation \"nope\" does not exist");
    at(&e, 2, 13);
    assert_eq!(
        e.to_string(),
        "m.sql:2:13: error: relation \"nope\" does not exist"
    );
}

#[test]
fn missing_column() {
    let e = err(
        "create table t (id int);",
        "alter table t\n  alter column nope set not null;",
    );
    assert_eq!(e.kind, ErrorKind::UndefinedColumn);
    assert_eq!(
        e.message,
        "column \"nope\" of relation \"t\" does not exist"
    );
    at(&e, 2, 16);
}

#[test]
fn missing_column_in_index() {
    let e = err("create table t (id int);", "create index on t (nope);");
    assert_eq!(e.kind, ErrorKind::UndefinedColumn);
    assert_eq!(e.message, "column \"nope\" does not exist");
}

#[test]
fn missing_type() {
    let e = err("", "create table t (\n  id int,\n  s mood\n);");
    assert_eq!(e.kind, ErrorKind::UndefinedObject);
    assert_eq!(e.message, "type \"mood\" does not exist");
    at(&e, 3, 5);
}

#[test]
fn missing_schema() {
    let e = err("", "create table app.t (id int);");
    assert_eq!(e.kind, ErrorKind::UndefinedSchema);
    assert_eq!(e.message, "schema \"app\" does not exist");
    at(&e, 1, 14);
}

#[test]
fn duplicate_table() {
    let e = err("create table t (id int);", "\ncreate table t (id int);");
    assert_eq!(e.kind, ErrorKind::DuplicateObject);
    assert_eq!(e.message, "relation \"t\" already exists");
    at(&e, 2, 14);
}

#[test]
fn duplicate_column() {
    let e = err(
        "create table t (id int);",
        "alter table t add column id bigint;",
    );
    assert_eq!(e.kind, ErrorKind::DuplicateObject);
    assert_eq!(e.message, "column \"id\" of relation \"t\" already exists");
    at(&e, 1, 26);
}

#[test]
fn duplicate_enum_label() {
    let e = err(
        "create type mood as enum ('sad', 'ok');",
        "alter type mood add value 'ok';",
    );
    assert_eq!(e.kind, ErrorKind::DuplicateObject);
    assert_eq!(e.message, "enum label \"ok\" already exists");
}

#[test]
fn foreign_key_to_missing_table() {
    let e = err("", "create table a (\n  b_id int references b (id)\n);");
    assert_eq!(e.kind, ErrorKind::UndefinedTable);
    assert_eq!(e.message, "relation \"b\" does not exist");
    at(&e, 2, 23);
}

#[test]
fn foreign_key_without_unique_constraint() {
    let e = err(
        "create table b (id int, code text);",
        "create table a (code text references b (code));",
    );
    assert_eq!(e.kind, ErrorKind::InvalidForeignKey);
    assert_eq!(
        e.message,
        "there is no unique constraint matching given keys for referenced table \"b\""
    );
    at(&e, 1, 38);
}

#[test]
fn foreign_key_without_primary_key() {
    let e = err(
        "create table b (id int);",
        "create table a (b_id int references b);",
    );
    assert_eq!(e.kind, ErrorKind::InvalidForeignKey);
    assert_eq!(
        e.message,
        "there is no primary key for referenced table \"b\""
    );
}

#[test]
fn foreign_key_type_mismatch() {
    let e = err(
        "create table b (id uuid primary key);",
        "create table a (\n  id int,\n  b_id int,\n  foreign key (b_id) references b\n);",
    );
    assert_eq!(e.kind, ErrorKind::DatatypeMismatch);
    assert_eq!(
        e.message,
        "foreign key constraint \"a_b_id_fkey\" cannot be implemented: key columns \"b_id\" and \"id\" are of incompatible types: integer and uuid"
    );
    at(&e, 4, 3);
}

#[test]
fn drop_missing_table_without_if_exists() {
    let e = err("", "drop table nope;");
    assert_eq!(e.kind, ErrorKind::UndefinedTable);
    assert_eq!(e.message, "table \"nope\" does not exist");
    at(&e, 1, 12);
    // with IF EXISTS it is a note, as the server's NOTICE
    let mut cat = Catalog::new();
    let notes = cat
        .replay_sql("m.sql", "drop table if exists nope;")
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0].to_string(),
        "m.sql:1:22: note: table \"nope\" does not exist, skipping"
    );
}

#[test]
fn drop_missing_column_constraint_type_index() {
    let setup = "create table t (id int);";
    let e = err(setup, "alter table t drop column nope;");
    assert_eq!(e.kind, ErrorKind::UndefinedColumn);
    let e = err(setup, "alter table t drop constraint t_nope;");
    assert_eq!(e.kind, ErrorKind::UndefinedObject);
    assert_eq!(
        e.message,
        "constraint \"t_nope\" of relation \"t\" does not exist"
    );
    let e = err(setup, "drop type nope;");
    assert_eq!(e.kind, ErrorKind::UndefinedObject);
    let e = err(setup, "drop index nope;");
    assert_eq!(e.kind, ErrorKind::UndefinedTable);
    assert_eq!(e.message, "index \"nope\" does not exist");
}

#[test]
fn drop_with_dependents_needs_cascade() {
    let setup = "create table a (id int primary key);\ncreate table b (a_id int references a);";
    let e = err(setup, "drop table a;");
    assert_eq!(e.kind, ErrorKind::DependentObjects);
    assert!(
        e.message
            .starts_with("cannot drop table a because other objects depend on it")
    );
    at(&e, 1, 12);
    // CASCADE drops the foreign key, not the table that held it
    let mut cat = Catalog::new();
    cat.replay_sql("s.sql", setup).unwrap();
    cat.replay_sql("m.sql", "drop table a cascade;").unwrap();
    assert!(cat.relation("public", "a").is_none());
    assert!(cat.relation("public", "b").unwrap().constraints.is_empty());
}

#[test]
fn drop_column_used_by_view_needs_cascade() {
    let setup = "create table a (id int, name text);\ncreate view v as select name from a;";
    let e = err(setup, "alter table a drop column name;");
    assert_eq!(e.kind, ErrorKind::DependentObjects);
    let mut cat = Catalog::new();
    cat.replay_sql("s.sql", setup).unwrap();
    cat.replay_sql("m.sql", "alter table a drop column id;")
        .unwrap();
    assert!(cat.relation("public", "v").is_some());
    cat.replay_sql("m2.sql", "alter table a drop column name cascade;")
        .unwrap();
    assert!(cat.relation("public", "v").is_none());
}

#[test]
fn view_over_missing_table_or_column() {
    let e = err("", "create view v as\n  select id from nope;");
    assert_eq!(e.kind, ErrorKind::UndefinedTable);
    assert_eq!(e.message, "relation \"nope\" does not exist");
    at(&e, 2, 18);
    let e = err(
        "create table t (id int);",
        "create view v as select t.nope from t;",
    );
    assert_eq!(e.kind, ErrorKind::UndefinedColumn);
    assert_eq!(e.message, "column \"nope\" does not exist");
    at(&e, 1, 27);
}

#[test]
fn do_blocks_and_unknown_statements_give_notes() {
    let mut cat = Catalog::new();
    let notes = cat
        .replay_sql(
            "m.sql",
            "create table t (id int);\n\
             do $$ begin\n  if not exists (select 1 from information_schema.columns where table_name = 't' and column_name = 'x') then\n    alter table t add column x text;\n  end if;\nend $$;\n\
             do $$ begin create type t2 as enum ('a'); exception when duplicate_object then null; end $$;\n\
             do $$ begin create type t2 as enum ('a'); exception when duplicate_object then null; end $$;\n\
             import foreign schema remote from server s into public;",
        )
        .unwrap();
    for n in &notes {
        println!("{n}");
    }
    let t = cat.relation("public", "t").unwrap();
    assert_eq!(t.columns.len(), 2, "the guarded column was added once");
    assert!(cat.type_def("public", "t2").is_some());
    assert!(
        notes[0]
            .to_string()
            .starts_with("m.sql:2:1: note: DO block replayed statically")
    );
    assert!(notes.iter().any(|n| {
        n.to_string()
            .contains("error caught by its EXCEPTION handler")
            && n.position.line == 8
    }));
    let last = notes.last().unwrap();
    assert_eq!(last.position.line, 9);
    assert!(last.message.contains("statement not replayed"), "{last}");
}

#[test]
fn errors_inside_do_blocks_point_into_the_block() {
    let e = err(
        "",
        "do $$\nbegin\n  alter table nope add column x int;\nend\n$$;",
    );
    assert_eq!(e.kind, ErrorKind::UndefinedTable);
    at(&e, 3, 3);
}

#[test]
fn alter_type_of_column_used_by_view() {
    let e = err(
        "create table t (id int, n int);\ncreate view v as select n from t;",
        "alter table t alter column n type bigint;",
    );
    assert_eq!(e.kind, ErrorKind::DependentObjects);
    assert!(
        e.message
            .starts_with("cannot alter type of a column used by a view or rule"),
        "{e}"
    );
    at(&e, 1, 28);
}
