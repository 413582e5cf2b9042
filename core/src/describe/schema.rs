//! What the analyser needs to know about a database schema: relations with their columns, user
//! types, user functions and the search path. Built from the schema catalog, or from a
//! `catalog.pg15.json`-shaped document.

use super::types::{SqlType, builtin_typname};
use crate::syntax::{self, Token, TokenKind};
use std::collections::HashMap;

/// The kind of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelKind {
    /// An ordinary or partitioned table.
    Table,
    /// A view.
    View,
    /// A materialized view.
    MaterializedView,
    /// A sequence.
    Sequence,
    /// A system catalog relation.
    System,
}

/// A column of a relation.
#[derive(Debug, Clone, PartialEq)]
pub struct RelColumn {
    /// The column's name.
    pub name: String,
    /// Its type.
    pub ty: SqlType,
    /// Whether it is declared `NOT NULL` (or is part of the primary key).
    pub not_null: bool,
}

/// A relation (table, view, sequence...).
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: RelKind,
    /// Columns in order.
    pub columns: Vec<RelColumn>,
    /// The primary key's columns (empty when there is none); `None` when the source does not
    /// say (a catalog document without constraints).
    pub primary_key: Option<Vec<String>>,
}

/// A user-defined type.
#[derive(Debug, Clone, PartialEq)]
pub enum UserType {
    /// An enum with its labels.
    Enum(Vec<String>),
    /// A composite type with its fields.
    Composite(Vec<(String, SqlType)>),
    /// A domain over a base type.
    Domain {
        /// The base type.
        base: SqlType,
        /// Whether the domain is `NOT NULL`.
        not_null: bool,
    },
}

/// A user-defined function's signature.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionSig {
    /// Argument types.
    pub args: Vec<SqlType>,
    /// Return type (`record` for `RETURNS TABLE`).
    pub ret: SqlType,
    /// Whether it returns a set.
    pub returns_set: bool,
    /// The output columns of `RETURNS TABLE (...)`.
    pub table_columns: Vec<(String, SqlType)>,
}

/// The schema the analyser describes queries against.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Relations by `(schema, name)`.
    pub relations: HashMap<(String, String), Relation>,
    /// User types by `(schema, name)`.
    pub types: HashMap<(String, String), UserType>,
    /// User functions by `(schema, name)`.
    pub functions: HashMap<(String, String), Vec<FunctionSig>>,
    /// Schemas searched for unqualified names, in order (`pg_catalog` is always searched first).
    pub search_path: Vec<String>,
    /// Installed extensions.
    pub extensions: Vec<String>,
}

/// An error building a [`Schema`] from a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("catalog document: {0}")]
pub struct SchemaError(pub String);

impl Schema {
    /// An empty schema with the default search path (`public`).
    pub fn new() -> Schema {
        Schema {
            search_path: vec!["public".into()],
            ..Schema::default()
        }
    }

    /// Looks a relation up, by schema or through the search path (then `pg_catalog` and
    /// `information_schema` system relations).
    pub fn relation(&self, schema: Option<&str>, name: &str) -> Option<&Relation> {
        match schema {
            Some(s) => self.relations.get(&(s.to_string(), name.to_string())),
            None => self
                .search_path
                .iter()
                .chain(std::iter::once(&"pg_catalog".to_string()))
                .find_map(|s| self.relations.get(&(s.clone(), name.to_string()))),
        }
    }

    /// Looks a user type up, by schema or through the search path.
    pub fn user_type(&self, schema: Option<&str>, name: &str) -> Option<(&str, &UserType)> {
        let found = match schema {
            Some(s) => self.types.get_key_value(&(s.to_string(), name.to_string())),
            None => self
                .search_path
                .iter()
                .find_map(|s| self.types.get_key_value(&(s.clone(), name.to_string()))),
        };
        found.map(|((s, _), t)| (s.as_str(), t))
    }

    /// Whether `schema` is on the search path (so `regclass`/`regtype` print names unqualified).
    pub fn is_visible(&self, schema: &str) -> bool {
        schema == "pg_catalog" || self.search_path.iter().any(|s| s == schema)
    }

    /// Resolves a type name as written (`integer`, `character varying(255)[]`, `s.my_enum`,
    /// `"Quoted"`) to a type: built-in names first, then user types and table row types.
    pub fn resolve_type_name(&self, text: &str) -> Option<SqlType> {
        self.resolve_type_tokens(&syntax::tokenize(text))
    }

