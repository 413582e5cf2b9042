//! The schema catalog: what a PostgreSQL database holds after running a migration set,
//! derived statically by replaying the DDL statement by statement.
//!
//! ```
//! use chatbi_db_core::catalog::Catalog;
//! let mut cat = Catalog::new();
//! let notes = cat
//!     .replay_sql("0001.sql", "create table t (id serial primary key, name varchar(20) not null);")
//!     .unwrap();
//! assert!(notes.is_empty());
//! let t = cat.relation("public", "t").unwrap();
//! assert_eq!(t.columns[1].ty.format(&["public".into()]), "character varying(20)");
//! ```

mod deps;
mod dump;
mod error;
mod extensions;
mod model;
mod parser;
mod plpgsql;
mod replay;
pub mod select;
pub mod types;
mod unknown;

use std::collections::BTreeMap;

pub use error::{CatalogError, Diagnostic, ErrorKind, NoteKind};
pub use model::{
    ArgMode, Column, Constraint, ConstraintKind, Extension, FkAction, ForeignKey, FuncArg,
    FuncKind, FuncReturn, Function, Identity, Index, QualName, Relation, RelationKind, Schema,
    Sequence, TypeDef, TypeKind,
};
pub use select::{SimpleTyper, ViewColumn, ViewTyper};
pub use types::TypeRef;
pub use unknown::{ObjectKind, Unknown};

use crate::migrate::{Layout, MigrationSet};

/// The result of replaying a migration set: the final catalog and the notes about statements
/// that were skipped or only partly modelled.
#[derive(Debug, Clone)]
pub struct Replay {
    /// The catalog after the last migration.
    pub catalog: Catalog,
    /// Notes (skipped statements, `DO` blocks modelled, ...), in replay order.
    pub diagnostics: Vec<Diagnostic>,
}

/// An in-memory PostgreSQL catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub(crate) schemas: BTreeMap<String, Schema>,
    pub(crate) extensions: BTreeMap<String, Extension>,
    /// The session's `search_path` (schemas in order; `pg_catalog` is implicitly first).
    pub search_path: Vec<String>,
    /// `search_path` saved before a `SET LOCAL`, restored at the end of the file.
    pub(crate) saved_search_path: Option<Vec<String>>,
    /// Objects touched by statements the replay does not model.
    pub(crate) unknowns: Vec<Unknown>,
}

/// How a replay treats what it does not model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplayOptions {
    /// Turn every "not modelled" note into an error (kind [`ErrorKind::NotModelled`]), so a
    /// set replays only when the catalog is known in full.
    pub strict: bool,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::new()
    }
}

/// Replays every migration of `set` (up SQL, in order) into a fresh catalog.
///
/// The runner's own history table (`_sqlx_migrations`, or `__diesel_schema_migrations` for
/// diesel sets) exists from the start, as it does on the server, and is left out of dumps.
/// Stops at the first statement the server would reject.
pub fn replay(set: &MigrationSet) -> Result<Replay, CatalogError> {
    replay_with(set, &SimpleTyper)
}

/// [`replay`] with a custom typer for view and `CREATE TABLE AS` queries.
pub fn replay_with(set: &MigrationSet, typer: &dyn ViewTyper) -> Result<Replay, CatalogError> {
    replay_with_options(set, typer, ReplayOptions::default())
}

/// [`replay_with`] with [`ReplayOptions`] (a strict replay fails at the first statement it
/// does not model).
pub fn replay_with_options(
    set: &MigrationSet,
    typer: &dyn ViewTyper,
    options: ReplayOptions,
) -> Result<Replay, CatalogError> {
    let mut catalog = Catalog::new();
    catalog.add_runner_table(set.layout);
    let mut diagnostics = Vec::new();
    for m in set.migrations.iter() {
        diagnostics.extend(catalog.replay_sql_with_options(&m.up_file, &m.up_sql, typer, options)?);
    }
    Ok(Replay {
        catalog,
        diagnostics,
    })
}

impl Catalog {
    /// A fresh database: schema `public`, extension `plpgsql`, `search_path` = `"$user", public`.
    pub fn new() -> Self {
        let mut schemas = BTreeMap::new();
        schemas.insert("public".to_string(), Schema::new("public"));
        let mut extensions = BTreeMap::new();
        extensions.insert(
            "plpgsql".to_string(),
            Extension {
                name: "plpgsql".into(),
                schema: "pg_catalog".into(),
                version: "1.0".into(),
            },
        );
        Catalog {
            schemas,
            extensions,
            search_path: vec!["public".into()],
            saved_search_path: None,
            unknowns: Vec::new(),
        }
    }

    /// Adds the migration runner's history table (`_sqlx_migrations` for sqlx and refinery
    /// sets, `__diesel_schema_migrations` for diesel) to `public`, marked internal.
    pub fn add_runner_table(&mut self, layout: Layout) {
        let sql = match layout {
            Layout::Diesel => {
                "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);"
            }
            _ => {
                "CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL);"
            }
        };
        // The statement is fixed and valid; an error here would be a bug in replay itself.
        if self.replay_sql("<runner>", sql).is_ok() {
            for s in self.schemas.values_mut() {
                for r in s.relations.values_mut() {
                    if r.name == "_sqlx_migrations" || r.name == "__diesel_schema_migrations" {
                        r.internal = true;
                    }
                }
            }
        }
    }

    /// Replays one file's SQL into this catalog; returns the notes for that file.
    ///
    /// `file` is only used in errors and notes. `SET LOCAL` settings end with the file.
    pub fn replay_sql(&mut self, file: &str, sql: &str) -> Result<Vec<Diagnostic>, CatalogError> {
        self.replay_sql_with(file, sql, &SimpleTyper)
    }

