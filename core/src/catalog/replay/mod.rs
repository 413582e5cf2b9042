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

mod alter_table;
mod comment;
mod constraints;
mod drop;
mod functions;
mod lookup;
mod naming;
mod relations;
mod schemas;
mod session;
mod tables;
mod typedefs;

pub(crate) use alter_table::*;
pub(crate) use comment::*;
pub(crate) use constraints::*;
pub(crate) use drop::*;
pub(crate) use functions::*;
pub(crate) use lookup::*;
pub(crate) use naming::*;
pub(crate) use relations::*;
pub(crate) use schemas::*;
pub(crate) use session::*;
pub(crate) use tables::*;
pub(crate) use typedefs::*;

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