    /// [`Schema::resolve_type_name`] of a type name's tokens: modifiers (`(255)`, `(3) with
    /// time zone`) are left out, and each trailing `[]` is an array dimension.
    fn resolve_type_tokens(&self, mut toks: &[Token<'_>]) -> Option<SqlType> {
        let mut dims = 0;
        while let [rest @ .., open, close] = toks
            && open.kind == TokenKind::LBracket
            && close.kind == TokenKind::RBracket
        {
            toks = rest;
            dims += 1;
        }
        // a quoted name is never a type keyword: `"char"` is the one-byte type, not `character`
        let quoted_builtin = match toks {
            [t] if t.kind == TokenKind::QuotedIdent => builtin_typname(t.text),
            _ => None,
        };
        let mut ty = match quoted_builtin {
            Some(b) => SqlType::base(b),
            None => self.resolve_type_parts(&type_name_parts(toks)?)?,
        };
        for _ in 0..dims {
            ty = ty.array_of();
        }
        Some(ty)
    }

    /// Resolves a (possibly qualified) type name given as parts (already case-folded, quotes
    /// removed).
    pub fn resolve_type_parts(&self, parts: &[String]) -> Option<SqlType> {
        match parts {
            [name] => {
                if let Some(b) = builtin_typname(name) {
                    return Some(SqlType::base(b));
                }
                if let Some(elem) = name.strip_prefix('_')
                    && let Some(b) = builtin_typname(elem)
                {
                    return Some(SqlType::base(b).array_of());
                }
                if let Some((schema, _)) = self.user_type(None, name) {
                    return Some(SqlType::User {
                        schema: schema.to_string(),
                        name: name.clone(),
                    });
                }
                self.relation(None, name).map(|r| SqlType::User {
                    schema: r.schema.clone(),
                    name: r.name.clone(),
                })
            }
            [schema, name] => {
                if schema == "pg_catalog" {
                    return builtin_typname(name).map(SqlType::base);
                }
                if self.user_type(Some(schema), name).is_some()
                    || self.relation(Some(schema), name).is_some()
                {
                    return Some(SqlType::User {
                        schema: schema.clone(),
                        name: name.clone(),
                    });
                }
                None
            }
            _ => None,
        }
    }

    /// The definition behind a user type: enum, composite, domain, or a relation's row type
    /// (returned as a composite).
    pub fn user_type_def(&self, schema: &str, name: &str) -> Option<UserType> {
        if let Some(t) = self.types.get(&(schema.to_string(), name.to_string())) {
            return Some(t.clone());
        }
        self.relations
            .get(&(schema.to_string(), name.to_string()))
            .map(|r| {
                UserType::Composite(
                    r.columns
                        .iter()
                        .map(|c| (c.name.clone(), c.ty.clone()))
                        .collect(),
                )
            })
    }

    /// Builds a schema from a `catalog.pg15.json`-shaped document (`relations`, `enums`,
    /// `composites`, `domains`, `extensions`).
    pub fn from_catalog_json(doc: &serde_json::Value) -> Result<Schema, SchemaError> {
        let mut s = Schema::new();
        let obj = |key: &str| doc.get(key).and_then(|v| v.as_object());
        // types first, so relation columns can refer to them
        if let Some(enums) = obj("enums") {
            for (qname, labels) in enums {
                let (schema, name) = split_key(qname);
                let labels = labels
                    .as_array()
                    .ok_or_else(|| SchemaError(format!("enum {qname}: expected labels")))?
                    .iter()
                    .filter_map(|l| l.as_str().map(str::to_string))
                    .collect();
                s.types.insert((schema, name), UserType::Enum(labels));
            }
        }
        // placeholders so composite/domain/relation types resolve regardless of order
        if let Some(composites) = obj("composites") {
            for qname in composites.keys() {
                s.types
                    .insert(split_key(qname), UserType::Composite(Vec::new()));
            }
        }
        if let Some(domains) = obj("domains") {
            for qname in domains.keys() {
                s.types.insert(
                    split_key(qname),
                    UserType::Domain {
                        base: SqlType::unknown(),
                        not_null: false,
                    },
                );
            }
        }
        if let Some(rels) = obj("relations") {
            for (qname, _) in rels {
                let (schema, name) = split_key(qname);
                s.relations.insert(
                    (schema.clone(), name.clone()),
                    Relation {
                        schema,
                        name,
                        kind: RelKind::Table,
                        columns: Vec::new(),
                        primary_key: None,
                    },
                );
            }
        }
        if let Some(domains) = obj("domains") {
            for (qname, d) in domains {
                let base = d
                    .get("base")
                    .and_then(|b| b.as_str())
                    .ok_or_else(|| SchemaError(format!("domain {qname}: no base")))?;
                let base = s
                    .resolve_type_name(base)
                    .ok_or_else(|| SchemaError(format!("domain {qname}: unknown type {base}")))?;
                let not_null = d.get("not_null").and_then(|b| b.as_bool()).unwrap_or(false);
                s.types
                    .insert(split_key(qname), UserType::Domain { base, not_null });
            }
        }
        if let Some(composites) = obj("composites") {
            for (qname, fields) in composites {
                let mut out = Vec::new();
                for f in fields.as_array().into_iter().flatten() {
                    let f = f.as_str().unwrap_or_default();
                    let toks = syntax::tokenize(f);
                    let field = split_field(&toks)
                        .and_then(|(fname, ftype)| Some((fname, s.resolve_type_tokens(ftype)?)));
                    out.push(field.ok_or_else(|| {
                        SchemaError(format!("composite {qname}: unknown type in field {f}"))
                    })?);
                }
                s.types.insert(split_key(qname), UserType::Composite(out));
            }
        }
        if let Some(rels) = obj("relations") {
            for (qname, rel) in rels {
                let key = split_key(qname);
                let kind = match rel.get("kind").and_then(|k| k.as_str()) {
                    Some("view") => RelKind::View,
                    Some("materialized_view") => RelKind::MaterializedView,
                    _ => RelKind::Table,
                };
                let mut columns = Vec::new();
                for c in rel
                    .get("columns")
                    .and_then(|c| c.as_array())
                    .into_iter()
                    .flatten()
                {
                    let name = c.get("name").and_then(|n| n.as_str()).unwrap_or_default();
                    let tyname = c.get("type").and_then(|n| n.as_str()).unwrap_or_default();
                    let ty = s
                        .resolve_type_name(tyname)
                        .or_else(|| {
                            // extension types not known by name: keep the typname
                            c.get("typname").and_then(|n| n.as_str()).map(|t| {
                                match t.strip_prefix('_') {
                                    Some(e) => SqlType::base(e).array_of(),
                                    None => SqlType::base(t),
                                }
                            })
                        })
                        .ok_or_else(|| {
                            SchemaError(format!("{qname}.{name}: unknown type {tyname}"))
                        })?;
                    columns.push(RelColumn {
                        name: name.to_string(),
                        ty,
                        not_null: c.get("not_null").and_then(|n| n.as_bool()).unwrap_or(false),
                    });
                }
                if let Some(r) = s.relations.get_mut(&key) {
                    r.kind = kind;
                    r.columns = columns;
                }
            }
        }
        if let Some(ext) = obj("extensions") {
            s.extensions = ext.keys().cloned().collect();
        }
        s.add_system_relations();
        Ok(s)
    }

    /// Adds what a `pg_dump -s` text declares and a catalog document leaves out: sequences
    /// (`CREATE SEQUENCE`) and function signatures (`CREATE FUNCTION name(args) RETURNS type`).
    pub fn add_from_dump(&mut self, dump: &str) {
        for stmt in syntax::split_statements(dump) {
            let toks = stmt.tokens.as_slice();
            if let Some(rest) = after_words(toks, &["create", "sequence"]) {
                let rest = after_words(rest, &["if", "not", "exists"]).unwrap_or(rest);
                if let Some(((schema, name), _)) = qualified_name(rest) {
                    self.add_sequence(&schema, &name);
                }
            } else if let Some(rest) = after_words(toks, &["create", "function"])
                .or_else(|| after_words(toks, &["create", "or", "replace", "function"]))
                && let Some((key, sig)) = self.function_decl(rest)
            {
                self.functions.entry(key).or_default().push(sig);
            }
        }
    }

    /// Adds a sequence relation (`last_value`, `log_cnt`, `is_called`).
    pub fn add_sequence(&mut self, schema: &str, name: &str) {
        let col = |n: &str, t: &str| RelColumn {
            name: n.into(),
            ty: SqlType::base(t),
            not_null: true,
        };
        self.relations.insert(
            (schema.to_string(), name.to_string()),
            Relation {
                schema: schema.to_string(),
                name: name.to_string(),
                kind: RelKind::Sequence,
                columns: vec![
                    col("last_value", "int8"),
                    col("log_cnt", "int8"),
                    col("is_called", "bool"),
                ],
                primary_key: None,
            },
        );
    }

    /// The signature `name(args) RETURNS [SETOF] type | TABLE(columns)` declares (the tokens
    /// after `CREATE FUNCTION`); `None` when it names a type not known.
    fn function_decl(&self, decl: &[Token<'_>]) -> Option<((String, String), FunctionSig)> {
        let (key, rest) = qualified_name(decl)?;
        let (arg_list, rest) = paren_group(rest)?;
        let mut args = Vec::new();
        for arg in split_commas(arg_list) {
            let arg = match arg.iter().position(|t| t.is_word("default")) {
                Some(end) => &arg[..end],
                None => arg,
            };
            let arg = match arg {
                [mode, ..] if mode.is_word("out") => continue,
                [mode, rest @ ..] if ARG_MODES.iter().any(|w| mode.is_word(w)) => rest,
                _ => arg,
            };
            if arg.is_empty() {
                continue;
            }
            // `name type` or just `type`
            let ty = self
                .resolve_type_tokens(arg)
                .or_else(|| self.resolve_type_tokens(&arg[1..]))?;
            args.push(ty);
        }
        let rest = after_words(rest, &["returns"])?;
        let (returns_set, rest) = match after_words(rest, &["setof"]) {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        let mut sig = FunctionSig {
            args,
            ret: SqlType::base("record"),
            returns_set,
            table_columns: Vec::new(),
        };
        if let Some(rest) = after_words(rest, &["table"]) {
            sig.returns_set = true;
            for col in split_commas(paren_group(rest)?.0) {
                let (name, ty) = split_field(col)?;
                let ty = self.resolve_type_tokens(ty)?;
                sig.table_columns.push((name, ty));
            }
        } else {
            let end = rest
                .iter()
                .position(|t| FUNCTION_OPTIONS.split_whitespace().any(|w| t.is_word(w)))
                .unwrap_or(rest.len());
            sig.ret = self.resolve_type_tokens(&rest[..end])?;
        }
        Some((key, sig))
    }

    /// The system relations queries commonly read (`pg_namespace`, `pg_class`,
    /// `information_schema.tables`, ...), with their columns.
    pub(crate) fn add_system_relations(&mut self) {
        let mut add = |schema: &str, name: &str, cols: &[(&str, &str)]| {
            let columns = cols
                .iter()
                .map(|(n, t)| RelColumn {
                    name: (*n).to_string(),
                    ty: match t.strip_suffix("[]") {
                        Some(e) => SqlType::base(e).array_of(),
                        None => SqlType::base(t),
                    },
                    not_null: schema == "pg_catalog",
                })
                .collect();
            self.relations.insert(
                (schema.to_string(), name.to_string()),
                Relation {
                    schema: schema.into(),
                    name: name.into(),
                    kind: RelKind::System,
                    columns,
                    primary_key: None,
                },
            );
        };
        add(
            "pg_catalog",
            "pg_namespace",
            &[("oid", "oid"), ("nspname", "name"), ("nspowner", "oid")],
        );
        add(
            "pg_catalog",
            "pg_class",
            &[
                ("oid", "oid"),
                ("relname", "name"),
                ("relnamespace", "oid"),
                ("reltype", "oid"),
                ("reloftype", "oid"),
                ("relowner", "oid"),
                ("relam", "oid"),
                ("relfilenode", "oid"),
                ("reltablespace", "oid"),
                ("relpages", "int4"),
                ("reltuples", "float4"),
                ("relallvisible", "int4"),
                ("reltoastrelid", "oid"),
                ("relhasindex", "bool"),
                ("relisshared", "bool"),
                ("relpersistence", "char"),
                ("relkind", "char"),
                ("relnatts", "int2"),
                ("relchecks", "int2"),
            ],
        );
        add(
            "pg_catalog",
            "pg_type",
            &[
                ("oid", "oid"),
                ("typname", "name"),
                ("typnamespace", "oid"),
                ("typtype", "char"),
                ("typcategory", "char"),
            ],
        );
        add(
            "pg_catalog",
            "pg_tables",
            &[
                ("schemaname", "name"),
                ("tablename", "name"),
                ("tableowner", "name"),
            ],
        );
        add(
            "pg_catalog",
            "pg_stat_activity",
            &[
                ("datname", "name"),
                ("pid", "int4"),
                ("usename", "name"),
                ("application_name", "text"),
                ("state", "text"),
                ("query", "text"),
            ],
        );
        let sql_identifier = "name";
        add(
            "information_schema",
            "tables",
            &[
                ("table_catalog", sql_identifier),
                ("table_schema", sql_identifier),
                ("table_name", sql_identifier),
                ("table_type", "varchar"),
            ],
        );
        add(
            "information_schema",
            "columns",
            &[
                ("table_catalog", sql_identifier),
                ("table_schema", sql_identifier),
                ("table_name", sql_identifier),
                ("column_name", sql_identifier),
                ("ordinal_position", "int4"),
                ("column_default", "varchar"),
                ("is_nullable", "varchar"),
                ("data_type", "varchar"),
            ],
        );
    }
}

/// The argument modes that leave an argument among the ones passed (`OUT` does not).
const ARG_MODES: [&str; 3] = ["in", "inout", "variadic"];

/// The words that start a function's options or its body after the `RETURNS` type.
const FUNCTION_OPTIONS: &str = "as begin called cost external immutable language leakproof not \
    parallel reset return returns rows security set stable strict support transform volatile window";

/// The parts of a relation name as `regclass` prints it (`users`, `"user"`, `app."Order"`):
/// the schema when qualified, and the name, unquoted.
pub(crate) fn split_regclass(text: &str) -> Option<(Option<String>, String)> {
    let toks = syntax::tokenize(text);
    match toks.as_slice() {
        [n] if is_name(n) => Some((None, n.ident())),
        [s, dot, n] if is_name(s) && dot.kind == TokenKind::Dot && is_name(n) => {
            Some((Some(s.ident()), n.ident()))
        }
        _ => None,
    }
}

/// A catalog document's key `<schema>.<name>` (the names as stored, not quoted) into its parts;
/// a bare name is in `public`.
fn split_key(key: &str) -> (String, String) {
    match key.split_once('.') {
        Some((schema, name)) => (schema.to_string(), name.to_string()),
        None => ("public".to_string(), key.to_string()),
    }
}

/// The dotted parts of a type name's tokens, the words of each joined by spaces (`timestamp
/// with time zone`), parenthesised modifiers left out; `None` for tokens no type name holds.
fn type_name_parts(toks: &[Token<'_>]) -> Option<Vec<String>> {
    let mut parts = vec![String::new()];
    let mut depth = 0;
    for t in toks {
        match t.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth -= 1,
            _ if depth > 0 => {}
            TokenKind::Word | TokenKind::QuotedIdent => {
                let part = parts.last_mut()?;
                if !part.is_empty() {
                    part.push(' ');
                }
                part.push_str(&t.ident());
            }
            TokenKind::Dot => parts.push(String::new()),
            _ => return None,
        }
    }
    Some(parts)
}

fn is_name(t: &Token<'_>) -> bool {
    matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent)
}

/// The tokens after `words` when `toks` starts with them.
fn after_words<'t, 'a>(toks: &'t [Token<'a>], words: &[&str]) -> Option<&'t [Token<'a>]> {
    let (head, rest) = toks.split_at_checked(words.len())?;
    head.iter()
        .zip(words)
        .all(|(t, w)| t.is_word(w))
        .then_some(rest)
}

