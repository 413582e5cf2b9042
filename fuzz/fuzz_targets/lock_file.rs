//! `migrations.lock`: parsed as given, and again with a `sum auto` line replaced by the right
//! sum (so the fuzzer gets past the checksum). A lock that parses is checked against the set it
//! describes (which must pass when versions are unique) and rendered back (same entries).
#![no_main]

use std::borrow::Cow;

use chatbi_db_core::migrate::{Migration, MigrationSet, checksum, lock};
use libfuzzer_sys::fuzz_target;

/// `text` with its `sum auto` line given the sum of the lines before it, as `lock::parse`
/// computes it.
fn with_sum(text: &str) -> Option<String> {
    let mut body = String::new();
    let mut out = String::new();
    let mut found = false;
    for raw in text.lines() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if !found && line == "sum auto" {
            found = true;
            out.push_str("sum ");
            out.push_str(&hex(&checksum(body.as_bytes())));
            out.push('\n');
            continue;
        }
        if !found && !line.is_empty() && !line.starts_with('#') {
            body.push_str(line);
            body.push('\n');
        }
        out.push_str(raw);
        out.push('\n');
    }
    found.then_some(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The set `parsed` describes: one migration per entry, with the entry's checksum.
fn set_of(parsed: &lock::Lock) -> MigrationSet {
    let migrations = parsed
        .entries
        .iter()
        .map(|e| Migration {
            version: e.version,
            description: Cow::Owned(e.file.clone()),
            up_sql: Cow::Borrowed(if e.crlf {
                "select 1;\r\n"
            } else {
                "select 1;\n"
            }),
            down_sql: None,
            no_transaction: false,
            checksum: Cow::Owned(e.checksum.clone()),
            up_file: Cow::Owned(e.file.clone()),
            down_file: None,
        })
        .collect();
    MigrationSet {
        layout: parsed.layout,
        migrations: Cow::Owned(migrations),
    }
}

fuzz_target!(init: chatbi_db_fuzz::init(), |data: &[u8]| {
    let text = chatbi_db_fuzz::text(data);
    let _ = lock::parse(&text);
    let Some(summed) = with_sum(&text) else {
        return;
    };
    let Ok(parsed) = lock::parse(&summed) else {
        return;
    };
    let set = set_of(&parsed);
    let check = lock::check(&parsed, &set);
    let mut versions: Vec<i64> = parsed.entries.iter().map(|e| e.version).collect();
    versions.sort_unstable();
    versions.dedup();
    if versions.len() != parsed.entries.len() {
        return;
    }
    check.expect("a lock matches the set it describes");
    let again = lock::parse(&lock::render(&set)).expect("a rendered lock file parses");
    let key = |l: &lock::Lock| -> Vec<(i64, Vec<u8>, bool, String)> {
        l.entries
            .iter()
            .map(|e| (e.version, e.checksum.clone(), e.crlf, e.file.clone()))
            .collect()
    };
    assert_eq!(key(&again), key(&parsed), "entries changed through render + parse");
    assert_eq!(again.layout, parsed.layout);
});
