//! Crashes the suite has found, each with the file and statement where the suite hits it and a
//! minimal reproducer. [`KNOWN_CRASHES`] lists the ones not fixed yet (the suite test fails on a
//! crash not listed there and reports a listed one that no longer happens); [`FIXED_CRASHES`]
//! keeps the fixed ones, and [`fixed_crash_reproducers`] runs each alone as a regression test.

use std::path::Path;

use super::TEST_SETUP;
use super::parent::run_target;

/// A known crash: where the suite hits it, and the smallest SQL that shows it.
pub struct Known {
    /// The file the statement is in.
    pub source: &'static str,
    /// `load`, `replay-file`, `split`, `schema`, `describe`, `replay`, `set-load`, `set-replay`.
    pub stage: &'static str,
    /// The statement's first characters (whitespace collapsed; empty for a whole file).
    pub statement: &'static str,
    /// Replayed as one migration file, this crashes the process.
    pub reproducer: &'static str,
    /// What PostgreSQL 15 says (psql -f on the reproducer), and why replay overflows its stack.
    pub cause: &'static str,
}

/// Crashes not fixed yet: none since catalog replay refuses cycles as the server does.
pub const KNOWN_CRASHES: &[Known] = &[];

/// Crashes found by the suite and fixed (stack overflows on dependency cycles, before replay
/// refused them and walked dependencies iteratively).
pub const FIXED_CRASHES: &[Known] = &[
    Known {
        source: "alter_table.sql",
        stage: "replay",
        statement: "drop table atacc",
        reproducer: "create table a (x int);\ncreate table b (y int) inherits (a);\n\
                     alter table a inherit b;\ndrop table a cascade;\n",
        cause: "`alter table a inherit b` makes an inheritance cycle, which PostgreSQL refuses \
                (ERROR: circular inheritance not allowed); replay accepts it, then \
                drop_relation_cascade (catalog/replay.rs) recurses around the cycle forever",
    },
    Known {
        source: "alter_table.sql",
        stage: "replay",
        statement: "drop table atacc",
        reproducer: "create table a (x int);\nalter table a inherit a;\ndrop table a;\n",
        cause: "`alter table a inherit a` (PostgreSQL: circular inheritance not allowed) is \
                accepted; drop_relation_cascade recurses on the table's own child",
    },
    Known {
        source: "alter_table.sql",
        stage: "replay",
        statement: "alter table atacc1",
        reproducer: "create table a (x int);\ncreate table b (y int) inherits (a);\n\
                     alter table a inherit b;\nalter table a add column z int;\n",
        cause: "the inheritance cycle above, met again by ALTER TABLE recursing to children",
    },
    Known {
        source: "alter_table.sql",
        stage: "replay",
        statement: "DROP TABLE partitioned, nonpartitioned",
        reproducer: "create table p (a int) partition by range (a);\ncreate table n (a int);\n\
                     alter table p inherit n;\nalter table n inherit p;\ndrop table p, n;\n",
        cause: "PostgreSQL 15 refuses both INHERITs (ERROR: cannot change inheritance of \
                partitioned table; ERROR: cannot inherit from partitioned table \"p\"); \
                replay accepts both, making a cycle",
    },
    Known {
        source: "alter_table.sql",
        stage: "replay",
        statement: "ALTER TABLE ONLY list_parted2 ADD COLUMN c int",
        reproducer: "create table l (a int) partition by list (a);\n\
                     alter table l attach partition l for values in (0);\n\
                     alter table only l add column c int;\n",
        cause: "a table attached as a partition of itself (PostgreSQL 15: ERROR: circular \
                inheritance not allowed) is accepted; ADD COLUMN recurses",
    },
    Known {
        source: "alter_table.sql",
        stage: "replay",
        statement: "DROP TABLE list_parted, list_parted2, range_parted",
        reproducer: "create table l (a int) partition by list (a);\n\
                     alter table l attach partition l for values in (0);\ndrop table l;\n",
        cause: "the self-attached partition above; drop_relation_cascade recurses on it",
    },
    Known {
        source: "lock.sql",
        stage: "replay",
        statement: "DROP VIEW lock_view3 CASCADE",
        reproducer: "create table t (x int);\ncreate view v2 as select * from t;\n\
                     create view v3 as select * from v2;\n\
                     create or replace view v2 as select * from v3;\ndrop view v3 cascade;\n",
        cause: "PostgreSQL accepts views that depend on each other through CREATE OR REPLACE \
                (it reports infinite recursion only when one is used); drop_relation_cascade \
                follows views_depending_on around the cycle forever",
    },
    Known {
        source: "lock.sql",
        stage: "replay",
        statement: "DROP SCHEMA lock_schema1 CASCADE",
        reproducer: "create schema s;\ncreate table s.t (x int);\n\
                     create view s.v2 as select * from s.t;\ncreate view s.v3 as select * from s.v2;\n\
                     create or replace view s.v2 as select * from s.v3;\ndrop schema s cascade;\n",
        cause: "the same view cycle, dropped with its schema",
    },
    Known {
        source: "rangetypes.sql",
        stage: "replay",
        statement: "drop type two_ints cascade",
        reproducer: "create type two_ints as (a int, b int);\n\
                     create type two_ints_range as range (subtype = two_ints);\n\
                     alter type two_ints add attribute c two_ints_range;\n\
                     drop type two_ints cascade;\n",
        cause: "`alter type two_ints add attribute c two_ints_range` makes the composite contain \
                itself (PostgreSQL: composite type two_ints cannot be made a member of itself); \
                replay accepts it, then drop_type (catalog/replay.rs) recurses forever",
    },
];

/// Each fixed crash's reproducer, alone in a child process, must run to its end.
#[test]
fn fixed_crash_reproducers() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pg_regress_fixed");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    std::fs::write(dir.join(TEST_SETUP), "").expect("empty test_setup.sql");
    let mut crashed = Vec::new();
    for (i, k) in FIXED_CRASHES.iter().enumerate() {
        let file = dir.join(format!("fixed_{i}.sql"));
        std::fs::write(&file, k.reproducer).expect("reproducer file");
        let run = run_target(&file);
        assert!(
            run.done.is_some(),
            "{}: the child never reached its end",
            file.display()
        );
        if let Some(c) = run.crashes.first() {
            crashed.push(format!(
                "fixed_{i} ({}, {}) crashes again: {}\n    was: {}",
                k.source, k.statement, c.what, k.cause
            ));
        }
    }
    assert!(crashed.is_empty(), "{}", crashed.join("\n"));
}
