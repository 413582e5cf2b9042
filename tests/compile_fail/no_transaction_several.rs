static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/no_transaction_several");

fn main() {
    let _ = &MIGRATOR;
}
