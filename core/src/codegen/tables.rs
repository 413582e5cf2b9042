//! Tokens for tables!.
