//! Trait impls written out for the generated types, so that the expansion names sqlx and
//! postgres-types only through the runtime path ([`super::TablesOptions::runtime`]): the crates'
//! own derives hard-code `::sqlx` / `::postgres_types`, which a crate depending only on
//! `chatbi-db` does not have.
//!
//! Each impl does what the derive of sqlx 0.9 or postgres-derive 0.4 does for the same type
//! and attributes (`#[sqlx(type_name, rename)]`, `#[postgres(name)]`): the same type names,
//! wire formats, `accepts` rules and error texts.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// Paths of the runtime crates and of the expansion's support module, as seen from the module
/// the impls are placed in.
pub(super) struct Paths {
    /// `sqlx`.
    pub sqlx: TokenStream,
    /// `postgres_types`.
    pub pt: TokenStream,
    /// The support module (`super::…::__chatbi_db_support`).
    pub support: TokenStream,
}

/// A field of a generated composite or row struct.
pub(super) struct Field {
    /// The Rust field.
    pub ident: Ident,
    /// The SQL name.
    pub name: String,
    /// The Rust type.
    pub ty: TokenStream,
}

/// An enum's variants: Rust identifier and SQL label.
pub(super) type Variants = [(Ident, String)];

fn boxed_error() -> TokenStream {
    quote!(::std::boxed::Box<dyn ::std::error::Error + ::std::marker::Sync + ::std::marker::Send>)
}

/// sqlx `Type`, `PgHasArrayType`, `Encode` and `Decode` for a type named `sqlx_name`
/// (`schema.name` outside `public`), as `#[derive(sqlx::Type)]` gives them.
fn sqlx_type(p: &Paths, id: &Ident, sqlx_name: &str) -> TokenStream {
    let sqlx = &p.sqlx;
    quote! {
        #[automatically_derived]
        impl #sqlx::Type<#sqlx::Postgres> for #id {
            fn type_info() -> #sqlx::postgres::PgTypeInfo {
                #sqlx::postgres::PgTypeInfo::with_name(#sqlx_name)
            }
        }
        #[automatically_derived]
        impl #sqlx::postgres::PgHasArrayType for #id {
            fn array_type_info() -> #sqlx::postgres::PgTypeInfo {
                #sqlx::postgres::PgTypeInfo::array_of(#sqlx_name)
            }
        }
    }
}