    /// [`Catalog::replay_sql`] with a custom view typer.
    pub fn replay_sql_with(
        &mut self,
        file: &str,
        sql: &str,
        typer: &dyn ViewTyper,
    ) -> Result<Vec<Diagnostic>, CatalogError> {
        self.replay_sql_with_options(file, sql, typer, ReplayOptions::default())
    }

    /// [`Catalog::replay_sql_with`] with [`ReplayOptions`].
    pub fn replay_sql_with_options(
        &mut self,
        file: &str,
        sql: &str,
        typer: &dyn ViewTyper,
        options: ReplayOptions,
    ) -> Result<Vec<Diagnostic>, CatalogError> {
        let mut notes = Vec::new();
        let r = replay::replay_text(self, file, sql, typer, options, &mut notes);
        if let Some(saved) = self.saved_search_path.take() {
            self.search_path = saved;
        }
        r.map(|()| notes)
    }

    /// Every schema, by name.
    pub fn schemas(&self) -> impl Iterator<Item = &Schema> {
        self.schemas.values()
    }

    /// The schema named `name`.
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.get(name)
    }

    /// Every table, view and materialized view (runner tables included; see [`Relation::internal`]),
    /// ordered by schema then name.
    pub fn relations(&self) -> impl Iterator<Item = &Relation> {
        self.schemas.values().flat_map(|s| s.relations.values())
    }

    /// The relation `schema.name`.
    pub fn relation(&self, schema: &str, name: &str) -> Option<&Relation> {
        self.schemas.get(schema)?.relations.get(name)
    }

    /// Finds a relation by a possibly unqualified name, through the search path.
    pub fn lookup_relation(&self, schema: Option<&str>, name: &str) -> Option<&Relation> {
        match schema {
            Some(s) => self.relation(s, name),
            None => self.search_path.iter().find_map(|s| self.relation(s, name)),
        }
    }

    /// Every user-defined type (enums, composites, domains, ranges, extension types).
    pub fn types(&self) -> impl Iterator<Item = &TypeDef> {
        self.schemas.values().flat_map(|s| s.types.values())
    }

    /// The user type `schema.name`.
    pub fn type_def(&self, schema: &str, name: &str) -> Option<&TypeDef> {
        self.schemas.get(schema)?.types.get(name)
    }

    /// The definition behind a [`TypeRef`] when it is a user type.
    pub fn type_def_of(&self, ty: &TypeRef) -> Option<&TypeDef> {
        self.type_def(&ty.schema, &ty.name)
    }

    /// Every enum as `(schema, name, labels)`.
    pub fn enums(&self) -> impl Iterator<Item = (&str, &str, &[String])> {
        self.types().filter_map(|t| match &t.kind {
            TypeKind::Enum(labels) => Some((t.schema.as_str(), t.name.as_str(), labels.as_slice())),
            _ => None,
        })
    }

    /// Every function, procedure and aggregate known to the catalog: user-defined ones and
    /// those of installed extensions (built-in `pg_catalog` functions are the analyser's).
    pub fn functions(&self) -> impl Iterator<Item = &Function> {
        self.schemas.values().flat_map(|s| s.functions.iter())
    }

    /// Functions named `name` in `schema` (or through the search path when `None`).
    pub fn lookup_functions<'s>(
        &'s self,
        schema: Option<&'s str>,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Function> + 's {
        self.schemas
            .values()
            .filter(move |s| match schema {
                Some(want) => s.name == want,
                None => self.search_path.contains(&s.name),
            })
            .flat_map(|s| s.functions.iter())
            .filter(move |f| f.name == name)
    }

    /// Every sequence.
    pub fn sequences(&self) -> impl Iterator<Item = &Sequence> {
        self.schemas.values().flat_map(|s| s.sequences.values())
    }

    /// Every index.
    pub fn indexes(&self) -> impl Iterator<Item = &Index> {
        self.schemas.values().flat_map(|s| s.indexes.values())
    }

    /// Installed extensions by name (`plpgsql` is always there).
    pub fn extensions(&self) -> impl Iterator<Item = &Extension> {
        self.extensions.values()
    }

    /// The base type of a domain (following nested domains), or the type itself.
    pub fn base_type(&self, ty: &TypeRef) -> TypeRef {
        let mut cur = ty.clone();
        for _ in 0..16 {
            match self.type_def_of(&cur).map(|d| &d.kind) {
                Some(TypeKind::Domain { base, .. }) if !cur.is_array() => cur = base.clone(),
                _ => break,
            }
        }
        cur
    }

    /// Resolves a type name as written in SQL (`int`, `varchar(20)[]`, `timestamp with time
    /// zone`, `app.status`, `_int4`) through the catalog's search path.
    ///
    /// ```
    /// let cat = chatbi_db_core::catalog::Catalog::new();
    /// let t = cat.resolve_type_name("character varying(20)[]").unwrap();
    /// assert_eq!((t.name.as_str(), t.typmod, t.array_dims), ("varchar", 24, 1));
    /// assert_eq!(t.typname(), "_varchar");
    /// assert_eq!(t.sqlx_name(), Some("VarcharArray"));
    /// ```
    pub fn resolve_type_name(&self, text: &str) -> Result<TypeRef, String> {
        let toks = crate::syntax::tokenize(text);
        let mut c = parser::Cursor::new(&toks, text);
        let rt = c.raw_type().map_err(|f| f.message)?;
        if !c.done() {
            return Err(format!(
                "unexpected \"{}\" after the type name",
                c.peek().map_or("", |t| t.text)
            ));
        }
        self.resolve_type(&rt).map_err(|f| f.message)
    }

    /// Formats a type as `format_type` does under the default search path (`public`).
    pub fn format_type(&self, ty: &TypeRef) -> String {
        ty.format(&["public".to_string()])
    }
}
