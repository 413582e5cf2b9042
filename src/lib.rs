//! `chatbi-db`: ChatBI's database layer.

extern crate self as chatbi_db;
