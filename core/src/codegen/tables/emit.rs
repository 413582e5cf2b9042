//! Token generation: one module per relation, one Rust type per enum and composite.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::model::{ColumnModel, SchemaModel, TableModel};
use super::names::{camel, camel_ident, ident, quote_sql_ident, snake, snake_ident};
use super::types::{Base, Builtin, Resolved};
use super::{GenerateError, TablesOptions, TimeCrate};

/// Name of the hidden module holding adapters for the `postgres` crate.
const SUPPORT: &str = "__chatbi_db_support";

pub(super) struct Emitter<'a> {
    model: &'a SchemaModel,
    opts: &'a TablesOptions,
    prefix: TokenStream,
    /// Composites whose fields all map (index into `model.composites`).
    composite_ok: Vec<bool>,
    /// Adapters used: interval, inet.
    used_interval: std::cell::Cell<bool>,
    used_inet: std::cell::Cell<bool>,
}

/// What a column becomes in Rust.
struct FieldPlan<'c> {
    col: &'c ColumnModel,
    ident: Ident,
    resolved: Resolved,
}

fn doc(text: &str) -> TokenStream {
    let lit = Literal::string(&format!(" {}", text.replace('\n', "\n ")));
    quote!(#[doc = #lit])
}

fn supers(n: usize) -> TokenStream {
    let s = std::iter::repeat_n(quote!(super::), n);
    quote!(#(#s)*)
}

impl<'a> Emitter<'a> {
    pub(super) fn new(
        model: &'a SchemaModel,
        opts: &'a TablesOptions,
    ) -> Result<Self, GenerateError> {
        let prefix = match &opts.runtime {
            None => TokenStream::new(),
            Some(p) => {
                let path: syn::Path = syn::parse_str(p)
                    .map_err(|e| GenerateError::Option(format!("runtime path `{p}`: {e}")))?;
                quote!(#path)
            }
        };
        let mut e = Emitter {
            model,
            opts,
            prefix,
            composite_ok: vec![false; model.composites.len()],
            used_interval: Default::default(),
            used_inet: Default::default(),
        };
        e.compute_composites();
        Ok(e)
    }

    /// A runtime crate path: `::name` or `<runtime>::name`.
    fn krate(&self, name: &str) -> TokenStream {
        let id = format_ident!("{}", name);
        let p = &self.prefix;
        quote!(#p::#id)
    }

    fn compute_composites(&mut self) {
        // Fixed point: a composite maps when each field is a non-adapted builtin, an enum or a
        // composite that maps (and is not a domain, which the `postgres` crate cannot read
        // inside a record).
        loop {
            let mut changed = false;
            for (i, c) in self.model.composites.iter().enumerate() {
                if self.composite_ok[i] {
                    continue;
                }
                let ok = c.fields.iter().all(|(_, ty)| {
                    let r = self.model.resolve(ty);
                    r.domain_base.is_none()
                        && match r.base {
                            Base::Builtin(b) => !b.needs_adapter(),
                            Base::Enum(_) => true,
                            Base::Composite(j) => self.composite_ok[j],
                            Base::Unknown(_) => false,
                        }
                });
                if ok {
                    self.composite_ok[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn maps(&self, r: &Resolved) -> bool {
        match r.base {
            Base::Builtin(_) | Base::Enum(_) => true,
            Base::Composite(i) => self.composite_ok[i],
            Base::Unknown(_) => false,
        }
    }

    fn builtin_ty(&self, b: Builtin) -> TokenStream {
        let chrono = self.opts.time == TimeCrate::Chrono;
        match b {
            Builtin::Bool => quote!(bool),
            Builtin::Char => quote!(i8),
            Builtin::Int2 => quote!(i16),
            Builtin::Int4 => quote!(i32),
            Builtin::Int8 => quote!(i64),
            Builtin::Float4 => quote!(f32),
            Builtin::Float8 => quote!(f64),
            Builtin::Numeric => {
                let k = self.krate("rust_decimal");
                quote!(#k::Decimal)
            }
            Builtin::Text => quote!(::std::string::String),
            Builtin::Bytea => quote!(::std::vec::Vec<u8>),
            Builtin::Uuid => {
                let k = self.krate("uuid");
                quote!(#k::Uuid)
            }
            Builtin::Json => {
                let k = self.krate("serde_json");
                quote!(#k::Value)
            }
            Builtin::Inet => {
                let k = self.krate("ipnetwork");
                quote!(#k::IpNetwork)
            }
            Builtin::Interval => {
                let k = self.krate("sqlx");
                quote!(#k::postgres::types::PgInterval)
            }
            Builtin::Date | Builtin::Time | Builtin::Timestamp | Builtin::Timestamptz if chrono => {
                let k = self.krate("chrono");
                match b {
                    Builtin::Date => quote!(#k::NaiveDate),
                    Builtin::Time => quote!(#k::NaiveTime),
                    Builtin::Timestamp => quote!(#k::NaiveDateTime),
                    _ => quote!(#k::DateTime<#k::Utc>),
                }
            }
            Builtin::Date | Builtin::Time | Builtin::Timestamp | Builtin::Timestamptz => {
                let k = self.krate("time");
                match b {
                    Builtin::Date => quote!(#k::Date),
                    Builtin::Time => quote!(#k::Time),
                    Builtin::Timestamp => quote!(#k::PrimitiveDateTime),
                    _ => quote!(#k::OffsetDateTime),
                }
            }
        }
    }

    /// Path to a user-defined type from a module `depth` levels below the expansion root.
    fn udt_path(&self, schema: &str, name: &str, depth: usize) -> TokenStream {
        let up = supers(depth);
        let id = camel_ident(name);
        if schema == "public" {
            quote!(#up #id)
        } else {
            let m = snake_ident(schema);
            quote!(#up #m::#id)
        }
    }

    /// The element type (no `Vec`, no `Option`).
    fn elem_ty(&self, base: &Base, depth: usize) -> TokenStream {
        match base {
            Base::Builtin(b) => self.builtin_ty(*b),
            Base::Enum(i) => {
                let e = &self.model.enums[*i];
                self.udt_path(&e.schema, &e.name, depth)
            }
            Base::Composite(i) => {
                let c = &self.model.composites[*i];
                self.udt_path(&c.schema, &c.name, depth)
            }
            Base::Unknown(_) => quote!(()),
        }
    }

    fn full_ty(&self, r: &Resolved, not_null: bool, depth: usize) -> TokenStream {
        let mut t = self.elem_ty(&r.base, depth);
        if r.array {
            t = quote!(::std::vec::Vec<#t>);
        }
        if !not_null {
            t = quote!(::std::option::Option<#t>);
        }
        t
    }

    fn serde_derive(&self) -> TokenStream {
        if !self.opts.serde {
            return TokenStream::new();
        }
        let k = self.krate("serde");
        let crate_path = Literal::string(&k.to_string().replace(' ', ""));
        quote!(
            #[derive(#k::Serialize, #k::Deserialize)]
            #[serde(crate = #crate_path)]
        )
    }

    /// Module-level items for every user type of `schema`, to be placed in the schema's module.
    fn types_of(&self, schema: &str, depth: usize) -> Vec<TokenStream> {
        let mut out = Vec::new();
        let sqlx = self.krate("sqlx");
        let pt = self.krate("postgres_types");
        let serde = self.serde_derive();
        for e in self.model.enums.iter().filter(|e| e.schema == schema) {
            let id = camel_ident(&e.name);
            let sqlx_name = if schema == "public" {
                e.name.clone()
            } else {
                format!("{}.{}", e.schema, e.name)
            };
            let mut seen = BTreeSet::new();
            let mut variants = Vec::new();
            let mut arms = Vec::new();
            for (n, label) in e.labels.iter().enumerate() {
                let mut text = camel(label);
                if !seen.insert(text.clone()) {
                    text = format!("{text}{}", n + 1);
                    seen.insert(text.clone());
                }
                let v = ident(&text);
                let d = doc(&format!("`'{label}'`"));
                let serde_attr = if self.opts.serde {
                    quote!(#[serde(rename = #label)])
                } else {
                    quote!()
                };
                variants.push(
                    quote!(#d #[sqlx(rename = #label)] #[postgres(name = #label)] #serde_attr #v,),
                );
                arms.push(quote!(Self::#v => #label,));
            }
            let head = doc(&format!(
                "PostgreSQL enum `{}.{}`: {}.",
                e.schema,
                e.name,
                e.labels
                    .iter()
                    .map(|l| format!("`'{l}'`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            let comment = e.comment.as_deref().map(doc).unwrap_or_default();
            let pg_name = &e.name;
            let labels = &e.labels;
            out.push(quote! {
                #head
                #comment
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, #sqlx::Type, #pt::ToSql, #pt::FromSql)]
                #serde
                #[sqlx(type_name = #sqlx_name)]
                #[postgres(name = #pg_name)]
                pub enum #id { #(#variants)* }
                impl #id {
                    /// Every label, in the enum's sort order.
                    pub const LABELS: &'static [&'static str] = &[#(#labels),*];
                    /// The SQL label of this value.
                    pub fn as_str(&self) -> &'static str { match self { #(#arms)* } }
                }
            });
        }
        for (i, c) in self
            .model
            .composites
            .iter()
            .enumerate()
            .filter(|(_, c)| c.schema == schema)
        {
            let id = camel_ident(&c.name);
            if !self.composite_ok[i] {
                out.push(TokenStream::new());
                continue;
            }
            let sqlx_name = if schema == "public" {
                c.name.clone()
            } else {
                format!("{}.{}", c.schema, c.name)
            };
            let pg_name = &c.name;
            let mut used = BTreeSet::new();
            let fields = c.fields.iter().enumerate().map(|(n, (fname, fty))| {
                let r = self.model.resolve(fty);
                let t = self.full_ty(&r, false, depth);
                let mut text = snake(fname);
                if !used.insert(text.clone()) {
                    text = format!("{text}_{}", n + 1);
                }
                let fid = ident(&text);
                let d = doc(&format!("`{fname}` `{fty}`"));
                let serde_attr = if self.opts.serde {
                    quote!(#[serde(rename = #fname)])
                } else {
                    quote!()
                };
                quote!(#d #[postgres(name = #fname)] #serde_attr pub #fid: #t,)
            });
            let head = doc(&format!(
                "PostgreSQL composite type `{}.{}`.",
                c.schema, c.name
            ));
            let comment = c.comment.as_deref().map(doc).unwrap_or_default();
            out.push(quote! {
                #head
                #comment
                #[derive(Debug, Clone, PartialEq, #sqlx::Type, #pt::ToSql, #pt::FromSql)]
                #serde
                #[sqlx(type_name = #sqlx_name)]
                #[postgres(name = #pg_name)]
                pub struct #id { #(#fields)* }
            });
        }
        out
    }

    fn column_doc(&self, c: &ColumnModel, r: &Resolved) -> String {
        let mut s = format!("`{}` `{}`", c.name, c.sql_type);
        s.push_str(if c.not_null { " NOT NULL" } else { " NULL" });
        match (c.identity, c.generated) {
            (Some('a'), _) => s.push_str(", GENERATED ALWAYS AS IDENTITY"),
            (Some(_), _) => s.push_str(", GENERATED BY DEFAULT AS IDENTITY"),
            (None, Some(_)) => match &c.default_expr {
                Some(e) => s.push_str(&format!(", GENERATED ALWAYS AS ({e}) STORED")),
                None => s.push_str(", GENERATED ALWAYS AS (...) STORED"),
            },
            (None, None) if c.has_default => match &c.default_expr {
                Some(e) => s.push_str(&format!(", DEFAULT `{e}`")),
                None => s.push_str(", has a DEFAULT"),
            },
            _ => {}
        }
        if let Some(b) = &r.domain_base {
            s.push_str(&format!(" (domain over `{b}`)"));
        }
        s.push('.');
        if let Some(cm) = &c.comment {
            s.push_str("\n\n");
            s.push_str(cm);
        }
        s
    }

    /// The adapter type for a builtin that needs one, from `depth`.
    fn adapter(&self, b: Builtin, depth: usize) -> Option<TokenStream> {
        let up = supers(depth);
        let m = format_ident!("{}", SUPPORT);
        match b {
            Builtin::Interval => {
                self.used_interval.set(true);
                Some(quote!(#up #m::Interval))
            }
            Builtin::Inet => {
                self.used_inet.set(true);
                Some(quote!(#up #m::Inet))
            }
            _ => None,
        }
    }

    /// Expression reading column `name` from a `postgres::Row` named `row`.
    fn pg_get(&self, f: &FieldPlan<'_>, depth: usize) -> TokenStream {
        let name = &f.col.name;
        let adapter = match f.resolved.base {
            Base::Builtin(b) => self.adapter(b, depth),
            _ => None,
        };
        let Some(a) = adapter else {
            return quote!(row.try_get(#name)?);
        };
        let mut t = a.clone();
        if f.resolved.array {
            t = quote!(::std::vec::Vec<#t>);
        }
        if !f.col.not_null {
            t = quote!(::std::option::Option<#t>);
        }
        let conv = if f.resolved.array {
            quote!(|v: ::std::vec::Vec<#a>| v.into_iter().map(|x| x.0).collect())
        } else {
            quote!(|x: #a| x.0)
        };
        if f.col.not_null {
            quote!({ let conv = #conv; conv(row.try_get::<_, #t>(#name)?) })
        } else {
            quote!(row.try_get::<_, #t>(#name)?.map(#conv))
        }
    }

    /// Expression giving a boxed `ToSql` for field `f` of `self`.
    fn pg_param(&self, f: &FieldPlan<'_>, depth: usize) -> TokenStream {
        let id = &f.ident;
        let adapter = match f.resolved.base {
            Base::Builtin(b) => self.adapter(b, depth),
            _ => None,
        };
        let Some(a) = adapter else {
            return quote!(::std::boxed::Box::new(&self.#id));
        };
        let conv = if f.resolved.array {
            quote!(|v: &::std::vec::Vec<_>| v.iter().cloned().map(#a).collect::<::std::vec::Vec<_>>())
        } else {
            quote!(|x: &_| #a(::std::clone::Clone::clone(x)))
        };
        if f.col.not_null {
            quote!({ let conv = #conv; ::std::boxed::Box::new(conv(&self.#id)) })
        } else {
            quote!(::std::boxed::Box::new(self.#id.as_ref().map(#conv)))
        }
    }

    fn serde_field_attr(&self, f: &FieldPlan<'_>, depth: usize) -> TokenStream {
        if !self.opts.serde {
            return TokenStream::new();
        }
        let name = &f.col.name;
        let with = match f.resolved.base {
            Base::Builtin(Builtin::Interval) => {
                let shape = match (f.col.not_null, f.resolved.array) {
                    (true, false) => "one",
                    (false, false) => "opt",
                    (true, true) => "vec",
                    (false, true) => "opt_vec",
                };
                self.used_interval.set(true);
                let path = format!(
                    "{}{SUPPORT}::interval_serde::{shape}",
                    "super::".repeat(depth)
                );
                quote!(#[serde(with = #path)])
            }
            _ => quote!(),
        };
        quote!(#[serde(rename = #name)] #with)
    }

    fn table_module(&self, t: &TableModel, depth: usize) -> Result<TokenStream, GenerateError> {
        let sqlx = self.krate("sqlx");
        let pg = self.krate("postgres");
        let pt = self.krate("postgres_types");
        let serde = self.serde_derive();
        let qualified = format!(
            "{}.{}",
            quote_sql_ident(&t.schema),
            quote_sql_ident(&t.name)
        );
        let mut plans = Vec::new();
        let mut skipped = Vec::new();
        let mut used = BTreeSet::new();
        for (n, c) in t.columns.iter().enumerate() {
            let r = self.model.resolve(&c.sql_type);
            if !self.maps(&r) {
                skipped.push(c);
                continue;
            }
            let mut text = snake(&c.name);
            if !used.insert(text.clone()) {
                text = format!("{text}_{}", n + 1);
                used.insert(text.clone());
            }
            plans.push(FieldPlan {
                col: c,
                ident: ident(&text),
                resolved: r,
            });
        }
        let field_defs = |fields: &[&FieldPlan<'_>], with_sqlx: bool| -> Vec<TokenStream> {
            fields
                .iter()
                .map(|f| {
                    let d = doc(&self.column_doc(f.col, &f.resolved));
                    let ty = self.full_ty(&f.resolved, f.col.not_null, depth);
                    let id = &f.ident;
                    let name = &f.col.name;
                    let rename = if with_sqlx && *id != name {
                        quote!(#[sqlx(rename = #name)])
                    } else {
                        quote!()
                    };
                    let serde_attr = self.serde_field_attr(f, depth);
                    quote!(#d #rename #serde_attr pub #id: #ty,)
                })
                .collect()
        };
        let all: Vec<&FieldPlan<'_>> = plans.iter().collect();
        let row_fields = field_defs(&all, true);
        let col_names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        let mapped_list = plans
            .iter()
            .map(|f| quote_sql_ident(&f.col.name))
            .collect::<Vec<_>>()
            .join(", ");
        let select = format!("SELECT {mapped_list} FROM {qualified}");
        let gets = plans.iter().map(|f| {
            let id = &f.ident;
            let g = self.pg_get(f, depth);
            quote!(#id: #g,)
        });
        let mut module_doc = format!(
            "{} `{}.{}`.",
            match t.kind {
                super::model::RelationKind::Table => "Table",
                super::model::RelationKind::PartitionedTable => "Partitioned table",
                super::model::RelationKind::View => "View (read only)",
                super::model::RelationKind::MaterializedView => "Materialized view (read only)",
            },
            t.schema,
            t.name
        );
        if let Some(cm) = &t.comment {
            module_doc.push_str("\n\n");
            module_doc.push_str(cm);
        }
        if !skipped.is_empty() {
            module_doc.push_str(
                "\n\nColumns left out of [`Row`] (no Rust mapping; select them cast to `text`): ",
            );
            module_doc.push_str(
                &skipped
                    .iter()
                    .map(|c| format!("`{}` `{}`", c.name, c.sql_type))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            module_doc.push('.');
        }
        // The insert struct: tables only, every required column mapped.
        let mut insert = TokenStream::new();
        let required_unmapped: Vec<&&ColumnModel> = skipped
            .iter()
            .filter(|c| c.not_null && !c.is_defaulted())
            .collect();
        if t.kind.is_table() && required_unmapped.is_empty() && !plans.is_empty() {
            let ins: Vec<&FieldPlan<'_>> = plans.iter().filter(|f| !f.col.is_defaulted()).collect();
            let ins_fields = field_defs(&ins, false);
            let cols = ins
                .iter()
                .map(|f| quote_sql_ident(&f.col.name))
                .collect::<Vec<_>>()
                .join(", ");
            let vals = ins
                .iter()
                .enumerate()
                .map(|(i, f)| match &f.resolved.domain_base {
                    Some(b) => format!("${}::{b}", i + 1),
                    None => format!("${}", i + 1),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let sql = if ins.is_empty() {
                format!("INSERT INTO {qualified} DEFAULT VALUES RETURNING {mapped_list}")
            } else {
                format!("INSERT INTO {qualified} ({cols}) VALUES ({vals}) RETURNING {mapped_list}")
            };
            let binds = ins.iter().map(|f| {
                let id = &f.ident;
                quote!(.bind(&self.#id))
            });
            let params: Vec<TokenStream> = ins.iter().map(|f| self.pg_param(f, depth)).collect();
            let left_out: Vec<String> = t
                .columns
                .iter()
                .filter(|c| c.is_defaulted())
                .map(|c| format!("`{}`", c.name))
                .collect();
            let ins_doc = doc(&if left_out.is_empty() {
                format!("A new row of `{}.{}`: every column.", t.schema, t.name)
            } else {
                format!(
                    "A new row of `{}.{}`: the columns without a default (left out, filled by the server: {}).",
                    t.schema,
                    t.name,
                    left_out.join(", ")
                )
            });
            let derive_default = if ins.is_empty() {
                quote!(Default,)
            } else {
                quote!()
            };
            let copies = ins.iter().map(|f| {
                let id = &f.ident;
                quote!(#id: ::std::clone::Clone::clone(&row.#id),)
            });
            insert = quote! {
                /// `INSERT` of an [`Insert`] (parameters in field order), returning the stored [`Row`].
                pub const INSERT: &str = #sql;
                #ins_doc
                #[derive(Debug, Clone, PartialEq, #derive_default)]
                #serde
                pub struct Insert { #(#ins_fields)* }
                impl ::std::convert::From<&Row> for Insert {
                    /// The insertable columns of a stored row (to copy it, or to compare with what was inserted).
                    fn from(row: &Row) -> Self {
                        Insert { #(#copies)* }
                    }
                }
                impl Insert {
                    /// Inserts the row through sqlx and returns it as stored (defaults filled in).
                    pub async fn insert_sqlx<'e, E>(&self, executor: E) -> ::std::result::Result<Row, #sqlx::Error>
                    where
                        E: #sqlx::Executor<'e, Database = #sqlx::Postgres>,
                    {
                        #sqlx::query_as::<#sqlx::Postgres, Row>(INSERT) #(#binds)* .fetch_one(executor).await
                    }
                    /// Inserts the row through the `postgres` crate and returns it as stored.
                    pub fn insert_postgres<C: #pg::GenericClient>(&self, client: &mut C) -> ::std::result::Result<Row, #pg::Error> {
                        let params: ::std::vec::Vec<::std::boxed::Box<dyn #pt::ToSql + ::std::marker::Sync + '_>> = ::std::vec![#(#params),*];
                        let refs: ::std::vec::Vec<&(dyn #pt::ToSql + ::std::marker::Sync)> =
                            params.iter().map(|p| &**p as &(dyn #pt::ToSql + ::std::marker::Sync)).collect();
                        let row = client.query_one(INSERT, &refs)?;
                        <Row as ::std::convert::TryFrom<&#pg::Row>>::try_from(&row)
                    }
                }
            };
        } else if t.kind.is_table() {
            module_doc.push_str("\n\nNo [`Insert`]-struct: ");
            module_doc.push_str(if plans.is_empty() {
                "no column maps to Rust."
            } else {
                "a required column has no Rust mapping."
            });
        }
        let mdoc = doc(&module_doc);
        let schema = &t.schema;
        let table = &t.name;
        let m = snake_ident(&t.name);
        let row_doc = doc(&format!(
            "A row of `{}.{}`, columns in table order.",
            t.schema, t.name
        ));
        Ok(quote! {
            #mdoc
            pub mod #m {
                /// Schema of the relation.
                pub const SCHEMA: &str = #schema;
                /// Name of the relation.
                pub const TABLE: &str = #table;
                /// Schema-qualified, quoted name, for SQL text.
                pub const QUALIFIED: &str = #qualified;
                /// Every column name, in table order.
                pub const COLUMNS: &[&str] = &[#(#col_names),*];
                /// `SELECT` of the columns of [`Row`].
                pub const SELECT: &str = #select;
                #row_doc
                #[derive(Debug, Clone, PartialEq, #sqlx::FromRow)]
                #serde
                pub struct Row { #(#row_fields)* }
                impl ::std::convert::TryFrom<&#pg::Row> for Row {
                    type Error = #pg::Error;
                    fn try_from(row: &#pg::Row) -> ::std::result::Result<Self, Self::Error> {
                        ::std::result::Result::Ok(Row { #(#gets)* })
                    }
                }
                #insert
            }
        })
    }

    fn support_module(&self) -> TokenStream {
        let pt = self.krate("postgres_types");
        let sqlx = self.krate("sqlx");
        let ipn = self.krate("ipnetwork");
        let m = format_ident!("{}", SUPPORT);
        let mut items = Vec::new();
        let err = quote!(
            ::std::boxed::Box<dyn ::std::error::Error + ::std::marker::Sync + ::std::marker::Send>
        );
        if self.used_interval.get() {
            items.push(quote! {
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
            });
            if self.opts.serde {
                let serde = self.krate("serde");
                let crate_path = Literal::string(&serde.to_string().replace(' ', ""));
                items.push(quote! {
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
                });
            }
        }
        if self.used_inet.get() {
            items.push(quote! {
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
            });
        }
        if items.is_empty() {
            return TokenStream::new();
        }
        quote! {
            #[doc(hidden)]
            #[allow(missing_docs)]
            pub mod #m { #(#items)* }
        }
    }

    pub(super) fn emit(&self) -> Result<TokenStream, GenerateError> {
        // Group by schema; detect name collisions per namespace.
        let mut schemas: BTreeMap<&str, (Vec<TokenStream>, Vec<TokenStream>)> = BTreeMap::new();
        let mut names: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut claim = |ns: &str, rust: String, what: String| -> Result<(), GenerateError> {
            if let Some(prev) = names.insert((ns.to_string(), rust.clone()), what.clone()) {
                return Err(GenerateError::NameClash {
                    rust,
                    first: prev,
                    second: what,
                });
            }
            Ok(())
        };
        claim("public", SUPPORT.to_string(), "the support module".into())?;
        for t in &self.model.tables {
            if !self.opts.views && !t.kind.is_table() {
                continue;
            }
            claim(
                &t.schema,
                snake_ident(&t.name).to_string(),
                format!("relation {}.{}", t.schema, t.name),
            )?;
            let depth = if t.schema == "public" { 1 } else { 2 };
            let m = self.table_module(t, depth)?;
            schemas.entry(t.schema.as_str()).or_default().1.push(m);
        }
        for e in &self.model.enums {
            claim(
                &e.schema,
                camel_ident(&e.name).to_string(),
                format!("enum {}.{}", e.schema, e.name),
            )?;
            schemas.entry(e.schema.as_str()).or_default();
        }
        for c in &self.model.composites {
            claim(
                &c.schema,
                camel_ident(&c.name).to_string(),
                format!("type {}.{}", c.schema, c.name),
            )?;
            schemas.entry(c.schema.as_str()).or_default();
        }
        let mut out = Vec::new();
        for (schema, (_, tables)) in &mut schemas {
            let depth = usize::from(*schema != "public");
            let types = self.types_of(schema, depth);
            if *schema == "public" {
                out.extend(types);
                out.append(tables);
            } else {
                claim(
                    "public",
                    snake_ident(schema).to_string(),
                    format!("schema {schema}"),
                )?;
                let m = snake_ident(schema);
                let d = doc(&format!("Schema `{schema}`."));
                out.push(quote!(#d pub mod #m { #(#types)* #(#tables)* }));
            }
        }
        let support = self.support_module();
        Ok(quote!(#support #(#out)*))
    }
}
