//! The expansion's hidden support module: adapters for types the `postgres` crate cannot read
//! or write by itself (`interval`, `inet`/`cidr`), serde for `PgInterval`, and the binary
//! record format of composites for the `postgres` crate.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// Name of the hidden support module, at the root of the expansion.
pub(super) const SUPPORT: &str = "__chatbi_db_support";

/// What the generated code uses from the support module.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Used {
    /// `Interval`.
    pub interval: bool,
    /// `interval_serde`.
    pub interval_serde: bool,
    /// `Inet`.
    pub inet: bool,
    /// The record helpers (some composite is generated).
    pub record: bool,
}

/// The paths of the runtime crates the support module names.
pub(super) struct Crates {
    /// `postgres_types`.
    pub pt: TokenStream,
    /// `sqlx`.
    pub sqlx: TokenStream,
    /// `ipnetwork`.
    pub ipnetwork: TokenStream,
    /// `serde`.
    pub serde: TokenStream,
}

fn boxed_error() -> TokenStream {
    quote!(::std::boxed::Box<dyn ::std::error::Error + ::std::marker::Sync + ::std::marker::Send>)
}

/// The support module, or nothing when nothing uses it.
pub(super) fn support_module(c: &Crates, used: Used) -> TokenStream {
    let mut items = Vec::new();
    if used.interval {
        items.push(interval(c));
    }
    if used.interval_serde {
        items.push(interval_serde(c));
    }
    if used.inet {
        items.push(inet(c));
    }
    if used.record {
        items.push(record(c));
    }
    if items.is_empty() {
        return TokenStream::new();
    }
    let m = format_ident!("{}", SUPPORT);
    quote! {
        #[doc(hidden)]
        #[allow(missing_docs, dead_code)]
        pub mod #m { #(#items)* }
    }
}

