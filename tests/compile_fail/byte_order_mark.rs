static MIGRATOR: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/byte_order_mark");

fn main() {
    let _ = &MIGRATOR;
}
