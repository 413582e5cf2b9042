static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/down_without_up", strict);

fn main() {
    let _ = &MIGRATOR;
}