/// `Interval`: `interval` for the `postgres` crate.
fn interval(c: &Crates) -> TokenStream {
    let (pt, sqlx, err) = (&c.pt, &c.sqlx, boxed_error());
    quote! {
        /// `interval` for the `postgres` crate (binary: microseconds, days, months).
        #[derive(Debug, Clone, Copy)]
        pub struct Interval(pub #sqlx::postgres::types::PgInterval);
        impl<'a> #pt::FromSql<'a> for Interval {
            fn from_sql(_: &#pt::Type, raw: &'a [u8]) -> ::std::result::Result<Self, #err> {
                let b: [u8; 16] = raw.try_into().map_err(|_| "interval: expected 16 bytes")?;
                let mut us = [0u8; 8];
                us.copy_from_slice(&b[0..8]);
                let mut d = [0u8; 4];
                d.copy_from_slice(&b[8..12]);
                let mut mo = [0u8; 4];
                mo.copy_from_slice(&b[12..16]);
                ::std::result::Result::Ok(Interval(#sqlx::postgres::types::PgInterval {
                    months: i32::from_be_bytes(mo),
                    days: i32::from_be_bytes(d),
                    microseconds: i64::from_be_bytes(us),
                }))
            }
            fn accepts(ty: &#pt::Type) -> bool { *ty == #pt::Type::INTERVAL }
        }
        impl #pt::ToSql for Interval {
            fn to_sql(&self, _: &#pt::Type, out: &mut #pt::private::BytesMut) -> ::std::result::Result<#pt::IsNull, #err> {
                let mut buf = [0u8; 16];
                buf[0..8].copy_from_slice(&self.0.microseconds.to_be_bytes());
                buf[8..12].copy_from_slice(&self.0.days.to_be_bytes());
                buf[12..16].copy_from_slice(&self.0.months.to_be_bytes());
                out.extend_from_slice(&buf);
                ::std::result::Result::Ok(#pt::IsNull::No)
            }
            fn accepts(ty: &#pt::Type) -> bool { *ty == #pt::Type::INTERVAL }
            #pt::to_sql_checked!();
        }
    }
}

/// `interval_serde`: serde for `PgInterval` in its four shapes.
fn interval_serde(c: &Crates) -> TokenStream {
    let (serde, sqlx) = (&c.serde, &c.sqlx);
    let crate_path = Literal::string(&serde.to_string().replace(' ', ""));
    quote! {
        /// `serde` for `PgInterval` (which has none): `{months, days, microseconds}`.
        pub mod interval_serde {
            use #serde::{Deserialize, Serialize, Deserializer, Serializer};
            use #sqlx::postgres::types::PgInterval;
            #[derive(Serialize, Deserialize)]
            #[serde(crate = #crate_path)]
            struct Mirror { months: i32, days: i32, microseconds: i64 }
            fn to(v: &PgInterval) -> Mirror { Mirror { months: v.months, days: v.days, microseconds: v.microseconds } }
            fn from(m: Mirror) -> PgInterval { PgInterval { months: m.months, days: m.days, microseconds: m.microseconds } }
            /// `PgInterval`.
            pub mod one {
                use super::*;
                /// Serializes.
                pub fn serialize<S: Serializer>(v: &PgInterval, s: S) -> ::std::result::Result<S::Ok, S::Error> { to(v).serialize(s) }
                /// Deserializes.
                pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> ::std::result::Result<PgInterval, D::Error> { Mirror::deserialize(d).map(from) }
            }
            /// `Option<PgInterval>`.
            pub mod opt {
                use super::*;
                /// Serializes.
                pub fn serialize<S: Serializer>(v: &::std::option::Option<PgInterval>, s: S) -> ::std::result::Result<S::Ok, S::Error> { v.as_ref().map(to).serialize(s) }
                /// Deserializes.
                pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> ::std::result::Result<::std::option::Option<PgInterval>, D::Error> { ::std::option::Option::<Mirror>::deserialize(d).map(|o| o.map(from)) }
            }
            /// `Vec<PgInterval>`.
            pub mod vec {
                use super::*;
                /// Serializes.
                pub fn serialize<S: Serializer>(v: &[PgInterval], s: S) -> ::std::result::Result<S::Ok, S::Error> { v.iter().map(to).collect::<::std::vec::Vec<_>>().serialize(s) }
                /// Deserializes.
                pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> ::std::result::Result<::std::vec::Vec<PgInterval>, D::Error> { ::std::vec::Vec::<Mirror>::deserialize(d).map(|v| v.into_iter().map(from).collect()) }
            }
            /// `Option<Vec<PgInterval>>`.
            pub mod opt_vec {
                use super::*;
                /// Serializes.
                pub fn serialize<S: Serializer>(v: &::std::option::Option<::std::vec::Vec<PgInterval>>, s: S) -> ::std::result::Result<S::Ok, S::Error> { v.as_ref().map(|v| v.iter().map(to).collect::<::std::vec::Vec<_>>()).serialize(s) }
                /// Deserializes.
                pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> ::std::result::Result<::std::option::Option<::std::vec::Vec<PgInterval>>, D::Error> { ::std::option::Option::<::std::vec::Vec<Mirror>>::deserialize(d).map(|o| o.map(|v| v.into_iter().map(from).collect())) }
            }
        }
    }
}

/// `Inet`: `inet` / `cidr` for the `postgres` crate.
fn inet(c: &Crates) -> TokenStream {
    let (pt, ipn, err) = (&c.pt, &c.ipnetwork, boxed_error());
    quote! {
        /// `inet` / `cidr` for the `postgres` crate (binary: family, bits, is_cidr, length, address).
        #[derive(Debug, Clone, Copy)]
        pub struct Inet(pub #ipn::IpNetwork);
        impl<'a> #pt::FromSql<'a> for Inet {
            fn from_sql(_: &#pt::Type, raw: &'a [u8]) -> ::std::result::Result<Self, #err> {
                if raw.len() < 4 { return ::std::result::Result::Err("inet: short value".into()); }
                let (bits, n) = (raw[1], raw[3] as usize);
                let addr = &raw[4..];
                if addr.len() != n { return ::std::result::Result::Err("inet: bad length".into()); }
                let ip: ::std::net::IpAddr = match n {
                    4 => { let mut a = [0u8; 4]; a.copy_from_slice(addr); ::std::net::IpAddr::from(a) }
                    16 => { let mut a = [0u8; 16]; a.copy_from_slice(addr); ::std::net::IpAddr::from(a) }
                    _ => return ::std::result::Result::Err("inet: bad address length".into()),
                };
                ::std::result::Result::Ok(Inet(#ipn::IpNetwork::new(ip, bits)?))
            }
            fn accepts(ty: &#pt::Type) -> bool { *ty == #pt::Type::INET || *ty == #pt::Type::CIDR }
        }
        impl #pt::ToSql for Inet {
            fn to_sql(&self, ty: &#pt::Type, out: &mut #pt::private::BytesMut) -> ::std::result::Result<#pt::IsNull, #err> {
                let is_cidr = u8::from(*ty == #pt::Type::CIDR);
                match self.0.ip() {
                    ::std::net::IpAddr::V4(a) => {
                        out.extend_from_slice(&[2, self.0.prefix(), is_cidr, 4]);
                        out.extend_from_slice(&a.octets());
                    }
                    ::std::net::IpAddr::V6(a) => {
                        out.extend_from_slice(&[3, self.0.prefix(), is_cidr, 16]);
                        out.extend_from_slice(&a.octets());
                    }
                }
                ::std::result::Result::Ok(#pt::IsNull::No)
            }
            fn accepts(ty: &#pt::Type) -> bool { *ty == #pt::Type::INET || *ty == #pt::Type::CIDR }
            #pt::to_sql_checked!();
        }
    }
}

/// The binary record format for the `postgres` crate: a field count, then for each field its
/// type OID, its length (-1 for NULL) and its bytes (PostgreSQL's `record_send`/`record_recv`).
fn record(c: &Crates) -> TokenStream {
    let (pt, err) = (&c.pt, boxed_error());
    quote! {
        /// The fields of a composite type, or an error for any other type.
        pub fn record_fields(ty: &#pt::Type) -> ::std::result::Result<&[#pt::Field], #err> {
            match ty.kind() {
                #pt::Kind::Composite(fields) => ::std::result::Result::Ok(fields),
                _ => ::std::result::Result::Err(
                    ::std::format!("type `{}` is not a composite type", ty.name()).into(),
                ),
            }
        }
        /// The error for a field the generated struct does not have.
        pub fn unknown_field(name: &str) -> #err {
            ::std::format!("composite type has an unexpected field `{}`", name).into()
        }
        /// Writes the field count.
        pub fn write_count(count: usize, buf: &mut #pt::private::BytesMut) -> ::std::result::Result<(), #err> {
            let count = i32::try_from(count).map_err(|_| "too many fields")?;
            buf.extend_from_slice(&count.to_be_bytes());
            ::std::result::Result::Ok(())
        }
        /// Writes one field: type OID, length, value.
        pub fn write_field<T: #pt::ToSql>(
            value: &T,
            ty: &#pt::Type,
            buf: &mut #pt::private::BytesMut,
        ) -> ::std::result::Result<(), #err> {
            buf.extend_from_slice(&ty.oid().to_be_bytes());
            let base = buf.len();
            buf.extend_from_slice(&[0; 4]);
            let len = match value.to_sql(ty, buf)? {
                #pt::IsNull::Yes => -1,
                #pt::IsNull::No => i32::try_from(buf.len() - base - 4)
                    .map_err(|_| "value too large to transmit")?,
            };
            buf[base..base + 4].copy_from_slice(&len.to_be_bytes());
            ::std::result::Result::Ok(())
        }
        fn read_i32(buf: &mut &[u8]) -> ::std::result::Result<i32, #err> {
            let (head, tail) = buf.split_first_chunk::<4>().ok_or("invalid buffer size")?;
            *buf = tail;
            ::std::result::Result::Ok(i32::from_be_bytes(*head))
        }
        /// Reads the field count, which must be `expected`.
        pub fn read_count(expected: usize, buf: &mut &[u8]) -> ::std::result::Result<(), #err> {
            let count = read_i32(buf)?;
            if usize::try_from(count).ok() != ::std::option::Option::Some(expected) {
                return ::std::result::Result::Err(
                    ::std::format!("invalid field count: {} vs {}", count, expected).into(),
                );
            }
            ::std::result::Result::Ok(())
        }
        /// Reads a field's type OID, which must be `ty`'s.
        pub fn read_oid(ty: &#pt::Type, buf: &mut &[u8]) -> ::std::result::Result<(), #err> {
            if read_i32(buf)? as u32 != ty.oid() {
                return ::std::result::Result::Err("unexpected OID".into());
            }
            ::std::result::Result::Ok(())
        }
        /// Reads a field's length and value.
        pub fn read_field<'a, T: #pt::FromSql<'a>>(
            ty: &#pt::Type,
            buf: &mut &'a [u8],
        ) -> ::std::result::Result<T, #err> {
            let len = read_i32(buf)?;
            let value = match usize::try_from(len) {
                ::std::result::Result::Err(_) => ::std::option::Option::None,
                ::std::result::Result::Ok(len) => {
                    let (head, tail) = buf.split_at_checked(len).ok_or("invalid buffer size")?;
                    *buf = tail;
                    ::std::option::Option::Some(head)
                }
            };
            T::from_sql_nullable(ty, value)
        }
    }
}
