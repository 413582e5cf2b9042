//! The analyser's [`Schema`] built from the replayed [`Catalog`], and the analyser offered to
//! the catalog as its view typer (so views and `CREATE TABLE AS` get PostgreSQL's column names
//! and types).

use super::schema::{FunctionSig, RelColumn, RelKind, Relation, Schema, UserType};
use super::types::SqlType;
use crate::catalog::{Catalog, FuncReturn, RelationKind, TypeKind, TypeRef, ViewColumn, ViewTyper};

fn sql_type(cat: &Catalog, t: &TypeRef) -> SqlType {
    let is_base = t.schema == "pg_catalog"
        || matches!(
            cat.type_def(&t.schema, &t.name).map(|d| &d.kind),
            Some(TypeKind::Base { .. })
        );
    let elem = if is_base {
        SqlType::base(&t.name)
    } else {
        SqlType::User {
            schema: t.schema.clone(),
            name: t.name.clone(),
        }
    };
    if t.array_dims > 0 {
        elem.array_of()
    } else {
        elem
    }
}

fn type_ref(cat: &Catalog, t: &SqlType) -> TypeRef {
    match t {
        SqlType::Array(e) => type_ref(cat, e).array_of(),
        SqlType::User { schema, name } => TypeRef {
            schema: schema.clone(),
            name: name.clone(),
            typmod: -1,
            array_dims: 0,
        },
        SqlType::Base(n) => {
            // extension base types live in the extension's schema
            let ext_schema = cat
                .types()
                .find(|d| &d.name == n && matches!(d.kind, TypeKind::Base { .. }))
                .map(|d| d.schema.clone());
            match ext_schema {
                Some(schema) => TypeRef {
                    schema,
                    name: n.clone(),
                    typmod: -1,
                    array_dims: 0,
                },
                None => TypeRef::builtin(n),
            }
        }
    }
}

impl Schema {
    /// The schema of a replayed catalog: relations (runner tables included), sequences, enums,
    /// composites, domains, user and extension functions, search path and extensions.
    pub fn from_catalog(cat: &Catalog) -> Schema {
        let mut s = Schema::new();
        s.search_path = cat.search_path.clone();
        for d in cat.types() {
            let key = (d.schema.clone(), d.name.clone());
            match &d.kind {
                TypeKind::Enum(labels) => {
                    s.types.insert(key, UserType::Enum(labels.clone()));
                }
                TypeKind::Composite(fields) => {
                    let fields = fields
                        .iter()
                        .map(|(n, t)| (n.clone(), sql_type(cat, t)))
                        .collect();
                    s.types.insert(key, UserType::Composite(fields));
                }
                TypeKind::Domain { base, not_null, .. } => {
                    s.types.insert(
                        key,
                        UserType::Domain {
                            base: sql_type(cat, base),
                            not_null: *not_null,
                        },
                    );
                }
                TypeKind::Range { .. } | TypeKind::Base { .. } => {}
            }
        }
        for r in cat.relations() {
            let kind = match r.kind {
                RelationKind::Table | RelationKind::PartitionedTable => RelKind::Table,
                RelationKind::View => RelKind::View,
                RelationKind::MaterializedView => RelKind::MaterializedView,
            };
            let columns = r
                .columns
                .iter()
                .map(|c| RelColumn {
                    name: c.name.clone(),
                    ty: sql_type(cat, &c.ty),
                    not_null: c.not_null,
                })
                .collect();
            s.relations.insert(
                (r.schema.clone(), r.name.clone()),
                Relation {
                    schema: r.schema.clone(),
                    name: r.name.clone(),
                    kind,
                    columns,
                    // a partition has its parent's key, which the catalog does not copy
                    primary_key: if r.parents.is_empty() {
                        Some(r.primary_key().map(<[String]>::to_vec).unwrap_or_default())
                    } else {
                        None
                    },
                },
            );
        }
        for q in cat.sequences() {
            s.add_sequence(&q.schema, &q.name);
        }
        for f in cat.functions() {
            let args = f
                .input_types()
                .into_iter()
                .map(|t| sql_type(cat, t))
                .collect();
            let sig = match &f.returns {
                FuncReturn::Scalar(t) => FunctionSig {
                    args,
                    ret: sql_type(cat, t),
                    returns_set: false,
                    table_columns: Vec::new(),
                },
                FuncReturn::SetOf(t) => FunctionSig {
                    args,
                    ret: sql_type(cat, t),
                    returns_set: true,
                    table_columns: Vec::new(),
                },
                FuncReturn::Table(cols) => FunctionSig {
                    args,
                    ret: SqlType::base("record"),
                    returns_set: true,
                    table_columns: cols
                        .iter()
                        .map(|(n, t)| (n.clone(), sql_type(cat, t)))
                        .collect(),
                },
                FuncReturn::None => FunctionSig {
                    args,
                    ret: SqlType::base("void"),
                    returns_set: false,
                    table_columns: Vec::new(),
                },
            };
            s.functions
                .entry((f.schema.clone(), f.name.clone()))
                .or_default()
                .push(sig);
        }
        s.extensions = cat.extensions().map(|e| e.name.clone()).collect();
        s.add_system_relations();
        s
    }
}

/// The query analyser as the catalog's view typer: `CREATE VIEW v AS <query>` gets exactly the
/// column names and types PostgreSQL would give.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnalyserTyper;

impl ViewTyper for AnalyserTyper {
    fn type_query(&self, catalog: &Catalog, query: &str) -> Result<Vec<ViewColumn>, String> {
        let schema = Schema::from_catalog(catalog);
        let d = super::describe_impl(&schema, query, false).map_err(|e| e.to_string())?;
        Ok(d.columns
            .iter()
            .map(|c| {
                // a plain column reference keeps the source column's type modifier
                // (`character varying(255)`, `numeric(10,2)`)
                let source = c.origin.as_ref().and_then(|(table, column)| {
                    let (s, n) = super::schema::split_regclass(table)?;
                    let rel = catalog.lookup_relation(s.as_deref(), &n)?;
                    rel.column(column).map(|col| col.ty.clone())
                });
                let ty = match source {
                    Some(t) if sql_type(catalog, &t) == c.ty => t,
                    _ => type_ref(catalog, &c.ty),
                };
                ViewColumn {
                    name: c.name.clone(),
                    ty,
                }
            })
            .collect())
    }
}
