//! A `.sqlx/query-*.json` file: read; what reads is written back byte-exact and reads again
//! equal, and is verified against the fixed schema.
#![no_main]

use chatbi_db_core::describe::verify::verify_query;
use chatbi_db_core::offline::QueryData;
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: chatbi_db_fuzz::init(), |data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(query) = QueryData::parse(text) else {
        return;
    };
    let bytes = query.to_bytes();
    let again = std::str::from_utf8(&bytes).expect("written offline data is UTF-8");
    let reread = QueryData::parse(again).expect("written offline data reads back");
    assert_eq!(reread, query, "offline data changed through write + read");
    let _ = verify_query(chatbi_db_fuzz::schema(), &query, false);
});
