static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/down_syntax_error");

fn main() {
    let _ = &MIGRATOR;
}
