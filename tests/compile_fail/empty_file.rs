static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/empty_file", strict);

fn main() {
    let _ = &MIGRATOR;
}
