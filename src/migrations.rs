//! ChatBI's two migration sets, embedded at compile time by `embed_migrations!`
//! (validated, checksummed, and checked against their lock files while building).

use crate::Migrator;

/// The `chatbi` database (application metadata): `migrations/`.
pub static CHATBI: Migrator = crate::embed_migrations!("migrations");

/// The `chatbi_demo` database (sales demo data): `migrations_demo/`.
pub static CHATBI_DEMO: Migrator = crate::embed_migrations!("migrations_demo");
