//! Objects the catalog does not know in full: touched by a statement the replay does not
//! model, or brought by an extension whose objects are not modelled.
//!
//! The replay never stops at such a statement: it records a note and marks what the statement
//! names here. A consumer (the query analyser) asks [`Catalog::unknown_relation`] and friends
//! before it trusts an answer about an object, so it can give the best answer the catalog
//! allows or an error that names the unknown object and the statement responsible.

use crate::syntax::{Position, Token, TokenKind};

use super::Catalog;

/// What kind of object an [`Unknown`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A table, view, materialized view, sequence or foreign table (`pg_class`).
    Relation,
    /// A type or domain.
    Type,
    /// A function, procedure or aggregate.
    Function,
    /// A schema (everything in it is unknown).
    Schema,
    /// An extension (its objects are unknown).
    Extension,
    /// An operator class.
    OperatorClass,
}

impl ObjectKind {
    /// The word the server uses for this kind in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Relation => "relation",
            ObjectKind::Type => "type",
            ObjectKind::Function => "function",
            ObjectKind::Schema => "schema",
            ObjectKind::Extension => "extension",
            ObjectKind::OperatorClass => "operator class",
        }
    }
}

/// An object whose definition the catalog may not hold in full (it may also be missing, or
/// hold columns, types or constraints the server would not have).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// What kind of object.
    pub kind: ObjectKind,
    /// Its schema when known (`None`: any schema).
    pub schema: Option<String>,
    /// Its name.
    pub name: String,
    /// The migration file of the statement responsible.
    pub file: String,
    /// Where that statement is.
    pub position: Position,
    /// Why it is not fully known (the note's text).
    pub reason: String,
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        };
        write!(
            f,
            "{} \"{name}\" is not fully known ({}:{}: {})",
            self.kind.as_str(),
            self.file,
            self.position,
            self.reason
        )
    }
}

/// An object a statement names: kind, schema as written, name.
pub(crate) type Target = (ObjectKind, Option<String>, String);

impl Catalog {
    /// Every object marked as not fully known, in replay order.
    pub fn unknown_objects(&self) -> &[Unknown] {
        &self.unknowns
    }

    /// `true` when no statement was skipped or approximated: every object is fully known.
    pub fn is_fully_known(&self) -> bool {
        self.unknowns.is_empty()
    }

    /// Why the relation `schema.name` (or `name` through the search path) may not be as the
    /// catalog holds it (or may exist although the catalog has no such relation).
    pub fn unknown_relation(&self, schema: Option<&str>, name: &str) -> Option<&Unknown> {
        self.unknown_of(ObjectKind::Relation, schema, name)
    }

    /// Why the type `schema.name` may not be as the catalog holds it.
    pub fn unknown_type(&self, schema: Option<&str>, name: &str) -> Option<&Unknown> {
        self.unknown_of(ObjectKind::Type, schema, name)
    }

    /// Why functions named `schema.name` may not be as the catalog holds them.
    pub fn unknown_function(&self, schema: Option<&str>, name: &str) -> Option<&Unknown> {
        self.unknown_of(ObjectKind::Function, schema, name)
    }

    /// The first mark on an object of `kind` named `name` (the statement that made it
    /// unknown), or on its schema or extension.
    pub(crate) fn unknown_of(
        &self,
        kind: ObjectKind,
        schema: Option<&str>,
        name: &str,
    ) -> Option<&Unknown> {
        let schema_ok = |u: &Unknown| match (schema, u.schema.as_deref()) {
            (_, None) => true,
            (Some(want), Some(s)) => want == s,
            (None, Some(s)) => self.search_path.iter().any(|p| p == s),
        };
        // an extension whose objects are not modelled may provide any type, function or
        // operator class of its schema
        let by_extension = matches!(
            kind,
            ObjectKind::Type | ObjectKind::Function | ObjectKind::OperatorClass
        );
        self.unknowns.iter().find(|u| {
            (u.kind == kind && u.name == name && schema_ok(u))
                || (u.kind == ObjectKind::Schema && schema.is_some_and(|s| s == u.name))
                || (by_extension && u.kind == ObjectKind::Extension && schema_ok(u))
        })
    }

    /// Marks `targets` as not fully known because of the statement at `file:position`.
    pub(crate) fn mark_unknown(
        &mut self,
        targets: Vec<Target>,
        file: &str,
        position: Position,
        reason: &str,
    ) {
        for (kind, schema, name) in targets {
            let schema = schema.or_else(|| self.schema_of(kind, &name));
            let u = Unknown {
                kind,
                schema,
                name,
                file: file.to_string(),
                position,
                reason: reason.to_string(),
            };
            if !self.unknowns.contains(&u) {
                self.unknowns.push(u);
            }
        }
    }

    /// Forgets the marks on relation `schema.name` (it was dropped, or fully redefined).
    pub(crate) fn forget_unknown_relation(&mut self, schema: &str, name: &str) {
        self.unknowns.retain(|u| {
            !(u.kind == ObjectKind::Relation
                && u.name == name
                && u.schema.as_deref().is_none_or(|s| s == schema))
        });
    }

