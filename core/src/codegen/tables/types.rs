//! From PostgreSQL types (as `format_type` spells them) to Rust types, by sqlx's mapping.

use super::model::SchemaModel;

/// A built-in PostgreSQL type the generator maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `boolean` -> `bool`.
    Bool,
    /// `"char"` -> `i8`.
    Char,
    /// `smallint` -> `i16`.
    Int2,
    /// `integer` -> `i32`.
    Int4,
    /// `bigint` -> `i64`.
    Int8,
    /// `real` -> `f32`.
    Float4,
    /// `double precision` -> `f64`.
    Float8,
    /// `numeric` -> `rust_decimal::Decimal`.
    Numeric,
    /// `text`, `character varying`, `character`, `name`, `citext` -> `String`.
    Text,
    /// `bytea` -> `Vec<u8>`.
    Bytea,
    /// `uuid` -> `uuid::Uuid`.
    Uuid,
    /// `json`, `jsonb` -> `serde_json::Value`.
    Json,
    /// `inet`, `cidr` -> `ipnetwork::IpNetwork`.
    Inet,
    /// `date`.
    Date,
    /// `time without time zone`.
    Time,
    /// `timestamp without time zone`.
    Timestamp,
    /// `timestamp with time zone`.
    Timestamptz,
    /// `interval` -> `sqlx::postgres::types::PgInterval`.
    Interval,
}

impl Builtin {
    /// `true` when the `postgres` crate has no `FromSql`/`ToSql` for the Rust type and the
    /// generated code goes through a small adapter.
    pub fn needs_adapter(self) -> bool {
        matches!(self, Builtin::Inet | Builtin::Interval)
    }

    fn by_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "boolean" | "bool" => Builtin::Bool,
            "smallint" | "int2" => Builtin::Int2,
            "integer" | "int" | "int4" => Builtin::Int4,
            "bigint" | "int8" => Builtin::Int8,
            "real" | "float4" => Builtin::Float4,
            "double precision" | "float8" => Builtin::Float8,
            "numeric" | "decimal" => Builtin::Numeric,
            "text" | "character varying" | "varchar" | "character" | "char" | "bpchar" | "name"
            | "citext" => Builtin::Text,
            "bytea" => Builtin::Bytea,
            "uuid" => Builtin::Uuid,
            "json" | "jsonb" => Builtin::Json,
            "inet" | "cidr" => Builtin::Inet,
            "date" => Builtin::Date,
            "time" | "time without time zone" => Builtin::Time,
            "timestamp" | "timestamp without time zone" => Builtin::Timestamp,
            "timestamptz" | "timestamp with time zone" => Builtin::Timestamptz,
            n if n == "interval" || n.starts_with("interval ") => Builtin::Interval,
            _ => return None,
        })
    }
}

/// What a type resolves to, before arrays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// A built-in type.
    Builtin(Builtin),
    /// The enum at this index of [`SchemaModel::enums`].
    Enum(usize),
    /// The composite at this index of [`SchemaModel::composites`].
    Composite(usize),
    /// No mapping: the `format_type` text.
    Unknown(String),
}

/// A resolved column type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The element type.
    pub base: Base,
    /// A one-dimensional array (`Vec<T>`) of the base.
    pub array: bool,
    /// When the column's type is a domain: the domain's base type as `format_type` text,
    /// arrays included (used to cast insert parameters).
    pub domain_base: Option<String>,
}

/// A type name split from `format_type` text.
struct TypeName {
    schema: Option<String>,
    name: String,
    quoted: bool,
    array: bool,
}

/// Parses `format_type` text: drops `[]` suffixes and `(...)` modifiers, splits a schema.
fn parse(text: &str) -> TypeName {
    let mut t = text.trim();
    let mut array = false;
    while let Some(rest) = t.strip_suffix("[]") {
        array = true;
        t = rest.trim_end();
    }
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut in_quotes = false;
    let mut depth = 0usize;
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                cur.push(c);
            }
            continue;
        }
        match c {
            '"' => {
                in_quotes = true;
                quoted = true;
            }
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '.' => {
                parts.push((std::mem::take(&mut cur), quoted));
                quoted = false;
            }
            c if c.is_whitespace() => {
                if !cur.is_empty() && !cur.ends_with(' ') {
                    cur.push(' ');
                }
            }
            c => cur.push(c),
        }
    }
    let name = cur.trim_end().to_string();
    let schema = parts.pop().map(|(s, _)| s.trim().to_string());
    TypeName {
        schema,
        name,
        quoted,
        array,
    }
}

