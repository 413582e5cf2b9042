static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/does_not_exist");

fn main() {
    let _ = &MIGRATOR;
}
