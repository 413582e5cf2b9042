//! `chatbi-db-macros`: thin proc-macro shell over `chatbi-db-core`.
