//! The query analyser: describes a query against a schema as PostgreSQL's Parse/Describe would
//! (parameter types, output column names and types), plus sound nullability and column origins,
//! with no database.
//!
//! ```
//! use chatbi_db_core::describe::{describe, Schema};
//! let schema = Schema::from_catalog_json(&serde_json::json!({
//!     "relations": {"public.users": {"kind": "table", "columns": [
//!         {"name": "id", "type": "integer", "typname": "int4", "not_null": true},
//!         {"name": "email", "type": "text", "typname": "text", "not_null": false}
//!     ]}}
//! })).unwrap();
//! let d = describe(&schema, "SELECT id, email AS \"email!\" FROM users WHERE id = $1").unwrap();
//! assert_eq!(d.parameters, vec![chatbi_db_core::describe::SqlType::base("int4")]);
//! assert_eq!(d.columns[1].name, "email!");
//! assert_eq!(d.columns[0].nullable, Some(false));
//! ```

mod analyze;
mod ast;
mod builtins;
mod from_catalog;
mod lexer;
mod parser;
mod schema;
mod types;
pub mod verify;

pub use from_catalog::AnalyserTyper;
pub use schema::{FunctionSig, RelColumn, RelKind, Relation, Schema, SchemaError, UserType};
pub use types::SqlType;

use crate::catalog::types::quote_ident;
use crate::offline::{self, ColumnOrigin, CustomType, TypeInfo, TypeKind};
use crate::syntax::{self, LineIndex, Position};

/// One output column of a described query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribedColumn {
    /// The name PostgreSQL reports.
    pub name: String,
    /// The column's type.
    pub ty: SqlType,
    /// `Some(false)` when it can never be NULL, `Some(true)` when it may be.
    pub nullable: Option<bool>,
    /// `(relation, column)` when the column is a plain reference to a relation's column; the
    /// relation as `regclass` prints it (qualified only outside the search path).
    pub origin: Option<(String, String)>,
    /// What sqlx's live inference would say: for a relation column, `NOT attnotnull` (or
    /// `true` below an outer join); `None` for expressions. Used when writing offline data
    /// that must equal sqlx's.
    pub sqlx_nullable: Option<bool>,
}

/// What [`describe`] finds out about a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// Types of `$1`, `$2`, ...
    pub parameters: Vec<SqlType>,
    /// Output columns.
    pub columns: Vec<DescribedColumn>,
}

/// An error a server would raise for the query, with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{position}: {message}{}", hint.as_ref().map(|h| format!(" (hint: {h})")).unwrap_or_default())]
pub struct DescribeError {
    /// PostgreSQL-style message, e.g. `column "nme" does not exist`.
    pub message: String,
    /// A hint such as "did you mean".
    pub hint: Option<String>,
    /// Byte offset in the query text.
    pub offset: usize,
    /// Line and column in the query text.
    pub position: Position,
}

/// Describes `sql` (one statement) against `schema`.
pub fn describe(schema: &Schema, sql: &str) -> Result<Described, DescribeError> {
    describe_impl(schema, sql, true)
}

/// [`describe`]; `wire_types` reports domains as their base types, as PostgreSQL's
/// RowDescription does (views keep the domain).
pub(crate) fn describe_impl(
    schema: &Schema,
    sql: &str,
    wire_types: bool,
) -> Result<Described, DescribeError> {
    let index = LineIndex::new(sql);
    let mk = |message: String, offset: usize, hint: Option<String>| DescribeError {
        message,
        hint,
        offset,
        position: index.position(offset),
    };
    let stmt = parse(sql).map_err(|e| mk(e.message, e.offset, None))?;
    let mut a = analyze::Analyzer::new(schema);
    let cols = a
        .statement(&stmt)
        .map_err(|e| mk(e.message, e.offset, e.hint))?;
    let mut parameters = Vec::new();
    for (i, p) in a.params.iter().enumerate() {
        match p {
            Some(t) => parameters.push(t.clone()),
            None => {
                let needle = format!("${}", i + 1);
                let offset = sql.find(&needle).unwrap_or(0);
                return Err(mk(
                    format!("could not determine data type of parameter ${}", i + 1),
                    offset,
                    None,
                ));
            }
        }
    }
    Ok(Described {
        parameters,
        columns: cols
            .into_iter()
            .map(|c| DescribedColumn {
                name: c.name,
                ty: if wire_types {
                    a.output_type(&c.ty)
                } else {
                    c.ty
                },
                nullable: Some(c.nullable),
                sqlx_nullable: c.origin.as_ref().map(|o| o.attr_nullable || o.outer),
                origin: c.origin.map(|o| (o.table, o.column)),
            })
            .collect(),
    })
}

