static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/bad_name", strict);

fn main() {
    let _ = &MIGRATOR;
}
