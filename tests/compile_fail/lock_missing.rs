static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/lock_missing");

fn main() {
    let _ = &MIGRATOR;
}
