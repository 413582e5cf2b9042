static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/not_utf8");

fn main() {
    let _ = &MIGRATOR;
}
