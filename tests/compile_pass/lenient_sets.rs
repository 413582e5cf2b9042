//! Without `strict`, sets that sqlx loads load: a lone `.up.sql`, a lone `.down.sql`
//! (a down-only migration, never applied), an empty file.

static UP_ONLY: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/up_without_down");
static DOWN_ONLY: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/down_without_up");
static EMPTY: chatbi_db::Migrator =
    chatbi_db::embed_migrations!("tests/compile_fail/migrations/empty_file");

fn main() {
    assert_eq!(UP_ONLY.migrations().len(), 1);
    assert!(UP_ONLY.migrations()[0].down_sql.is_none());
    assert_eq!(DOWN_ONLY.migrations().len(), 1);
    assert_eq!(DOWN_ONLY.set().down_only[0].version, 2);
    assert!(EMPTY.migrations()[1].up_sql.trim().is_empty());
}