    /// The schema an unqualified name refers to: where it exists, else where it would be
    /// created.
    fn schema_of(&self, kind: ObjectKind, name: &str) -> Option<String> {
        let found = self.search_path.iter().find(|s| {
            self.schemas.get(s.as_str()).is_some_and(|sc| match kind {
                ObjectKind::Relation => sc.has_class(name),
                ObjectKind::Type => sc.types.contains_key(name),
                ObjectKind::Function => sc.functions.iter().any(|f| f.name == name),
                _ => false,
            })
        });
        match kind {
            ObjectKind::Schema | ObjectKind::Extension => None,
            _ => found
                .or_else(|| {
                    self.search_path
                        .iter()
                        .find(|s| self.schemas.contains_key(s.as_str()))
                })
                .cloned(),
        }
    }
}

/// A relation marked as not fully known that `toks` name (a view query's `FROM` items).
pub(crate) fn unknown_named_in<'c>(cat: &'c Catalog, toks: &[Token<'_>]) -> Option<&'c Unknown> {
    if cat.unknowns.is_empty() {
        return None;
    }
    toks.iter()
        .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
        .find_map(|t| {
            let name = t.ident();
            cat.unknowns
                .iter()
                .rev()
                .find(|u| u.kind == ObjectKind::Relation && u.name == name)
        })
}

/// The objects a statement creates, changes or drops, read from its head (`CREATE TABLE x`,
/// `ALTER TABLE x`, `CREATE INDEX ... ON x`, `DROP VIEW a, b`); used for statements the
/// replay does not model.
pub(crate) fn statement_targets(toks: &[Token<'_>]) -> Vec<Target> {
    targets_at(toks, 0)
}

/// The targets of every DDL statement head found anywhere in `toks` (a `DO` body).
pub(crate) fn targets_in(toks: &[Token<'_>]) -> Vec<Target> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if toks[i].is_word("create") || toks[i].is_word("alter") || toks[i].is_word("drop") {
            for t in targets_at(toks, i) {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
    }
    out
}

const MODIFIERS: &[&str] = &[
    "or",
    "replace",
    "temp",
    "temporary",
    "unlogged",
    "global",
    "local",
    "materialized",
    "recursive",
    "foreign",
    "unique",
    "trusted",
    "procedural",
];

fn targets_at(toks: &[Token<'_>], start: usize) -> Vec<Target> {
    let Some(verb) = toks.get(start) else {
        return Vec::new();
    };
    let mut i = start + 1;
    while toks
        .get(i)
        .is_some_and(|t| MODIFIERS.iter().any(|m| t.is_word(m)))
    {
        i += 1;
    }
    let Some(what) = toks.get(i) else {
        return Vec::new();
    };
    let kind = match what.text.to_ascii_lowercase().as_str() {
        "table" | "view" | "sequence" => ObjectKind::Relation,
        "index" => return index_target(toks, i + 1),
        "type" | "domain" => ObjectKind::Type,
        "function" | "procedure" | "aggregate" | "routine" => ObjectKind::Function,
        "schema" => ObjectKind::Schema,
        "extension" => ObjectKind::Extension,
        _ => return Vec::new(),
    };
    let mut i = skip_words(toks, i + 1, &["if", "not", "exists", "only"]);
    let mut out = Vec::new();
    while let Some((schema, name, next)) = qualname_at(toks, i) {
        out.push((kind, schema, name));
        i = next;
        // `DROP TABLE a, b`: every name; other verbs name one object
        if !verb.is_word("drop") {
            break;
        }
        if toks.get(i).is_some_and(|t| t.kind == TokenKind::LParen) {
            i = skip_group(toks, i);
        }
        if !toks.get(i).is_some_and(|t| t.kind == TokenKind::Comma) {
            break;
        }
        i += 1;
    }
    out
}

/// `CREATE INDEX ... ON [ONLY] table`: the table.
fn index_target(toks: &[Token<'_>], from: usize) -> Vec<Target> {
    let Some(on) = toks[from.min(toks.len())..]
        .iter()
        .position(|t| t.is_word("on"))
    else {
        return Vec::new();
    };
    let i = skip_words(toks, from + on + 1, &["only"]);
    qualname_at(toks, i)
        .map(|(s, n, _)| vec![(ObjectKind::Relation, s, n)])
        .unwrap_or_default()
}

fn skip_words(toks: &[Token<'_>], mut i: usize, words: &[&str]) -> usize {
    while toks
        .get(i)
        .is_some_and(|t| words.iter().any(|w| t.is_word(w)))
    {
        i += 1;
    }
    i
}

fn skip_group(toks: &[Token<'_>], mut i: usize) -> usize {
    let mut depth = 0i32;
    while let Some(t) = toks.get(i) {
        match t.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => {
                depth -= 1;
                if depth <= 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// A possibly qualified name at `i`: (schema, name, index after it).
fn qualname_at(toks: &[Token<'_>], i: usize) -> Option<(Option<String>, String, usize)> {
    let is_name = |t: &Token<'_>| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent);
    let first = toks.get(i).filter(|t| is_name(t))?;
    if toks.get(i + 1).is_some_and(|t| t.kind == TokenKind::Dot)
        && let Some(second) = toks.get(i + 2).filter(|t| is_name(t))
    {
        return Some((Some(first.ident()), second.ident(), i + 3));
    }
    Some((None, first.ident(), i + 1))
}
