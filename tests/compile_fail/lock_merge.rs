static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/lock_merge");

fn main() {
    let _ = &MIGRATOR;
}
