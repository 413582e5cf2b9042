static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/duplicate_version");

fn main() {
    let _ = &MIGRATOR;
}
