//! Code generation helpers returning `proc_macro2::TokenStream`.

pub mod migrations;
pub mod tables;
