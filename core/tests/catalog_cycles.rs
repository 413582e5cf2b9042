//! Cycles and long chains of dependencies: detected as the server detects them, walked
//! without recursion (these inputs used to end in `thread 'main' has overflowed its stack`).

use chatbi_db_core::catalog::{Catalog, ErrorKind};

fn replay(sql: &str) -> Result<Catalog, chatbi_db_core::catalog::CatalogError> {
    let mut cat = Catalog::new();
    cat.replay_sql("m.sql", sql).map(|_| cat)
}

/// psql, PostgreSQL 15: `create view a as select 1 as x; create view b as select x from a;
/// create or replace view a as select x from b; drop view a cascade;`
/// gives `NOTICE:  drop cascades to view b` / `DROP VIEW`, and neither view is left.
#[test]
fn a_view_cycle_is_dropped_with_cascade() {
    let cat = replay(
        "create view a as select 1 as x;\n\
         create view b as select x from a;\n\
         create or replace view a as select x from b;\n\
         drop view a cascade;",
    )
    .expect("the server accepts all four statements");
    assert!(cat.relation("public", "a").is_none());
    assert!(cat.relation("public", "b").is_none());
}

/// psql, PostgreSQL 15: `create table t (id int); alter table t inherit t;`
/// gives `ERROR:  circular inheritance not allowed` / `DETAIL:  "t" is already a child of "t".`
#[test]
fn a_table_cannot_inherit_itself() {
    let e = replay("create table t (id int);\nalter table t inherit t;").unwrap_err();
    assert_eq!(e.kind, ErrorKind::DuplicateObject);
    assert_eq!(e.message, "circular inheritance not allowed");
    assert_eq!(e.position.line, 2);
}

/// psql, PostgreSQL 15: `create table t (id int); create table u () inherits (t);
/// alter table t inherit u;` gives `ERROR:  circular inheritance not allowed` /
/// `DETAIL:  "u" is already a child of "t".`
#[test]
fn a_table_cannot_inherit_its_descendant() {
    let e = replay(
        "create table t (id int);\ncreate table u () inherits (t);\nalter table t inherit u;",
    )
    .unwrap_err();
    assert_eq!(e.message, "circular inheritance not allowed");
    assert_eq!(e.position.line, 3);
}

/// psql, PostgreSQL 15: `create type c as (x int); alter type c add attribute y c;`,
/// `alter type c add attribute z c[];`, and with `create type d as (c c);`
/// `alter type c add attribute w d;` each give
/// `ERROR:  composite type c cannot be made a member of itself`;
/// `create table tt (id int); alter table tt add column self tt;` gives
/// `ERROR:  composite type tt cannot be made a member of itself`.
#[test]
fn a_composite_type_cannot_contain_itself() {
    for attr in ["y c", "z c[]", "w d"] {
        let e = replay(&format!(
            "create type c as (x int);\ncreate type d as (c c);\nalter type c add attribute {attr};"
        ))
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidDefinition, "{attr}");
        assert_eq!(
            e.message,
            "composite type c cannot be made a member of itself"
        );
        assert_eq!((e.position.line, e.position.column), (3, 30), "{attr}");
    }
    let e = replay("create table tt (id int);\nalter table tt add column self tt;").unwrap_err();
    assert_eq!(
        e.message,
        "composite type tt cannot be made a member of itself"
    );
}

/// A chain of 3,000 views, each over the previous one, dropped from its root; and 2,000
/// generations of inheritance receiving a new column from the root.
#[test]
fn long_dependency_chains_do_not_overflow() {
    let mut sql = String::from("create table v0 (x int);\n");
    for i in 1..3000 {
        sql.push_str(&format!("create view v{i} as select x from v{};\n", i - 1));
    }
    sql.push_str("drop table v0 cascade;\n");
    let cat = replay(&sql).expect("replays");
    assert_eq!(cat.relations().count(), 0);

    let mut sql = String::from("create table t0 (id int);\n");
    for i in 1..2000 {
        sql.push_str(&format!("create table t{i} () inherits (t{});\n", i - 1));
    }
    sql.push_str("alter table t0 add column extra text;\n");
    let cat = replay(&sql).expect("replays");
    assert!(
        cat.relation("public", "t1999")
            .unwrap()
            .column("extra")
            .is_some()
    );
}
