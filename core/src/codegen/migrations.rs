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
    let down_only = down_only_items(loaded, &path_literal)?;
    let warnings = warning_items(loaded);
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
            #warnings
            const MIGRATIONS: &[::chatbi_db::core::migrate::Migration] = &[#(#items),*];
            const DOWN_ONLY: &[::chatbi_db::core::migrate::DownOnly] = &[#(#down_only),*];
            ::chatbi_db::Migrator::new(::chatbi_db::core::migrate::MigrationSet::from_static_parts(
                ::chatbi_db::core::migrate::Layout::#layout,
                MIGRATIONS,
                DOWN_ONLY,
            ))
        }
    })
}

/// The down-only migrations (a `.down.sql` without its `.up.sql`), each over `include_str!`.
fn down_only_items(
    loaded: &Loaded,
    path_literal: &dyn Fn(&Path) -> Result<Literal, MigrateError>,
) -> Result<Vec<TokenStream>, MigrateError> {
    let mut items = Vec::with_capacity(loaded.set.down_only.len());
    for d in loaded.set.down_only.iter() {
        let version = Literal::i64_suffixed(d.version);
        let description = Literal::string(&d.description);
        let path = path_literal(&loaded.dir.join(&*d.file))?;
        let file = Literal::string(&d.file);
        items.push(quote! {
            ::chatbi_db::core::migrate::DownOnly {
                version: #version,
                description: ::std::borrow::Cow::Borrowed(#description),
                sql: ::std::borrow::Cow::Borrowed(::core::include_str!(#path)),
                file: ::std::borrow::Cow::Borrowed(#file),
            }
        });
    }
    Ok(items)
}

/// The loader's warnings as compile-time warnings: stable Rust has no warning a macro
/// can emit, so each becomes the use of a deprecated item whose note is the warning
/// (`warning: use of deprecated unit struct …: migrations/3.sql: warning: not loaded: …`).
fn warning_items(loaded: &Loaded) -> TokenStream {
    let notes = loaded
        .warnings
        .iter()
        .map(ToString::to_string)
        .chain(loaded.down_warnings.iter().map(ToString::to_string))
        .map(|text| Literal::string(&text));
    quote! {
        #(
            const _: () = {
                #[deprecated(note = #notes)]
                struct MigrationWarning;
                let _ = MigrationWarning;
            };
        )*
    }
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
        let files = load_from_files("migrations", &LoadOptions::default(), &files).unwrap();
        let loaded = Loaded {
            set: files.set,
            dir: "/abs/migrations".into(),
            lock_file: Some("/abs/migrations/migrations.lock".into()),
            down_warnings: Vec::new(),
            warnings: files.warnings,
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
        assert!(!tokens.contains("deprecated"), "no warnings: {tokens}");
    }

    #[test]
    fn expansion_carries_down_only_files_and_warnings() {
        let files = vec![
            SourceFile {
                path: "0001_init.sql".into(),
                bytes: b"create table t (id int);\n".to_vec(),
            },
            SourceFile {
                path: "0002_gone.down.sql".into(),
                bytes: b"drop table t;\n".to_vec(),
            },
            SourceFile {
                path: "3.sql".into(),
                bytes: b"select 1;\n".to_vec(),
            },
        ];
        let files = load_from_files("migrations", &LoadOptions::default(), &files).unwrap();
        let loaded = Loaded {
            set: files.set,
            dir: "/abs/migrations".into(),
            lock_file: None,
            down_warnings: Vec::new(),
            warnings: files.warnings,
        };
        let tokens = expand(&loaded).unwrap().to_string();
        assert!(
            tokens.contains(r#"include_str ! ("/abs/migrations/0002_gone.down.sql")"#),
            "{tokens}"
        );
        assert!(tokens.contains("version : 2i64"), "{tokens}");
        assert!(tokens.contains("# [deprecated (note = \"migrations/3.sql: warning: not loaded"));
        assert!(tokens.contains("migrations/0002_gone.down.sql: warning: loaded as a down-only"));
    }
}
