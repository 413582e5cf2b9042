//! What the fuzz targets share: input decoding and the schema queries are described against.

use std::sync::OnceLock;

use chatbi_db_core::catalog::{Catalog, Replay, replay_with};
use chatbi_db_core::describe::{AnalyserTyper, Schema};
use chatbi_db_core::migrate::{Layout, load_dir};

/// Lets libFuzzer report a stack overflow as a crash (with its input saved as an artifact)
/// instead of the process vanishing: without a sanitizer nothing gives the main thread an
/// alternate signal stack, so the kernel cannot run libFuzzer's SIGSEGV handler on an overflowed
/// stack. Call it from `fuzz_target!`'s `init`, which runs before libFuzzer installs its
/// handlers: they keep `SA_ONSTACK` from the default dispositions set here.
pub fn init() {
    const SIZE: usize = 1 << 20;
    let stack: &'static mut [u8] = Box::leak(vec![0u8; SIZE].into_boxed_slice());
    // SAFETY: the alternate stack is leaked, so it outlives every signal; the dispositions set
    // are the defaults (SIG_DFL) with SA_ONSTACK added, changing nothing until libFuzzer
    // installs its own handlers over them.
    unsafe {
        let alt = libc::stack_t {
            ss_sp: stack.as_mut_ptr().cast(),
            ss_flags: 0,
            ss_size: SIZE,
        };
        libc::sigaltstack(&alt, std::ptr::null_mut());
        for signal in [libc::SIGSEGV, libc::SIGBUS, libc::SIGABRT] {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = libc::SIG_DFL;
            action.sa_flags = libc::SA_ONSTACK;
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// The input as text: invalid UTF-8 replaced, so byte-level mutations still reach the parsers.
pub fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// DDL beside ChatBI's own migrations: one of each kind of object queries can name.
const EXTRA_DDL: &str = "
create type mood as enum ('sad', 'ok', 'happy');
create domain posint as integer not null check (value > 0);
create type pair as (a integer, b text);
create table t (id serial primary key, n posint, m mood, p pair, tags text[], j jsonb,
  at timestamptz default now(), amount numeric(10,2), parent integer references t);
create view v as select id, m, tags from t where n > 1;
create materialized view mv as select m, count(*) as c from t group by m;
create function f(x integer) returns setof t language sql as 'select * from t where id = x';
create function g(a text, b integer default 1) returns table (k text, w integer)
  language sql as 'select a, b';
create schema s;
create table s.u (id bigint generated always as identity, t_id integer references t(id));
create sequence seq;
";

/// The catalog of ChatBI's migrations plus [`EXTRA_DDL`], built once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
        let set = load_dir(std::path::Path::new(dir), Some(Layout::Sqlx))
            .expect("ChatBI's migrations load");
        let Replay { mut catalog, .. } =
            replay_with(&set, &AnalyserTyper).expect("ChatBI's migrations replay");
        catalog
            .replay_sql_with("extra.sql", EXTRA_DDL, &AnalyserTyper)
            .expect("the fuzz schema's extra DDL replays");
        catalog
    })
}

/// The analyser's schema of [`catalog`], built once.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| Schema::from_catalog(catalog()))
}
