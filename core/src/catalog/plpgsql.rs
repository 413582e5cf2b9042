//! `DO` blocks: the common forms are modelled (DDL inside `BEGIN ... END`, `IF [NOT] EXISTS`
//! guards over `information_schema` / `pg_catalog`, `EXCEPTION WHEN duplicate_object`,
//! `EXECUTE 'literal'`); anything else gives a diagnostic.

use crate::syntax::{Token, TokenKind, split_statements, tokenize};

use super::Catalog;
use super::error::{Diagnostic, ErrorKind};
use super::parser::{Cursor, PResult, fail};
use super::replay::{Ctx, run_statement, run_statement_as};
use super::unknown::targets_in;

pub(crate) fn do_block(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
) -> PResult<()> {
    let start = c.toks.first().map_or(c.offset(), |t| t.offset);
    let mut lang = "plpgsql".to_string();
    let mut body_tok: Option<Token<'_>> = None;
    while let Some(t) = c.bump() {
        if t.is_word("language") {
            lang = c.peek().map(|t| t.ident()).unwrap_or_default();
            c.bump();
        } else if t.kind == TokenKind::String {
            body_tok = Some(t);
        }
    }
    let Some(body) = body_tok else {
        return fail(start, ErrorKind::SyntaxError, "DO without a body");
    };
    if lang != "plpgsql" {
        let message = format!("DO block in language {lang} not replayed");
        return ctx.not_modelled(cat, notes, start, message, Vec::new());
    }
    // Tokenize the body in place when it is dollar-quoted (positions stay exact).
    let toks: Vec<Token<'_>> = if body.text.starts_with('$') {
        let tag_len = body.text[1..].find('$').map_or(1, |i| i + 2);
        let inner_start = body.offset + tag_len;
        let inner_end = (body.offset + body.text.len()).saturating_sub(tag_len);
        if inner_end <= inner_start {
            return Ok(());
        }
        let inner = &c.src[inner_start..inner_end];
        tokenize(inner)
            .into_iter()
            .map(|t| Token {
                offset: t.offset + inner_start,
                ..t
            })
            .collect()
    } else {
        let text = body.string_value().unwrap_or_default();
        let targets = targets_in(&tokenize(&text));
        let message = "DO block with a quoted-string body not replayed; use dollar quoting";
        return ctx.not_modelled(cat, notes, start, message, targets);
    };
    ctx.info(
        notes,
        start,
        "DO block replayed statically (its DDL run, IF EXISTS guards and EXCEPTION handlers evaluated against the catalog)",
    );
    let mut interp = Interp {
        src: c.src,
        ctx,
        start,
    };
    let mut i = 0;
    interp.block(cat, &toks, &mut i, notes)
}

struct Interp<'s, 'c> {
    src: &'s str,
    ctx: &'c Ctx<'c>,
    start: usize,
}

