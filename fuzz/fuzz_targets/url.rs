//! A database URL: parsed, every accessor, the masked display, redaction, a database swap and
//! the TLS settings read from its query.
#![no_main]

use chatbi_db::db::DbUrl;
use chatbi_db::db::tls::TlsSettings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: chatbi_db_fuzz::init(), |data: &[u8]| {
    let text = chatbi_db_fuzz::text(data);
    let Ok(url) = DbUrl::parse(&text) else {
        return;
    };
    let shown = url.to_string();
    let _ = (url.database(), url.host(), url.port(), url.user(), url.password());
    let _ = url.redact(&text);
    let _ = url.redact(&shown);
    let _ = url.with_database("other db/é").to_string();
    let _ = format!("{url:?}");
    let _ = TlsSettings::from_url(&url);
});
