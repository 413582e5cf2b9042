//! A migration directory's file names and layout: the first byte picks the layout (detected,
//! sqlx, diesel, refinery); each following line is a path, optionally a tab and the file's
//! content (one line of SQL). What loads must round-trip through the lock file.
#![no_main]

use chatbi_db_core::migrate::{Layout, LoadOptions, SourceFile, load_from_files, lock};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: chatbi_db_fuzz::init(), |data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let layout = match pick % 4 {
        0 => None,
        1 => Some(Layout::Sqlx),
        2 => Some(Layout::Diesel),
        _ => Some(Layout::Refinery),
    };
    let text = chatbi_db_fuzz::text(rest);
    let files: Vec<SourceFile> = text
        .lines()
        .map(|line| {
            let (path, sql) = line.split_once('\t').unwrap_or((line, "select 1;"));
            SourceFile {
                path: path.to_string(),
                bytes: sql.as_bytes().to_vec(),
            }
        })
        .collect();
    for strict_down in [false, true] {
        let options = LoadOptions {
            layout,
            strict_down,
            ..LoadOptions::default()
        };
        let Ok(chatbi_db_core::migrate::LoadedFiles { set, .. }) = load_from_files("fuzz", &options, &files) else {
            continue;
        };
        let rendered = lock::render(&set);
        let parsed = lock::parse(&rendered).expect("a rendered lock file parses");
        lock::check(&parsed, &set).expect("a set matches its own lock file");
    }
});