/// The impls of a generated enum: text labels for both clients.
pub(super) fn enum_impls(
    p: &Paths,
    id: &Ident,
    sqlx_name: &str,
    pg_name: &str,
    variants: &Variants,
) -> TokenStream {
    let (sqlx, pt) = (&p.sqlx, &p.pt);
    let err = boxed_error();
    let rust_name = id.to_string();
    let labels: Vec<&String> = variants.iter().map(|(_, l)| l).collect();
    let idents: Vec<&Ident> = variants.iter().map(|(v, _)| v).collect();
    let accepts = quote! {
        fn accepts(ty: &#pt::Type) -> bool {
            if ty.name() != #pg_name {
                return false;
            }
            match ty.kind() {
                #pt::Kind::Enum(labels) => {
                    labels.len() == Self::LABELS.len()
                        && labels.iter().all(|l| Self::LABELS.contains(&l.as_str()))
                }
                _ => false,
            }
        }
    };
    let types = sqlx_type(p, id, sqlx_name);
    quote! {
        #types
        #[automatically_derived]
        impl<'q> #sqlx::Encode<'q, #sqlx::Postgres> for #id {
            fn encode_by_ref(
                &self,
                buf: &mut #sqlx::postgres::PgArgumentBuffer,
            ) -> ::std::result::Result<#sqlx::encode::IsNull, #sqlx::error::BoxDynError> {
                <&str as #sqlx::Encode<'q, #sqlx::Postgres>>::encode(self.as_str(), buf)
            }
            fn size_hint(&self) -> usize {
                <&str as #sqlx::Encode<'q, #sqlx::Postgres>>::size_hint(&self.as_str())
            }
        }
        #[automatically_derived]
        impl<'r> #sqlx::Decode<'r, #sqlx::Postgres> for #id {
            fn decode(
                value: #sqlx::postgres::PgValueRef<'r>,
            ) -> ::std::result::Result<Self, #sqlx::error::BoxDynError> {
                let value = <&'r str as #sqlx::Decode<'r, #sqlx::Postgres>>::decode(value)?;
                match value {
                    #(#labels => ::std::result::Result::Ok(Self::#idents),)*
                    _ => ::std::result::Result::Err(
                        ::std::format!("invalid value {:?} for enum {}", value, #rust_name).into(),
                    ),
                }
            }
        }
        #[automatically_derived]
        impl #pt::ToSql for #id {
            fn to_sql(
                &self,
                _: &#pt::Type,
                buf: &mut #pt::private::BytesMut,
            ) -> ::std::result::Result<#pt::IsNull, #err> {
                buf.extend_from_slice(self.as_str().as_bytes());
                ::std::result::Result::Ok(#pt::IsNull::No)
            }
            #accepts
            #pt::to_sql_checked!();
        }
        #[automatically_derived]
        impl<'a> #pt::FromSql<'a> for #id {
            fn from_sql(_: &#pt::Type, raw: &'a [u8]) -> ::std::result::Result<Self, #err> {
                match ::std::str::from_utf8(raw)? {
                    #(#labels => ::std::result::Result::Ok(Self::#idents),)*
                    s => ::std::result::Result::Err(::std::format!("invalid variant `{}`", s).into()),
                }
            }
            #accepts
        }
    }
}

/// `accepts` of a composite for one of the postgres-types traits: the type's name, and each
/// field by name with a type the field's Rust type accepts.
fn record_accepts(
    pt: &TokenStream,
    trait_: &TokenStream,
    pg_name: &str,
    fields: &[Field],
) -> TokenStream {
    let count = fields.len();
    let names = fields.iter().map(|f| &f.name);
    let tys = fields.iter().map(|f| &f.ty);
    quote! {
        fn accepts(ty: &#pt::Type) -> bool {
            if ty.name() != #pg_name {
                return false;
            }
            match ty.kind() {
                #pt::Kind::Composite(fields) => {
                    fields.len() == #count
                        && fields.iter().all(|f| match f.name() {
                            #(#names => <#tys as #pt::#trait_>::accepts(f.type_()),)*
                            _ => false,
                        })
                }
                _ => false,
            }
        }
    }
}

/// sqlx's impls of a composite: fields in declaration order (the composite's own order).
fn record_sqlx(p: &Paths, id: &Ident, sqlx_name: &str, fields: &[Field]) -> TokenStream {
    let sqlx = &p.sqlx;
    let idents: Vec<&Ident> = fields.iter().map(|f| &f.ident).collect();
    let tys = fields.iter().map(|f| &f.ty);
    let tys2 = tys.clone();
    let count = fields.len();
    let types = sqlx_type(p, id, sqlx_name);
    quote! {
        #types
        #[automatically_derived]
        impl<'q> #sqlx::Encode<'q, #sqlx::Postgres> for #id {
            fn encode_by_ref(
                &self,
                buf: &mut #sqlx::postgres::PgArgumentBuffer,
            ) -> ::std::result::Result<#sqlx::encode::IsNull, #sqlx::error::BoxDynError> {
                let mut encoder = #sqlx::postgres::types::PgRecordEncoder::new(buf);
                #(encoder.encode(&self.#idents)?;)*
                encoder.finish();
                ::std::result::Result::Ok(#sqlx::encode::IsNull::No)
            }
            fn size_hint(&self) -> usize {
                #count * (4 + 4)
                    #(+ <#tys as #sqlx::Encode<'q, #sqlx::Postgres>>::size_hint(&self.#idents))*
            }
        }
        #[automatically_derived]
        impl<'r> #sqlx::Decode<'r, #sqlx::Postgres> for #id {
            fn decode(
                value: #sqlx::postgres::PgValueRef<'r>,
            ) -> ::std::result::Result<Self, #sqlx::error::BoxDynError> {
                let mut decoder = #sqlx::postgres::types::PgRecordDecoder::new(value)?;
                ::std::result::Result::Ok(Self {
                    #(#idents: decoder.try_decode::<#tys2>()?,)*
                })
            }
        }
    }
}

