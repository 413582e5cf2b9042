//! A query described against a fixed schema (ChatBI's migrations and one object of each kind).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: chatbi_db_fuzz::init(), |data: &[u8]| {
    let sql = chatbi_db_fuzz::text(data);
    let _ = chatbi_db_core::describe::describe(chatbi_db_fuzz::schema(), &sql);
});
