//! A diesel migration's `metadata.toml`, beside an up file that must (first byte odd) or may
//! run in a transaction.
#![no_main]

use chatbi_db_core::migrate::{Layout, LoadOptions, SourceFile, load_from_files};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: chatbi_db_fuzz::init(), |data: &[u8]| {
    let Some((&pick, toml)) = data.split_first() else {
        return;
    };
    let up: &[u8] = if pick % 2 == 1 {
        b"create index concurrently i on a (id);\n"
    } else {
        b"create table a (id int);\n"
    };
    let dir = "2020-01-01-000000_fuzz";
    let files = [
        SourceFile {
            path: format!("{dir}/up.sql"),
            bytes: up.to_vec(),
        },
        SourceFile {
            path: format!("{dir}/down.sql"),
            bytes: b"drop table a;\n".to_vec(),
        },
        SourceFile {
            path: format!("{dir}/metadata.toml"),
            bytes: toml.to_vec(),
        },
    ];
    let options = LoadOptions {
        layout: Some(Layout::Diesel),
        ..LoadOptions::default()
    };
    let _ = load_from_files("fuzz", &options, &files);
});