/// Parses `sql` (one statement) with the analyser's parser. What it does not take for a query
/// (an error, or a statement it describes as empty) is checked by PostgreSQL's grammar
/// (squawk's parser, through `syntax`), whose syntax errors and positions are the server's.
/// Both refuse input nested deeper than the server accepts (`syntax`'s depth limits).
fn parse(sql: &str) -> Result<ast::Stmt, crate::syntax::SyntaxError> {
    let ours = parser::parse_statement(sql);
    if matches!(ours, Ok(ast::Stmt::Other) | Err(_)) {
        let parsed = syntax::parse(sql);
        if let Some(e) = syntax::first_error(sql, &parsed) {
            return Err(e);
        }
    }
    ours.map_err(|e| syntax::SyntaxError {
        message: e.message,
        offset: e.offset,
        position: LineIndex::new(sql).position(e.offset),
    })
}

/// The sqlx `type_info` of a type: built-in names (`Int4`, `TextArray`) or `Custom` with the
/// enum labels, composite fields, domain base or array element.
pub fn type_info(schema: &Schema, ty: &SqlType) -> TypeInfo {
    match ty {
        SqlType::Base(n) => match types::sqlx_builtin_name(n) {
            Some(s) => TypeInfo::builtin(s),
            None => TypeInfo::Custom(CustomType {
                name: types::regtype_name(n).to_string(),
                kind: TypeKind::Simple,
            }),
        },
        SqlType::Array(e) => {
            if let SqlType::Base(n) = &**e
                && let Some(s) = types::sqlx_builtin_array_name(n)
            {
                return TypeInfo::builtin(s);
            }
            TypeInfo::Custom(CustomType {
                name: format!("{}[]", regtype_display(schema, e)),
                kind: TypeKind::Array(Box::new(type_info(schema, e))),
            })
        }
        SqlType::User { schema: s, name } => {
            let kind = match schema.user_type_def(s, name) {
                Some(UserType::Enum(labels)) => TypeKind::Enum(labels),
                Some(UserType::Composite(fields)) => TypeKind::Composite(
                    fields
                        .iter()
                        .map(|(n, t)| (n.clone(), type_info(schema, t)))
                        .collect(),
                ),
                Some(UserType::Domain { base, .. }) => {
                    TypeKind::Domain(Box::new(type_info(schema, &base)))
                }
                None => TypeKind::Simple,
            };
            TypeInfo::Custom(CustomType {
                name: regtype_display(schema, ty),
                kind,
            })
        }
    }
}

/// How `regtype` prints a type under the schema's search path.
fn regtype_display(schema: &Schema, ty: &SqlType) -> String {
    match ty {
        SqlType::Base(n) => types::regtype_name(n).to_string(),
        SqlType::Array(e) => format!("{}[]", regtype_display(schema, e)),
        SqlType::User { schema: s, name } => {
            if schema.is_visible(s) {
                quote_ident(name)
            } else {
                format!("{}.{}", quote_ident(s), quote_ident(name))
            }
        }
    }
}

/// Which nullability to write into offline data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Nullability {
    /// Our own sound inference.
    #[default]
    Ours,
    /// What sqlx's live describe would write (so `cargo sqlx prepare --check` agrees).
    Sqlx,
}

impl Described {
    /// This description in sqlx's offline shape (`columns` with `origin`, `parameters`,
    /// `nullable`), with our own nullability.
    pub fn to_offline(&self, schema: &Schema) -> offline::Describe {
        self.to_offline_with(schema, Nullability::Ours)
    }

    /// Like [`Described::to_offline`], choosing the nullability written.
    pub fn to_offline_with(&self, schema: &Schema, nullability: Nullability) -> offline::Describe {
        offline::Describe {
            columns: self
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| offline::Column {
                    ordinal: i,
                    name: c.name.clone(),
                    type_info: type_info(schema, &c.ty),
                    origin: Some(match &c.origin {
                        Some((table, name)) => ColumnOrigin::Table {
                            table: table.clone(),
                            name: name.clone(),
                        },
                        None => ColumnOrigin::Expression,
                    }),
                })
                .collect(),
            parameters: Some(offline::Parameters::Left(
                self.parameters
                    .iter()
                    .map(|t| type_info(schema, t))
                    .collect(),
            )),
            nullable: self
                .columns
                .iter()
                .map(|c| match nullability {
                    Nullability::Ours => c.nullable,
                    Nullability::Sqlx => c.sqlx_nullable,
                })
                .collect(),
        }
    }
}