/// `true` when token `j` starts a plpgsql statement (first token, or after `;`, `THEN`,
/// `ELSE`, `LOOP`, `BEGIN`, `DECLARE`).
fn at_stmt_start(toks: &[Token<'_>], j: usize) -> bool {
    j == 0
        || toks.get(j - 1).is_some_and(|p| {
            p.kind == TokenKind::Semi
                || ["then", "else", "loop", "begin", "declare", "exception"]
                    .iter()
                    .any(|k| p.is_word(k))
        })
}

/// `true` when token `j` opens a construct closed by `END` (`BEGIN`, or `IF`/`LOOP`/`CASE`
/// at the start of a plpgsql statement, or a `CASE` expression).
fn opens_block(toks: &[Token<'_>], j: usize) -> bool {
    let t = &toks[j];
    if j > 0 && toks[j - 1].is_word("end") {
        return false;
    }
    t.is_word("begin")
        || t.is_word("case")
        || ((t.is_word("if") || t.is_word("loop") || t.is_word("while") || t.is_word("for"))
            && at_stmt_start(toks, j)
            && !t.is_word("while")
            && !t.is_word("for"))
}

/// Index of the token after the matching `END` of a construct opened at `i` (`BEGIN`, `IF`,
/// `LOOP`, `CASE`), scanning nested constructs.
fn find_end(toks: &[Token<'_>], mut i: usize) -> usize {
    let mut depth = 0i32;
    while i < toks.len() {
        let t = &toks[i];
        if t.is_word("end") {
            depth -= 1;
            // END IF / END LOOP / END CASE
            if toks
                .get(i + 1)
                .is_some_and(|n| n.is_word("if") || n.is_word("loop") || n.is_word("case"))
            {
                i += 1;
            }
            if depth <= 0 {
                return i + 1;
            }
        } else if opens_block(toks, i) {
            depth += 1;
        }
        i += 1;
    }
    toks.len()
}

/// The index of the next depth-0 `;` at or after `i` (or the end).
fn stmt_end(toks: &[Token<'_>], mut i: usize) -> usize {
    let mut depth = 0;
    while i < toks.len() {
        match toks[i].kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth -= 1,
            TokenKind::Semi if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    toks.len()
}

impl Interp<'_, '_> {
    fn not_modelled(
        &self,
        cat: &mut Catalog,
        notes: &mut Vec<Diagnostic>,
        msg: &str,
        toks: &[Token<'_>],
    ) -> PResult<()> {
        self.ctx
            .not_modelled(cat, notes, self.start, msg, targets_in(toks))
    }

    /// `[DECLARE ...] BEGIN stmts [EXCEPTION handlers] END`
    fn block(
        &mut self,
        cat: &mut Catalog,
        toks: &[Token<'_>],
        i: &mut usize,
        notes: &mut Vec<Diagnostic>,
    ) -> PResult<()> {
        if toks.get(*i).is_some_and(|t| t.is_word("declare")) {
            while *i < toks.len() && !toks[*i].is_word("begin") {
                *i += 1;
            }
        }
        if !toks.get(*i).is_some_and(|t| t.is_word("begin")) {
            return self.not_modelled(cat, notes, "DO block not understood; not replayed", toks);
        }
        let end = find_end(toks, *i);
        let body_end = end.saturating_sub(1); // index of END
        *i += 1;
        // find a depth-0 EXCEPTION
        let mut j = *i;
        let mut exc = None;
        while j < body_end {
            let t = &toks[j];
            if opens_block(toks, j) {
                j = find_end(toks, j);
                continue;
            }
            if t.is_word("exception") {
                exc = Some(j);
                break;
            }
            j += 1;
        }
        let stmts_end = exc.unwrap_or(body_end);
        match exc {
            None => {
                self.stmts(cat, &toks[..stmts_end], *i, notes)?;
            }
            Some(k) => {
                // handled conditions
                let mut conds = Vec::new();
                let mut m = k + 1;
                while m < body_end {
                    if (toks[m].is_word("when") || toks[m].is_word("or"))
                        && let Some(n) = toks.get(m + 1)
                    {
                        conds.push(n.ident());
                    }
                    m += 1;
                }
                let backup = cat.clone();
                let mut sub_notes = Vec::new();
                match self.stmts(cat, &toks[..stmts_end], *i, &mut sub_notes) {
                    Ok(()) => notes.extend(sub_notes),
                    Err(f) => {
                        let replay_only =
                            matches!(f.kind, ErrorKind::NotModelled | ErrorKind::SyntaxError);
                        let caught = !replay_only
                            && conds.iter().any(|c| match c.as_str() {
                                "others" => true,
                                "duplicate_object" | "duplicate_table" | "duplicate_column"
                                | "duplicate_schema" | "duplicate_function" => {
                                    f.kind == ErrorKind::DuplicateObject
                                }
                                "undefined_table" => f.kind == ErrorKind::UndefinedTable,
                                "undefined_column" => f.kind == ErrorKind::UndefinedColumn,
                                "undefined_object" => f.kind == ErrorKind::UndefinedObject,
                                "undefined_function" => f.kind == ErrorKind::UndefinedFunction,
                                "invalid_schema_name" => f.kind == ErrorKind::UndefinedSchema,
                                _ => false,
                            });
                        if !caught {
                            return Err(f);
                        }
                        *cat = backup;
                        self.ctx.info(
                            notes,
                            self.start,
                            format!(
                                "DO block: error caught by its EXCEPTION handler: {}",
                                f.message
                            ),
                        );
                    }
                }
            }
        }
        *i = end;
        Ok(())
    }

    fn stmts(
        &mut self,
        cat: &mut Catalog,
        toks: &[Token<'_>],
        mut i: usize,
        notes: &mut Vec<Diagnostic>,
    ) -> PResult<()> {
        while i < toks.len() {
            let t = toks[i];
            if t.kind == TokenKind::Semi {
                i += 1;
                continue;
            }
            if t.is_word("begin") || t.is_word("declare") {
                self.block(cat, toks, &mut i, notes)?;
                continue;
            }
            if t.is_word("if") {
                i = self.if_stmt(cat, toks, i, notes)?;
                continue;
            }
            let end = stmt_end(toks, i);
            let stmt = &toks[i..end];
            if t.is_word("execute") {
                self.execute(cat, stmt, notes)?;
            } else if t.is_word("perform")
                || t.is_word("raise")
                || t.is_word("null")
                || t.is_word("return")
                || t.is_word("assert")
                || (stmt.len() > 1 && stmt[1].is_op(":="))
            {
                // no catalog effect
            } else if t.is_word("for")
                || t.is_word("loop")
                || t.is_word("while")
                || t.is_word("foreach")
            {
                let end = find_end(toks, i);
                let body = &toks[i..end];
                self.not_modelled(cat, notes, "DO block: loop not replayed", body)?;
                i = end;
                continue;
            } else {
                self.sql(cat, stmt, notes)?;
            }
            i = end + 1;
        }
        Ok(())
    }

    fn sql(
        &self,
        cat: &mut Catalog,
        stmt: &[Token<'_>],
        notes: &mut Vec<Diagnostic>,
    ) -> PResult<()> {
        match run_statement_as(cat, stmt, self.src, self.ctx, notes, true) {
            Ok(()) => Ok(()),
            Err(e) => {
                let off = stmt.first().map_or(self.start, |t| t.offset);
                fail(off, e.kind, e.message)
            }
        }
    }

    fn execute(
        &self,
        cat: &mut Catalog,
        stmt: &[Token<'_>],
        notes: &mut Vec<Diagnostic>,
    ) -> PResult<()> {
        let off = stmt[0].offset;
        let literal = match stmt {
            [_, s] if s.kind == TokenKind::String => s.string_value(),
            _ => None,
        };
        let Some(text) = literal else {
            let message = "DO block: dynamic EXECUTE not replayed";
            return self.ctx.not_modelled(cat, notes, off, message, Vec::new());
        };
        let sub_ctx = Ctx {
            file: self.ctx.file,
            index: crate::syntax::LineIndex::new(self.src),
            typer: self.ctx.typer,
            fixed_offset: Some(off),
            strict: self.ctx.strict,
        };
        for st in split_statements(&text) {
            if let Err(e) = run_statement(cat, &st.tokens, &text, &sub_ctx, notes) {
                return fail(off, e.kind, e.message);
            }
        }
        Ok(())
    }

    /// `IF cond THEN stmts [ELSIF cond THEN stmts]... [ELSE stmts] END IF;`
    fn if_stmt(
        &mut self,
        cat: &mut Catalog,
        toks: &[Token<'_>],
        i: usize,
        notes: &mut Vec<Diagnostic>,
    ) -> PResult<usize> {
        let end = find_end(toks, i);
        // END IF occupies the last two tokens before `end`
        let body_end = end.saturating_sub(2);
        // split into branches at depth 0
        type Branch = (Option<(usize, usize)>, usize, usize);
        let mut branches: Vec<Branch> = Vec::new();
        let mut j = i + 1;
        let mut cond_start = j;
        let mut in_cond = true;
        let mut body_start = 0;
        let mut cur_cond: Option<(usize, usize)> = None;
        let mut depth = 0i32;
        while j < body_end {
            let t = &toks[j];
            match t.kind {
                TokenKind::LParen => depth += 1,
                TokenKind::RParen => depth -= 1,
                _ => {}
            }
            if depth == 0 && j > i + 1 && opens_block(toks, j) {
                j = find_end(toks, j);
                continue;
            }
            if depth == 0 && in_cond && t.is_word("then") {
                cur_cond = Some((cond_start, j));
                in_cond = false;
                body_start = j + 1;
            } else if depth == 0 && !in_cond && (t.is_word("elsif") || t.is_word("elseif")) {
                branches.push((cur_cond.take(), body_start, j));
                in_cond = true;
                cond_start = j + 1;
            } else if depth == 0 && !in_cond && t.is_word("else") {
                branches.push((cur_cond.take(), body_start, j));
                cur_cond = None;
                body_start = j + 1;
            }
            j += 1;
        }
        branches.push((cur_cond, body_start, body_end));
        for (cond, bs, be) in branches {
            let take = match cond {
                None => true,
                Some((a, b)) => match eval_cond(cat, &toks[a..b]) {
                    Some(v) => v,
                    None => {
                        let off = toks.get(a).map_or(self.start, |t| t.offset);
                        let message =
                            "DO block: IF condition not understood; its branch was assumed to run";
                        let targets = targets_in(&toks[i..end]);
                        self.ctx.not_modelled(cat, notes, off, message, targets)?;
                        true
                    }
                },
            };
            if take {
                self.stmts(cat, &toks[..be], bs, notes)?;
                break;
            }
        }
        // skip the trailing `;`
        Ok(end)
    }
}

/// Evaluates `[NOT] EXISTS (SELECT ... FROM <catalog view> WHERE col = 'v' AND ...)` against
/// the catalog; `None` when the condition is of another form.
fn eval_cond(cat: &Catalog, toks: &[Token<'_>]) -> Option<bool> {
    let mut i = 0;
    let mut negate = false;
    if toks.first()?.is_word("not") {
        negate = true;
        i += 1;
    }
    if !toks.get(i)?.is_word("exists") {
        return None;
    }
    i += 1;
    if toks.get(i)?.kind != TokenKind::LParen || toks.last()?.kind != TokenKind::RParen {
        return None;
    }
    let inner = &toks[i + 1..toks.len() - 1];
    let from = inner.iter().position(|t| t.is_word("from"))?;
    let mut k = from + 1;
    let mut view = inner.get(k)?.ident();
    if inner.get(k + 1).is_some_and(|t| t.kind == TokenKind::Dot) {
        view = inner.get(k + 2)?.ident();
        k += 2;
    }
    k += 1;
    // optional alias
    if inner
        .get(k)
        .is_some_and(|t| t.kind == TokenKind::Word && !t.is_word("where"))
    {
        k += 1;
    }
    let mut filters: Vec<(String, String)> = Vec::new();
    if inner.get(k).is_some_and(|t| t.is_word("where")) {
        k += 1;
        while k < inner.len() {
            // [alias.]col = 'value'
            let mut col = inner.get(k)?.ident();
            if inner.get(k + 1).is_some_and(|t| t.kind == TokenKind::Dot) {
                col = inner.get(k + 2)?.ident();
                k += 2;
            }
            if !inner.get(k + 1)?.is_op("=") {
                return None;
            }
            let v = inner.get(k + 2)?;
            let val = v.string_value()?;
            filters.push((col, val));
            k += 3;
            // ::regclass / ::name casts on the literal
            while inner.get(k).is_some_and(|t| t.is_op("::")) {
                k += 2;
            }
            if k < inner.len() {
                if !inner[k].is_word("and") {
                    return None;
                }
                k += 1;
            }
        }
    }
    let get = |name: &str| {
        filters
            .iter()
            .find(|(c, _)| c == name)
            .map(|(_, v)| v.as_str())
    };
    let schema_ok = |s: &str, key: &str| get(key).is_none_or(|want| want == s);
    let found = match view.as_str() {
        "columns" => {
            let table = get("table_name")?;
            let column = get("column_name");
            cat.relations().any(|r| {
                r.name == table
                    && schema_ok(&r.schema, "table_schema")
                    && column.is_none_or(|c| r.column(c).is_some())
            })
        }
        "tables" | "pg_tables" | "views" => {
            let table = get("table_name").or(get("tablename"))?;
            cat.relations().any(|r| {
                r.name == table
                    && schema_ok(&r.schema, "table_schema")
                    && schema_ok(&r.schema, "schemaname")
            })
        }
        "pg_indexes" => {
            let name = get("indexname")?;
            cat.indexes()
                .any(|ix| ix.name == name && schema_ok(&ix.schema, "schemaname"))
        }
        "pg_class" => {
            let name = get("relname")?;
            cat.schemas().any(|s| s.has_class(name))
        }
        "pg_type" => {
            let name = get("typname")?;
            cat.types().any(|t| t.name == name) || cat.relations().any(|r| r.name == name)
        }
        "pg_constraint" | "table_constraints" => {
            let name = get("conname").or(get("constraint_name"))?;
            cat.relations()
                .any(|r| r.constraints.iter().any(|c| c.name == name))
        }
        "pg_namespace" | "schemata" => {
            let name = get("nspname").or(get("schema_name"))?;
            cat.schema(name).is_some()
        }
        "pg_extension" => {
            let name = get("extname")?;
            cat.extensions().any(|e| e.name == name)
        }
        "pg_enum" => return None,
        _ => return None,
    };
    Some(found != negate)
}
