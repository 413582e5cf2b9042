//! Statement-by-statement DDL replay.

use crate::syntax::{LineIndex, Token, TokenKind, split_statements};

use super::deps::{
    check_inheritance, check_not_member_of_itself, drop_relation_cascade, drop_type,
    fks_depending_on_key, propagate_to_children, views_depending_on,
};
use super::error::{CatalogError, Diagnostic, ErrorKind, NoteKind};
use super::model::*;
use super::parser::{Cursor, Fail, PResult, RawType, fail};
use super::select::ViewTyper;
use super::types::{self, TypeRef};
use super::unknown::{ObjectKind, Target, statement_targets};
use super::{Catalog, ReplayOptions, extensions, plpgsql};

/// Where a statement comes from, for positions.
pub(crate) struct Ctx<'a> {
    pub file: &'a str,
    pub index: LineIndex<'a>,
    pub typer: &'a dyn ViewTyper,
    /// When replaying text that is not the file itself (an `EXECUTE` string), every position
    /// maps to this offset of the file.
    pub fixed_offset: Option<usize>,
    /// Notes about what is not modelled are errors.
    pub strict: bool,
}

impl Ctx<'_> {
    pub fn position(&self, offset: usize) -> crate::syntax::Position {
        self.index.position(self.fixed_offset.unwrap_or(offset))
    }

    fn push(&self, notes: &mut Vec<Diagnostic>, offset: usize, kind: NoteKind, message: String) {
        notes.push(Diagnostic {
            file: self.file.to_string(),
            position: self.position(offset),
            kind,
            message,
        });
    }

    /// The server's own NOTICE (`... already exists, skipping`).
    pub fn notice(&self, notes: &mut Vec<Diagnostic>, offset: usize, message: impl Into<String>) {
        self.push(notes, offset, NoteKind::Notice, message.into());
    }

    /// How the replay handled a statement.
    pub fn info(&self, notes: &mut Vec<Diagnostic>, offset: usize, message: impl Into<String>) {
        self.push(notes, offset, NoteKind::Info, message.into());
    }

    /// Something the replay does not model: a note, and `targets` marked as not fully known;
    /// an error when the replay is strict.
    pub fn not_modelled(
        &self,
        cat: &mut Catalog,
        notes: &mut Vec<Diagnostic>,
        offset: usize,
        message: impl Into<String>,
        targets: Vec<Target>,
    ) -> PResult<()> {
        let message = message.into();
        if self.strict {
            return fail(offset, ErrorKind::NotModelled, message);
        }
        cat.mark_unknown(targets, self.file, self.position(offset), &message);
        self.push(notes, offset, NoteKind::NotModelled, message);
        Ok(())
    }

    pub fn error(&self, f: Fail) -> CatalogError {
        CatalogError {
            file: self.file.to_string(),
            position: self.position(f.offset),
            kind: f.kind,
            message: f.message,
        }
    }
}

pub(crate) fn replay_text(
    cat: &mut Catalog,
    file: &str,
    sql: &str,
    typer: &dyn ViewTyper,
    options: ReplayOptions,
    notes: &mut Vec<Diagnostic>,
) -> Result<(), CatalogError> {
    let ctx = Ctx {
        file,
        index: LineIndex::new(sql),
        typer,
        fixed_offset: None,
        strict: options.strict,
    };
    for stmt in split_statements(sql) {
        run_statement(cat, &stmt.tokens, sql, &ctx, notes)?;
    }
    Ok(())
}