/// The impls of a generated composite: sqlx's record codec, and the binary record format for
/// the `postgres` crate (fields matched by name, as the server lists them).
pub(super) fn record_impls(
    p: &Paths,
    id: &Ident,
    sqlx_name: &str,
    pg_name: &str,
    fields: &[Field],
) -> TokenStream {
    let (pt, support) = (&p.pt, &p.support);
    let err = boxed_error();
    let to_accepts = record_accepts(pt, &quote!(ToSql), pg_name, fields);
    let from_accepts = record_accepts(pt, &quote!(FromSql), pg_name, fields);
    let names: Vec<&String> = fields.iter().map(|f| &f.name).collect();
    let idents: Vec<&Ident> = fields.iter().map(|f| &f.ident).collect();
    // Locals for the fields read so far, named apart from the function's own.
    let temps: Vec<Ident> = idents
        .iter()
        .map(|i| format_ident!("__{}", i.to_string().trim_start_matches("r#")))
        .collect();
    let sqlx_impls = record_sqlx(p, id, sqlx_name, fields);
    quote! {
        #sqlx_impls
        #[automatically_derived]
        impl #pt::ToSql for #id {
            fn to_sql(
                &self,
                ty: &#pt::Type,
                buf: &mut #pt::private::BytesMut,
            ) -> ::std::result::Result<#pt::IsNull, #err> {
                let fields = #support::record_fields(ty)?;
                #support::write_count(fields.len(), buf)?;
                for field in fields {
                    match field.name() {
                        #(#names => #support::write_field(&self.#idents, field.type_(), buf)?,)*
                        other => return ::std::result::Result::Err(#support::unknown_field(other)),
                    }
                }
                ::std::result::Result::Ok(#pt::IsNull::No)
            }
            #to_accepts
            #pt::to_sql_checked!();
        }
        #[automatically_derived]
        impl<'a> #pt::FromSql<'a> for #id {
            fn from_sql(ty: &#pt::Type, raw: &'a [u8]) -> ::std::result::Result<Self, #err> {
                let fields = #support::record_fields(ty)?;
                let mut buf = raw;
                #support::read_count(fields.len(), &mut buf)?;
                #(let mut #temps = ::std::option::Option::None;)*
                for field in fields {
                    #support::read_oid(field.type_(), &mut buf)?;
                    match field.name() {
                        #(#names => #temps = ::std::option::Option::Some(
                            #support::read_field(field.type_(), &mut buf)?,
                        ),)*
                        other => return ::std::result::Result::Err(#support::unknown_field(other)),
                    }
                }
                ::std::result::Result::Ok(Self {
                    #(#idents: #temps.ok_or("composite type is missing a field")?,)*
                })
            }
            #from_accepts
        }
    }
}

/// sqlx's `FromRow` for a row struct: each field read by its column name.
pub(super) fn from_row_impl(
    sqlx: &TokenStream,
    id: &Ident,
    columns: &[(&Ident, &str)],
) -> TokenStream {
    let idents = columns.iter().map(|(i, _)| i);
    let names = columns.iter().map(|(_, n)| n);
    quote! {
        #[automatically_derived]
        impl<'r> #sqlx::FromRow<'r, #sqlx::postgres::PgRow> for #id {
            fn from_row(row: &'r #sqlx::postgres::PgRow) -> #sqlx::Result<Self> {
                ::std::result::Result::Ok(Self {
                    #(#idents: #sqlx::Row::try_get(row, #names)?,)*
                })
            }
        }
    }
}
