//! Dumps: the corpus's `catalog.pg15.json` shape, and normalised DDL for people.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::Catalog;
use super::model::*;
use super::types::quote_ident;

fn qname(schema: &str, name: &str) -> String {
    if schema == "public" {
        quote_ident(name)
    } else {
        format!("{}.{}", quote_ident(schema), quote_ident(name))
    }
}

impl Catalog {
    /// The catalog as `catalog.pg15.json` holds it: keys `relations`, `enums`, `composites`,
    /// `domains`, `extensions`; types spelled by `format_type` under the default search path.
    /// The runner's own tables are left out.
    pub fn to_catalog_json(&self) -> Value {
        let vis = vec!["public".to_string()];
        let mut relations = Map::new();
        let mut enums = Map::new();
        let mut composites = Map::new();
        let mut domains = Map::new();
        let mut rel_list: Vec<&Relation> = self
            .relations()
            .filter(|r| !r.internal && !is_runner_table(&r.name))
            .collect();
        rel_list.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        for r in rel_list {
            let columns: Vec<Value> = r
                .columns
                .iter()
                .map(|c| {
                    json!({
                        "name": c.name,
                        "type": c.ty.format(&vis),
                        "typname": c.ty.typname(),
                        "not_null": c.not_null,
                        "has_default": c.default.is_some() || c.generated.is_some(),
                        "identity": c.identity.map(|i| i.code()),
                        "generated": c.generated.as_ref().map(|_| "s"),
                    })
                })
                .collect();
            relations.insert(
                format!("{}.{}", r.schema, r.name),
                json!({"kind": r.kind.as_str(), "columns": columns}),
            );
        }
        let mut types: Vec<&TypeDef> = self.types().collect();
        types.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        for t in types {
            let key = format!("{}.{}", t.schema, t.name);
            match &t.kind {
                TypeKind::Enum(labels) => {
                    enums.insert(key, json!(labels));
                }
                TypeKind::Composite(fields) => {
                    let f: Vec<String> = fields
                        .iter()
                        .map(|(n, ty)| format!("{} {}", quote_ident(n), ty.format(&vis)))
                        .collect();
                    composites.insert(key, json!(f));
                }
                TypeKind::Domain { base, not_null, .. } => {
                    domains.insert(
                        key,
                        json!({"base": base.format(&vis), "not_null": not_null}),
                    );
                }
                _ => {}
            }
        }
        let mut extensions = Map::new();
        for e in self.extensions.values() {
            extensions.insert(e.name.clone(), json!(e.version));
        }
        let mut root = Map::new();
        root.insert("relations".into(), Value::Object(relations));
        root.insert("enums".into(), Value::Object(enums));
        root.insert("composites".into(), Value::Object(composites));
        root.insert("domains".into(), Value::Object(domains));
        root.insert("extensions".into(), Value::Object(extensions));
        Value::Object(root)
    }

