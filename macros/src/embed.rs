//! `embed_migrations!`: parse the optional path and `strict`, load with core, emit core's tokens.

use std::path::PathBuf;

use chatbi_db_core::codegen::migrations::expand as expand_set;
use chatbi_db_core::migrate::{LoadOptions, MigrateError, load_dir_with};
use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;
use syn::parse::{ParseStream, Parser};

/// What the macro was given: the directory (default `migrations`) and `strict`.
struct Args {
    relative: String,
    span: Span,
    strict: bool,
}

const USAGE: &str = "expected a path to a migration directory as a string literal, optionally \
                     followed by `strict`, e.g. `embed_migrations!(\"migrations\")` or \
                     `embed_migrations!(\"migrations\", strict)`";

/// Parses `[ "dir" ] [ , ] [ strict ]`.
fn parse_args(input: ParseStream<'_>) -> syn::Result<Args> {
    let mut args = Args {
        relative: "migrations".to_string(),
        span: Span::call_site(),
        strict: false,
    };
    if input.peek(syn::LitStr) {
        let lit: syn::LitStr = input.parse()?;
        args.relative = lit.value();
        args.span = lit.span();
        if !input.is_empty() {
            input.parse::<syn::Token![,]>()?;
        }
    }
    if !input.is_empty() {
        let word: syn::Ident = input.parse()?;
        if word != "strict" {
            return Err(syn::Error::new(word.span(), USAGE));
        }
        args.strict = true;
    }
    if !input.is_empty() {
        return Err(input.error(USAGE));
    }
    Ok(args)
}

/// Expands the macro.
pub fn expand(input: TokenStream) -> TokenStream {
    let args = match parse_args.parse2(input) {
        Ok(args) => args,
        Err(e) => return syn::Error::new(e.span(), USAGE).to_compile_error(),
    };
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
    let options = LoadOptions {
        display: Some(args.relative.clone()),
        strict_down: true,
        strict: args.strict,
        ..LoadOptions::default()
    };
    let result = load_dir_with(&manifest_dir.join(&args.relative), &options)
        .and_then(|loaded| expand_set(&loaded).map_err(|e| vec![e]));
    match result {
        Ok(tokens) => tokens,
        Err(errors) => compile_errors(&errors, args.span),
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
