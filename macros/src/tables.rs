//! `tables!`: parse the optional path and options, build the schema model with core, emit core's
//! tokens.
//!
//! Input: `tables!()`, `tables!("migrations")`, or with options after the path:
//! `tables!("migrations", module = "schema", time = "time", serde = true, views = false,
//! runtime = "::my_reexports")`.
//!
//! The items are wrapped in `pub mod tables { … }`; `module = "name"` names that module, and
//! `module = ""` places the items where the macro is called (in a module of your own, or a
//! file module). `runtime = ""` names the runtime crates at the root (`::uuid`, ...); the default
//! is `::chatbi_db::__private`.

use std::path::PathBuf;

use chatbi_db_core::codegen::tables::{
    TablesOptions, TimeCrate, model_from_migrations, try_generate,
};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitBool, LitStr, Token};

/// Parsed macro input.
struct Input {
    path: Option<LitStr>,
    options: TablesOptions,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut options = TablesOptions {
            runtime: Some("::chatbi_db::__private".to_string()),
            module: Some("tables".to_string()),
            ..TablesOptions::default()
        };
        let path = if input.peek(LitStr) {
            Some(input.parse::<LitStr>()?)
        } else {
            None
        };
        let mut first = path.is_none();
        while !input.is_empty() {
            if !first {
                input.parse::<Token![,]>()?;
                if input.is_empty() {
                    break;
                }
            }
            first = false;
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "time" => {
                    let v: LitStr = input.parse()?;
                    options.time = match v.value().as_str() {
                        "chrono" => TimeCrate::Chrono,
                        "time" => TimeCrate::Time,
                        _ => {
                            return Err(syn::Error::new(
                                v.span(),
                                "expected \"chrono\" or \"time\"",
                            ));
                        }
                    };
                }
                "serde" => options.serde = input.parse::<LitBool>()?.value,
                "views" => options.views = input.parse::<LitBool>()?.value,
                "module" => {
                    let v: LitStr = input.parse()?;
                    let text = v.value();
                    if !text.is_empty() && syn::parse_str::<Ident>(&text).is_err() {
                        return Err(syn::Error::new(
                            v.span(),
                            "expected a module name such as \"tables\", or \"\" for no module",
                        ));
                    }
                    options.module = (!text.is_empty()).then_some(text);
                }
                "runtime" => {
                    let v: LitStr = input.parse()?;
                    let text = v.value();
                    if !text.is_empty() && syn::parse_str::<syn::Path>(&text).is_err() {
                        return Err(syn::Error::new(
                            v.span(),
                            "expected a path such as \"::chatbi_db::__private\"",
                        ));
                    }
                    options.runtime = (!text.is_empty()).then_some(text);
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown option `{other}` (expected module, time, serde, views or runtime)"
                        ),
                    ));
                }
            }
        }
        Ok(Input { path, options })
    }
}

/// Expands the macro.
pub fn expand(input: TokenStream) -> TokenStream {
    let input: Input = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let (relative, span) = match &input.path {
        Some(l) => (l.value(), l.span()),
        None => ("migrations".to_string(), Span::call_site()),
    };
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
    let result = model_from_migrations(&manifest_dir.join(&relative))
        .and_then(|(model, files)| Ok((try_generate(&model, &input.options)?, files)));
    match result {
        Ok((tokens, files)) => {
            // Each migration file is an input of the expansion: editing one rebuilds the structs.
            let files = files.iter().filter_map(|f| f.to_str().map(str::to_string));
            quote! {
                const _: () = { #( let _ = ::core::include_bytes!(#files); )* };
                #tokens
            }
        }
        Err(e) => {
            let message = format!("tables!(\"{relative}\"): {e}");
            quote_spanned!(span=> ::core::compile_error!(#message);)
        }
    }
}