    /// Normalised DDL for people: schemas, extensions, types, tables with their constraints,
    /// sequences, indexes, views and comments, in a stable order.
    pub fn to_sql(&self) -> String {
        let vis = vec!["public".to_string()];
        let mut out = String::new();
        for s in self.schemas.values() {
            if s.name != "public" {
                let _ = writeln!(out, "CREATE SCHEMA {};", quote_ident(&s.name));
            }
        }
        for e in self.extensions.values() {
            if e.name != "plpgsql" {
                let _ = writeln!(
                    out,
                    "CREATE EXTENSION {} WITH SCHEMA {} VERSION '{}';",
                    quote_ident(&e.name),
                    quote_ident(&e.schema),
                    e.version
                );
            }
        }
        if !out.is_empty() {
            out.push('\n');
        }
        for t in self.types() {
            if t.extension.is_some() {
                continue;
            }
            let name = qname(&t.schema, &t.name);
            match &t.kind {
                TypeKind::Enum(labels) => {
                    let l: Vec<String> = labels
                        .iter()
                        .map(|l| format!("'{}'", l.replace('\'', "''")))
                        .collect();
                    let _ = writeln!(out, "CREATE TYPE {name} AS ENUM ({});", l.join(", "));
                }
                TypeKind::Composite(fields) => {
                    let f: Vec<String> = fields
                        .iter()
                        .map(|(n, ty)| format!("    {} {}", quote_ident(n), ty.format(&vis)))
                        .collect();
                    let _ = writeln!(out, "CREATE TYPE {name} AS (\n{}\n);", f.join(",\n"));
                }
                TypeKind::Domain {
                    base,
                    not_null,
                    default,
                    checks,
                } => {
                    let _ = write!(out, "CREATE DOMAIN {name} AS {}", base.format(&vis));
                    if let Some(d) = default {
                        let _ = write!(out, " DEFAULT {d}");
                    }
                    if *not_null {
                        out.push_str(" NOT NULL");
                    }
                    for (n, c) in checks {
                        let _ = write!(out, " CONSTRAINT {} CHECK ({c})", quote_ident(n));
                    }
                    out.push_str(";\n");
                }
                TypeKind::Range { subtype } => {
                    let _ = writeln!(
                        out,
                        "CREATE TYPE {name} AS RANGE (SUBTYPE = {});",
                        subtype.format(&vis)
                    );
                }
                TypeKind::Base { .. } => {
                    let _ = writeln!(out, "CREATE TYPE {name};");
                }
            }
            if let Some(c) = &t.comment {
                let _ = writeln!(
                    out,
                    "COMMENT ON TYPE {name} IS '{}';",
                    c.replace('\'', "''")
                );
            }
        }
        for s in self.schemas.values() {
            for f in &s.functions {
                if f.extension.is_some() {
                    continue;
                }
                let args: Vec<String> = f
                    .args
                    .iter()
                    .map(|a| {
                        let mode = match a.mode {
                            ArgMode::In => "",
                            ArgMode::Out => "OUT ",
                            ArgMode::InOut => "INOUT ",
                            ArgMode::Variadic => "VARIADIC ",
                        };
                        match &a.name {
                            Some(n) => format!("{mode}{} {}", quote_ident(n), a.ty.format(&vis)),
                            None => format!("{mode}{}", a.ty.format(&vis)),
                        }
                    })
                    .collect();
                let ret = match &f.returns {
                    FuncReturn::Scalar(t) => format!(" RETURNS {}", t.format(&vis)),
                    FuncReturn::SetOf(t) => format!(" RETURNS SETOF {}", t.format(&vis)),
                    FuncReturn::Table(cols) => format!(
                        " RETURNS TABLE ({})",
                        cols.iter()
                            .map(|(n, t)| format!("{} {}", quote_ident(n), t.format(&vis)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    FuncReturn::None => String::new(),
                };
                let kind = match f.kind {
                    FuncKind::Function => "FUNCTION",
                    FuncKind::Procedure => "PROCEDURE",
                    FuncKind::Aggregate => "AGGREGATE",
                };
                let _ = writeln!(
                    out,
                    "-- {kind} {}({}){ret} LANGUAGE {}",
                    qname(&f.schema, &f.name),
                    args.join(", "),
                    f.language
                );
            }
        }
        for r in self
            .relations()
            .filter(|r| !r.internal && !is_runner_table(&r.name))
        {
            let name = qname(&r.schema, &r.name);
            out.push('\n');
            match r.kind {
                RelationKind::View | RelationKind::MaterializedView => {
                    let kw = if r.kind == RelationKind::View {
                        "VIEW"
                    } else {
                        "MATERIALIZED VIEW"
                    };
                    let cols: Vec<String> = r
                        .columns
                        .iter()
                        .map(|c| format!("{} {}", quote_ident(&c.name), c.ty.format(&vis)))
                        .collect();
                    let _ = writeln!(out, "-- columns: {}", cols.join(", "));
                    let _ = writeln!(
                        out,
                        "CREATE {kw} {name} AS\n{};",
                        r.query.as_deref().unwrap_or("SELECT")
                    );
                }
                RelationKind::Table | RelationKind::PartitionedTable => {
                    let mut lines: Vec<String> = r
                        .columns
                        .iter()
                        .map(|c| {
                            let mut l =
                                format!("    {} {}", quote_ident(&c.name), c.ty.format(&vis));
                            if let Some(g) = &c.generated {
                                let _ = write!(l, " GENERATED ALWAYS AS ({g}) STORED");
                            }
                            match c.identity {
                                Some(Identity::Always) => {
                                    l.push_str(" GENERATED ALWAYS AS IDENTITY")
                                }
                                Some(Identity::ByDefault) => {
                                    l.push_str(" GENERATED BY DEFAULT AS IDENTITY")
                                }
                                None => {}
                            }
                            if let Some(d) = &c.default {
                                let _ = write!(l, " DEFAULT {d}");
                            }
                            if c.not_null {
                                l.push_str(" NOT NULL");
                            }
                            l
                        })
                        .collect();
                    for con in &r.constraints {
                        let body = match &con.kind {
                            ConstraintKind::PrimaryKey(c) => format!("PRIMARY KEY ({})", ids(c)),
                            ConstraintKind::Unique(c) => format!("UNIQUE ({})", ids(c)),
                            ConstraintKind::Check(e) => format!("CHECK ({e})"),
                            ConstraintKind::Exclusion(e) => e.clone(),
                            ConstraintKind::ForeignKey(fk) => {
                                let mut s = format!(
                                    "FOREIGN KEY ({}) REFERENCES {}({})",
                                    ids(&fk.columns),
                                    qname(&fk.ref_table.schema, &fk.ref_table.name),
                                    ids(&fk.ref_columns)
                                );
                                if fk.match_full {
                                    s.push_str(" MATCH FULL");
                                }
                                if fk.on_update != FkAction::NoAction {
                                    let _ = write!(s, " ON UPDATE {}", fk.on_update.sql());
                                }
                                if fk.on_delete != FkAction::NoAction {
                                    let _ = write!(s, " ON DELETE {}", fk.on_delete.sql());
                                }
                                s
                            }
                        };
                        let mut l = format!("    CONSTRAINT {} {body}", quote_ident(&con.name));
                        if con.deferrable {
                            l.push_str(" DEFERRABLE");
                        }
                        if con.not_valid {
                            l.push_str(" NOT VALID");
                        }
                        lines.push(l);
                    }
                    let _ = write!(out, "CREATE TABLE {name} (\n{}\n)", lines.join(",\n"));
                    if !r.parents.is_empty() {
                        let p: Vec<String> = r
                            .parents
                            .iter()
                            .map(|p| qname(&p.schema, &p.name))
                            .collect();
                        let _ = write!(out, " INHERITS ({})", p.join(", "));
                    }
                    if let Some(pb) = &r.partition_by {
                        let _ = write!(out, " PARTITION BY {pb}");
                    }
                    out.push_str(";\n");
                }
            }
            if let Some(c) = &r.comment {
                let _ = writeln!(
                    out,
                    "COMMENT ON TABLE {name} IS '{}';",
                    c.replace('\'', "''")
                );
            }
            for c in &r.columns {
                if let Some(cm) = &c.comment {
                    let _ = writeln!(
                        out,
                        "COMMENT ON COLUMN {name}.{} IS '{}';",
                        quote_ident(&c.name),
                        cm.replace('\'', "''")
                    );
                }
            }
            if let Some(sc) = self.schemas.get(&r.schema) {
                for ix in sc
                    .indexes
                    .values()
                    .filter(|i| i.table == r.name && i.constraint.is_none())
                {
                    let _ = write!(
                        out,
                        "CREATE {}INDEX {} ON {name} USING {} ({})",
                        if ix.unique { "UNIQUE " } else { "" },
                        quote_ident(&ix.name),
                        ix.method,
                        ix.keys
                            .iter()
                            .map(|k| if ix.columns.contains(k) {
                                quote_ident(k)
                            } else {
                                k.clone()
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    if let Some(p) = &ix.predicate {
                        let _ = write!(out, " WHERE {p}");
                    }
                    out.push_str(";\n");
                }
            }
        }
        out
    }
}

fn ids(cols: &[String]) -> String {
    cols.iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `true` for the migration runners' history tables, left out of dumps in any schema.
pub(crate) fn is_runner_table(name: &str) -> bool {
    name == "_sqlx_migrations" || name == "__diesel_schema_migrations"
}
