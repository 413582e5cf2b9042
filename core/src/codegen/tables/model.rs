//! The input model of the row-struct generator: tables, columns and user-defined types, read from
//! the corpus `catalog.pg15.json` shape or from a replayed [`Catalog`](crate::catalog::Catalog).

use serde_json::Value;

use crate::catalog::Catalog;

/// Everything the generator needs about a schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaModel {
    /// Tables, partitioned tables, views and materialized views, ordered by schema and name.
    pub tables: Vec<TableModel>,
    /// Enum types.
    pub enums: Vec<EnumModel>,
    /// Composite types.
    pub composites: Vec<CompositeModel>,
    /// Domains.
    pub domains: Vec<DomainModel>,
}

/// The kind of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// `CREATE TABLE`.
    Table,
    /// `CREATE TABLE ... PARTITION BY`.
    PartitionedTable,
    /// `CREATE VIEW`.
    View,
    /// `CREATE MATERIALIZED VIEW`.
    MaterializedView,
}

impl RelationKind {
    /// Parses the catalog JSON spelling (`table`, `partitioned_table`, `view`, `materialized_view`).
    pub fn parse(s: &str) -> Option<RelationKind> {
        Some(match s {
            "table" => RelationKind::Table,
            "partitioned_table" => RelationKind::PartitionedTable,
            "view" => RelationKind::View,
            "materialized_view" => RelationKind::MaterializedView,
            _ => return None,
        })
    }

    /// `true` for tables and partitioned tables (rows can be inserted).
    pub fn is_table(self) -> bool {
        matches!(self, RelationKind::Table | RelationKind::PartitionedTable)
    }
}

/// A relation and its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct TableModel {
    /// Schema name (`public` for most).
    pub schema: String,
    /// Relation name as PostgreSQL stores it.
    pub name: String,
    /// Kind of relation.
    pub kind: RelationKind,
    /// `COMMENT ON TABLE` text.
    pub comment: Option<String>,
    /// Columns in `attnum` order.
    pub columns: Vec<ColumnModel>,
}

/// A column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ColumnModel {
    /// Column name as PostgreSQL stores it.
    pub name: String,
    /// Type as `format_type` spells it (`character varying(255)`, `integer[]`, `underway.task_state`).
    pub sql_type: String,
    /// `pg_type.typname` (`varchar`, `_int4`, `task_state`), when known.
    pub typname: Option<String>,
    /// `NOT NULL`.
    pub not_null: bool,
    /// Has a default expression (or is generated).
    pub has_default: bool,
    /// Identity kind: `a` (always) or `d` (by default).
    pub identity: Option<char>,
    /// Generated kind: `s` (stored).
    pub generated: Option<char>,
    /// The default (or generation) expression, when known.
    pub default_expr: Option<String>,
    /// `COMMENT ON COLUMN` text.
    pub comment: Option<String>,
}

impl ColumnModel {
    /// `true` when an `INSERT` may leave the column out: it has a default, is an identity or is
    /// generated.
    pub fn is_defaulted(&self) -> bool {
        self.has_default || self.identity.is_some() || self.generated.is_some()
    }
}

/// An enum type.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumModel {
    /// Schema.
    pub schema: String,
    /// Type name.
    pub name: String,
    /// Labels in sort order.
    pub labels: Vec<String>,
    /// `COMMENT ON TYPE` text.
    pub comment: Option<String>,
}

/// A composite type.
#[derive(Debug, Clone, PartialEq)]
pub struct CompositeModel {
    /// Schema.
    pub schema: String,
    /// Type name.
    pub name: String,
    /// Fields as (name, `format_type` text).
    pub fields: Vec<(String, String)>,
    /// `COMMENT ON TYPE` text.
    pub comment: Option<String>,
}

/// A domain.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainModel {
    /// Schema.
    pub schema: String,
    /// Domain name.
    pub name: String,
    /// Base type, `format_type` text.
    pub base: String,
    /// `NOT NULL` domain.
    pub not_null: bool,
}

/// An error reading a catalog JSON document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("catalog JSON: {0}")]
pub struct ModelError(pub String);

fn split_key(key: &str) -> (String, String) {
    match key.split_once('.') {
        Some((s, n)) => (s.to_string(), n.to_string()),
        None => ("public".to_string(), key.to_string()),
    }
}

fn field<'a>(v: &'a Value, key: &str, what: &str) -> Result<&'a Value, ModelError> {
    v.get(key)
        .ok_or_else(|| ModelError(format!("{what}: missing key `{key}`")))
}

/// Splits a composite field `name type` (the name possibly double-quoted).
fn split_field(s: &str) -> Option<(String, String)> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = rest.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if let Some((_, '"')) = chars.peek() {
                    name.push('"');
                    chars.next();
                    continue;
                }
                return Some((name, rest[i + 1..].trim().to_string()));
            }
            name.push(c);
        }
        None
    } else {
        let (n, t) = s.split_once(' ')?;
        Some((n.to_string(), t.trim().to_string()))
    }
}

