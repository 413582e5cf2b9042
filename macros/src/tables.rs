//! Expansion entry point (to be implemented).

use proc_macro2::TokenStream;

/// Expands the macro.
pub fn expand(_input: TokenStream) -> TokenStream {
    quote::quote! { ::core::compile_error!("not implemented yet") }
}
