static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/up_without_down", strict);

fn main() {
    let _ = &MIGRATOR;
}