impl SchemaModel {
    /// Reads the corpus `catalog.pg15.json` shape (keys `relations`, `enums`, `composites`,
    /// `domains`; `extensions` is ignored). This is also what
    /// `Catalog::to_catalog_json` produces.
    ///
    /// ```
    /// use chatbi_db_core::codegen::tables::SchemaModel;
    /// let json = serde_json::json!({"relations": {"public.t": {"kind": "table", "columns": [
    ///     {"name": "id", "type": "integer", "typname": "int4", "not_null": true,
    ///      "has_default": false, "identity": "a", "generated": null}]}},
    ///     "enums": {}, "composites": {}, "domains": {}, "extensions": {}});
    /// let model = SchemaModel::from_catalog_json(&json).unwrap();
    /// assert_eq!(model.tables[0].columns[0].identity, Some('a'));
    /// ```
    pub fn from_catalog_json(v: &Value) -> Result<SchemaModel, ModelError> {
        let mut model = SchemaModel::default();
        let empty = serde_json::Map::new();
        let obj = |key: &str| -> Result<&serde_json::Map<String, Value>, ModelError> {
            match v.get(key) {
                None | Some(Value::Null) => Ok(&empty),
                Some(Value::Object(m)) => Ok(m),
                Some(_) => Err(ModelError(format!("`{key}` is not an object"))),
            }
        };
        for (key, rel) in obj("relations")? {
            let (schema, name) = split_key(key);
            let kind_s = field(rel, "kind", key)?.as_str().unwrap_or("");
            let kind = RelationKind::parse(kind_s)
                .ok_or_else(|| ModelError(format!("{key}: unknown relation kind `{kind_s}`")))?;
            let cols = field(rel, "columns", key)?
                .as_array()
                .ok_or_else(|| ModelError(format!("{key}: `columns` is not an array")))?;
            let mut columns = Vec::with_capacity(cols.len());
            for c in cols {
                let s = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_string);
                let b = |k: &str| c.get(k).and_then(Value::as_bool).unwrap_or(false);
                let ch = |k: &str| {
                    c.get(k)
                        .and_then(Value::as_str)
                        .and_then(|s| s.chars().next())
                };
                let name =
                    s("name").ok_or_else(|| ModelError(format!("{key}: column without a name")))?;
                let sql_type = s("type")
                    .ok_or_else(|| ModelError(format!("{key}.{name}: column without a type")))?;
                columns.push(ColumnModel {
                    name,
                    sql_type,
                    typname: s("typname"),
                    not_null: b("not_null"),
                    has_default: b("has_default"),
                    identity: ch("identity"),
                    generated: ch("generated"),
                    default_expr: s("default"),
                    comment: s("comment"),
                });
            }
            model.tables.push(TableModel {
                schema,
                name,
                kind,
                comment: rel
                    .get("comment")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                columns,
            });
        }
        for (key, labels) in obj("enums")? {
            let (schema, name) = split_key(key);
            let labels = labels
                .as_array()
                .ok_or_else(|| ModelError(format!("enum {key}: labels are not an array")))?
                .iter()
                .map(|l| l.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ModelError(format!("enum {key}: a label is not a string")))?;
            model.enums.push(EnumModel {
                schema,
                name,
                labels,
                comment: None,
            });
        }
        for (key, fields) in obj("composites")? {
            let (schema, name) = split_key(key);
            let fields = fields
                .as_array()
                .ok_or_else(|| ModelError(format!("composite {key}: fields are not an array")))?
                .iter()
                .map(|f| f.as_str().and_then(split_field))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ModelError(format!("composite {key}: bad field")))?;
            model.composites.push(CompositeModel {
                schema,
                name,
                fields,
                comment: None,
            });
        }
        for (key, d) in obj("domains")? {
            let (schema, name) = split_key(key);
            let base = field(d, "base", key)?
                .as_str()
                .ok_or_else(|| ModelError(format!("domain {key}: `base` is not a string")))?
                .to_string();
            let not_null = d.get("not_null").and_then(Value::as_bool).unwrap_or(false);
            model.domains.push(DomainModel {
                schema,
                name,
                base,
                not_null,
            });
        }
        model.sort();
        Ok(model)
    }

    /// Builds the model from a replayed catalog: [`SchemaModel::from_catalog_json`] of
    /// `Catalog::to_catalog_json`, plus what the JSON shape leaves out (default expressions,
    /// table, column and type comments).
    pub fn from_catalog(catalog: &Catalog) -> Result<SchemaModel, ModelError> {
        let mut model = SchemaModel::from_catalog_json(&catalog.to_catalog_json())?;
        for t in &mut model.tables {
            let Some(rel) = catalog.relation(&t.schema, &t.name) else {
                continue;
            };
            t.comment = rel.comment.clone();
            for c in &mut t.columns {
                if let Some(rc) = rel.column(&c.name) {
                    c.comment = rc.comment.clone();
                    c.default_expr = rc.default.clone().or_else(|| rc.generated.clone());
                }
            }
        }
        for e in &mut model.enums {
            e.comment = catalog
                .type_def(&e.schema, &e.name)
                .and_then(|t| t.comment.clone());
        }
        for c in &mut model.composites {
            c.comment = catalog
                .type_def(&c.schema, &c.name)
                .and_then(|t| t.comment.clone());
        }
        Ok(model)
    }

    fn sort(&mut self) {
        self.tables
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        self.enums
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        self.composites
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        self.domains
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_fields() {
        assert_eq!(
            split_field("a integer"),
            Some(("a".into(), "integer".into()))
        );
        assert_eq!(
            split_field("\"my \"\"f\" text[]"),
            Some(("my \"f".into(), "text[]".into()))
        );
    }
}
