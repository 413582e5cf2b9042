//! `embed_migrations!`: parse the optional path, load it with core, emit core's tokens.

use std::path::PathBuf;

use chatbi_db_core::codegen::migrations::expand as expand_set;
use chatbi_db_core::migrate::{LoadOptions, MigrateError, load_dir_with};
use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

/// Expands the macro.
pub fn expand(input: TokenStream) -> TokenStream {
    let (relative, span) = if input.is_empty() {
        ("migrations".to_string(), Span::call_site())
    } else {
        match syn::parse2::<syn::LitStr>(input) {
            Ok(lit) => (lit.value(), lit.span()),
            Err(e) => {
                return syn::Error::new(
                    e.span(),
                    "expected a path to a migration directory as a string literal, e.g. \
                     `embed_migrations!(\"migrations\")`",
                )
                .to_compile_error();
            }
        }
    };
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
    let options = LoadOptions {
        display: Some(relative.clone()),
        strict_down: true,
        ..LoadOptions::default()
    };
    let result = load_dir_with(&manifest_dir.join(&relative), &options)
        .and_then(|loaded| expand_set(&loaded).map_err(|e| vec![e]));
    match result {
        Ok(tokens) => tokens,
        Err(errors) => compile_errors(&errors, span),
    }
}

fn compile_errors(errors: &[MigrateError], span: Span) -> TokenStream {
    let message = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    quote_spanned!(span=> ::core::compile_error!(#message))
}
