//! SQL text through the front end (parse, tokens, statements), migration validation (as the
//! only file of a sqlx set) and catalog replay, whole and statement by statement (going on
//! after refusals), into a catalog that already holds objects of every kind.
#![no_main]

use chatbi_db_core::describe::AnalyserTyper;
use chatbi_db_core::migrate::{LoadOptions, SourceFile, load_from_files};
use chatbi_db_core::syntax;
use libfuzzer_sys::fuzz_target;

/// Words of the statements that let catalog replay build a cycle, which its cascades then
/// follow until the stack overflows: known crashes (core/tests/pg_regress/known.rs), owned by
/// the catalog. Inputs holding one of these words are skipped so the fuzzer looks for other
/// crashes; remove a word when replay refuses the cycle as PostgreSQL does.
const KNOWN_CRASH_WORDS: &[&str] = &[
    "inherit",   // ALTER TABLE a INHERIT b: inheritance cycles
    "attach",    // ATTACH PARTITION a table to itself
    "replace",   // CREATE OR REPLACE VIEW: views that select from each other
    "attribute", // ALTER TYPE ADD ATTRIBUTE: a composite type that contains itself
];

/// Whether `sql` holds one of [`KNOWN_CRASH_WORDS`] as a word.
fn has_known_crash_word(sql: &str) -> bool {
    sql.split(|c: char| !c.is_alphanumeric() && c != '_')
        .any(|w| KNOWN_CRASH_WORDS.iter().any(|k| w.eq_ignore_ascii_case(k)))
}

fuzz_target!(init: chatbi_db_fuzz::init(), |data: &[u8]| {
    let sql = chatbi_db_fuzz::text(data);
    if has_known_crash_word(&sql) {
        return;
    }
    let parsed = syntax::parse(&sql);
    for s in &parsed.statements {
        let _ = s.text(&sql);
    }
    let file = SourceFile {
        path: "1_fuzz.sql".into(),
        bytes: data.to_vec(),
    };
    let _ = load_from_files("fuzz", &LoadOptions::default(), &[file]);
    let mut whole = chatbi_db_fuzz::catalog().clone();
    let _ = whole.replay_sql_with("fuzz.sql", &sql, &AnalyserTyper);
    let mut each = chatbi_db_fuzz::catalog().clone();
    for s in syntax::split_statements(&sql) {
        let _ = each.replay_sql_with("fuzz.sql", &sql[s.range], &AnalyserTyper);
    }
});