/// Runs one top-level statement: what it does not model becomes a note, server-style errors
/// are returned.
pub(crate) fn run_statement(
    cat: &mut Catalog,
    toks: &[Token<'_>],
    src: &str,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
) -> Result<(), CatalogError> {
    run_statement_as(cat, toks, src, ctx, notes, false)
}

/// [`run_statement`]; `nested` for a statement of a `DO` body, where what the replay cannot
/// read may be PL/pgSQL rather than SQL and is never a syntax error.
pub(crate) fn run_statement_as(
    cat: &mut Catalog,
    toks: &[Token<'_>],
    src: &str,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
    nested: bool,
) -> Result<(), CatalogError> {
    if let Some((ext, word, off)) = extensions::implied_by_opclass(cat, toks) {
        let what = format!("operator class \"{word}\"");
        extensions::assume_installed(cat, ctx, notes, ext, &what, off).map_err(|e| ctx.error(e))?;
    }
    let start = toks.first().map_or(0, |t| t.offset);
    let mut r = exec(cat, &mut Cursor::new(toks, src), ctx, notes);
    // a contrib extension's type used without CREATE EXTENSION: assume it, then run again
    if let Err(f) = &r
        && let Some(ext) = implied_by_type(cat, f)
    {
        let what = f.message.replace(" does not exist", "");
        extensions::assume_installed(cat, ctx, notes, ext, &what, f.offset)
            .map_err(|e| ctx.error(e))?;
        r = exec(cat, &mut Cursor::new(toks, src), ctx, notes);
    }
    let Err(mut f) = r else {
        return Ok(());
    };
    if f.kind == ErrorKind::SyntaxError {
        match syntax_error_at(toks, src) {
            Some(e) if !nested => return Err(ctx.error(e)),
            _ => f.kind = ErrorKind::NotModelled,
        }
    }
    if f.kind != ErrorKind::NotModelled {
        return Err(ctx.error(f));
    }
    let head: Vec<&str> = toks.iter().take(4).map(|t| t.text).collect();
    let message = format!(
        "statement not replayed ({} ...): {}",
        head.join(" "),
        f.message
    );
    ctx.not_modelled(cat, notes, start, message, statement_targets(toks))
        .map_err(|e| ctx.error(e))
}

/// The contrib extension providing the type a failure says does not exist, when it is not
/// installed.
fn implied_by_type(cat: &Catalog, f: &Fail) -> Option<&'static str> {
    if f.kind != ErrorKind::UndefinedObject {
        return None;
    }
    let name = f
        .message
        .strip_prefix("type \"")?
        .strip_suffix("\" does not exist")?;
    let ext = extensions::provider_of(name)?;
    (!cat.extensions.contains_key(ext)).then_some(ext)
}

/// The server's syntax error for a statement, when the SQL parser rejects it too (else the
/// statement is valid SQL the replay does not read: not modelled).
fn syntax_error_at(toks: &[Token<'_>], src: &str) -> Option<Fail> {
    let (first, last) = (toks.first()?, toks.last()?);
    let start = first.offset;
    let text = &src[start..last.offset + last.text.len()];
    let err = crate::syntax::parse(text).errors.into_iter().next()?;
    let at = start + err.offset;
    let message = match toks.iter().find(|t| t.offset + t.text.len() > at) {
        Some(t) => format!("syntax error at or near \"{}\"", t.text),
        None => "syntax error at end of input".to_string(),
    };
    let offset = toks
        .iter()
        .find(|t| t.offset + t.text.len() > at)
        .map_or(at, |t| t.offset);
    Some(Fail {
        offset,
        kind: ErrorKind::SyntaxError,
        message,
    })
}

fn exec(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
) -> PResult<()> {
    let Some(first) = c.peek().copied() else {
        return Ok(());
    };
    let w = first.text.to_ascii_lowercase();
    match w.as_str() {
        "create" => {
            c.bump();
            create(cat, c, ctx, notes)
        }
        "alter" => {
            c.bump();
            alter(cat, c, ctx, notes)
        }
        "drop" => {
            c.bump();
            drop_stmt(cat, c, notes, ctx)
        }
        "comment" => {
            c.bump();
            comment(cat, c)
        }
        "set" => {
            c.bump();
            set_stmt(cat, c)
        }
        "reset" => {
            c.bump();
            if c.eat_kw("search_path") || c.eat_kw("all") {
                cat.search_path = vec!["public".into()];
            }
            Ok(())
        }
        "select" => select_stmt(cat, c),
        "do" => {
            c.bump();
            plpgsql::do_block(cat, c, ctx, notes)
        }
        "insert" | "update" | "delete" | "with" | "copy" | "truncate" | "vacuum" | "analyze"
        | "analyse" | "refresh" | "grant" | "revoke" | "notify" | "listen" | "lock" | "begin"
        | "commit" | "end" | "start" | "rollback" | "savepoint" | "release" | "cluster"
        | "reindex" | "checkpoint" | "discard" | "values" | "table" | "call" | "explain"
        | "prepare" | "execute" | "deallocate" | "security" | "merge" => Ok(()),
        _ => fail(
            first.offset,
            ErrorKind::SyntaxError,
            format!("unknown statement \"{}\"", first.text),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// name resolution

impl Catalog {
    /// The schema a new object goes into.
    pub(crate) fn creation_schema(&self, explicit: Option<&str>, off: usize) -> PResult<String> {
        match explicit {
            Some(s) => {
                if self.schemas.contains_key(s) {
                    Ok(s.to_string())
                } else {
                    fail(
                        off,
                        ErrorKind::UndefinedSchema,
                        format!("schema \"{s}\" does not exist"),
                    )
                }
            }
            None => match self
                .search_path
                .iter()
                .find(|s| self.schemas.contains_key(s.as_str()))
            {
                Some(s) => Ok(s.clone()),
                None => fail(
                    off,
                    ErrorKind::UndefinedSchema,
                    "no schema has been selected to create in",
                ),
            },
        }
    }

    /// The schema holding relation `name` (tables and views).
    pub(crate) fn find_relation_schema(&self, schema: Option<&str>, name: &str) -> Option<String> {
        match schema {
            Some(s) => self
                .schemas
                .get(s)
                .filter(|sc| sc.relations.contains_key(name))
                .map(|_| s.to_string()),
            None => self
                .search_path
                .iter()
                .find(|s| {
                    self.schemas
                        .get(s.as_str())
                        .is_some_and(|sc| sc.relations.contains_key(name))
                })
                .cloned(),
        }
    }

    pub(crate) fn require_relation(
        &self,
        schema: Option<&str>,
        name: &str,
        off: usize,
    ) -> PResult<QualName> {
        match self.find_relation_schema(schema, name) {
            Some(s) => Ok(QualName::new(s, name)),
            None => match self.unknown_relation(schema, name) {
                Some(u) => fail(off, ErrorKind::NotModelled, u.to_string()),
                None => fail(
                    off,
                    ErrorKind::UndefinedTable,
                    format!("relation \"{}\" does not exist", display_name(schema, name)),
                ),
            },
        }
    }

    fn find_in_schemas<F: Fn(&Schema) -> bool>(
        &self,
        schema: Option<&str>,
        pred: F,
    ) -> Option<String> {
        match schema {
            Some(s) => self
                .schemas
                .get(s)
                .filter(|sc| pred(sc))
                .map(|_| s.to_string()),
            None => self
                .search_path
                .iter()
                .find(|s| self.schemas.get(s.as_str()).is_some_and(&pred))
                .cloned(),
        }
    }

    pub(crate) fn rel(&self, q: &QualName) -> &Relation {
        &self.schemas[&q.schema].relations[&q.name]
    }

    pub(crate) fn rel_mut(&mut self, q: &QualName) -> &mut Relation {
        self.schemas
            .get_mut(&q.schema)
            .and_then(|s| s.relations.get_mut(&q.name))
            .expect("relation resolved before")
    }

    /// Resolves a written type name.
    pub(crate) fn resolve_type(&self, rt: &RawType) -> PResult<TypeRef> {
        if let Some(parts) = &rt.percent_type {
            // table.column%TYPE
            let (schema, table, col) = match parts.as_slice() {
                [t, c] => (None, t.as_str(), c.as_str()),
                [s, t, c] => (Some(s.as_str()), t.as_str(), c.as_str()),
                _ => return fail(rt.offset, ErrorKind::SyntaxError, "bad %TYPE reference"),
            };
            let q = self.require_relation(schema, table, rt.offset)?;
            return match self.rel(&q).column(col) {
                Some(c) => Ok(c.ty.clone()),
                None => fail(
                    rt.offset,
                    ErrorKind::UndefinedColumn,
                    format!("column \"{col}\" of relation \"{table}\" does not exist"),
                ),
            };
        }
        let mut ty = if rt.schema.is_none() && !rt.quoted {
            if let Some(b) = types::builtin_alias(&rt.name) {
                let mut t = TypeRef::builtin(b);
                t.typmod = if rt.keyword_default_len || !rt.mods.is_empty() {
                    match types::typmod_for(b, &rt.mods) {
                        Some(m) => m,
                        None => {
                            return fail(
                                rt.offset,
                                ErrorKind::InvalidDefinition,
                                format!("invalid type modifier for type {}", rt.name),
                            );
                        }
                    }
                } else {
                    -1
                };
                Some(t)
            } else {
                None
            }
        } else if rt.schema.is_none() && rt.quoted {
            // a quoted name is looked up as is; pg_catalog comes first in the path
            types::builtin_by_typname(&rt.name).map(|b| TypeRef::builtin(b.typname))
        } else if rt.schema.as_deref() == Some("pg_catalog") {
            types::builtin_by_typname(&rt.name).map(|b| {
                let mut t = TypeRef::builtin(b.typname);
                t.typmod = types::typmod_for(b.typname, &rt.mods).unwrap_or(-1);
                t
            })
        } else {
            None
        };
        if ty.is_none() {
            // A user type, a table's row type, or an array type spelled `_name`.
            let found = self.find_in_schemas(rt.schema.as_deref(), |s| {
                s.types.contains_key(&rt.name) || s.relations.contains_key(&rt.name)
            });
            if let Some(schema) = found {
                ty = Some(TypeRef {
                    schema,
                    name: rt.name.clone(),
                    typmod: -1,
                    array_dims: 0,
                });
            } else if let Some(elem) = rt.name.strip_prefix('_') {
                let inner = RawType {
                    name: elem.to_string(),
                    quoted: true,
                    array_dims: 0,
                    ..rt.clone()
                };
                if let Ok(mut t) = self.resolve_type(&inner) {
                    t.array_dims = 1;
                    ty = Some(t);
                }
            }
        }
        match ty {
            Some(mut t) => {
                t.array_dims += rt.array_dims;
                Ok(t)
            }
            None => {
                let schema = rt.schema.as_deref();
                if let Some(mut t) = self.opaque_extension_type(schema, &rt.name) {
                    t.array_dims = rt.array_dims;
                    return Ok(t);
                }
                if let Some(u) = self.unknown_type(schema, &rt.name) {
                    return fail(rt.offset, ErrorKind::NotModelled, u.to_string());
                }
                fail(
                    rt.offset,
                    ErrorKind::UndefinedObject,
                    format!("type \"{}\" does not exist", display_name(schema, &rt.name)),
                )
            }
        }
    }

    fn parse_type(&self, c: &mut Cursor<'_, '_>) -> PResult<TypeRef> {
        let rt = c.raw_type()?;
        self.resolve_type(&rt)
    }

    pub(crate) fn visible_path(&self) -> Vec<String> {
        self.search_path.clone()
    }

    fn all_constraint_names(&self, schema: &str) -> impl Iterator<Item = &str> {
        self.schemas
            .get(schema)
            .into_iter()
            .flat_map(|s| s.relations.values())
            .flat_map(|r| r.constraints.iter().map(|c| c.name.as_str()))
    }
}

impl Catalog {
    /// The default the server stores for a column of type `ty`: none for a null constant,
    /// unless coercing it to the column's type takes a call (a type modifier, a domain).
    ///
    /// ```sql
    /// -- psql, PostgreSQL 15: create domain d as int; create table t (a int default null,
    /// --   b varchar(5) default null, c d default null, e int[] default null);
    /// -- select attname, atthasdef from pg_attribute where attrelid = 't'::regclass and attnum > 0;
    /// -- a f | b t | c t | e f
    /// ```
    fn stored_default(&self, ty: &TypeRef, text: String) -> Option<String> {
        let domain = !ty.is_array()
            && matches!(
                self.type_def_of(ty).map(|d| &d.kind),
                Some(TypeKind::Domain { .. })
            );
        if is_null_constant(&text) && ty.typmod < 0 && !domain {
            None
        } else {
            Some(text)
        }
    }
}

/// The object a statement names was not found.
pub(crate) struct Missing<'a> {
    /// The word in the server's message: `relation`, `table`, `index`, `type`, ...
    pub what: &'a str,
    /// The kind of object, for marks of statements not modelled.
    pub object: ObjectKind,
    /// The schema as written.
    pub schema: Option<&'a str>,
    /// The name as written.
    pub name: &'a str,
    /// Where the name is.
    pub off: usize,
    /// The statement said `IF EXISTS`.
    pub if_exists: bool,
}

impl Missing<'_> {
    /// With `IF EXISTS`, the server's notice and `Ok` (the statement skips the object); for an
    /// object a statement not modelled touched, not modelled; else the server's `does not
    /// exist` error.
    pub(crate) fn handle(
        &self,
        cat: &Catalog,
        ctx: &Ctx<'_>,
        notes: &mut Vec<Diagnostic>,
    ) -> PResult<()> {
        let (what, name) = (self.what, self.name);
        if self.if_exists {
            ctx.notice(
                notes,
                self.off,
                format!("{what} \"{name}\" does not exist, skipping"),
            );
            return Ok(());
        }
        if let Some(u) = cat.unknown_of(self.object, self.schema, name) {
            return fail(self.off, ErrorKind::NotModelled, u.to_string());
        }
        let kind = match what {
            "type" | "extension" | "domain" => ErrorKind::UndefinedObject,
            "schema" => ErrorKind::UndefinedSchema,
            "function" | "procedure" | "aggregate" => ErrorKind::UndefinedFunction,
            _ => ErrorKind::UndefinedTable,
        };
        let shown = display_name(self.schema, name);
        fail(self.off, kind, format!("{what} \"{shown}\" does not exist"))
    }
}

/// `true` for `NULL`, `(NULL)`, `NULL::type`, `CAST(NULL AS type)`: PostgreSQL stores no
/// default for a null constant.
fn is_null_constant(text: &str) -> bool {
    let toks = crate::syntax::tokenize(text);
    let mut t: &[Token<'_>] = &toks;
    while t.len() >= 2 && t[0].kind == TokenKind::LParen && t[t.len() - 1].kind == TokenKind::RParen
    {
        t = &t[1..t.len() - 1];
    }
    match t.first() {
        Some(f) if f.is_word("null") => t.len() == 1 || t.get(1).is_some_and(|x| x.is_op("::")),
        Some(f) if f.is_word("cast") => t.get(2).is_some_and(|x| x.is_word("null")),
        _ => false,
    }
}

fn display_name(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(s) => format!("{s}.{name}"),
        None => name.to_string(),
    }
}

/// PostgreSQL's `makeObjectName`: `name1_name2_label` truncated to 63 bytes.
pub(crate) fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    const MAX: usize = 63;
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    let overhead = if label.is_empty() { 0 } else { label.len() + 1 } + name2.map_or(0, |_| 1);
    let avail = MAX.saturating_sub(overhead);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let cut = |s: &str, n: usize| {
        let mut n = n.min(s.len());
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    let mut out = cut(name1, n1);
    if let Some(n2s) = name2 {
        out.push('_');
        out.push_str(&cut(n2s, n2));
    }
    if !label.is_empty() {
        out.push('_');
        out.push_str(label);
    }
    out
}

/// Picks a name not in use: `make_object_name`, then `label1`, `label2`, ...
pub(crate) fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut name = make_object_name(name1, name2, label);
    let mut n = 0;
    while taken(&name) {
        n += 1;
        name = make_object_name(name1, name2, &format!("{label}{n}"));
    }
    name
}

fn strip_quotes_cols(cols: &[String]) -> String {
    cols.join("_")
}

// ---------------------------------------------------------------------------------------------
// CREATE

fn create(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
) -> PResult<()> {
    let or_replace = c.eat_kws(&["or", "replace"]);
    // persistence / modifiers
    let mut temp = false;
    loop {
        if c.eat_kw("temp") || c.eat_kw("temporary") {
            temp = true;
        } else if c.eat_kw("unlogged")
            || c.eat_kw("global")
            || c.eat_kw("local")
            || c.eat_kw("trusted")
            || c.eat_kw("procedural")
            || c.eat_kw("recursive")
        {
        } else {
            break;
        }
    }
    let _ = temp;
    let off = c.offset();
    if c.eat_kw("table") {
        return create_table(cat, c, ctx, notes);
    }
    if c.eat_kw("unique") {
        c.expect_kw("index")?;
        return create_index(cat, c, true, notes, ctx);
    }
    if c.eat_kw("index") {
        return create_index(cat, c, false, notes, ctx);
    }
    if c.eat_kw("sequence") {
        return create_sequence(cat, c);
    }
    if c.eat_kw("schema") {
        let if_not = c.eat_kws(&["if", "not", "exists"]);
        let name = if c.at_kw("authorization") {
            c.bump();
            c.ident()?
        } else {
            c.ident()?
        };
        if cat.schemas.contains_key(&name) || name == "pg_catalog" {
            if if_not {
                return Ok(());
            }
            return fail(
                off,
                ErrorKind::DuplicateObject,
                format!("schema \"{name}\" already exists"),
            );
        }
        cat.schemas.insert(name.clone(), Schema::new(name));
        // schema elements (CREATE SCHEMA s CREATE TABLE ...) are rare; note them
        if c.at_kw("create") {
            return fail(
                c.offset(),
                ErrorKind::NotModelled,
                "schema elements inside CREATE SCHEMA",
            );
        }
        return Ok(());
    }
    if c.eat_kw("type") {
        return create_type(cat, c);
    }
    if c.eat_kw("domain") {
        return create_domain(cat, c);
    }
    if c.eat_kw("extension") {
        return extensions::create_extension(cat, c, ctx, notes);
    }
    if c.eat_kw("function") {
        return create_function(cat, c, FuncKind::Function, or_replace);
    }
    if c.eat_kw("procedure") {
        return create_function(cat, c, FuncKind::Procedure, or_replace);
    }
    if c.eat_kw("materialized") {
        c.expect_kw("view")?;
        return create_view(
            cat,
            c,
            ctx,
            notes,
            RelationKind::MaterializedView,
            or_replace,
        );
    }
    if c.eat_kw("view") {
        return create_view(cat, c, ctx, notes, RelationKind::View, or_replace);
    }
    if c.eat_kw("aggregate") {
        return create_aggregate(cat, c, or_replace);
    }
    // Objects with no effect on the catalog's shape.
    for kw in [
        "trigger",
        "constraint",
        "rule",
        "policy",
        "publication",
        "subscription",
        "role",
        "user",
        "group",
        "event",
        "statistics",
        "text",
        "collation",
        "cast",
        "operator",
        "language",
        "conversion",
        "server",
        "foreign",
        "tablespace",
        "access",
        "transform",
    ] {
        if c.at_kw(kw) {
            if matches!(kw, "trigger" | "constraint" | "rule" | "policy") {
                return Ok(());
            }
            let what = kw.to_uppercase();
            if matches!(kw, "foreign" | "operator" | "cast") {
                let targets = statement_targets(c.toks);
                let what = c.slice_text(c.i, c.i + 2).to_uppercase();
                let message = format!("CREATE {what} is not modelled");
                let start = c.toks.first().map_or(off, |t| t.offset);
                return ctx.not_modelled(cat, notes, start, message, targets);
            }
            ctx.info(
                notes,
                off,
                format!("CREATE {what} has no effect on the catalog"),
            );
            return Ok(());
        }
    }
    c.syntax("an object kind after CREATE")
}

/// A column definition and its inline constraints, before they are applied.
struct ColDef {
    col: Column,
    serial: Option<&'static str>,
    constraints: Vec<(Option<String>, PendingConstraint, usize)>,
    identity_seq: bool,
    offset: usize,
}

#[derive(Debug, Clone)]
enum PendingConstraint {
    PrimaryKey(Vec<String>),
    Unique(Vec<String>),
    ForeignKey {
        columns: Vec<String>,
        ref_schema: Option<String>,
        ref_table: String,
        ref_columns: Option<Vec<String>>,
        on_delete: FkAction,
        on_update: FkAction,
        match_full: bool,
        ref_offset: usize,
    },
    Check(String, Vec<String>),
    Exclusion(String, Vec<String>),
}

struct ConstraintFlags {
    not_valid: bool,
    deferrable: bool,
}

fn fk_action(c: &mut Cursor<'_, '_>) -> PResult<FkAction> {
    if c.eat_kws(&["no", "action"]) {
        Ok(FkAction::NoAction)
    } else if c.eat_kw("restrict") {
        Ok(FkAction::Restrict)
    } else if c.eat_kw("cascade") {
        Ok(FkAction::Cascade)
    } else if c.eat_kws(&["set", "null"]) {
        if c.at_kind(TokenKind::LParen) {
            c.skip_group()?;
        }
        Ok(FkAction::SetNull)
    } else if c.eat_kws(&["set", "default"]) {
        if c.at_kind(TokenKind::LParen) {
            c.skip_group()?;
        }
        Ok(FkAction::SetDefault)
    } else {
        c.syntax("a foreign key action")
    }
}

/// `REFERENCES t [(cols)] [MATCH ...] [ON DELETE ...] [ON UPDATE ...]` (after `REFERENCES`).
fn references(c: &mut Cursor<'_, '_>, columns: Vec<String>) -> PResult<PendingConstraint> {
    let ref_offset = c.offset();
    let (ref_schema, ref_table) = c.qualname()?;
    let ref_columns = if c.at_kind(TokenKind::LParen) {
        Some(c.ident_list()?)
    } else {
        None
    };
    let mut on_delete = FkAction::NoAction;
    let mut on_update = FkAction::NoAction;
    let mut match_full = false;
    loop {
        if c.eat_kw("match") {
            match_full = c.eat_kw("full");
            if !match_full {
                c.bump();
            }
        } else if c.eat_kws(&["on", "delete"]) {
            on_delete = fk_action(c)?;
        } else if c.eat_kws(&["on", "update"]) {
            on_update = fk_action(c)?;
        } else {
            break;
        }
    }
    Ok(PendingConstraint::ForeignKey {
        columns,
        ref_schema,
        ref_table,
        ref_columns,
        on_delete,
        on_update,
        match_full,
        ref_offset,
    })
}

fn constraint_tail(c: &mut Cursor<'_, '_>) -> ConstraintFlags {
    let mut flags = ConstraintFlags {
        not_valid: false,
        deferrable: false,
    };
    loop {
        if c.eat_kws(&["not", "deferrable"]) {
        } else if c.eat_kw("deferrable") {
            flags.deferrable = true;
        } else if c.eat_kws(&["initially", "deferred"]) || c.eat_kws(&["initially", "immediate"]) {
        } else if c.eat_kws(&["not", "valid"]) {
            flags.not_valid = true;
        } else if c.eat_kws(&["no", "inherit"])
            || c.eat_kw("enforced")
            || c.eat_kws(&["not", "enforced"])
        {
        } else if c.eat_kws(&["using", "index", "tablespace"]) {
            c.bump();
        } else if c.at_kw("with") && c.peek_at(1).is_some_and(|t| t.kind == TokenKind::LParen) {
            c.bump();
            let _ = c.skip_group();
        } else if c.eat_kw("include") {
            let _ = c.skip_group();
        } else {
            break;
        }
    }
    flags
}

fn nulls_distinct(c: &mut Cursor<'_, '_>) {
    if c.eat_kws(&["nulls", "not", "distinct"]) || c.eat_kws(&["nulls", "distinct"]) {}
}

/// Identifiers mentioned in an expression text (for constraint naming and dependencies).
pub(crate) fn idents_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let toks = crate::syntax::tokenize(text);
    for (i, t) in toks.iter().enumerate() {
        let is_fn = toks.get(i + 1).is_some_and(|n| n.kind == TokenKind::LParen);
        let after_cast = i > 0 && toks[i - 1].is_op("::");
        match t.kind {
            TokenKind::Word
                if !is_fn
                    && !after_cast
                    && !super::model::is_reserved_word(&t.ident())
                    && !matches!(
                        t.ident().as_str(),
                        "is" | "null" | "true" | "false" | "and" | "or" | "not"
                    ) =>
            {
                let s = t.ident();
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            TokenKind::QuotedIdent => {
                let s = t.ident();
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            _ => {}
        }
    }
    out
}

/// Table-level constraint after the optional `CONSTRAINT name`.
fn table_constraint(c: &mut Cursor<'_, '_>) -> PResult<PendingConstraint> {
    if c.eat_kws(&["primary", "key"]) {
        Ok(PendingConstraint::PrimaryKey(c.ident_list()?))
    } else if c.eat_kw("unique") {
        nulls_distinct(c);
        Ok(PendingConstraint::Unique(c.ident_list()?))
    } else if c.eat_kws(&["foreign", "key"]) {
        let cols = c.ident_list()?;
        c.expect_kw("references")?;
        references(c, cols)
    } else if c.eat_kw("check") {
        let text = c.group_text()?;
        let ids = idents_in(&text);
        Ok(PendingConstraint::Check(text, ids))
    } else if c.eat_kw("exclude") {
        let start = c.i;
        if c.eat_kw("using") {
            c.bump();
        }
        let inner = c.skip_group()?;
        let inner_text = c.src[inner].to_string();
        // element columns: first identifier of each element
        let mut cols = Vec::new();
        for part in split_top_commas(&inner_text) {
            if let Some(first) = crate::syntax::tokenize(&part).first()
                && matches!(first.kind, TokenKind::Word | TokenKind::QuotedIdent)
            {
                cols.push(first.ident());
            }
        }
        if c.eat_kw("include") {
            c.skip_group()?;
        }
        if c.eat_kw("where") {
            c.group_text()?;
        }
        Ok(PendingConstraint::Exclusion(c.slice_text(start, c.i), cols))
    } else {
        c.syntax("a table constraint")
    }
}

pub(crate) fn split_top_commas(text: &str) -> Vec<String> {
    let toks = crate::syntax::tokenize(text);
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start: Option<usize> = None;
    let mut end = 0;
    for t in &toks {
        match t.kind {
            TokenKind::LParen | TokenKind::LBracket => depth += 1,
            TokenKind::RParen | TokenKind::RBracket => depth -= 1,
            TokenKind::Comma if depth == 0 => {
                if let Some(s) = start.take() {
                    out.push(text[s..end].to_string());
                }
                continue;
            }
            _ => {}
        }
        if start.is_none() {
            start = Some(t.offset);
        }
        end = t.offset + t.text.len();
    }
    if let Some(s) = start {
        out.push(text[s..end].to_string());
    }
    out
}

fn is_constraint_start(c: &Cursor<'_, '_>) -> bool {
    let Some(t) = c.peek() else { return true };
    if t.kind != TokenKind::Word {
        return false;
    }
    [
        "constraint",
        "null",
        "check",
        "unique",
        "primary",
        "references",
        "generated",
        "collate",
        "deferrable",
        "initially",
    ]
    .iter()
    .any(|k| t.is_word(k))
        || (t.is_word("not")
            && c.peek_at(1)
                .is_some_and(|n| n.is_word("null") || n.is_word("deferrable")))
}

/// A column definition: `name type [constraints]`.
fn column_def(cat: &Catalog, c: &mut Cursor<'_, '_>) -> PResult<ColDef> {
    let offset = c.offset();
    let name = c.ident()?;
    let rt = c.raw_type()?;
    let serial = if rt.schema.is_none() && !rt.quoted && types::is_serial(&rt.name) {
        Some(match rt.name.as_str() {
            "bigserial" | "serial8" => "int8",
            "smallserial" | "serial2" => "int2",
            _ => "int4",
        })
    } else {
        None
    };
    let ty = match serial {
        Some(t) => TypeRef::builtin(t),
        None => cat.resolve_type(&rt)?,
    };
    let mut col = Column::new(name.clone(), ty);
    let mut constraints = Vec::new();
    let mut identity_seq = false;
    loop {
        let coff = c.offset();
        let cname = if c.eat_kw("constraint") {
            Some(c.ident()?)
        } else {
            None
        };
        if c.eat_kws(&["not", "null"]) {
            col.not_null = true;
        } else if c.eat_kw("null") {
        } else if c.eat_kw("default") {
            let text = c.text_until(is_constraint_start);
            col.default = cat.stored_default(&col.ty, text);
        } else if c.eat_kw("collate") {
            let (_, coll) = c.qualname()?;
            col.collation = Some(coll);
        } else if c.eat_kw("check") {
            let text = c.group_text()?;
            constraints.push((
                cname,
                PendingConstraint::Check(text, vec![name.clone()]),
                coff,
            ));
        } else if c.eat_kw("unique") {
            nulls_distinct(c);
            constraints.push((cname, PendingConstraint::Unique(vec![name.clone()]), coff));
        } else if c.eat_kws(&["primary", "key"]) {
            constraints.push((
                cname,
                PendingConstraint::PrimaryKey(vec![name.clone()]),
                coff,
            ));
        } else if c.eat_kw("references") {
            let fk = references(c, vec![name.clone()])?;
            constraints.push((cname, fk, coff));
        } else if c.eat_kw("generated") {
            if c.eat_kw("always") {
                c.expect_kw("as")?;
                if c.eat_kw("identity") {
                    col.identity = Some(Identity::Always);
                    col.not_null = true;
                    identity_seq = true;
                    if c.at_kind(TokenKind::LParen) {
                        c.skip_group()?;
                    }
                } else {
                    col.generated = Some(c.group_text()?);
                    c.eat_kw("stored");
                }
            } else {
                c.expect_kw("by")?;
                c.expect_kw("default")?;
                c.expect_kw("as")?;
                c.expect_kw("identity")?;
                col.identity = Some(Identity::ByDefault);
                col.not_null = true;
                identity_seq = true;
                if c.at_kind(TokenKind::LParen) {
                    c.skip_group()?;
                }
            }
        } else if cname.is_some() {
            return c.syntax("a column constraint");
        } else {
            let before = c.i;
            constraint_tail(c);
            if c.i == before {
                break;
            }
        }
        constraint_tail(c);
    }
    if serial.is_some() {
        col.not_null = true;
    }
    Ok(ColDef {
        col,
        serial,
        constraints,
        identity_seq,
        offset,
    })
}

fn create_table(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
) -> PResult<()> {
    let if_not = c.eat_kws(&["if", "not", "exists"]);
    let name_off = c.offset();
    let (schema, name) = c.qualname()?;
    let schema = cat.creation_schema(schema.as_deref(), name_off)?;
    if cat.schemas[&schema].has_class(&name) || cat.schemas[&schema].types.contains_key(&name) {
        if if_not {
            ctx.notice(
                notes,
                name_off,
                format!("relation \"{name}\" already exists, skipping"),
            );
            return Ok(());
        }
        return fail(
            name_off,
            ErrorKind::DuplicateObject,
            format!("relation \"{name}\" already exists"),
        );
    }
    let q = QualName::new(schema.clone(), name.clone());
    let mut rel = Relation {
        schema: schema.clone(),
        name: name.clone(),
        kind: RelationKind::Table,
        columns: Vec::new(),
        constraints: Vec::new(),
        comment: None,
        query: None,
        depends_on: Vec::new(),
        column_deps: Vec::new(),
        parents: Vec::new(),
        partition_by: None,
        internal: false,
    };
    // CREATE TABLE ... AS / PARTITION OF / OF type
    if c.eat_kw("partition") {
        c.expect_kw("of")?;
        let poff = c.offset();
        let (ps, pn) = c.qualname()?;
        let parent = cat.require_relation(ps.as_deref(), &pn, poff)?;
        let prel = cat.rel(&parent).clone();
        rel.columns = prel
            .columns
            .iter()
            .map(|col| Column {
                comment: None,
                ..col.clone()
            })
            .collect();
        rel.parents.push(parent);
        if c.at_kind(TokenKind::LParen) {
            c.skip_group()?;
        }
        // FOR VALUES ... / DEFAULT; PARTITION BY for sub-partitioning
        while !c.done() {
            if c.eat_kws(&["partition", "by"]) {
                rel.kind = RelationKind::PartitionedTable;
                rel.partition_by = Some(c.rest_text(c.i));
                break;
            }
            c.bump();
        }
        // partitions inherit check/FK constraints; keys come from indexes on the parent
        for con in &prel.constraints {
            if matches!(
                con.kind,
                ConstraintKind::Check(_) | ConstraintKind::ForeignKey(_)
            ) {
                rel.constraints.push(con.clone());
            }
        }
        cat.schemas
            .get_mut(&schema)
            .expect("schema exists")
            .relations
            .insert(name, rel);
        return Ok(());
    }
    let col_list = if c.at_kind(TokenKind::LParen) && !c.at_kws(&["as"]) {
        true
    } else if c.at_kw("as") {
        false
    } else {
        return c.syntax("( or AS");
    };
    if !col_list {
        c.expect_kw("as")?;
        return create_table_as(cat, c, ctx, rel);
    }
    c.expect_kind(TokenKind::LParen, "(")?;
    let mut pending: Vec<(Option<String>, PendingConstraint, usize, ConstraintFlags)> = Vec::new();
    let mut serials: Vec<(String, &'static str)> = Vec::new();
    let mut identities: Vec<String> = Vec::new();
    let mut likes: Vec<(QualName, Vec<String>, Vec<String>)> = Vec::new();
    if !c.at_kind(TokenKind::RParen) {
        loop {
            let off = c.offset();
            if c.at_kw("constraint")
                || c.at_kws(&["primary", "key"])
                || (c.at_kw("unique")
                    && !c
                        .peek_at(1)
                        .is_some_and(|t| t.kind == TokenKind::Word && !t.is_word("nulls")))
                || c.at_kws(&["foreign", "key"])
                || (c.at_kw("check") && c.peek_at(1).is_some_and(|t| t.kind == TokenKind::LParen))
                || (c.at_kw("exclude")
                    && !c
                        .peek_at(1)
                        .is_some_and(|t| t.kind == TokenKind::Word && !t.is_word("using")))
            {
                let cname = if c.eat_kw("constraint") {
                    Some(c.ident()?)
                } else {
                    None
                };
                let pc = table_constraint(c)?;
                let flags = constraint_tail(c);
                pending.push((cname, pc, off, flags));
            } else if c.at_kw("like") {
                c.bump();
                let loff = c.offset();
                let (ls, ln) = c.qualname()?;
                let src = cat.require_relation(ls.as_deref(), &ln, loff)?;
                let mut inc = Vec::new();
                let mut exc = Vec::new();
                loop {
                    if c.eat_kw("including") {
                        inc.push(c.ident()?);
                    } else if c.eat_kw("excluding") {
                        exc.push(c.ident()?);
                    } else {
                        break;
                    }
                }
                likes.push((src.clone(), inc.clone(), exc.clone()));
                let srel = cat.rel(&src);
                let has = |what: &str| {
                    (inc.iter().any(|i| i == what || i == "all")) && !exc.iter().any(|e| e == what)
                };
                for col in &srel.columns {
                    let mut nc = Column::new(col.name.clone(), col.ty.clone());
                    nc.not_null = col.not_null;
                    if has("defaults") {
                        nc.default = col.default.clone();
                    }
                    if has("identity") {
                        nc.identity = col.identity;
                    }
                    if has("generated") {
                        nc.generated = col.generated.clone();
                    }
                    if has("comments") {
                        nc.comment = col.comment.clone();
                    }
                    rel.columns.push(nc);
                }
                if has("constraints") {
                    for con in &srel.constraints {
                        if let ConstraintKind::Check(t) = &con.kind {
                            pending.push((
                                Some(con.name.clone()),
                                PendingConstraint::Check(t.clone(), idents_in(t)),
                                off,
                                ConstraintFlags {
                                    not_valid: false,
                                    deferrable: false,
                                },
                            ));
                        }
                    }
                }
                if has("indexes") {
                    for con in &srel.constraints {
                        match &con.kind {
                            ConstraintKind::PrimaryKey(cols) => pending.push((
                                None,
                                PendingConstraint::PrimaryKey(cols.clone()),
                                off,
                                ConstraintFlags {
                                    not_valid: false,
                                    deferrable: con.deferrable,
                                },
                            )),
                            ConstraintKind::Unique(cols) => pending.push((
                                None,
                                PendingConstraint::Unique(cols.clone()),
                                off,
                                ConstraintFlags {
                                    not_valid: false,
                                    deferrable: con.deferrable,
                                },
                            )),
                            _ => {}
                        }
                    }
                }
            } else {
                let def = column_def(cat, c)?;
                if rel.columns.iter().any(|x| x.name == def.col.name) {
                    return fail(
                        def.offset,
                        ErrorKind::DuplicateObject,
                        format!("column \"{}\" specified more than once", def.col.name),
                    );
                }
                if let Some(s) = def.serial {
                    serials.push((def.col.name.clone(), s));
                }
                if def.identity_seq {
                    identities.push(def.col.name.clone());
                }
                for (n, pc, o) in def.constraints {
                    let flags = constraint_tail(c);
                    pending.push((n, pc, o, flags));
                }
                rel.columns.push(def.col);
            }
            if !c.eat_kind(TokenKind::Comma) {
                break;
            }
        }
    }
    c.expect_kind(TokenKind::RParen, ")")?;
    // INHERITS, PARTITION BY, WITH, TABLESPACE, ON COMMIT
    while !c.done() {
        if c.eat_kw("inherits") {
            c.expect_kind(TokenKind::LParen, "(")?;
            loop {
                let poff = c.offset();
                let (ps, pn) = c.qualname()?;
                let parent = cat.require_relation(ps.as_deref(), &pn, poff)?;
                let prel = cat.rel(&parent);
                let mut inherited: Vec<Column> = Vec::new();
                for pc in &prel.columns {
                    let mut nc = pc.clone();
                    nc.comment = None;
                    nc.identity = None;
                    inherited.push(nc);
                }
                for con in &prel.constraints {
                    if let ConstraintKind::Check(_) = con.kind {
                        rel.constraints.push(con.clone());
                    }
                }
                // inherited columns come first; merge same-named local columns
                let mut merged = inherited;
                for lc in std::mem::take(&mut rel.columns) {
                    if let Some(m) = merged.iter_mut().find(|m| m.name == lc.name) {
                        m.not_null |= lc.not_null;
                        if lc.default.is_some() {
                            m.default = lc.default;
                        }
                    } else {
                        merged.push(lc);
                    }
                }
                rel.columns = merged;
                rel.parents.push(parent);
                if !c.eat_kind(TokenKind::Comma) {
                    break;
                }
            }
            c.expect_kind(TokenKind::RParen, ")")?;
        } else if c.eat_kws(&["partition", "by"]) {
            let start = c.i;
            c.bump();
            if c.at_kind(TokenKind::LParen) {
                c.skip_group()?;
            }
            rel.kind = RelationKind::PartitionedTable;
            rel.partition_by = Some(c.slice_text(start, c.i));
        } else if c.eat_kw("with") || c.eat_kw("without") {
            if c.at_kind(TokenKind::LParen) {
                c.skip_group()?;
            } else {
                c.bump();
            }
        } else if c.eat_kw("tablespace") || c.eat_kw("using") {
            c.bump();
        } else if c.eat_kws(&["on", "commit"]) {
            c.bump();
            c.eat_kw("rows");
        } else {
            return c.syntax("end of CREATE TABLE");
        }
    }
    cat.schemas
        .get_mut(&schema)
        .expect("schema exists")
        .relations
        .insert(name.clone(), rel);
    // LIKE ... INCLUDING INDEXES copies the plain indexes too, with names of its own
    for (src, inc, exc) in &likes {
        let has =
            inc.iter().any(|i| i == "indexes" || i == "all") && !exc.iter().any(|e| e == "indexes");
        if !has {
            continue;
        }
        let copies: Vec<Index> = cat.schemas[&src.schema]
            .indexes
            .values()
            .filter(|ix| ix.table == src.name && ix.constraint.is_none())
            .cloned()
            .collect();
        for ix in copies {
            let parts: Vec<String> = ix
                .keys
                .iter()
                .map(|k| key_name_part(k, ix.columns.contains(k)))
                .collect();
            let sc = &cat.schemas[&schema];
            let iname = choose_name(&name, Some(&parts.join("_")), "idx", |n| sc.has_class(n));
            cat.schemas
                .get_mut(&schema)
                .expect("schema")
                .indexes
                .insert(
                    iname.clone(),
                    Index {
                        schema: schema.clone(),
                        name: iname,
                        table: name.clone(),
                        ..ix
                    },
                );
        }
    }
    // serial sequences
    for (col, _ty) in serials {
        add_serial_sequence(cat, &q, &col, false)?;
    }
    for col in identities {
        add_serial_sequence(cat, &q, &col, true)?;
    }
    // constraints: primary keys first as the server does not care about order, but naming does
    for (cname, pc, off, flags) in pending {
        add_constraint(cat, &q, cname, pc, off, flags, false)?;
    }
    Ok(())
}

fn add_serial_sequence(cat: &mut Catalog, q: &QualName, col: &str, identity: bool) -> PResult<()> {
    let schema = cat.schemas.get(&q.schema).expect("schema");
    let seq = choose_name(&q.name, Some(col), "seq", |n| schema.has_class(n));
    let ty = cat.rel(q).column(col).map(|c| c.ty.clone());
    let Some(ty) = ty else { return Ok(()) };
    cat.schemas
        .get_mut(&q.schema)
        .expect("schema")
        .sequences
        .insert(
            seq.clone(),
            Sequence {
                schema: q.schema.clone(),
                name: seq.clone(),
                data_type: ty,
                owned_by: Some((q.name.clone(), col.to_string())),
            },
        );
    if !identity {
        let visible = cat.search_path.contains(&q.schema);
        let seq_text = if visible {
            seq.clone()
        } else {
            format!("{}.{}", q.schema, seq)
        };
        if let Some(c) = cat.rel_mut(q).column_mut(col) {
            c.default = Some(format!("nextval('{seq_text}'::regclass)"));
        }
    }
    Ok(())
}

/// Types that can be compared by a foreign key: equal after domains, or in the same family.
fn fk_compatible(cat: &Catalog, a: &TypeRef, b: &TypeRef) -> bool {
    let a = cat.base_type(a);
    let b = cat.base_type(b);
    if a.schema == b.schema && a.name == b.name && a.array_dims == b.array_dims {
        return true;
    }
    if a.is_array() || b.is_array() {
        return false;
    }
    let fam = |t: &TypeRef| -> Option<u8> {
        match (t.schema.as_str(), t.name.as_str()) {
            ("pg_catalog", "int2" | "int4" | "int8" | "numeric" | "float4" | "float8") => Some(1),
            ("pg_catalog", "text" | "varchar" | "bpchar" | "name") => Some(2),
            ("pg_catalog", "timestamp" | "timestamptz" | "date") => Some(3),
            _ => None,
        }
    };
    fam(&a).is_some() && fam(&a) == fam(&b)
}

fn add_constraint(
    cat: &mut Catalog,
    q: &QualName,
    cname: Option<String>,
    pc: PendingConstraint,
    off: usize,
    flags: ConstraintFlags,
    if_not_exists_ok: bool,
) -> PResult<()> {
    let schema = q.schema.clone();
    let table = q.name.clone();
    // column existence
    let check_cols = |cat: &Catalog, cols: &[String]| -> PResult<()> {
        let rel = cat.rel(q);
        for col in cols {
            if rel.column(col).is_none() {
                return fail(
                    off,
                    ErrorKind::UndefinedColumn,
                    format!("column \"{col}\" named in key does not exist"),
                );
            }
        }
        Ok(())
    };
    let class_taken = |cat: &Catalog, n: &str| cat.schemas[&schema].has_class(n);
    let con_taken = |cat: &Catalog, n: &str| cat.all_constraint_names(&schema).any(|x| x == n);
    let (name, kind, index) = match pc {
        PendingConstraint::PrimaryKey(cols) => {
            check_cols(cat, &cols)?;
            if cat.rel(q).primary_key().is_some() {
                return fail(
                    off,
                    ErrorKind::InvalidDefinition,
                    format!("multiple primary keys for table \"{table}\" are not allowed"),
                );
            }
            let name = cname.unwrap_or_else(|| {
                choose_name(&table, None, "pkey", |n| {
                    class_taken(cat, n) || con_taken(cat, n)
                })
            });
            let rel = cat.rel_mut(q);
            for col in &cols {
                if let Some(c) = rel.column_mut(col) {
                    c.not_null = true;
                }
            }
            (name, ConstraintKind::PrimaryKey(cols.clone()), Some(cols))
        }
        PendingConstraint::Unique(cols) => {
            check_cols(cat, &cols)?;
            let name = cname.unwrap_or_else(|| {
                choose_name(&table, Some(&strip_quotes_cols(&cols)), "key", |n| {
                    class_taken(cat, n) || con_taken(cat, n)
                })
            });
            (name, ConstraintKind::Unique(cols.clone()), Some(cols))
        }
        PendingConstraint::Check(text, ids) => {
            let rel = cat.rel(q);
            let used: Vec<&String> = ids.iter().filter(|i| rel.column(i).is_some()).collect();
            let name = cname.unwrap_or_else(|| {
                let col = if used.len() == 1 {
                    Some(used[0].as_str())
                } else {
                    None
                };
                choose_name(&table, col, "check", |n| {
                    cat.rel(q).constraints.iter().any(|c| c.name == n)
                })
            });
            (name, ConstraintKind::Check(text), None)
        }
        PendingConstraint::Exclusion(text, cols) => {
            let name = cname.unwrap_or_else(|| {
                choose_name(&table, Some(&strip_quotes_cols(&cols)), "excl", |n| {
                    class_taken(cat, n) || con_taken(cat, n)
                })
            });
            (name, ConstraintKind::Exclusion(text), Some(cols))
        }
        PendingConstraint::ForeignKey {
            columns,
            ref_schema,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
            match_full,
            ref_offset,
        } => {
            check_cols(cat, &columns)?;
            let target = cat.require_relation(ref_schema.as_deref(), &ref_table, ref_offset)?;
            let trel = cat.rel(&target);
            if !trel.kind.is_table() {
                return fail(
                    ref_offset,
                    ErrorKind::InvalidDefinition,
                    format!("referenced relation \"{ref_table}\" is not a table"),
                );
            }
            let ref_cols = match ref_columns {
                Some(rc) => {
                    for col in &rc {
                        if trel.column(col).is_none() {
                            return fail(
                                ref_offset,
                                ErrorKind::UndefinedColumn,
                                format!(
                                    "column \"{col}\" referenced in foreign key constraint does not exist"
                                ),
                            );
                        }
                    }
                    let mut want = rc.clone();
                    want.sort();
                    let unique = trel.constraints.iter().any(|con| match &con.kind {
                        ConstraintKind::PrimaryKey(k) | ConstraintKind::Unique(k) => {
                            let mut k = k.clone();
                            k.sort();
                            k == want
                        }
                        _ => false,
                    }) || cat.schemas[&target.schema].indexes.values().any(|ix| {
                        ix.table == target.name && ix.unique && ix.predicate.is_none() && {
                            let mut k = ix.keys.clone();
                            k.sort();
                            k == want
                        }
                    });
                    if !unique {
                        return fail(
                            ref_offset,
                            ErrorKind::InvalidForeignKey,
                            format!(
                                "there is no unique constraint matching given keys for referenced table \"{ref_table}\""
                            ),
                        );
                    }
                    rc
                }
                None => match trel.primary_key() {
                    Some(pk) => pk.to_vec(),
                    None => {
                        return fail(
                            ref_offset,
                            ErrorKind::InvalidForeignKey,
                            format!("there is no primary key for referenced table \"{ref_table}\""),
                        );
                    }
                },
            };
            if ref_cols.len() != columns.len() {
                return fail(
                    off,
                    ErrorKind::InvalidForeignKey,
                    "number of referencing and referenced columns for foreign key disagree",
                );
            }
            let name = cname.clone().unwrap_or_else(|| {
                choose_name(&table, Some(&strip_quotes_cols(&columns)), "fkey", |n| {
                    cat.rel(q).constraints.iter().any(|c| c.name == n)
                })
            });
            let rel = cat.rel(q);
            for (a, b) in columns.iter().zip(&ref_cols) {
                let ta = rel.column(a).map(|c| c.ty.clone());
                let tb = cat.rel(&target).column(b).map(|c| c.ty.clone());
                if let (Some(ta), Some(tb)) = (ta, tb)
                    && !fk_compatible(cat, &ta, &tb)
                {
                    let vis = cat.visible_path();
                    return fail(
                        off,
                        ErrorKind::DatatypeMismatch,
                        format!(
                            "foreign key constraint \"{name}\" cannot be implemented: key columns \"{a}\" and \"{b}\" are of incompatible types: {} and {}",
                            ta.format(&vis),
                            tb.format(&vis)
                        ),
                    );
                }
            }
            (
                name,
                ConstraintKind::ForeignKey(ForeignKey {
                    columns,
                    ref_table: target,
                    ref_columns: ref_cols,
                    on_delete,
                    on_update,
                    match_full,
                }),
                None,
            )
        }
    };
    if cat.rel(q).constraints.iter().any(|c| c.name == name) {
        if if_not_exists_ok {
            return Ok(());
        }
        return fail(
            off,
            ErrorKind::DuplicateObject,
            format!("constraint \"{name}\" for relation \"{table}\" already exists"),
        );
    }
    if let Some(cols) = index {
        if cat.schemas[&schema].has_class(&name) {
            return fail(
                off,
                ErrorKind::DuplicateObject,
                format!("relation \"{name}\" already exists"),
            );
        }
        let unique = !matches!(kind, ConstraintKind::Exclusion(_));
        cat.schemas
            .get_mut(&schema)
            .expect("schema")
            .indexes
            .insert(
                name.clone(),
                Index {
                    schema: schema.clone(),
                    name: name.clone(),
                    table: table.clone(),
                    unique,
                    method: if unique {
                        "btree".into()
                    } else {
                        "gist".into()
                    },
                    keys: cols.clone(),
                    columns: cols,
                    predicate: None,
                    constraint: Some(name.clone()),
                },
            );
    }
    cat.rel_mut(q).constraints.push(Constraint {
        name,
        kind,
        not_valid: flags.not_valid,
        deferrable: flags.deferrable,
        comment: None,
    });
    Ok(())
}

fn create_table_as(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    mut rel: Relation,
) -> PResult<()> {
    let start = c.i;
    let mut end = c.toks.len();
    // trailing WITH [NO] DATA
    if end >= 2 && c.toks[end - 1].is_word("data") {
        end -= if c.toks[end - 2].is_word("no") { 3 } else { 2 };
    }
    let query = c.slice_text(start, end);
    let off = c.offset();
    let cols = ctx.typer.type_query(cat, &query).map_err(|m| Fail {
        offset: off,
        kind: ErrorKind::NotModelled,
        message: format!("cannot type the query: {m}"),
    })?;
    rel.columns = cols
        .into_iter()
        .map(|vc| Column::new(vc.name, vc.ty))
        .collect();
    c.skip_rest();
    let schema = rel.schema.clone();
    cat.schemas
        .get_mut(&schema)
        .expect("schema")
        .relations
        .insert(rel.name.clone(), rel);
    Ok(())
}

fn create_view(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
    kind: RelationKind,
    or_replace: bool,
) -> PResult<()> {
    let if_not = c.eat_kws(&["if", "not", "exists"]);
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let schema = cat.creation_schema(schema.as_deref(), off)?;
    let names = if c.at_kind(TokenKind::LParen) {
        Some(c.ident_list()?)
    } else {
        None
    };
    while !c.at_kw("as") && !c.done() {
        // WITH (options), USING method, TABLESPACE x
        if c.at_kind(TokenKind::LParen) {
            c.skip_group()?;
        } else {
            c.bump();
        }
    }
    c.expect_kw("as")?;
    let start = c.i;
    let mut end = c.toks.len();
    while end > start {
        let t = &c.toks[end - 1];
        if t.is_word("data") || t.is_word("option") {
            // WITH [NO] DATA, WITH [CASCADED|LOCAL] CHECK OPTION
            let mut k = end - 1;
            while k > start && !c.toks[k].is_word("with") {
                k -= 1;
            }
            end = k;
        } else {
            break;
        }
    }
    let query = c.slice_text(start, end);
    c.skip_rest();
    let existing = cat.schemas[&schema].relations.get(&name).cloned();
    if let Some(ex) = &existing {
        if if_not {
            return Ok(());
        }
        if !(or_replace && ex.kind == kind) {
            return fail(
                off,
                ErrorKind::DuplicateObject,
                format!("relation \"{name}\" already exists"),
            );
        }
    } else if cat.schemas[&schema].has_class(&name) {
        return fail(
            off,
            ErrorKind::DuplicateObject,
            format!("relation \"{name}\" already exists"),
        );
    }
    let qoff = c.toks.get(start).map_or(off, |t| t.offset);
    let mut cols = match ctx.typer.type_query(cat, &query) {
        Ok(cols) => {
            cat.forget_unknown_relation(&schema, &name);
            cols
        }
        Err(m) => {
            // Missing relations and columns are the server's errors too.
            let missing = m.strip_suffix("\" does not exist").and_then(|head| {
                if let Some(n) = head.strip_prefix("relation \"") {
                    Some((ErrorKind::UndefinedTable, n.to_string()))
                } else {
                    head.strip_prefix("column \"")
                        .map(|n| (ErrorKind::UndefinedColumn, n.to_string()))
                }
            });
            let unknown = missing
                .as_ref()
                .and_then(|_| super::unknown::unknown_named_in(cat, &c.toks[start..end]));
            if let Some(u) = unknown {
                return fail(qoff, ErrorKind::NotModelled, u.to_string());
            }
            if let Some((kind, what)) = missing {
                let at = c.toks[start..end]
                    .iter()
                    .find(|t| {
                        matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent)
                            && t.ident() == what
                    })
                    .map_or(qoff, |t| t.offset);
                return fail(at, kind, m);
            }
            let message =
                format!("view \"{name}\" created without columns: cannot type its query: {m}");
            let target = (ObjectKind::Relation, Some(schema.clone()), name.clone());
            ctx.not_modelled(cat, notes, qoff, message, vec![target])?;
            Vec::new()
        }
    };
    if let Some(names) = names {
        if names.len() > cols.len() && !cols.is_empty() {
            return fail(
                off,
                ErrorKind::InvalidDefinition,
                "CREATE VIEW specifies more column names than columns",
            );
        }
        for (col, n) in cols.iter_mut().zip(names) {
            col.name = n;
        }
    }
    let depends_on = super::select::referenced_relations(cat, &query);
    let column_deps = super::select::referenced_columns(cat, &query);
    let columns = cols
        .into_iter()
        .map(|vc| Column::new(vc.name, vc.ty))
        .collect();
    let rel = Relation {
        schema: schema.clone(),
        name: name.clone(),
        kind,
        columns,
        constraints: Vec::new(),
        comment: existing.and_then(|e| e.comment),
        query: Some(query),
        depends_on,
        column_deps,
        parents: Vec::new(),
        partition_by: None,
        internal: false,
    };
    cat.schemas
        .get_mut(&schema)
        .expect("schema")
        .relations
        .insert(name, rel);
    Ok(())
}

fn create_index(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    unique: bool,
    notes: &mut Vec<Diagnostic>,
    ctx: &Ctx<'_>,
) -> PResult<()> {
    c.eat_kw("concurrently");
    let if_not = c.eat_kws(&["if", "not", "exists"]);
    let name_off = c.offset();
    let name = if c.at_kw("on") {
        None
    } else {
        Some(c.ident()?)
    };
    c.expect_kw("on")?;
    c.eat_kw("only");
    let toff = c.offset();
    let (ts, tn) = c.qualname()?;
    let q = cat.require_relation(ts.as_deref(), &tn, toff)?;
    let mut method = "btree".to_string();
    if c.eat_kw("using") {
        method = c.ident()?;
    }
    let inner = c.skip_group()?;
    let inner_text = c.src[inner].to_string();
    let mut keys = Vec::new();
    let mut columns = Vec::new();
    let mut name_parts = Vec::new();
    {
        let rel = cat.rel(&q);
        for part in split_top_commas(&inner_text) {
            let toks = crate::syntax::tokenize(&part);
            let first = toks.first();
            let plain = first
                .is_some_and(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
                && toks
                    .get(1)
                    .is_none_or(|t| t.kind == TokenKind::Word || t.kind == TokenKind::QuotedIdent);
            if plain && let Some(f) = first {
                let col = f.ident();
                if rel.column(&col).is_none() {
                    return fail(
                        f.offset + toff,
                        ErrorKind::UndefinedColumn,
                        format!("column \"{col}\" does not exist"),
                    )
                    .map_err(|mut e: Fail| {
                        e.offset = toff;
                        e
                    });
                }
                keys.push(col.clone());
                columns.push(col.clone());
                name_parts.push(col);
            } else {
                keys.push(part.clone());
                // columns used by the expression
                for id in idents_in(&part) {
                    if rel.column(&id).is_some() && !columns.contains(&id) {
                        columns.push(id);
                    }
                }
                name_parts.push(key_name_part(&part, false));
            }
        }
    }
    let mut predicate = None;
    while !c.done() {
        if c.eat_kw("include") {
            c.skip_group()?;
        } else if c.eat_kw("where") {
            predicate = Some(c.rest_text(c.i));
            c.skip_rest();
        } else if c.eat_kw("with") {
            c.skip_group()?;
        } else if c.eat_kw("tablespace") {
            c.bump();
        } else if c.eat_kws(&["nulls", "not", "distinct"]) || c.eat_kws(&["nulls", "distinct"]) {
        } else {
            return c.syntax("end of CREATE INDEX");
        }
    }
    let schema = q.schema.clone();
    let name = match name {
        Some(n) => {
            if cat.schemas[&schema].has_class(&n) {
                if if_not {
                    ctx.notice(
                        notes,
                        name_off,
                        format!("relation \"{n}\" already exists, skipping"),
                    );
                    return Ok(());
                }
                return fail(
                    name_off,
                    ErrorKind::DuplicateObject,
                    format!("relation \"{n}\" already exists"),
                );
            }
            n
        }
        None => {
            let sc = &cat.schemas[&schema];
            choose_name(&q.name, Some(&name_parts.join("_")), "idx", |n| {
                sc.has_class(n)
            })
        }
    };
    cat.schemas
        .get_mut(&schema)
        .expect("schema")
        .indexes
        .insert(
            name.clone(),
            Index {
                schema: schema.clone(),
                name,
                table: q.name.clone(),
                unique,
                method,
                keys,
                columns,
                predicate,
                constraint: None,
            },
        );
    Ok(())
}

/// The part an index key contributes to a generated index name: the column, the function's
/// name for a function call, else `expr`.
fn key_name_part(key: &str, is_column: bool) -> String {
    let toks = crate::syntax::tokenize(key);
    if is_column {
        return toks.first().map_or_else(|| key.to_string(), |t| t.ident());
    }
    match (toks.first(), toks.get(1)) {
        (Some(f), Some(p)) if f.kind == TokenKind::Word && p.kind == TokenKind::LParen => f.ident(),
        (Some(p), Some(f)) if p.kind == TokenKind::LParen && f.kind == TokenKind::Word => {
            match toks.get(2) {
                Some(pp) if pp.kind == TokenKind::LParen => f.ident(),
                _ => "expr".into(),
            }
        }
        _ => "expr".into(),
    }
}

fn create_sequence(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let if_not = c.eat_kws(&["if", "not", "exists"]);
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let schema = cat.creation_schema(schema.as_deref(), off)?;
    if cat.schemas[&schema].has_class(&name) {
        if if_not {
            return Ok(());
        }
        return fail(
            off,
            ErrorKind::DuplicateObject,
            format!("relation \"{name}\" already exists"),
        );
    }
    let mut seq = Sequence {
        schema: schema.clone(),
        name: name.clone(),
        data_type: TypeRef::builtin("int8"),
        owned_by: None,
    };
    sequence_options(cat, c, &mut seq)?;
    cat.schemas
        .get_mut(&schema)
        .expect("schema")
        .sequences
        .insert(name, seq);
    Ok(())
}

fn sequence_options(cat: &Catalog, c: &mut Cursor<'_, '_>, seq: &mut Sequence) -> PResult<()> {
    while !c.done() {
        if c.eat_kw("as") {
            seq.data_type = cat.parse_type(c)?;
        } else if c.eat_kws(&["owned", "by"]) {
            let off = c.offset();
            if c.eat_kw("none") {
                seq.owned_by = None;
            } else {
                let mut parts = vec![c.ident()?];
                while c.eat_kind(TokenKind::Dot) {
                    parts.push(c.ident()?);
                }
                let col = parts.pop().unwrap_or_default();
                let table = parts.pop().unwrap_or_default();
                let schema = parts.pop();
                let q = cat.require_relation(schema.as_deref(), &table, off)?;
                if cat.rel(&q).column(&col).is_none() {
                    return fail(
                        off,
                        ErrorKind::UndefinedColumn,
                        format!("column \"{col}\" of relation \"{table}\" does not exist"),
                    );
                }
                seq.owned_by = Some((q.name, col));
            }
        } else {
            c.bump();
        }
    }
    Ok(())
}

fn create_type(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let schema = cat.creation_schema(schema.as_deref(), off)?;
    let sc = &cat.schemas[&schema];
    if sc.types.contains_key(&name) || sc.relations.contains_key(&name) {
        return fail(
            off,
            ErrorKind::DuplicateObject,
            format!("type \"{name}\" already exists"),
        );
    }
    let kind = if c.done() {
        TypeKind::Base { category: 'U' }
    } else if c.eat_kw("as") {
        if c.eat_kw("enum") {
            c.expect_kind(TokenKind::LParen, "(")?;
            let mut labels = Vec::new();
            if !c.at_kind(TokenKind::RParen) {
                loop {
                    let loff = c.offset();
                    let l = c.string()?;
                    if labels.contains(&l) {
                        return fail(
                            loff,
                            ErrorKind::InvalidDefinition,
                            format!("enum label \"{l}\" used more than once"),
                        );
                    }
                    labels.push(l);
                    if !c.eat_kind(TokenKind::Comma) {
                        break;
                    }
                }
            }
            c.expect_kind(TokenKind::RParen, ")")?;
            TypeKind::Enum(labels)
        } else if c.eat_kw("range") {
            let inner = c.group_text()?;
            let toks = crate::syntax::tokenize(&inner);
            let mut sc = Cursor::new(&toks, &inner);
            let mut subtype = TypeRef::builtin("int4");
            while !sc.done() {
                if sc.eat_kw("subtype") {
                    sc.eat_op("=");
                    subtype = cat.parse_type(&mut sc).map_err(|mut f| {
                        f.offset = off;
                        f
                    })?;
                } else {
                    sc.bump();
                }
            }
            TypeKind::Range { subtype }
        } else {
            c.expect_kind(TokenKind::LParen, "(")?;
            let mut fields: Vec<(String, TypeRef)> = Vec::new();
            if !c.at_kind(TokenKind::RParen) {
                loop {
                    let foff = c.offset();
                    let f = c.ident()?;
                    let t = cat.parse_type(c)?;
                    if c.eat_kw("collate") {
                        c.qualname()?;
                    }
                    if fields.iter().any(|(n, _)| *n == f) {
                        return fail(
                            foff,
                            ErrorKind::DuplicateObject,
                            format!("column \"{f}\" specified more than once"),
                        );
                    }
                    fields.push((f, t));
                    if !c.eat_kind(TokenKind::Comma) {
                        break;
                    }
                }
            }
            c.expect_kind(TokenKind::RParen, ")")?;
            TypeKind::Composite(fields)
        }
    } else if c.at_kind(TokenKind::LParen) {
        c.skip_group()?;
        TypeKind::Base { category: 'U' }
    } else {
        return c.syntax("AS");
    };
    cat.schemas.get_mut(&schema).expect("schema").types.insert(
        name.clone(),
        TypeDef {
            schema: schema.clone(),
            name,
            kind,
            comment: None,
            extension: None,
        },
    );
    Ok(())
}

fn create_domain(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let schema = cat.creation_schema(schema.as_deref(), off)?;
    if cat.schemas[&schema].types.contains_key(&name) {
        return fail(
            off,
            ErrorKind::DuplicateObject,
            format!("type \"{name}\" already exists"),
        );
    }
    c.eat_kw("as");
    let base = cat.parse_type(c)?;
    let mut not_null = false;
    let mut default = None;
    let mut checks = Vec::new();
    while !c.done() {
        let cname = if c.eat_kw("constraint") {
            Some(c.ident()?)
        } else {
            None
        };
        if c.eat_kws(&["not", "null"]) {
            not_null = true;
        } else if c.eat_kw("null") {
        } else if c.eat_kw("default") {
            default = Some(c.text_until(is_constraint_start));
        } else if c.eat_kw("collate") {
            c.qualname()?;
        } else if c.eat_kw("check") {
            let text = c.group_text()?;
            let n = cname.unwrap_or_else(|| {
                choose_name(&name, None, "check", |n| checks.iter().any(|(x, _)| x == n))
            });
            checks.push((n, text));
            c.eat_kws(&["not", "valid"]);
        } else {
            return c.syntax("a domain constraint");
        }
    }
    cat.schemas.get_mut(&schema).expect("schema").types.insert(
        name.clone(),
        TypeDef {
            schema: schema.clone(),
            name,
            kind: TypeKind::Domain {
                base,
                not_null,
                default,
                checks,
            },
            comment: None,
            extension: None,
        },
    );
    Ok(())
}

/// Parses `(args)` of a function signature.
pub(crate) fn func_args(cat: &Catalog, c: &mut Cursor<'_, '_>) -> PResult<Vec<FuncArg>> {
    c.expect_kind(TokenKind::LParen, "(")?;
    let mut args = Vec::new();
    if c.eat_kind(TokenKind::RParen) {
        return Ok(args);
    }
    loop {
        let mut mode = ArgMode::In;
        if c.eat_kw("inout") {
            mode = ArgMode::InOut;
        } else if c.eat_kw("in") {
        } else if c.eat_kw("out") {
            mode = ArgMode::Out;
        } else if c.eat_kw("variadic") {
            mode = ArgMode::Variadic;
        }
        // name type | type
        let save = c.i;
        let mut name = None;
        let ty = {
            let first = c.raw_type()?;
            let next_is_type = c.at_ident()
                && !c.at_kw("default")
                && !c.peek().is_some_and(|t| t.kind == TokenKind::Op);
            if next_is_type
                && first.schema.is_none()
                && first.mods.is_empty()
                && first.array_dims == 0
                && !first.name.contains(' ')
            {
                c.i = save;
                name = Some(c.ident()?);
                cat.parse_type(c)?
            } else if next_is_type {
                // the first "type" was really a multi-word name? treat as name anyway
                c.i = save;
                name = Some(c.ident()?);
                cat.parse_type(c)?
            } else {
                cat.resolve_type(&first)?
            }
        };
        let mut has_default = false;
        if c.eat_kw("default") || c.eat_op("=") {
            has_default = true;
            c.text_until(|_| false);
        }
        args.push(FuncArg {
            name,
            ty,
            mode,
            has_default,
        });
        if !c.eat_kind(TokenKind::Comma) {
            break;
        }
    }
    c.expect_kind(TokenKind::RParen, ")")?;
    Ok(args)
}

fn create_function(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    kind: FuncKind,
    or_replace: bool,
) -> PResult<()> {
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let schema = cat.creation_schema(schema.as_deref(), off)?;
    let args = func_args(cat, c)?;
    let mut returns = FuncReturn::None;
    let mut language = "sql".to_string();
    while !c.done() {
        if c.eat_kw("returns") {
            if c.eat_kw("setof") {
                returns = FuncReturn::SetOf(cat.parse_type(c)?);
            } else if c.eat_kw("table") {
                c.expect_kind(TokenKind::LParen, "(")?;
                let mut cols = Vec::new();
                loop {
                    let n = c.ident()?;
                    let t = cat.parse_type(c)?;
                    cols.push((n, t));
                    if !c.eat_kind(TokenKind::Comma) {
                        break;
                    }
                }
                c.expect_kind(TokenKind::RParen, ")")?;
                returns = FuncReturn::Table(cols);
            } else {
                returns = FuncReturn::Scalar(cat.parse_type(c)?);
            }
        } else if c.eat_kw("language") {
            language = match c.peek() {
                Some(t) if t.kind == TokenKind::String => c.string()?,
                _ => c.ident()?,
            };
        } else if c.eat_kws(&["begin", "atomic"]) {
            c.skip_rest();
        } else if c.at_kind(TokenKind::LParen) {
            c.skip_group()?;
        } else {
            c.bump();
        }
    }
    if kind == FuncKind::Function && returns == FuncReturn::None {
        // OUT parameters define the result
        let outs: Vec<&FuncArg> = args
            .iter()
            .filter(|a| matches!(a.mode, ArgMode::Out | ArgMode::InOut))
            .collect();
        returns = match outs.as_slice() {
            [] => return c.syntax("RETURNS"),
            [one] => FuncReturn::Scalar(one.ty.clone()),
            _ => FuncReturn::Scalar(TypeRef::builtin("record")),
        };
    }
    let f = Function {
        schema: schema.clone(),
        name,
        kind,
        args,
        returns,
        language,
        extension: None,
        comment: None,
    };
    let sc = cat.schemas.get_mut(&schema).expect("schema");
    let same = |g: &Function| g.name == f.name && g.input_types() == f.input_types();
    if let Some(pos) = sc.functions.iter().position(same) {
        if !or_replace {
            return fail(
                off,
                ErrorKind::DuplicateObject,
                format!(
                    "function \"{}\" already exists with same argument types",
                    f.name
                ),
            );
        }
        let comment = sc.functions[pos].comment.clone();
        sc.functions[pos] = Function { comment, ..f };
    } else {
        sc.functions.push(f);
    }
    Ok(())
}

fn create_aggregate(cat: &mut Catalog, c: &mut Cursor<'_, '_>, or_replace: bool) -> PResult<()> {
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let schema = cat.creation_schema(schema.as_deref(), off)?;
    let args = if c.at_kind(TokenKind::LParen) && c.peek_at(1).is_some_and(|t| t.is_op("*")) {
        c.skip_group()?;
        Vec::new()
    } else {
        func_args(cat, c)?
    };
    let body = c.group_text()?;
    let toks = crate::syntax::tokenize(&body);
    let mut bc = Cursor::new(&toks, &body);
    let mut stype = None;
    while !bc.done() {
        if bc.eat_kw("stype") {
            bc.eat_op("=");
            stype = Some(cat.parse_type(&mut bc).map_err(|mut f| {
                f.offset = off;
                f
            })?);
        } else {
            bc.bump();
        }
    }
    let f = Function {
        schema: schema.clone(),
        name,
        kind: FuncKind::Aggregate,
        args,
        returns: FuncReturn::Scalar(stype.unwrap_or_else(|| TypeRef::builtin("record"))),
        language: "internal".into(),
        extension: None,
        comment: None,
    };
    let sc = cat.schemas.get_mut(&schema).expect("schema");
    if let Some(pos) = sc
        .functions
        .iter()
        .position(|g| g.name == f.name && g.input_types() == f.input_types())
    {
        if !or_replace {
            return fail(
                off,
                ErrorKind::DuplicateObject,
                format!(
                    "function \"{}\" already exists with same argument types",
                    f.name
                ),
            );
        }
        sc.functions[pos] = f;
    } else {
        sc.functions.push(f);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ALTER

fn alter(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
) -> PResult<()> {
    if c.eat_kw("table") {
        return alter_table(cat, c, ctx, notes, None);
    }
    if c.eat_kws(&["materialized", "view"]) {
        return alter_table(cat, c, ctx, notes, Some(RelationKind::MaterializedView));
    }
    if c.eat_kw("view") {
        return alter_table(cat, c, ctx, notes, Some(RelationKind::View));
    }
    if c.eat_kw("index") {
        return alter_index(cat, c);
    }
    if c.eat_kw("sequence") {
        return alter_sequence(cat, c);
    }
    if c.eat_kw("type") {
        return alter_type(cat, c);
    }
    if c.eat_kw("domain") {
        return alter_domain(cat, c);
    }
    if c.eat_kw("schema") {
        let off = c.offset();
        let name = c.ident()?;
        if !cat.schemas.contains_key(&name) {
            return fail(
                off,
                ErrorKind::UndefinedSchema,
                format!("schema \"{name}\" does not exist"),
            );
        }
        if c.eat_kws(&["rename", "to"]) {
            let new = c.ident()?;
            if cat.schemas.contains_key(&new) {
                return fail(
                    off,
                    ErrorKind::DuplicateObject,
                    format!("schema \"{new}\" already exists"),
                );
            }
            rename_schema(cat, &name, &new);
        }
        return Ok(());
    }
    if c.eat_kw("function") || c.eat_kw("procedure") || c.eat_kw("routine") {
        return alter_function(cat, c);
    }
    if c.eat_kw("extension") {
        let name = c.ident()?;
        if c.eat_kws(&["update", "to"]) {
            let v = match c.peek() {
                Some(t) if t.kind == TokenKind::String => c.string()?,
                _ => c.ident()?,
            };
            if let Some(e) = cat.extensions.get_mut(&name) {
                e.version = v;
            }
        }
        return Ok(());
    }
    // ALTER DATABASE / ROLE / DEFAULT PRIVILEGES / TRIGGER / POLICY ...: no catalog effect
    Ok(())
}

fn rename_schema(cat: &mut Catalog, old: &str, new: &str) {
    if let Some(mut s) = cat.schemas.remove(old) {
        s.name = new.to_string();
        for r in s.relations.values_mut() {
            r.schema = new.to_string();
        }
        for r in s.sequences.values_mut() {
            r.schema = new.to_string();
        }
        for r in s.indexes.values_mut() {
            r.schema = new.to_string();
        }
        for r in s.types.values_mut() {
            r.schema = new.to_string();
        }
        for f in &mut s.functions {
            f.schema = new.to_string();
        }
        cat.schemas.insert(new.to_string(), s);
    }
    cat.retarget_types(old, None, new, None);
    for s in cat.schemas.values_mut() {
        for r in s.relations.values_mut() {
            for p in r.parents.iter_mut().chain(r.depends_on.iter_mut()) {
                if p.schema == old {
                    p.schema = new.to_string();
                }
            }
            for con in &mut r.constraints {
                if let ConstraintKind::ForeignKey(fk) = &mut con.kind
                    && fk.ref_table.schema == old
                {
                    fk.ref_table.schema = new.to_string();
                }
            }
        }
    }
}

impl Catalog {
    /// Rewrites every type reference `old_schema.old_name` (or every type of `old_schema` when
    /// names are `None`) to the new schema / name.
    fn retarget_types(
        &mut self,
        old_schema: &str,
        old_name: Option<&str>,
        new_schema: &str,
        new_name: Option<&str>,
    ) {
        let fix = |t: &mut TypeRef| {
            if t.schema == old_schema && old_name.is_none_or(|n| n == t.name) {
                t.schema = new_schema.to_string();
                if let Some(n) = new_name {
                    t.name = n.to_string();
                }
            }
        };
        for s in self.schemas.values_mut() {
            for r in s.relations.values_mut() {
                for col in &mut r.columns {
                    fix(&mut col.ty);
                }
            }
            for seq in s.sequences.values_mut() {
                fix(&mut seq.data_type);
            }
            for t in s.types.values_mut() {
                match &mut t.kind {
                    TypeKind::Composite(fields) => fields.iter_mut().for_each(|(_, t)| fix(t)),
                    TypeKind::Domain { base, .. } => fix(base),
                    TypeKind::Range { subtype } => fix(subtype),
                    _ => {}
                }
            }
            for f in &mut s.functions {
                f.args.iter_mut().for_each(|a| fix(&mut a.ty));
                match &mut f.returns {
                    FuncReturn::Scalar(t) | FuncReturn::SetOf(t) => fix(t),
                    FuncReturn::Table(cols) => cols.iter_mut().for_each(|(_, t)| fix(t)),
                    FuncReturn::None => {}
                }
            }
        }
    }
}

fn alter_table(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
    want_kind: Option<RelationKind>,
) -> PResult<()> {
    // ALTER TABLE ALL IN TABLESPACE ...
    if c.at_kw("all") {
        return Ok(());
    }
    let if_exists = c.eat_kws(&["if", "exists"]);
    c.eat_kw("only");
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    c.eat_op("*");
    let q = match cat.find_relation_schema(schema.as_deref(), &name) {
        Some(s) => QualName::new(s, name.clone()),
        None => {
            // sequences and indexes can be altered with ALTER TABLE too
            let found = cat.find_in_schemas(schema.as_deref(), |s| {
                s.sequences.contains_key(&name) || s.indexes.contains_key(&name)
            });
            if let Some(s) = found {
                if c.eat_kws(&["rename", "to"]) {
                    let new = c.ident()?;
                    return rename_class(cat, &s, &name, &new, off);
                }
                if c.eat_kws(&["owner", "to"]) {
                    return Ok(());
                }
                return Ok(());
            }
            return Missing {
                what: "relation",
                object: ObjectKind::Relation,
                schema: schema.as_deref(),
                name: &name,
                off,
                if_exists,
            }
            .handle(cat, ctx, notes);
        }
    };
    let _ = want_kind;
    // Renames and SET SCHEMA are standalone forms.
    if c.eat_kw("rename") {
        if c.eat_kw("to") {
            let new = c.ident()?;
            return rename_class(cat, &q.schema, &q.name, &new, off);
        }
        if c.eat_kw("constraint") {
            let coff = c.offset();
            let old = c.ident()?;
            c.expect_kw("to")?;
            let new = c.ident()?;
            let rel = cat.rel_mut(&q);
            let Some(con) = rel.constraints.iter_mut().find(|x| x.name == old) else {
                return fail(
                    coff,
                    ErrorKind::UndefinedObject,
                    format!(
                        "constraint \"{old}\" for table \"{}\" does not exist",
                        q.name
                    ),
                );
            };
            con.name = new.clone();
            let has_index = !matches!(
                con.kind,
                ConstraintKind::Check(_) | ConstraintKind::ForeignKey(_)
            );
            if has_index {
                let sc = cat.schemas.get_mut(&q.schema).expect("schema");
                if let Some(mut ix) = sc.indexes.remove(&old) {
                    ix.name = new.clone();
                    ix.constraint = Some(new.clone());
                    sc.indexes.insert(new, ix);
                }
            }
            return Ok(());
        }
        c.eat_kw("column");
        let coff = c.offset();
        let old = c.ident()?;
        c.expect_kw("to")?;
        let new = c.ident()?;
        return rename_column(cat, &q, &old, &new, coff);
    }
    if c.eat_kws(&["set", "schema"]) {
        let soff = c.offset();
        let new = c.ident()?;
        if !cat.schemas.contains_key(&new) {
            return fail(
                soff,
                ErrorKind::UndefinedSchema,
                format!("schema \"{new}\" does not exist"),
            );
        }
        move_relation(cat, &q, &new);
        return Ok(());
    }
    loop {
        alter_table_action(cat, c, ctx, notes, &q)?;
        if !c.eat_kind(TokenKind::Comma) {
            break;
        }
    }
    if !c.done() {
        return c.syntax("end of ALTER TABLE");
    }
    Ok(())
}

fn move_relation(cat: &mut Catalog, q: &QualName, new_schema: &str) {
    let sc = cat.schemas.get_mut(&q.schema).expect("schema");
    let Some(mut rel) = sc.relations.remove(&q.name) else {
        return;
    };
    let idx: Vec<String> = sc
        .indexes
        .values()
        .filter(|i| i.table == q.name)
        .map(|i| i.name.clone())
        .collect();
    let seqs: Vec<String> = sc
        .sequences
        .values()
        .filter(|s| s.owned_by.as_ref().is_some_and(|(t, _)| *t == q.name))
        .map(|s| s.name.clone())
        .collect();
    let mut moved_idx = Vec::new();
    for i in idx {
        if let Some(mut ix) = sc.indexes.remove(&i) {
            ix.schema = new_schema.to_string();
            moved_idx.push(ix);
        }
    }
    let mut moved_seq = Vec::new();
    for s in seqs {
        if let Some(mut sq) = sc.sequences.remove(&s) {
            sq.schema = new_schema.to_string();
            moved_seq.push(sq);
        }
    }
    rel.schema = new_schema.to_string();
    let dst = cat.schemas.get_mut(new_schema).expect("schema");
    for ix in moved_idx {
        dst.indexes.insert(ix.name.clone(), ix);
    }
    for sq in moved_seq {
        dst.sequences.insert(sq.name.clone(), sq);
    }
    dst.relations.insert(q.name.clone(), rel);
    let newq = QualName::new(new_schema, q.name.clone());
    cat.retarget_relation(q, &newq);
}

impl Catalog {
    fn retarget_relation(&mut self, old: &QualName, new: &QualName) {
        for s in self.schemas.values_mut() {
            for r in s.relations.values_mut() {
                for p in r.parents.iter_mut().chain(r.depends_on.iter_mut()) {
                    if p == old {
                        *p = new.clone();
                    }
                }
                for (p, _) in r.column_deps.iter_mut() {
                    if p == old {
                        *p = new.clone();
                    }
                }
                for con in &mut r.constraints {
                    if let ConstraintKind::ForeignKey(fk) = &mut con.kind
                        && fk.ref_table == *old
                    {
                        fk.ref_table = new.clone();
                    }
                }
                for col in &mut r.columns {
                    if col.ty.schema == old.schema && col.ty.name == old.name {
                        col.ty.schema = new.schema.clone();
                        col.ty.name = new.name.clone();
                    }
                }
            }
        }
    }
}

fn rename_class(cat: &mut Catalog, schema: &str, old: &str, new: &str, off: usize) -> PResult<()> {
    let sc = cat.schemas.get_mut(schema).expect("schema");
    if sc.has_class(new) {
        return fail(
            off,
            ErrorKind::DuplicateObject,
            format!("relation \"{new}\" already exists"),
        );
    }
    if let Some(mut rel) = sc.relations.remove(old) {
        if sc.types.contains_key(new) {
            sc.relations.insert(old.to_string(), rel);
            return fail(
                off,
                ErrorKind::DuplicateObject,
                format!("type \"{new}\" already exists"),
            );
        }
        rel.name = new.to_string();
        sc.relations.insert(new.to_string(), rel);
        for ix in sc.indexes.values_mut() {
            if ix.table == old {
                ix.table = new.to_string();
            }
        }
        for sq in sc.sequences.values_mut() {
            if let Some((t, _)) = &mut sq.owned_by
                && t == old
            {
                *t = new.to_string();
            }
        }
        cat.retarget_relation(&QualName::new(schema, old), &QualName::new(schema, new));
    } else if let Some(mut ix) = sc.indexes.remove(old) {
        ix.name = new.to_string();
        if let Some(con) = &ix.constraint {
            let table = ix.table.clone();
            let con = con.clone();
            if let Some(rel) = sc.relations.get_mut(&table)
                && let Some(cn) = rel.constraints.iter_mut().find(|c| c.name == con)
            {
                cn.name = new.to_string();
            }
            ix.constraint = Some(new.to_string());
        }
        sc.indexes.insert(new.to_string(), ix);
    } else if let Some(mut sq) = sc.sequences.remove(old) {
        sq.name = new.to_string();
        sc.sequences.insert(new.to_string(), sq);
        // defaults keep pointing at the sequence by OID; their text follows the new name
        let pat_old = format!("'{old}'::regclass");
        let pat_new = format!("'{new}'::regclass");
        for r in sc.relations.values_mut() {
            for col in &mut r.columns {
                if let Some(d) = &mut col.default
                    && d.contains(&pat_old)
                {
                    *d = d.replace(&pat_old, &pat_new);
                }
            }
        }
    } else {
        return fail(
            off,
            ErrorKind::UndefinedTable,
            format!("relation \"{old}\" does not exist"),
        );
    }
    Ok(())
}

fn rename_column(cat: &mut Catalog, q: &QualName, old: &str, new: &str, off: usize) -> PResult<()> {
    let rel = cat.rel_mut(q);
    if rel.column(new).is_some() {
        return fail(
            off,
            ErrorKind::DuplicateObject,
            format!("column \"{new}\" of relation \"{}\" already exists", q.name),
        );
    }
    let Some(col) = rel.column_mut(old) else {
        return fail(
            off,
            ErrorKind::UndefinedColumn,
            format!("column \"{old}\" does not exist"),
        );
    };
    col.name = new.to_string();
    let ren = |v: &mut Vec<String>| {
        for x in v.iter_mut() {
            if x == old {
                *x = new.to_string();
            }
        }
    };
    for con in &mut rel.constraints {
        match &mut con.kind {
            ConstraintKind::PrimaryKey(cols) | ConstraintKind::Unique(cols) => ren(cols),
            ConstraintKind::ForeignKey(fk) => ren(&mut fk.columns),
            _ => {}
        }
    }
    let schema = q.schema.clone();
    let sc = cat.schemas.get_mut(&schema).expect("schema");
    for ix in sc.indexes.values_mut() {
        if ix.table == q.name {
            ren(&mut ix.columns);
            ren(&mut ix.keys);
        }
    }
    for sq in sc.sequences.values_mut() {
        if let Some((t, c)) = &mut sq.owned_by
            && *t == q.name
            && c == old
        {
            *c = new.to_string();
        }
    }
    for s in cat.schemas.values_mut() {
        for r in s.relations.values_mut() {
            for con in &mut r.constraints {
                if let ConstraintKind::ForeignKey(fk) = &mut con.kind
                    && fk.ref_table == *q
                {
                    ren(&mut fk.ref_columns);
                }
            }
            for (t, c) in r.column_deps.iter_mut() {
                if t == q && c == old {
                    *c = new.to_string();
                }
            }
        }
    }
    Ok(())
}

fn alter_table_action(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
    q: &QualName,
) -> PResult<()> {
    let off = c.offset();
    if c.eat_kw("add") {
        if c.at_kw("constraint")
            || c.at_kws(&["primary", "key"])
            || c.at_kw("unique")
            || c.at_kws(&["foreign", "key"])
            || c.at_kw("check")
            || c.at_kw("exclude")
        {
            let cname = if c.eat_kw("constraint") {
                Some(c.ident()?)
            } else {
                None
            };
            if c.at_kw("unique") || c.at_kws(&["primary", "key"]) {
                // ... USING INDEX name
                let save = c.i;
                let is_pk = c.eat_kws(&["primary", "key"]);
                if !is_pk {
                    c.eat_kw("unique");
                }
                if c.eat_kws(&["using", "index"]) {
                    let ioff = c.offset();
                    let iname = c.ident()?;
                    let sc = cat.schemas.get_mut(&q.schema).expect("schema");
                    let Some(mut ix) = sc.indexes.remove(&iname) else {
                        return fail(
                            ioff,
                            ErrorKind::UndefinedTable,
                            format!("index \"{iname}\" does not exist"),
                        );
                    };
                    let name = cname.clone().unwrap_or(iname.clone());
                    ix.name = name.clone();
                    ix.constraint = Some(name.clone());
                    let cols = ix.columns.clone();
                    sc.indexes.insert(name.clone(), ix);
                    let rel = cat.rel_mut(q);
                    if is_pk {
                        for col in &cols {
                            if let Some(cc) = rel.column_mut(col) {
                                cc.not_null = true;
                            }
                        }
                    }
                    let flags = constraint_tail(c);
                    rel.constraints.push(Constraint {
                        name,
                        kind: if is_pk {
                            ConstraintKind::PrimaryKey(cols)
                        } else {
                            ConstraintKind::Unique(cols)
                        },
                        not_valid: false,
                        deferrable: flags.deferrable,
                        comment: None,
                    });
                    return Ok(());
                }
                c.i = save;
            }
            let pc = table_constraint(c)?;
            let flags = constraint_tail(c);
            return add_constraint(cat, q, cname, pc, off, flags, false);
        }
        c.eat_kw("column");
        let if_not = c.eat_kws(&["if", "not", "exists"]);
        let def = column_def(cat, c)?;
        check_not_member_of_itself(cat, q, &def.col.ty, def.offset)?;
        if cat.rel(q).column(&def.col.name).is_some() {
            if if_not {
                ctx.notice(
                    notes,
                    def.offset,
                    format!(
                        "column \"{}\" of relation \"{}\" already exists, skipping",
                        def.col.name, q.name
                    ),
                );
                return Ok(());
            }
            return fail(
                def.offset,
                ErrorKind::DuplicateObject,
                format!(
                    "column \"{}\" of relation \"{}\" already exists",
                    def.col.name, q.name
                ),
            );
        }
        let name = def.col.name.clone();
        cat.rel_mut(q).columns.push(def.col);
        if def.serial.is_some() {
            add_serial_sequence(cat, q, &name, false)?;
        }
        if def.identity_seq {
            add_serial_sequence(cat, q, &name, true)?;
        }
        for (n, pc, o) in def.constraints {
            let flags = ConstraintFlags {
                not_valid: false,
                deferrable: false,
            };
            add_constraint(cat, q, n, pc, o, flags, false)?;
        }
        // propagate to partitions / children
        propagate_to_children(cat, q, &name);
        return Ok(());
    }
    if c.eat_kw("drop") {
        if c.eat_kw("constraint") {
            let if_exists = c.eat_kws(&["if", "exists"]);
            let coff = c.offset();
            let name = c.ident()?;
            let cascade = c.eat_kw("cascade");
            c.eat_kw("restrict");
            let rel = cat.rel(q);
            let Some(pos) = rel.constraints.iter().position(|x| x.name == name) else {
                if if_exists {
                    ctx.notice(
                        notes,
                        coff,
                        format!(
                            "constraint \"{name}\" of relation \"{}\" does not exist, skipping",
                            q.name
                        ),
                    );
                    return Ok(());
                }
                return fail(
                    coff,
                    ErrorKind::UndefinedObject,
                    format!(
                        "constraint \"{name}\" of relation \"{}\" does not exist",
                        q.name
                    ),
                );
            };
            let con = rel.constraints[pos].clone();
            if matches!(
                con.kind,
                ConstraintKind::PrimaryKey(_) | ConstraintKind::Unique(_)
            ) {
                let deps = fks_depending_on_key(cat, q, con.kind.columns());
                if !deps.is_empty() && !cascade {
                    return fail(
                        coff,
                        ErrorKind::DependentObjects,
                        format!(
                            "cannot drop constraint {name} on table {} because other objects depend on it",
                            q.name
                        ),
                    );
                }
                for (t, n) in deps {
                    cat.rel_mut(&t).constraints.retain(|x| x.name != n);
                }
            }
            cat.rel_mut(q).constraints.remove(pos);
            cat.schemas
                .get_mut(&q.schema)
                .expect("schema")
                .indexes
                .retain(|_, ix| {
                    ix.constraint.as_deref() != Some(name.as_str()) || ix.table != q.name
                });
            return Ok(());
        }
        c.eat_kw("column");
        let if_exists = c.eat_kws(&["if", "exists"]);
        let coff = c.offset();
        let name = c.ident()?;
        let cascade = c.eat_kw("cascade");
        c.eat_kw("restrict");
        if cat.rel(q).column(&name).is_none() {
            if if_exists {
                ctx.notice(
                    notes,
                    coff,
                    format!(
                        "column \"{name}\" of relation \"{}\" does not exist, skipping",
                        q.name
                    ),
                );
                return Ok(());
            }
            return fail(
                coff,
                ErrorKind::UndefinedColumn,
                format!(
                    "column \"{name}\" of relation \"{}\" does not exist",
                    q.name
                ),
            );
        }
        return drop_column(cat, q, &name, cascade, coff);
    }
    if c.eat_kw("alter") {
        c.eat_kw("column");
        let coff = c.offset();
        let col = c.ident()?;
        if cat.rel(q).column(&col).is_none() {
            return fail(
                coff,
                ErrorKind::UndefinedColumn,
                format!("column \"{col}\" of relation \"{}\" does not exist", q.name),
            );
        }
        if c.eat_kws(&["set", "data", "type"]) || c.eat_kw("type") {
            let used_by_generated = cat.rel(q).columns.iter().any(|g| {
                g.generated
                    .as_deref()
                    .is_some_and(|e| idents_in(e).contains(&col))
            });
            if used_by_generated {
                return fail(
                    coff,
                    ErrorKind::InvalidDefinition,
                    "cannot alter type of a column used by a generated column",
                );
            }
            if let Some(v) = views_depending_on(cat, q, Some(&col)).first() {
                return fail(
                    coff,
                    ErrorKind::DependentObjects,
                    format!(
                        "cannot alter type of a column used by a view or rule (view {} depends on column \"{col}\")",
                        v.name
                    ),
                );
            }
            let tyoff = c.offset();
            let ty = cat.parse_type(c)?;
            check_not_member_of_itself(cat, q, &ty, tyoff)?;
            if c.eat_kw("collate") {
                c.qualname()?;
            }
            if c.eat_kw("using") {
                c.text_until(|_| false);
            }
            let rel = cat.rel_mut(q);
            if let Some(cc) = rel.column_mut(&col) {
                cc.ty = ty.clone();
            }
            // owned sequences of identity columns follow the type
            for sq in cat
                .schemas
                .get_mut(&q.schema)
                .expect("schema")
                .sequences
                .values_mut()
            {
                if sq.owned_by.as_ref() == Some(&(q.name.clone(), col.clone()))
                    && ty.builtin_type().is_some_and(|b| b.category == 'N')
                {
                    let _ = &sq.data_type;
                }
            }
            return Ok(());
        }
        if c.eat_kws(&["set", "default"]) {
            let text = c.text_until(|_| false);
            let ty = cat.rel(q).column(&col).map(|cc| cc.ty.clone());
            let stored = ty.and_then(|ty| cat.stored_default(&ty, text));
            if let Some(cc) = cat.rel_mut(q).column_mut(&col) {
                cc.default = stored;
            }
            return Ok(());
        }
        if c.eat_kws(&["drop", "default"]) {
            if let Some(cc) = cat.rel_mut(q).column_mut(&col) {
                cc.default = None;
            }
            return Ok(());
        }
        if c.eat_kws(&["set", "not", "null"]) {
            if let Some(cc) = cat.rel_mut(q).column_mut(&col) {
                cc.not_null = true;
            }
            return Ok(());
        }
        if c.eat_kws(&["drop", "not", "null"]) {
            let in_pk = cat.rel(q).primary_key().is_some_and(|pk| pk.contains(&col));
            if in_pk {
                return fail(
                    coff,
                    ErrorKind::InvalidDefinition,
                    format!("column \"{col}\" is in a primary key"),
                );
            }
            if let Some(cc) = cat.rel_mut(q).column_mut(&col) {
                cc.not_null = false;
            }
            return Ok(());
        }
        if c.eat_kws(&["drop", "identity"]) {
            c.eat_kws(&["if", "exists"]);
            if let Some(cc) = cat.rel_mut(q).column_mut(&col) {
                cc.identity = None;
            }
            let (t, cn) = (q.name.clone(), col.clone());
            cat.schemas
                .get_mut(&q.schema)
                .expect("schema")
                .sequences
                .retain(|_, s| s.owned_by.as_ref() != Some(&(t.clone(), cn.clone())));
            return Ok(());
        }
        if c.eat_kws(&["drop", "expression"]) {
            c.eat_kws(&["if", "exists"]);
            if let Some(cc) = cat.rel_mut(q).column_mut(&col) {
                cc.generated = None;
            }
            return Ok(());
        }
        if c.eat_kw("add") {
            c.expect_kw("generated")?;
            let ident = if c.eat_kw("always") {
                Identity::Always
            } else {
                c.expect_kw("by")?;
                c.expect_kw("default")?;
                Identity::ByDefault
            };
            c.expect_kw("as")?;
            c.expect_kw("identity")?;
            if c.at_kind(TokenKind::LParen) {
                c.skip_group()?;
            }
            if let Some(cc) = cat.rel_mut(q).column_mut(&col) {
                cc.identity = Some(ident);
                cc.not_null = true;
            }
            add_serial_sequence(cat, q, &col, true)?;
            return Ok(());
        }
        if c.eat_kw("set") {
            // SET GENERATED, SET STATISTICS, SET STORAGE, SET (options), SET COMPRESSION
            if c.eat_kw("generated") {
                let ident = if c.eat_kw("always") {
                    Identity::Always
                } else {
                    c.expect_kw("by")?;
                    c.expect_kw("default")?;
                    Identity::ByDefault
                };
                if let Some(cc) = cat.rel_mut(q).column_mut(&col) {
                    cc.identity = Some(ident);
                }
            }
            c.text_until(|_| false);
            return Ok(());
        }
        if c.eat_kw("reset") || c.eat_kw("restart") {
            c.text_until(|_| false);
            return Ok(());
        }
        return c.syntax("an ALTER COLUMN action");
    }
    if c.eat_kw("validate") {
        c.expect_kw("constraint")?;
        let coff = c.offset();
        let name = c.ident()?;
        let rel = cat.rel_mut(q);
        match rel.constraints.iter_mut().find(|x| x.name == name) {
            Some(con) => con.not_valid = false,
            None => {
                return fail(
                    coff,
                    ErrorKind::UndefinedObject,
                    format!(
                        "constraint \"{name}\" of relation \"{}\" does not exist",
                        q.name
                    ),
                );
            }
        }
        return Ok(());
    }
    if c.eat_kw("attach") {
        c.expect_kw("partition")?;
        let poff = c.offset();
        let (ps, pn) = c.qualname()?;
        let part = cat.require_relation(ps.as_deref(), &pn, poff)?;
        cat.rel_mut(&part).parents = vec![q.clone()];
        c.text_until(|_| false);
        return Ok(());
    }
    if c.eat_kw("detach") {
        c.expect_kw("partition")?;
        let poff = c.offset();
        let (ps, pn) = c.qualname()?;
        let part = cat.require_relation(ps.as_deref(), &pn, poff)?;
        cat.rel_mut(&part).parents.clear();
        c.text_until(|_| false);
        return Ok(());
    }
    if c.eat_kw("inherit") {
        let poff = c.offset();
        let (ps, pn) = c.qualname()?;
        let parent = cat.require_relation(ps.as_deref(), &pn, poff)?;
        check_inheritance(cat, q, &parent, off)?;
        cat.rel_mut(q).parents.push(parent);
        return Ok(());
    }
    if c.eat_kws(&["no", "inherit"]) {
        let poff = c.offset();
        let (ps, pn) = c.qualname()?;
        let parent = cat.require_relation(ps.as_deref(), &pn, poff)?;
        cat.rel_mut(q).parents.retain(|p| *p != parent);
        return Ok(());
    }
    // OWNER TO, SET (...), RESET, SET TABLESPACE, SET LOGGED, ENABLE/DISABLE TRIGGER, CLUSTER ON,
    // REPLICA IDENTITY, ROW LEVEL SECURITY, SET ACCESS METHOD, SET WITHOUT OIDS/CLUSTER ...
    for kw in [
        "owner", "set", "reset", "enable", "disable", "cluster", "replica", "force", "no", "of",
        "not",
    ] {
        if c.at_kw(kw) {
            c.text_until(|_| false);
            return Ok(());
        }
    }
    c.syntax("an ALTER TABLE action")
}

pub(crate) fn drop_column(
    cat: &mut Catalog,
    q: &QualName,
    name: &str,
    cascade: bool,
    off: usize,
) -> PResult<()> {
    let fks = fks_depending_on_key(cat, q, &[])
        .into_iter()
        .filter(|(t, n)| {
            cat.rel(t).constraints.iter().any(|c| {
                c.name == *n
                    && matches!(&c.kind, ConstraintKind::ForeignKey(fk) if fk.ref_columns.iter().any(|x| x == name))
            }) && t != q
        })
        .collect::<Vec<_>>();
    let views = views_depending_on(cat, q, Some(name));
    if (!fks.is_empty() || !views.is_empty()) && !cascade {
        return fail(
            off,
            ErrorKind::DependentObjects,
            format!(
                "cannot drop column {name} of table {} because other objects depend on it",
                q.name
            ),
        );
    }
    for (t, n) in fks {
        cat.rel_mut(&t).constraints.retain(|c| c.name != n);
    }
    for v in views {
        drop_relation_cascade(cat, &v);
    }
    let rel = cat.rel_mut(q);
    rel.columns.retain(|c| c.name != name);
    let mut dropped_cons = Vec::new();
    rel.constraints.retain(|c| {
        let uses = match &c.kind {
            ConstraintKind::PrimaryKey(cols) | ConstraintKind::Unique(cols) => {
                cols.iter().any(|x| x == name)
            }
            ConstraintKind::ForeignKey(fk) => {
                fk.columns.iter().any(|x| x == name)
                    || (fk.ref_table == *q && fk.ref_columns.iter().any(|x| x == name))
            }
            ConstraintKind::Check(t) => idents_in(t).iter().any(|x| x == name),
            ConstraintKind::Exclusion(t) => idents_in(t).iter().any(|x| x == name),
        };
        if uses {
            dropped_cons.push(c.name.clone());
        }
        !uses
    });
    let sc = cat.schemas.get_mut(&q.schema).expect("schema");
    sc.indexes.retain(|_, ix| {
        !(ix.table == q.name
            && (ix.columns.iter().any(|x| x == name)
                || ix
                    .constraint
                    .as_ref()
                    .is_some_and(|c| dropped_cons.contains(c))))
    });
    sc.sequences
        .retain(|_, s| s.owned_by.as_ref() != Some(&(q.name.clone(), name.to_string())));
    Ok(())
}

fn alter_index(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    if c.at_kw("all") {
        return Ok(());
    }
    let if_exists = c.eat_kws(&["if", "exists"]);
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let found = cat.find_in_schemas(schema.as_deref(), |s| s.indexes.contains_key(&name));
    let Some(s) = found else {
        if if_exists {
            return Ok(());
        }
        return fail(
            off,
            ErrorKind::UndefinedTable,
            format!("relation \"{name}\" does not exist"),
        );
    };
    if c.eat_kws(&["rename", "to"]) {
        let new = c.ident()?;
        return rename_class(cat, &s, &name, &new, off);
    }
    Ok(())
}

fn alter_sequence(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let if_exists = c.eat_kws(&["if", "exists"]);
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let found = cat.find_in_schemas(schema.as_deref(), |s| s.sequences.contains_key(&name));
    let Some(s) = found else {
        if if_exists {
            return Ok(());
        }
        return fail(
            off,
            ErrorKind::UndefinedTable,
            format!("relation \"{name}\" does not exist"),
        );
    };
    if c.eat_kws(&["rename", "to"]) {
        let new = c.ident()?;
        return rename_class(cat, &s, &name, &new, off);
    }
    if c.eat_kws(&["owner", "to"]) || c.eat_kws(&["set", "schema"]) {
        return Ok(());
    }
    let mut seq = cat.schemas[&s].sequences[&name].clone();
    sequence_options(cat, c, &mut seq)?;
    cat.schemas
        .get_mut(&s)
        .expect("schema")
        .sequences
        .insert(name, seq);
    Ok(())
}

fn find_type_schema(cat: &Catalog, schema: Option<&str>, name: &str) -> Option<String> {
    cat.find_in_schemas(schema, |s| s.types.contains_key(name))
}

fn alter_type(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let Some(s) = find_type_schema(cat, schema.as_deref(), &name) else {
        return fail(
            off,
            ErrorKind::UndefinedObject,
            format!(
                "type \"{}\" does not exist",
                display_name(schema.as_deref(), &name)
            ),
        );
    };
    if c.eat_kws(&["add", "value"]) {
        let if_not = c.eat_kws(&["if", "not", "exists"]);
        let loff = c.offset();
        let label = c.string()?;
        let before = if c.eat_kw("before") {
            Some((true, c.string()?))
        } else if c.eat_kw("after") {
            Some((false, c.string()?))
        } else {
            None
        };
        let td = cat
            .schemas
            .get_mut(&s)
            .and_then(|sc| sc.types.get_mut(&name))
            .expect("type");
        let TypeKind::Enum(labels) = &mut td.kind else {
            return fail(
                off,
                ErrorKind::InvalidDefinition,
                format!("\"{name}\" is not an enum"),
            );
        };
        if labels.contains(&label) {
            if if_not {
                return Ok(());
            }
            return fail(
                loff,
                ErrorKind::DuplicateObject,
                format!("enum label \"{label}\" already exists"),
            );
        }
        match before {
            None => labels.push(label),
            Some((is_before, other)) => {
                let Some(pos) = labels.iter().position(|l| *l == other) else {
                    return fail(
                        loff,
                        ErrorKind::InvalidDefinition,
                        format!("\"{other}\" is not an existing enum label"),
                    );
                };
                labels.insert(if is_before { pos } else { pos + 1 }, label);
            }
        }
        return Ok(());
    }
    if c.eat_kws(&["rename", "value"]) {
        let loff = c.offset();
        let old = c.string()?;
        c.expect_kw("to")?;
        let new = c.string()?;
        let td = cat
            .schemas
            .get_mut(&s)
            .and_then(|sc| sc.types.get_mut(&name))
            .expect("type");
        let TypeKind::Enum(labels) = &mut td.kind else {
            return fail(
                off,
                ErrorKind::InvalidDefinition,
                format!("\"{name}\" is not an enum"),
            );
        };
        if labels.contains(&new) {
            return fail(
                loff,
                ErrorKind::DuplicateObject,
                format!("enum label \"{new}\" already exists"),
            );
        }
        match labels.iter_mut().find(|l| **l == old) {
            Some(l) => *l = new,
            None => {
                return fail(
                    loff,
                    ErrorKind::InvalidDefinition,
                    format!("\"{old}\" is not an existing enum label"),
                );
            }
        }
        return Ok(());
    }
    if c.eat_kws(&["rename", "to"]) {
        let new = c.ident()?;
        let sc = cat.schemas.get_mut(&s).expect("schema");
        if sc.types.contains_key(&new) || sc.relations.contains_key(&new) {
            return fail(
                off,
                ErrorKind::DuplicateObject,
                format!("type \"{new}\" already exists"),
            );
        }
        if let Some(mut td) = sc.types.remove(&name) {
            td.name = new.clone();
            sc.types.insert(new.clone(), td);
        }
        cat.retarget_types(&s, Some(&name), &s, Some(&new));
        return Ok(());
    }
    if c.eat_kws(&["set", "schema"]) {
        let soff = c.offset();
        let new = c.ident()?;
        if !cat.schemas.contains_key(&new) {
            return fail(
                soff,
                ErrorKind::UndefinedSchema,
                format!("schema \"{new}\" does not exist"),
            );
        }
        if let Some(mut td) = cat
            .schemas
            .get_mut(&s)
            .and_then(|sc| sc.types.remove(&name))
        {
            td.schema = new.clone();
            cat.schemas
                .get_mut(&new)
                .expect("schema")
                .types
                .insert(name.clone(), td);
        }
        cat.retarget_types(&s, Some(&name), &new, None);
        return Ok(());
    }
    // composite attribute changes
    loop {
        if c.eat_kws(&["add", "attribute"]) {
            let f = c.ident()?;
            let toff = c.offset();
            let t = cat.parse_type(c)?;
            check_not_member_of_itself(cat, &QualName::new(s.clone(), name.clone()), &t, toff)?;
            c.eat_kw("cascade");
            if let Some(TypeKind::Composite(fields)) = cat
                .schemas
                .get_mut(&s)
                .and_then(|sc| sc.types.get_mut(&name))
                .map(|t| &mut t.kind)
            {
                fields.push((f, t));
            }
        } else if c.eat_kws(&["drop", "attribute"]) {
            c.eat_kws(&["if", "exists"]);
            let f = c.ident()?;
            c.eat_kw("cascade");
            if let Some(TypeKind::Composite(fields)) = cat
                .schemas
                .get_mut(&s)
                .and_then(|sc| sc.types.get_mut(&name))
                .map(|t| &mut t.kind)
            {
                fields.retain(|(n, _)| *n != f);
            }
        } else if c.eat_kws(&["alter", "attribute"]) {
            let f = c.ident()?;
            c.eat_kws(&["set", "data"]);
            c.expect_kw("type")?;
            let toff = c.offset();
            let t = cat.parse_type(c)?;
            check_not_member_of_itself(cat, &QualName::new(s.clone(), name.clone()), &t, toff)?;
            c.eat_kw("cascade");
            if let Some(TypeKind::Composite(fields)) = cat
                .schemas
                .get_mut(&s)
                .and_then(|sc| sc.types.get_mut(&name))
                .map(|t| &mut t.kind)
                && let Some(x) = fields.iter_mut().find(|(n, _)| *n == f)
            {
                x.1 = t;
            }
        } else if c.eat_kws(&["rename", "attribute"]) {
            let f = c.ident()?;
            c.expect_kw("to")?;
            let n2 = c.ident()?;
            c.eat_kw("cascade");
            if let Some(TypeKind::Composite(fields)) = cat
                .schemas
                .get_mut(&s)
                .and_then(|sc| sc.types.get_mut(&name))
                .map(|t| &mut t.kind)
                && let Some(x) = fields.iter_mut().find(|(n, _)| *n == f)
            {
                x.0 = n2;
            }
        } else {
            // OWNER TO, SET (...)
            c.text_until(|_| false);
        }
        if !c.eat_kind(TokenKind::Comma) {
            break;
        }
    }
    Ok(())
}

fn alter_domain(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let Some(s) = find_type_schema(cat, schema.as_deref(), &name) else {
        return fail(
            off,
            ErrorKind::UndefinedObject,
            format!("type \"{name}\" does not exist"),
        );
    };
    let mut new_check = None;
    let mut drop_check = None;
    let mut set_nn = None;
    let mut set_default: Option<Option<String>> = None;
    let mut rename = None;
    if c.eat_kws(&["set", "not", "null"]) {
        set_nn = Some(true);
    } else if c.eat_kws(&["drop", "not", "null"]) {
        set_nn = Some(false);
    } else if c.eat_kws(&["set", "default"]) {
        set_default = Some(Some(c.text_until(|_| false)));
    } else if c.eat_kws(&["drop", "default"]) {
        set_default = Some(None);
    } else if c.eat_kw("add") {
        let cname = if c.eat_kw("constraint") {
            Some(c.ident()?)
        } else {
            None
        };
        if c.eat_kws(&["not", "null"]) {
            set_nn = Some(true);
        } else {
            c.expect_kw("check")?;
            new_check = Some((cname, c.group_text()?));
            c.eat_kws(&["not", "valid"]);
        }
    } else if c.eat_kws(&["drop", "constraint"]) {
        let if_exists = c.eat_kws(&["if", "exists"]);
        drop_check = Some((c.ident()?, if_exists));
    } else if c.eat_kws(&["rename", "to"]) {
        rename = Some(c.ident()?);
    } else {
        c.text_until(|_| false);
        return Ok(());
    }
    if let Some(new) = rename {
        let sc = cat.schemas.get_mut(&s).expect("schema");
        if let Some(mut td) = sc.types.remove(&name) {
            td.name = new.clone();
            sc.types.insert(new.clone(), td);
        }
        cat.retarget_types(&s, Some(&name), &s, Some(&new));
        return Ok(());
    }
    let td = cat
        .schemas
        .get_mut(&s)
        .and_then(|sc| sc.types.get_mut(&name))
        .expect("type");
    let TypeKind::Domain {
        not_null,
        default,
        checks,
        ..
    } = &mut td.kind
    else {
        return fail(
            off,
            ErrorKind::InvalidDefinition,
            format!("\"{name}\" is not a domain"),
        );
    };
    if let Some(v) = set_nn {
        *not_null = v;
    }
    if let Some(d) = set_default {
        *default = d;
    }
    if let Some((cname, text)) = new_check {
        let n = cname.unwrap_or_else(|| {
            choose_name(&name, None, "check", |n| checks.iter().any(|(x, _)| x == n))
        });
        checks.push((n, text));
    }
    if let Some((n, if_exists)) = drop_check {
        let before = checks.len();
        checks.retain(|(x, _)| *x != n);
        if before == checks.len() && !if_exists {
            return fail(
                off,
                ErrorKind::UndefinedObject,
                format!("constraint \"{n}\" of domain \"{name}\" does not exist"),
            );
        }
    }
    Ok(())
}

fn alter_function(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let args = if c.at_kind(TokenKind::LParen) {
        Some(func_args(cat, c)?)
    } else {
        None
    };
    let found = cat.find_in_schemas(schema.as_deref(), |s| {
        s.functions.iter().any(|f| f.name == name)
    });
    let Some(s) = found else {
        return fail(
            off,
            ErrorKind::UndefinedFunction,
            format!("function {name} does not exist"),
        );
    };
    if c.eat_kws(&["rename", "to"]) {
        let new = c.ident()?;
        let want: Option<Vec<TypeRef>> = args.map(|a| {
            a.iter()
                .filter(|x| x.mode != ArgMode::Out)
                .map(|x| x.ty.clone())
                .collect()
        });
        for f in &mut cat.schemas.get_mut(&s).expect("schema").functions {
            if f.name == name
                && want
                    .as_ref()
                    .is_none_or(|w| f.input_types().into_iter().cloned().collect::<Vec<_>>() == *w)
            {
                f.name = new.clone();
            }
        }
    }
    c.skip_rest();
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// DROP

fn drop_stmt(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    notes: &mut Vec<Diagnostic>,
    ctx: &Ctx<'_>,
) -> PResult<()> {
    let kind = if c.eat_kw("table") {
        "table"
    } else if c.eat_kws(&["materialized", "view"]) {
        "materialized view"
    } else if c.eat_kw("view") {
        "view"
    } else if c.eat_kw("index") {
        "index"
    } else if c.eat_kw("sequence") {
        "sequence"
    } else if c.eat_kw("type") {
        "type"
    } else if c.eat_kw("domain") {
        "domain"
    } else if c.eat_kw("schema") {
        "schema"
    } else if c.eat_kw("function") {
        "function"
    } else if c.eat_kw("procedure") {
        "procedure"
    } else if c.eat_kw("aggregate") {
        "aggregate"
    } else if c.eat_kw("routine") {
        "function"
    } else if c.eat_kw("extension") {
        "extension"
    } else {
        // triggers, rules, policies, roles, ...: no catalog effect
        c.skip_rest();
        return Ok(());
    };
    c.eat_kw("concurrently");
    let if_exists = c.eat_kws(&["if", "exists"]);
    // collect names (with optional argument lists for functions)
    type DropItem = (usize, Option<String>, String, Option<Vec<FuncArg>>);
    let mut items: Vec<DropItem> = Vec::new();
    loop {
        let off = c.offset();
        let (s, n) = c.qualname()?;
        let args = if matches!(kind, "function" | "procedure" | "aggregate")
            && c.at_kind(TokenKind::LParen)
        {
            if c.peek_at(1).is_some_and(|t| t.is_op("*")) {
                c.skip_group()?;
                Some(Vec::new())
            } else {
                // unknown argument types make the drop fail on the server too
                Some(func_args(cat, c)?)
            }
        } else {
            None
        };
        items.push((off, s, n, args));
        if !c.eat_kind(TokenKind::Comma) {
            break;
        }
    }
    let cascade = c.eat_kw("cascade");
    c.eat_kw("restrict");
    for (off, schema, name, args) in items {
        let missing =
            |cat: &Catalog, what: &'static str, object: ObjectKind, notes: &mut Vec<Diagnostic>| {
                Missing {
                    what,
                    object,
                    schema: schema.as_deref(),
                    name: &name,
                    off,
                    if_exists,
                }
                .handle(cat, ctx, notes)
            };
        match kind {
            "table" | "view" | "materialized view" => {
                let want = match kind {
                    "table" => [RelationKind::Table, RelationKind::PartitionedTable],
                    "view" => [RelationKind::View, RelationKind::View],
                    _ => [
                        RelationKind::MaterializedView,
                        RelationKind::MaterializedView,
                    ],
                };
                let Some(s) = cat.find_relation_schema(schema.as_deref(), &name) else {
                    missing(cat, kind, ObjectKind::Relation, notes)?;
                    continue;
                };
                let q = QualName::new(s, name.clone());
                if !want.contains(&cat.rel(&q).kind) {
                    return fail(
                        off,
                        ErrorKind::InvalidDefinition,
                        format!("\"{name}\" is not a {kind}"),
                    );
                }
                if !cascade {
                    let views = views_depending_on(cat, &q, None);
                    let fks: Vec<_> = fks_depending_on_key(cat, &q, &[])
                        .into_iter()
                        .filter(|(t, _)| *t != q)
                        .collect();
                    let cols_using_rowtype = cat.relations().any(|r| {
                        r.columns
                            .iter()
                            .any(|c| c.ty.schema == q.schema && c.ty.name == q.name)
                    });
                    if !views.is_empty() || !fks.is_empty() || cols_using_rowtype {
                        let what = views
                            .first()
                            .map(|v| format!("view {} depends on {kind} {name}", v.name))
                            .or_else(|| {
                                fks.first().map(|(t, n)| {
                                    format!(
                                        "constraint {n} on table {} depends on {kind} {name}",
                                        t.name
                                    )
                                })
                            })
                            .unwrap_or_default();
                        return fail(
                            off,
                            ErrorKind::DependentObjects,
                            format!(
                                "cannot drop {kind} {name} because other objects depend on it ({what}); use DROP ... CASCADE"
                            ),
                        );
                    }
                }
                drop_relation_cascade(cat, &q);
            }
            "index" => {
                let found =
                    cat.find_in_schemas(schema.as_deref(), |s| s.indexes.contains_key(&name));
                let Some(s) = found else {
                    missing(cat, "index", ObjectKind::Relation, notes)?;
                    continue;
                };
                let ix = cat.schemas[&s].indexes[&name].clone();
                if let Some(con) = &ix.constraint
                    && !cascade
                {
                    return fail(
                        off,
                        ErrorKind::DependentObjects,
                        format!(
                            "cannot drop index {name} because constraint {con} on table {} requires it",
                            ix.table
                        ),
                    );
                }
                let sc = cat.schemas.get_mut(&s).expect("schema");
                sc.indexes.remove(&name);
                if let Some(con) = ix.constraint
                    && let Some(r) = sc.relations.get_mut(&ix.table)
                {
                    r.constraints.retain(|c| c.name != con);
                }
            }
            "sequence" => {
                let found =
                    cat.find_in_schemas(schema.as_deref(), |s| s.sequences.contains_key(&name));
                let Some(s) = found else {
                    missing(cat, "sequence", ObjectKind::Relation, notes)?;
                    continue;
                };
                let pat = format!("'{name}'");
                let pat_q = format!("'{s}.{name}'");
                let users: Vec<(QualName, String)> = cat
                    .relations()
                    .flat_map(|r| {
                        r.columns.iter().filter_map(|col| {
                            col.default
                                .as_deref()
                                .filter(|d| {
                                    (d.contains("nextval") || d.contains("regclass"))
                                        && (d.contains(&pat) || d.contains(&pat_q))
                                })
                                .map(|_| {
                                    (
                                        QualName::new(r.schema.clone(), r.name.clone()),
                                        col.name.clone(),
                                    )
                                })
                        })
                    })
                    .collect();
                if !users.is_empty() && !cascade {
                    return fail(
                        off,
                        ErrorKind::DependentObjects,
                        format!(
                            "cannot drop sequence {name} because other objects depend on it (default value for column {} of table {})",
                            users[0].1, users[0].0.name
                        ),
                    );
                }
                for (t, col) in users {
                    if let Some(cc) = cat.rel_mut(&t).column_mut(&col) {
                        cc.default = None;
                    }
                }
                cat.schemas
                    .get_mut(&s)
                    .expect("schema")
                    .sequences
                    .remove(&name);
            }
            "type" | "domain" => {
                let Some(s) = find_type_schema(cat, schema.as_deref(), &name) else {
                    missing(cat, "type", ObjectKind::Type, notes)?;
                    continue;
                };
                drop_type(cat, &s, &name, cascade, off)?;
            }
            "schema" => {
                if !cat.schemas.contains_key(&name) {
                    missing(cat, "schema", ObjectKind::Schema, notes)?;
                    continue;
                }
                let sc = &cat.schemas[&name];
                let empty = sc.relations.is_empty()
                    && sc.types.is_empty()
                    && sc.functions.is_empty()
                    && sc.sequences.is_empty();
                if !empty && !cascade {
                    return fail(
                        off,
                        ErrorKind::DependentObjects,
                        format!("cannot drop schema {name} because other objects depend on it"),
                    );
                }
                let rels: Vec<QualName> = sc
                    .relations
                    .keys()
                    .map(|r| QualName::new(name.clone(), r.clone()))
                    .collect();
                for r in rels {
                    if cat.relation(&r.schema, &r.name).is_some() {
                        drop_relation_cascade(cat, &r);
                    }
                }
                let types: Vec<String> = cat.schemas[&name].types.keys().cloned().collect();
                for t in types {
                    if cat.schemas[&name].types.contains_key(&t) {
                        drop_type(cat, &name, &t, true, off)?;
                    }
                }
                cat.schemas.remove(&name);
                cat.extensions.retain(|_, e| e.schema != name);
            }
            "function" | "procedure" | "aggregate" => {
                let want: Option<Vec<TypeRef>> = args.map(|a| {
                    a.iter()
                        .filter(|x| x.mode != ArgMode::Out)
                        .map(|x| x.ty.clone())
                        .collect()
                });
                let found = cat.find_in_schemas(schema.as_deref(), |s| {
                    s.functions.iter().any(|f| {
                        f.name == name
                            && want.as_ref().is_none_or(|w| {
                                w.is_empty() && f.kind == FuncKind::Aggregate
                                    || f.input_types().into_iter().cloned().collect::<Vec<_>>()
                                        == *w
                            })
                    })
                });
                let Some(s) = found else {
                    missing(cat, kind, ObjectKind::Function, notes)?;
                    continue;
                };
                cat.schemas
                    .get_mut(&s)
                    .expect("schema")
                    .functions
                    .retain(|f| {
                        !(f.name == name
                            && want.as_ref().is_none_or(|w| {
                                w.is_empty() && f.kind == FuncKind::Aggregate
                                    || f.input_types().into_iter().cloned().collect::<Vec<_>>()
                                        == *w
                            }))
                    });
            }
            "extension" => {
                if cat.extensions.remove(&name).is_none() {
                    missing(cat, "extension", ObjectKind::Extension, notes)?;
                    continue;
                }
                extensions::drop_extension_objects(cat, &name);
            }
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// COMMENT, SET, SELECT

fn comment(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    c.expect_kw("on")?;
    let text_of = |c: &mut Cursor<'_, '_>| -> PResult<Option<String>> {
        c.expect_kw("is")?;
        if c.eat_kw("null") {
            Ok(None)
        } else {
            let s = c.string()?;
            Ok(if s.is_empty() { None } else { Some(s) })
        }
    };
    let off = c.offset();
    if c.eat_kw("column") {
        let mut parts = vec![c.ident()?];
        while c.eat_kind(TokenKind::Dot) {
            parts.push(c.ident()?);
        }
        let col = parts.pop().unwrap_or_default();
        let table = parts.pop().unwrap_or_default();
        let schema = parts.pop();
        let text = text_of(c)?;
        let q = cat.require_relation(schema.as_deref(), &table, off)?;
        let Some(cc) = cat.rel_mut(&q).column_mut(&col) else {
            return fail(
                off,
                ErrorKind::UndefinedColumn,
                format!("column \"{col}\" of relation \"{table}\" does not exist"),
            );
        };
        cc.comment = text;
        return Ok(());
    }
    if c.eat_kw("table") || c.eat_kw("view") || c.eat_kws(&["materialized", "view"]) {
        let (s, n) = c.qualname()?;
        let text = text_of(c)?;
        let q = cat.require_relation(s.as_deref(), &n, off)?;
        cat.rel_mut(&q).comment = text;
        return Ok(());
    }
    if c.eat_kw("type") || c.eat_kw("domain") {
        let (s, n) = c.qualname()?;
        let text = text_of(c)?;
        let Some(sc) = find_type_schema(cat, s.as_deref(), &n) else {
            return fail(
                off,
                ErrorKind::UndefinedObject,
                format!("type \"{n}\" does not exist"),
            );
        };
        if let Some(t) = cat.schemas.get_mut(&sc).and_then(|x| x.types.get_mut(&n)) {
            t.comment = text;
        }
        return Ok(());
    }
    if c.eat_kw("schema") {
        let n = c.ident()?;
        let text = text_of(c)?;
        match cat.schemas.get_mut(&n) {
            Some(s) => s.comment = text,
            None => {
                return fail(
                    off,
                    ErrorKind::UndefinedSchema,
                    format!("schema \"{n}\" does not exist"),
                );
            }
        }
        return Ok(());
    }
    if c.eat_kw("constraint") {
        let cname = c.ident()?;
        c.expect_kw("on")?;
        c.eat_kw("domain");
        let (s, n) = c.qualname()?;
        let text = text_of(c)?;
        if let Some(sch) = cat.find_relation_schema(s.as_deref(), &n) {
            let q = QualName::new(sch, n);
            if let Some(con) = cat
                .rel_mut(&q)
                .constraints
                .iter_mut()
                .find(|x| x.name == cname)
            {
                con.comment = text;
            }
        }
        return Ok(());
    }
    if c.eat_kw("function") || c.eat_kw("procedure") {
        let (s, n) = c.qualname()?;
        if c.at_kind(TokenKind::LParen) {
            c.skip_group()?;
        }
        let text = text_of(c)?;
        for sc in cat.schemas.values_mut() {
            if s.as_ref().is_none_or(|x| *x == sc.name) {
                for f in sc.functions.iter_mut().filter(|f| f.name == n) {
                    f.comment = text.clone();
                }
            }
        }
        return Ok(());
    }
    // INDEX, SEQUENCE, EXTENSION, TRIGGER, ...: kept nowhere
    c.skip_rest();
    Ok(())
}

pub(crate) fn parse_search_path(c: &mut Cursor<'_, '_>) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(t) = c.bump() {
        match t.kind {
            TokenKind::Word | TokenKind::QuotedIdent => {
                let id = t.ident();
                if id != "$user" && !t.is_word("default") {
                    out.push(id);
                }
            }
            TokenKind::String => {
                let v = t.string_value().unwrap_or_default();
                for part in v.split(',') {
                    let p = part.trim().trim_matches('"');
                    if !p.is_empty() && p != "$user" {
                        out.push(p.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn set_stmt(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let local = c.eat_kw("local");
    c.eat_kw("session");
    if c.eat_kw("search_path") {
        if !(c.eat_kw("to") || c.eat_op("=")) {
            return c.syntax("TO");
        }
        let default = c.at_kw("default");
        let mut path = parse_search_path(c);
        if default {
            path = vec!["public".into()];
        }
        if local && cat.saved_search_path.is_none() {
            cat.saved_search_path = Some(cat.search_path.clone());
        }
        cat.search_path = path;
    }
    c.skip_rest();
    Ok(())
}

/// `SELECT set_config('search_path', '...', is_local)` changes the search path; other
/// `SELECT`s are data statements and skipped.
fn select_stmt(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let toks = c.toks;
    for (i, t) in toks.iter().enumerate() {
        if t.is_word("set_config")
            && toks.get(i + 1).is_some_and(|p| p.kind == TokenKind::LParen)
            && toks
                .get(i + 2)
                .and_then(|s| s.string_value())
                .is_some_and(|v| v == "search_path")
        {
            let value = toks
                .get(i + 4)
                .and_then(|s| s.string_value())
                .unwrap_or_default();
            let is_local = toks.get(i + 6).is_some_and(|b| b.is_word("true"));
            let path: Vec<String> = value
                .split(',')
                .map(|p| p.trim().trim_matches('"').to_string())
                .filter(|p| !p.is_empty() && p != "$user")
                .collect();
            if is_local && cat.saved_search_path.is_none() {
                cat.saved_search_path = Some(cat.search_path.clone());
            }
            cat.search_path = path;
        }
    }
    c.skip_rest();
    Ok(())
}
