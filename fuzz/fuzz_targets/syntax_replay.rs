//! SQL text through the front end (parse, tokens, statements), migration validation (as the
//! only file of a sqlx set) and catalog replay, whole and statement by statement (going on
//! after refusals), into a catalog that already holds objects of every kind.
#![no_main]

use chatbi_db_core::describe::AnalyserTyper;
use chatbi_db_core::migrate::{LoadOptions, SourceFile, load_from_files};
use chatbi_db_core::syntax;
use libfuzzer_sys::fuzz_target;

/// Words of statements that crash catalog replay (known crashes, owned by the catalog): inputs
/// holding one are skipped so the fuzzer looks for other crashes. Empty since replay refuses
/// dependency cycles as PostgreSQL does (core/tests/pg_regress/known.rs, `FIXED_CRASHES`).
const KNOWN_CRASH_WORDS: &[&str] = &[];

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