impl SchemaModel {
    /// Resolves a type given as `format_type` text (a column's, a composite field's or a domain's
    /// base) to its Rust mapping.
    pub fn resolve(&self, format_type: &str) -> Resolved {
        self.resolve_depth(format_type, 0)
    }

    fn resolve_depth(&self, format_type: &str, depth: usize) -> Resolved {
        let t = parse(format_type);
        let unknown = || Resolved {
            base: Base::Unknown(format_type.to_string()),
            array: t.array,
            domain_base: None,
        };
        let builtin_ok = t.schema.is_none() || t.schema.as_deref() == Some("pg_catalog");
        if builtin_ok {
            if t.quoted && t.name == "char" {
                return Resolved {
                    base: Base::Builtin(Builtin::Char),
                    array: t.array,
                    domain_base: None,
                };
            }
            if !t.quoted
                && let Some(b) = Builtin::by_name(&t.name)
            {
                return Resolved {
                    base: Base::Builtin(b),
                    array: t.array,
                    domain_base: None,
                };
            }
        }
        let matches = |schema: &str, name: &str| match &t.schema {
            Some(s) => s == schema && name == t.name,
            None => name == t.name,
        };
        // Unqualified names are visible through the default search path (`public`) first.
        let rank = |schema: &str| if schema == "public" { 0 } else { 1 };
        let mut best: Option<(usize, Base)> = None;
        for (i, e) in self.enums.iter().enumerate() {
            if matches(&e.schema, &e.name) && best.as_ref().is_none_or(|b| rank(&e.schema) < b.0) {
                best = Some((rank(&e.schema), Base::Enum(i)));
            }
        }
        for (i, c) in self.composites.iter().enumerate() {
            if matches(&c.schema, &c.name) && best.as_ref().is_none_or(|b| rank(&c.schema) < b.0) {
                best = Some((rank(&c.schema), Base::Composite(i)));
            }
        }
        if let Some((_, base)) = best {
            return Resolved {
                base,
                array: t.array,
                domain_base: None,
            };
        }
        if depth < 8 {
            let mut domains: Vec<_> = self
                .domains
                .iter()
                .filter(|d| matches(&d.schema, &d.name))
                .collect();
            domains.sort_by_key(|d| rank(&d.schema));
            if let Some(d) = domains.first() {
                let inner = self.resolve_depth(&d.base, depth + 1);
                if inner.array && t.array {
                    return unknown();
                }
                let base_text = inner.domain_base.clone().unwrap_or_else(|| d.base.clone());
                return Resolved {
                    base: inner.base,
                    array: inner.array || t.array,
                    domain_base: Some(if t.array {
                        format!("{base_text}[]")
                    } else {
                        base_text
                    }),
                };
            }
        }
        unknown()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::tables::model::{DomainModel, EnumModel};

    #[test]
    fn builtins_and_custom() {
        let mut m = SchemaModel::default();
        m.enums.push(EnumModel {
            schema: "underway".into(),
            name: "task_state".into(),
            labels: vec!["a".into()],
            comment: None,
        });
        m.domains.push(DomainModel {
            schema: "public".into(),
            name: "ver".into(),
            base: "bigint".into(),
            not_null: true,
        });
        assert_eq!(
            m.resolve("character varying(255)").base,
            Base::Builtin(Builtin::Text)
        );
        assert_eq!(
            m.resolve("timestamp(3) with time zone").base,
            Base::Builtin(Builtin::Timestamptz)
        );
        assert!(m.resolve("integer[]").array);
        assert_eq!(m.resolve("\"char\"").base, Base::Builtin(Builtin::Char));
        assert_eq!(m.resolve("underway.task_state[]").base, Base::Enum(0));
        assert_eq!(m.resolve("task_state").base, Base::Enum(0));
        assert_eq!(
            m.resolve("other.task_state").base,
            Base::Unknown("other.task_state".into())
        );
        let d = m.resolve("ver");
        assert_eq!(d.base, Base::Builtin(Builtin::Int8));
        assert_eq!(d.domain_base.as_deref(), Some("bigint"));
        assert!(matches!(m.resolve("tsvector").base, Base::Unknown(_)));
    }
}
