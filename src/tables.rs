//! ChatBI's row types, generated at compile time from `migrations/` by
//! [`tables!`](crate::tables): one module per table (`Row`, `Insert`, `TABLE`,
//! `COLUMNS`, `SELECT`, `INSERT`) and a Rust enum per PostgreSQL enum
//! ([`MessageRole`]). Never written by hand; a migration changes them on the next build.

crate::tables!("migrations", module = "");
