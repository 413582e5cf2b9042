static MIGRATOR: chatbi_db::Migrator = chatbi_db::embed_migrations!(migrations);

fn main() {
    let _ = &MIGRATOR;
}
