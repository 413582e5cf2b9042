//! Tokens for `embed_migrations!`: a `const`-evaluable `::chatbi_db::Migrator` over
//! `include_str!` of every migration file (so edits rebuild the crate), with the
//! checksums computed at compile time.

use std::path::Path;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::migrate::{Layout, Loaded, MigrateError, MigrateErrorKind};

/// The expression `embed_migrations!` expands to for a loaded directory.
///
/// The expansion is a block usable in a `static` or `const` initializer:
/// `{ const _: &[u8] = include_bytes!("…/migrations.lock"); const MIGRATIONS: &[Migration] = &[…];
/// ::chatbi_db::Migrator::new(MigrationSet::from_static(Layout::Sqlx, MIGRATIONS)) }`.
/// Errors when a path cannot be written as a string literal (not UTF-8).
pub fn expand(loaded: &Loaded) -> Result<TokenStream, MigrateError> {
    let path_literal = |path: &Path| -> Result<Literal, MigrateError> {
        path.to_str().map(Literal::string).ok_or_else(|| {
            MigrateError::new(path.display().to_string(), MigrateErrorKind::PathNotUtf8)
        })
    };
    let layout = match loaded.set.layout {
        Layout::Sqlx => quote!(Sqlx),
        Layout::Diesel => quote!(Diesel),
        Layout::Refinery => quote!(Refinery),
    };
    let mut items = Vec::with_capacity(loaded.set.migrations.len());
    for m in loaded.set.migrations.iter() {
        let version = Literal::i64_suffixed(m.version);
        let description = Literal::string(&m.description);
        let up_path = path_literal(&loaded.dir.join(&*m.up_file))?;
        let up_file = Literal::string(&m.up_file);
        let no_transaction = m.no_transaction;
        let checksum = m.checksum.iter().map(|b| Literal::u8_unsuffixed(*b));
        let (down_sql, down_file) = match &m.down_file {
            Some(down) if m.down_sql.as_deref().is_some_and(|s| !s.is_empty()) => {
                let down_path = path_literal(&loaded.dir.join(&**down))?;
                let down = Literal::string(down);
                (
                    quote!(::core::option::Option::Some(::std::borrow::Cow::Borrowed(
                        ::core::include_str!(#down_path)
                    ))),
                    quote!(::core::option::Option::Some(::std::borrow::Cow::Borrowed(#down))),
                )
            }
            // An empty down file: nothing to include (include_str! of it would work too).
            Some(down) => {
                let down = Literal::string(down);
                (
                    quote!(::core::option::Option::Some(::std::borrow::Cow::Borrowed(
                        ""
                    ))),
                    quote!(::core::option::Option::Some(::std::borrow::Cow::Borrowed(#down))),
                )
            }
            None => (
                quote!(::core::option::Option::None),
                quote!(::core::option::Option::None),
            ),
        };
        items.push(quote! {
            ::chatbi_db::core::migrate::Migration {
                version: #version,
                description: ::std::borrow::Cow::Borrowed(#description),
                up_sql: ::std::borrow::Cow::Borrowed(::core::include_str!(#up_path)),
                down_sql: #down_sql,
                no_transaction: #no_transaction,
                checksum: ::std::borrow::Cow::Borrowed(&[#(#checksum),*]),
                up_file: ::std::borrow::Cow::Borrowed(#up_file),
                down_file: #down_file,
            }
        });
    }
    let lock = match &loaded.lock_file {
        Some(path) => {
            let path = path_literal(path)?;
            quote!(
                const _: &[u8] = ::core::include_bytes!(#path);
            )
        }
        None => quote!(),
    };
    Ok(quote! {
        {
            #lock
            const MIGRATIONS: &[::chatbi_db::core::migrate::Migration] = &[#(#items),*];
            ::chatbi_db::Migrator::new(::chatbi_db::core::migrate::MigrationSet::from_static(
                ::chatbi_db::core::migrate::Layout::#layout,
                MIGRATIONS,
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{LoadOptions, SourceFile, load_from_files};

    #[test]
    fn expansion_includes_files_and_checksums() {
        let files = vec![
            SourceFile {
                path: "0001_init.up.sql".into(),
                bytes: b"create table t (id int);\n".to_vec(),
            },
            SourceFile {
                path: "0001_init.down.sql".into(),
                bytes: b"drop table t;\n".to_vec(),
            },
        ];
        let (set, _) = load_from_files("migrations", &LoadOptions::default(), &files).unwrap();
        let loaded = Loaded {
            set,
            dir: "/abs/migrations".into(),
            lock_file: Some("/abs/migrations/migrations.lock".into()),
            down_warnings: Vec::new(),
        };
        let tokens = expand(&loaded).unwrap().to_string();
        assert!(
            tokens.contains(r#"include_str ! ("/abs/migrations/0001_init.up.sql")"#),
            "{tokens}"
        );
        assert!(tokens.contains(r#"include_str ! ("/abs/migrations/0001_init.down.sql")"#));
        assert!(tokens.contains(r#"include_bytes ! ("/abs/migrations/migrations.lock")"#));
        assert!(tokens.contains("version : 1i64"));
        assert!(tokens.contains(r#"description : :: std :: borrow :: Cow :: Borrowed ("init")"#));
        // SHA-384 of the up file, first byte, as a literal list.
        let first = crate::migrate::checksum(b"create table t (id int);\n")[0];
        assert!(
            tokens.contains(&format!("Borrowed (& [{first} ,")),
            "{tokens}"
        );
        assert!(tokens.contains("Layout :: Sqlx"));
    }
}