/// The name `toks` starts with, `schema.name` or `name` (in `public`), and the tokens after it.
fn qualified_name<'t, 'a>(toks: &'t [Token<'a>]) -> Option<((String, String), &'t [Token<'a>])> {
    match toks {
        [s, dot, n, rest @ ..] if is_name(s) && dot.kind == TokenKind::Dot && is_name(n) => {
            Some(((s.ident(), n.ident()), rest))
        }
        [n, rest @ ..] if is_name(n) => Some((("public".to_string(), n.ident()), rest)),
        _ => None,
    }
}

/// A field `name type` (`"My ""f""" text[]`): its name, and the type's tokens.
fn split_field<'t, 'a>(field: &'t [Token<'a>]) -> Option<(String, &'t [Token<'a>])> {
    match field {
        [name, ty @ ..] if is_name(name) => Some((name.ident(), ty)),
        _ => None,
    }
}

/// The tokens inside the parentheses `toks` starts with, and the tokens after them.
fn paren_group<'t, 'a>(toks: &'t [Token<'a>]) -> Option<(&'t [Token<'a>], &'t [Token<'a>])> {
    if toks.first()?.kind != TokenKind::LParen {
        return None;
    }
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some((&toks[1..i], &toks[i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

/// `toks` split at the commas outside parentheses.
fn split_commas<'t, 'a>(toks: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth -= 1,
            TokenKind::Comma if depth == 0 => {
                out.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&toks[start..]);
    out
}
