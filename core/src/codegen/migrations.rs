//! Tokens for embed_migrations!.
