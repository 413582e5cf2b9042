//! Typing the output columns of a `SELECT` (for views, materialized views and
//! `CREATE TABLE AS`).
//!
//! [`ViewTyper`] is the hook: replay calls it for every view query. [`SimpleTyper`] is a small
//! typer covering column references, joins, subqueries in `FROM`, aliases, casts, literals,
//! `CASE`, common operators and functions and the usual aggregates; the query analyser can
//! supply a complete one through [`crate::catalog::replay_with`].

use crate::syntax::{Token, TokenKind, tokenize};

use super::Catalog;
use super::model::{FuncReturn, QualName};
use super::parser::Cursor;
use super::types::TypeRef;

/// One output column of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewColumn {
    /// Column name as PostgreSQL names it (alias, column name, function name, `?column?`).
    pub name: String,
    /// Column type.
    pub ty: TypeRef,
}

/// Types the output columns of a query against a catalog.
pub trait ViewTyper {
    /// The output columns of `query` (the text after `AS` in `CREATE VIEW`), or why they could
    /// not be found.
    fn type_query(&self, catalog: &Catalog, query: &str) -> Result<Vec<ViewColumn>, String>;
}

/// The built-in, deliberately small, query typer.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimpleTyper;

impl ViewTyper for SimpleTyper {
    fn type_query(&self, catalog: &Catalog, query: &str) -> Result<Vec<ViewColumn>, String> {
        let toks = tokenize(query);
        let toks: Vec<Token<'_>> = toks
            .into_iter()
            .filter(|t| t.kind != TokenKind::Semi)
            .collect();
        type_select(catalog, &toks, query)
    }
}

/// Relations a query's `FROM` clauses name, with the alias each is known by.
fn from_relations(catalog: &Catalog, query: &str) -> Vec<(QualName, String)> {
    let toks = tokenize(query);
    let mut out: Vec<(QualName, String)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if !(t.is_word("from") || t.is_word("join") || t.kind == TokenKind::Comma) {
            continue;
        }
        let mut k = i + 1;
        if toks
            .get(k)
            .is_some_and(|t| t.is_word("only") || t.is_word("lateral"))
        {
            k += 1;
        }
        let Some(n) = toks.get(k) else { continue };
        if !matches!(n.kind, TokenKind::Word | TokenKind::QuotedIdent) {
            continue;
        }
        let (schema, name) = if toks.get(k + 1).is_some_and(|d| d.kind == TokenKind::Dot) {
            match toks.get(k + 2) {
                Some(x) => {
                    k += 2;
                    (Some(n.ident()), x.ident())
                }
                None => continue,
            }
        } else {
            (None, n.ident())
        };
        k += 1;
        if toks.get(k).is_some_and(|t| t.is_word("as")) {
            k += 1;
        }
        let alias = match toks.get(k) {
            Some(a)
                if (a.kind == TokenKind::Word
                    && !super::model::is_reserved_word(&a.ident())
                    && !a.is_word("inner")
                    && !a.is_word("left")
                    && !a.is_word("right")
                    && !a.is_word("full")
                    && !a.is_word("cross"))
                    || a.kind == TokenKind::QuotedIdent =>
            {
                a.ident()
            }
            _ => name.clone(),
        };
        if let Some(r) = catalog.lookup_relation(schema.as_deref(), &name) {
            let q = QualName::new(r.schema.clone(), r.name.clone());
            out.push((q, alias));
        }
    }
    out
}

/// Relations a query's `FROM` clauses name (for drop dependencies).
pub fn referenced_relations(catalog: &Catalog, query: &str) -> Vec<QualName> {
    let mut out: Vec<QualName> = Vec::new();
    for (q, _) in from_relations(catalog, query) {
        if !out.contains(&q) {
            out.push(q);
        }
    }
    out
}

/// Columns a query uses, as (relation, column): qualified references resolved through the
/// `FROM` aliases, unqualified ones attributed to every `FROM` relation having that column,
/// and every column of a relation read with `*`.
pub fn referenced_columns(catalog: &Catalog, query: &str) -> Vec<(QualName, String)> {
    let rels = from_relations(catalog, query);
    let toks = tokenize(query);
    let mut out: Vec<(QualName, String)> = Vec::new();
    let mut push = |q: &QualName, c: String| {
        let item = (q.clone(), c);
        if !out.contains(&item) {
            out.push(item);
        }
    };
    for (i, t) in toks.iter().enumerate() {
        if t.is_op("*") {
            let qualified = i >= 2 && toks[i - 1].kind == TokenKind::Dot;
            for (q, alias) in &rels {
                if (!qualified || toks[i - 2].ident() == *alias)
                    && let Some(r) = catalog.relation(&q.schema, &q.name)
                {
                    for c in &r.columns {
                        push(q, c.name.clone());
                    }
                }
            }
            continue;
        }
        if !matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent) {
            continue;
        }
        if toks
            .get(i + 1)
            .is_some_and(|n| n.kind == TokenKind::Dot || n.kind == TokenKind::LParen)
        {
            continue;
        }
        let name = t.ident();
        if i >= 2 && toks[i - 1].kind == TokenKind::Dot {
            let alias = toks[i - 2].ident();
            for (q, a) in &rels {
                if *a == alias {
                    push(q, name.clone());
                }
            }
        } else {
            for (q, _) in &rels {
                if catalog
                    .relation(&q.schema, &q.name)
                    .is_some_and(|r| r.column(&name).is_some())
                {
                    push(q, name.clone());
                }
            }
        }
    }
    out
}

type Scope = Vec<(String, Vec<ViewColumn>)>;

fn strip_parens<'t, 'a>(mut toks: &'t [Token<'a>]) -> &'t [Token<'a>] {
    while toks.len() >= 2
        && toks[0].kind == TokenKind::LParen
        && toks[toks.len() - 1].kind == TokenKind::RParen
        && matching(toks, 0) == toks.len() - 1
    {
        toks = &toks[1..toks.len() - 1];
    }
    toks
}

/// Index of the parenthesis closing the one at `i`.
fn matching(toks: &[Token<'_>], i: usize) -> usize {
    let mut depth = 0;
    for (k, t) in toks.iter().enumerate().skip(i) {
        match t.kind {
            TokenKind::LParen | TokenKind::LBracket => depth += 1,
            TokenKind::RParen | TokenKind::RBracket => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    toks.len().saturating_sub(1)
}

/// Splits at depth-0 tokens matching `pred`.
fn split_depth0<'t, 'a>(
    toks: &'t [Token<'a>],
    pred: impl Fn(&Token<'a>) -> bool,
) -> Vec<&'t [Token<'a>]> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::LParen | TokenKind::LBracket => depth += 1,
            TokenKind::RParen | TokenKind::RBracket => depth -= 1,
            _ if depth == 0 && pred(t) => {
                out.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&toks[start..]);
    out
}

fn find_depth0(
    toks: &[Token<'_>],
    from: usize,
    pred: impl Fn(&Token<'_>) -> bool,
) -> Option<usize> {
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate().skip(from) {
        match t.kind {
            TokenKind::LParen | TokenKind::LBracket => depth += 1,
            TokenKind::RParen | TokenKind::RBracket => depth -= 1,
            _ if depth == 0 && pred(t) => return Some(i),
            _ => {}
        }
    }
    None
}

const CLAUSE_END: &[&str] = &[
    "where",
    "group",
    "having",
    "order",
    "limit",
    "offset",
    "window",
    "union",
    "intersect",
    "except",
    "fetch",
    "for",
];

fn type_select(cat: &Catalog, toks: &[Token<'_>], src: &str) -> Result<Vec<ViewColumn>, String> {
    let toks = strip_parens(toks);
    let first = toks.first().ok_or("empty query")?;
    if first.is_word("with") {
        return Err("WITH queries are not typed by the simple typer".into());
    }
    if first.is_word("values") {
        let row = toks.get(1).ok_or("empty VALUES")?;
        if row.kind != TokenKind::LParen {
            return Err("bad VALUES".into());
        }
        let end = matching(toks, 1);
        let scope = Scope::new();
        return split_depth0(&toks[2..end], |t| t.kind == TokenKind::Comma)
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let (_, ty) = type_expr(cat, &scope, e, src)?;
                Ok(ViewColumn {
                    name: format!("column{}", i + 1),
                    ty,
                })
            })
            .collect();
    }
    if !first.is_word("select") {
        if first.is_word("table") {
            let name = toks.get(1).ok_or("TABLE without a name")?.ident();
            let r = cat
                .lookup_relation(None, &name)
                .ok_or_else(|| format!("relation \"{name}\" does not exist"))?;
            return Ok(r
                .columns
                .iter()
                .map(|c| ViewColumn {
                    name: c.name.clone(),
                    ty: c.ty.clone(),
                })
                .collect());
        }
        return Err(format!("cannot type a query starting with {}", first.text));
    }
    // first branch of a set operation decides names and (mostly) types
    let end = find_depth0(toks, 1, |t| {
        t.is_word("union") || t.is_word("intersect") || t.is_word("except")
    })
    .unwrap_or(toks.len());
    let toks = &toks[..end];
    let mut i = 1;
    if toks.get(i).is_some_and(|t| t.is_word("distinct")) {
        i += 1;
        if toks.get(i).is_some_and(|t| t.is_word("on")) {
            i += 1;
            if toks.get(i).is_some_and(|t| t.kind == TokenKind::LParen) {
                i = matching(toks, i) + 1;
            }
        }
    } else if toks.get(i).is_some_and(|t| t.is_word("all")) {
        i += 1;
    }
    let from = find_depth0(toks, i, |t| t.is_word("from") || t.is_word("into"));
    let list_end = from.unwrap_or_else(|| {
        find_depth0(toks, i, |t| CLAUSE_END.iter().any(|k| t.is_word(k))).unwrap_or(toks.len())
    });
    let mut scope = Scope::new();
    if let Some(f) = from {
        let f_end = find_depth0(toks, f + 1, |t| CLAUSE_END.iter().any(|k| t.is_word(k)))
            .unwrap_or(toks.len());
        from_clause(cat, &toks[f + 1..f_end], src, &mut scope)?;
    }
    let mut out = Vec::new();
    for item in split_depth0(&toks[i..list_end], |t| t.kind == TokenKind::Comma) {
        if item.is_empty() {
            continue;
        }
        // * and t.*
        if item.len() == 1 && item[0].is_op("*") {
            for (_, cols) in &scope {
                out.extend(cols.iter().cloned());
            }
            continue;
        }
        if item.len() == 3 && item[1].kind == TokenKind::Dot && item[2].is_op("*") {
            let alias = item[0].ident();
            let cols = scope
                .iter()
                .find(|(a, _)| *a == alias)
                .ok_or_else(|| format!("missing FROM-clause entry for table \"{alias}\""))?;
            out.extend(cols.1.iter().cloned());
            continue;
        }
        // alias
        let (expr, alias) = split_alias(item);
        let (name, ty) = type_expr(cat, &scope, expr, src)?;
        out.push(ViewColumn {
            name: alias.unwrap_or_else(|| name.unwrap_or_else(|| "?column?".into())),
            ty: unknown_to_text(ty),
        });
    }
    Ok(out)
}

/// Functions and operators return their type without a modifier.
fn no_typmod(mut t: TypeRef) -> TypeRef {
    t.typmod = -1;
    t
}

fn unknown_to_text(t: TypeRef) -> TypeRef {
    if t.schema == "pg_catalog" && t.name == "unknown" {
        TypeRef::builtin("text")
    } else {
        t
    }
}

/// Splits `expr [AS] alias` (an alias is a trailing identifier after a complete expression).
fn split_alias<'t, 'a>(item: &'t [Token<'a>]) -> (&'t [Token<'a>], Option<String>) {
    let n = item.len();
    if n >= 3 && item[n - 2].is_word("as") {
        return (&item[..n - 2], Some(item[n - 1].ident()));
    }
    if n >= 2 {
        let last = &item[n - 1];
        let prev = &item[n - 2];
        let last_is_name = last.kind == TokenKind::QuotedIdent
            || (last.kind == TokenKind::Word
                && !super::model::is_reserved_word(&last.ident())
                && !last.is_word("end"));
        let prev_ends_expr = matches!(
            prev.kind,
            TokenKind::Word
                | TokenKind::QuotedIdent
                | TokenKind::RParen
                | TokenKind::String
                | TokenKind::Number
                | TokenKind::RBracket
        ) && !prev.is_word("as");
        let typed_after_cast = n >= 3 && item[n - 3].is_op("::");
        if last_is_name && prev_ends_expr && prev.kind != TokenKind::Dot && !typed_after_cast {
            // `x::double precision`, `interval '1 day'` are not aliases
            if !(prev.is_word("double") || prev.is_word("interval") || prev.is_word("varying")) {
                return (&item[..n - 1], Some(last.ident()));
            }
        }
    }
    (item, None)
}

fn from_clause(
    cat: &Catalog,
    toks: &[Token<'_>],
    src: &str,
    scope: &mut Scope,
) -> Result<(), String> {
    // split on commas and JOIN keywords at depth 0
    let mut items: Vec<&[Token<'_>]> = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        match t.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth -= 1,
            _ => {}
        }
        if depth == 0 && (t.kind == TokenKind::Comma || t.is_word("join")) {
            // drop join-kind words before JOIN
            let mut e = i;
            while e > start
                && [
                    "left", "right", "full", "inner", "outer", "cross", "natural", "lateral",
                ]
                .iter()
                .any(|k| toks[e - 1].is_word(k))
            {
                e -= 1;
            }
            items.push(&toks[start..e]);
            start = i + 1;
        }
        i += 1;
    }
    items.push(&toks[start..]);
    for item in items {
        // cut ON / USING conditions
        let end =
            find_depth0(item, 0, |t| t.is_word("on") || t.is_word("using")).unwrap_or(item.len());
        let mut item = &item[..end];
        if item
            .first()
            .is_some_and(|t| t.is_word("lateral") || t.is_word("only"))
        {
            item = &item[1..];
        }
        if item.is_empty() {
            continue;
        }
        if item[0].kind == TokenKind::LParen {
            let close = matching(item, 0);
            let inner = &item[1..close];
            let cols = type_select(cat, inner, src)?;
            let rest = &item[close + 1..];
            let alias = rest
                .iter()
                .find(|t| {
                    matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent) && !t.is_word("as")
                })
                .map(|t| t.ident())
                .unwrap_or_default();
            scope.push((alias, cols));
            continue;
        }
        let mut c = Cursor::new(item, src);
        let (schema, name) = c.qualname().map_err(|f| f.message)?;
        // function in FROM: one column named by the alias (or the function)
        if c.at_kind(TokenKind::LParen) {
            let open = c.i;
            let close = matching(item, open);
            let inner = &item[open + 1..close];
            let mut arg_types = Vec::new();
            if !inner.is_empty() {
                for a in split_depth0(inner, |t| t.kind == TokenKind::Comma) {
                    arg_types.push(type_expr(cat, scope, a, src)?.1);
                }
            }
            let ty = function_type(cat, schema.as_deref(), &name, &arg_types)?;
            c.i = close + 1;
            c.eat_kws(&["with", "ordinality"]);
            c.eat_kw("as");
            let alias = if c.at_ident() {
                c.ident().map_err(|f| f.message)?
            } else {
                name.clone()
            };
            let col = if c.at_kind(TokenKind::LParen) {
                c.ident_list()
                    .map_err(|f| f.message)?
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| alias.clone())
            } else {
                alias.clone()
            };
            scope.push((alias, vec![ViewColumn { name: col, ty }]));
            continue;
        }
        let rel = cat
            .lookup_relation(schema.as_deref(), &name)
            .ok_or_else(|| format!("relation \"{name}\" does not exist"))?;
        c.eat_kw("as");
        let alias = if c.at_ident() {
            c.ident().map_err(|f| f.message)?
        } else {
            name.clone()
        };
        let cols = rel
            .columns
            .iter()
            .map(|col| ViewColumn {
                name: col.name.clone(),
                ty: col.ty.clone(),
            })
            .collect();
        scope.push((alias, cols));
    }
    Ok(())
}

fn numeric_rank(t: &TypeRef) -> Option<u8> {
    if t.schema != "pg_catalog" || t.is_array() {
        return None;
    }
    Some(match t.name.as_str() {
        "int2" => 1,
        "int4" => 2,
        "int8" => 3,
        "numeric" => 4,
        "float4" => 5,
        "float8" => 6,
        _ => return None,
    })
}

fn is_builtin(t: &TypeRef, name: &str) -> bool {
    t.schema == "pg_catalog" && t.name == name && !t.is_array()
}

/// Types one expression: `(name PostgreSQL would give it, type)`.
fn type_expr(
    cat: &Catalog,
    scope: &Scope,
    toks: &[Token<'_>],
    src: &str,
) -> Result<(Option<String>, TypeRef), String> {
    let toks = strip_parens_expr(toks);
    if toks.is_empty() {
        return Err("empty expression".into());
    }
    // boolean connectives and comparisons (lowest precedence)
    for kw in ["or", "and"] {
        if find_depth0_outside_case(toks, |t| t.is_word(kw)).is_some() {
            return Ok((None, TypeRef::builtin("bool")));
        }
    }
    if toks[0].is_word("not") || toks[0].is_word("exists") {
        return Ok((
            if toks[0].is_word("exists") {
                Some("exists".into())
            } else {
                None
            },
            TypeRef::builtin("bool"),
        ));
    }
    if find_depth0_outside_case(toks, |t| {
        [
            "=", "<>", "!=", "<", ">", "<=", ">=", "~", "~*", "!~", "@>", "<@", "&&", "?", "?|",
            "?&",
        ]
        .iter()
        .any(|o| t.is_op(o))
            || [
                "is", "like", "ilike", "in", "between", "similar", "isnull", "notnull",
            ]
            .iter()
            .any(|k| t.is_word(k))
    })
    .is_some()
    {
        return Ok((None, TypeRef::builtin("bool")));
    }
    // string concatenation
    if find_depth0_outside_case(toks, |t| t.is_op("||")).is_some() {
        return Ok((None, TypeRef::builtin("text")));
    }
    // additive then multiplicative
    for ops in [&["+", "-"][..], &["*", "/", "%"][..]] {
        if let Some(k) = rfind_binary(toks, ops) {
            let (_, l) = type_expr(cat, scope, &toks[..k], src)?;
            let (_, r) = type_expr(cat, scope, &toks[k + 1..], src)?;
            return Ok((None, no_typmod(arith(&l, &r, toks[k].text))));
        }
    }
    // casts: the last depth-0 `::`
    if let Some(k) = rfind_depth0(toks, |t| t.is_op("::")) {
        let (name, _) = type_expr(cat, scope, &toks[..k], src)?;
        let ty = parse_type_tokens(cat, &toks[k + 1..], src)?;
        let name = name.or_else(|| Some(type_display_name(&ty)));
        return Ok((name, ty));
    }
    let t0 = toks[0];
    // unary minus
    if t0.is_op("-") || t0.is_op("+") {
        return type_expr(cat, scope, &toks[1..], src).map(|(_, t)| (None, t));
    }
    match t0.kind {
        TokenKind::String if toks.len() == 1 => {
            return Ok((None, TypeRef::builtin("unknown")));
        }
        TokenKind::Number if toks.len() == 1 => {
            let t = if t0.text.contains(['.', 'e', 'E']) {
                "numeric"
            } else if t0.text.parse::<i32>().is_ok() {
                "int4"
            } else if t0.text.parse::<i64>().is_ok() {
                "int8"
            } else {
                "numeric"
            };
            return Ok((None, TypeRef::builtin(t)));
        }
        TokenKind::Param => return Err("parameters are not allowed in views".into()),
        TokenKind::LParen => {
            // scalar subquery
            let close = matching(toks, 0);
            let inner = &toks[1..close];
            if inner.first().is_some_and(|t| t.is_word("select")) {
                let cols = type_select(cat, inner, src)?;
                let c = cols.into_iter().next().ok_or("subquery has no columns")?;
                return Ok((Some(c.name), c.ty));
            }
        }
        _ => {}
    }
    if t0.kind == TokenKind::Word {
        let w = t0.ident();
        // typed literal: `interval '1 day'`, `date '2020-01-01'`
        if toks.len() == 2 && toks[1].kind == TokenKind::String {
            let ty = parse_type_tokens(cat, &toks[..1], src)?;
            return Ok((Some(type_display_name(&ty)), ty));
        }
        match w.as_str() {
            "true" | "false" if toks.len() == 1 => {
                return Ok((Some("bool".into()), TypeRef::builtin("bool")));
            }
            "null" if toks.len() == 1 => return Ok((None, TypeRef::builtin("unknown"))),
            "current_timestamp" | "localtimestamp" | "current_date" | "current_time"
            | "localtime" | "current_user" | "session_user" | "current_schema" | "user"
                if toks.len() == 1 || toks.get(1).is_some_and(|t| t.kind == TokenKind::LParen) =>
            {
                let t = match w.as_str() {
                    "current_timestamp" => "timestamptz",
                    "localtimestamp" => "timestamp",
                    "current_date" => "date",
                    "current_time" => "timetz",
                    "localtime" => "time",
                    _ => "name",
                };
                return Ok((Some(w), TypeRef::builtin(t)));
            }
            "case" => {
                // type of the first THEN result that is not unknown
                let mut depth = 0;
                let mut first_unknown = None;
                for (i, t) in toks.iter().enumerate() {
                    match t.kind {
                        TokenKind::LParen => depth += 1,
                        TokenKind::RParen => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 && (t.is_word("then") || t.is_word("else")) {
                        let end = find_depth0(toks, i + 1, |x| {
                            x.is_word("when") || x.is_word("else") || x.is_word("end")
                        })
                        .unwrap_or(toks.len());
                        let (_, ty) = type_expr(cat, scope, &toks[i + 1..end], src)?;
                        if is_builtin(&ty, "unknown") {
                            first_unknown.get_or_insert(ty);
                        } else {
                            return Ok((Some("case".into()), no_typmod(ty)));
                        }
                    }
                }
                return Ok((Some("case".into()), TypeRef::builtin("text")));
            }
            "cast" if toks.get(1).is_some_and(|t| t.kind == TokenKind::LParen) => {
                let close = matching(toks, 1);
                let inner = &toks[2..close];
                let as_pos = find_depth0(inner, 0, |t| t.is_word("as")).ok_or("CAST without AS")?;
                let (name, _) = type_expr(cat, scope, &inner[..as_pos], src)?;
                let ty = parse_type_tokens(cat, &inner[as_pos + 1..], src)?;
                let name = name.or_else(|| Some(type_display_name(&ty)));
                return Ok((name, ty));
            }
            "array" if toks.get(1).is_some_and(|t| t.kind == TokenKind::LBracket) => {
                let close = matching(toks, 1);
                let first = split_depth0(&toks[2..close], |t| t.kind == TokenKind::Comma)
                    .into_iter()
                    .next()
                    .ok_or("empty ARRAY")?;
                let (_, ty) = type_expr(cat, scope, first, src)?;
                return Ok((Some("array".into()), unknown_to_text(ty).array_of()));
            }
            _ => {}
        }
        // function call
        let (fschema, fname, after) = if toks.get(1).is_some_and(|t| t.kind == TokenKind::Dot)
            && toks.get(3).is_some_and(|t| t.kind == TokenKind::LParen)
        {
            (Some(w.clone()), toks[2].ident(), 3)
        } else {
            (None, w.clone(), 1)
        };
        if toks.get(after).is_some_and(|t| t.kind == TokenKind::LParen) {
            let close = matching(toks, after);
            let inner = &toks[after + 1..close];
            let inner = if inner
                .first()
                .is_some_and(|t| t.is_word("distinct") || t.is_word("all"))
            {
                &inner[1..]
            } else {
                inner
            };
            // `count(*)`
            let args: Vec<&[Token<'_>]> =
                if inner.is_empty() || (inner.len() == 1 && inner[0].is_op("*")) {
                    Vec::new()
                } else {
                    // ORDER BY inside aggregates
                    let end = find_depth0(inner, 0, |t| t.is_word("order")).unwrap_or(inner.len());
                    split_depth0(&inner[..end], |t| t.kind == TokenKind::Comma)
                };
            let mut arg_types = Vec::new();
            let special = matches!(
                fname.as_str(),
                "extract" | "substring" | "position" | "trim" | "overlay"
            );
            if !special {
                for a in &args {
                    arg_types.push(type_expr(cat, scope, a, src)?.1);
                }
            }
            // OVER (...) / FILTER (...) after the call do not change the type
            let ty = no_typmod(function_type(cat, fschema.as_deref(), &fname, &arg_types)?);
            return Ok((Some(fname), ty));
        }
        // column reference: a | t.a | s.t.a
        if let Some(r) = column_ref(scope, toks) {
            return r;
        }
    }
    if t0.kind == TokenKind::QuotedIdent
        && let Some(r) = column_ref(scope, toks)
    {
        return r;
    }
    Err(format!(
        "cannot type expression \"{}\"",
        toks.iter().map(|t| t.text).collect::<Vec<_>>().join(" ")
    ))
}

#[allow(clippy::type_complexity)]
fn column_ref(
    scope: &Scope,
    toks: &[Token<'_>],
) -> Option<Result<(Option<String>, TypeRef), String>> {
    let idents: Vec<String> = toks
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, t)| t.ident())
        .collect();
    let well_formed = toks.iter().enumerate().all(|(i, t)| {
        if i % 2 == 0 {
            matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent)
        } else {
            t.kind == TokenKind::Dot
        }
    });
    if !well_formed {
        return None;
    }
    let col = idents.last()?.clone();
    let found = if idents.len() >= 2 {
        let table = &idents[idents.len() - 2];
        scope
            .iter()
            .find(|(a, _)| a == table)
            .and_then(|(_, cols)| cols.iter().find(|c| c.name == col))
    } else {
        let mut hits = scope
            .iter()
            .filter_map(|(_, cols)| cols.iter().find(|c| c.name == col));
        let first = hits.next();
        if first.is_some() && hits.next().is_some() {
            return Some(Err(format!("column reference \"{col}\" is ambiguous")));
        }
        first
    };
    Some(match found {
        Some(c) => Ok((Some(col), c.ty.clone())),
        None => Err(format!("column \"{col}\" does not exist")),
    })
}

fn strip_parens_expr<'t, 'a>(toks: &'t [Token<'a>]) -> &'t [Token<'a>] {
    let s = strip_parens(toks);
    if s.first().is_some_and(|t| t.is_word("select")) {
        toks
    } else {
        s
    }
}

/// Like [`find_depth0`] but ignoring tokens inside `CASE ... END`.
fn find_depth0_outside_case(
    toks: &[Token<'_>],
    pred: impl Fn(&Token<'_>) -> bool,
) -> Option<usize> {
    let mut depth = 0;
    let mut case = 0;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::LParen | TokenKind::LBracket => depth += 1,
            TokenKind::RParen | TokenKind::RBracket => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            if t.is_word("case") {
                case += 1;
            } else if t.is_word("end") {
                case -= 1;
            } else if case == 0 && pred(t) {
                return Some(i);
            }
        }
    }
    None
}

fn rfind_depth0(toks: &[Token<'_>], pred: impl Fn(&Token<'_>) -> bool) -> Option<usize> {
    let mut depth = 0;
    let mut case = 0;
    let mut found = None;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::LParen | TokenKind::LBracket => depth += 1,
            TokenKind::RParen | TokenKind::RBracket => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            if t.is_word("case") {
                case += 1;
            } else if t.is_word("end") {
                case -= 1;
            } else if case == 0 && pred(t) {
                found = Some(i);
            }
        }
    }
    found
}

/// The last depth-0 binary operator among `ops` (not a unary sign).
fn rfind_binary(toks: &[Token<'_>], ops: &[&str]) -> Option<usize> {
    let mut depth = 0;
    let mut case = 0;
    let mut found = None;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::LParen | TokenKind::LBracket => depth += 1,
            TokenKind::RParen | TokenKind::RBracket => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            if t.is_word("case") {
                case += 1;
            } else if t.is_word("end") {
                case -= 1;
            } else if case == 0
                && i > 0
                && ops.iter().any(|o| t.is_op(o))
                && !matches!(
                    toks[i - 1].kind,
                    TokenKind::Op | TokenKind::LParen | TokenKind::Comma
                )
            {
                found = Some(i);
            }
        }
    }
    found
}

fn arith(l: &TypeRef, r: &TypeRef, op: &str) -> TypeRef {
    let l = unknown_to_text_if(l, r);
    let r = unknown_to_text_if(r, &l);
    if let (Some(a), Some(b)) = (numeric_rank(&l), numeric_rank(&r)) {
        return if a >= b { l.element() } else { r.element() };
    }
    let ts = |t: &TypeRef| is_builtin(t, "timestamptz") || is_builtin(t, "timestamp");
    if ts(&l) && ts(&r) && op == "-" {
        return TypeRef::builtin("interval");
    }
    if is_builtin(&l, "date") && is_builtin(&r, "date") && op == "-" {
        return TypeRef::builtin("int4");
    }
    if is_builtin(&l, "date") && is_builtin(&r, "interval") {
        return TypeRef::builtin("timestamp");
    }
    if is_builtin(&l, "date") && numeric_rank(&r).is_some() {
        return TypeRef::builtin("date");
    }
    if ts(&l) {
        return l.element();
    }
    if is_builtin(&l, "interval") && ts(&r) {
        return r.element();
    }
    l.element()
}

fn unknown_to_text_if(t: &TypeRef, other: &TypeRef) -> TypeRef {
    if is_builtin(t, "unknown") {
        other.clone()
    } else {
        t.clone()
    }
}

fn type_display_name(t: &TypeRef) -> String {
    // FigureColname uses the type's name as written in pg_type (`int4`, `build_status`)
    match t.builtin_type() {
        Some(b) if !t.is_array() => b.typname.to_string(),
        _ => t.name.clone(),
    }
}

fn parse_type_tokens(cat: &Catalog, toks: &[Token<'_>], src: &str) -> Result<TypeRef, String> {
    let mut c = Cursor::new(toks, src);
    let rt = c.raw_type().map_err(|f| f.message)?;
    cat.resolve_type(&rt).map_err(|f| f.message)
}

/// The result type of a call; built-ins first, then the catalog's functions.
fn function_type(
    cat: &Catalog,
    schema: Option<&str>,
    name: &str,
    args: &[TypeRef],
) -> Result<TypeRef, String> {
    let a0 = args.first().cloned();
    let b = TypeRef::builtin;
    let first = || a0.clone().map(unknown_to_text).unwrap_or_else(|| b("text"));
    let t = match name {
        "count" => b("int8"),
        "sum" => match a0.as_ref().and_then(numeric_rank) {
            Some(1 | 2) => b("int8"),
            Some(3 | 4) => b("numeric"),
            Some(_) => first(),
            None => first(),
        },
        "avg" => match a0.as_ref().and_then(numeric_rank) {
            Some(5 | 6) => b("float8"),
            Some(_) => b("numeric"),
            None => first(),
        },
        "min" | "max" | "coalesce" | "nullif" | "greatest" | "least" | "abs" | "floor" | "ceil"
        | "ceiling" | "trunc" | "mode" | "first_value" | "last_value" | "lag" | "lead"
        | "nth_value" | "any_value" => first(),
        "round" => match a0.as_ref().and_then(numeric_rank) {
            Some(6) => b("float8"),
            _ => b("numeric"),
        },
        "array_agg" => first().array_of(),
        "unnest" => first().element(),
        "string_agg" | "lower" | "upper" | "trim" | "btrim" | "ltrim" | "rtrim" | "concat"
        | "concat_ws" | "replace" | "substring" | "substr" | "left" | "right" | "format"
        | "md5" | "to_char" | "initcap" | "repeat" | "lpad" | "rpad" | "split_part"
        | "regexp_replace" | "translate" | "quote_ident" | "quote_literal" | "encode"
        | "reverse" | "chr" | "host" | "text" | "version" => b("text"),
        "length" | "char_length" | "character_length" | "octet_length" | "position" | "strpos"
        | "array_length" | "cardinality" | "array_ndims" | "ascii" => b("int4"),
        "row_number" | "rank" | "dense_rank" | "ntile" => {
            if name == "ntile" {
                b("int4")
            } else {
                b("int8")
            }
        }
        "percent_rank" | "cume_dist" | "random" | "date_part" | "pi" | "power" | "sqrt"
        | "stddev" | "variance" => b("float8"),
        "extract" => b("numeric"),
        "bool_and" | "bool_or" | "every" | "starts_with" => b("bool"),
        "now"
        | "statement_timestamp"
        | "clock_timestamp"
        | "transaction_timestamp"
        | "to_timestamp" => b("timestamptz"),
        "date" | "to_date" => b("date"),
        "age" | "justify_interval" | "justify_days" | "justify_hours" | "make_interval" => {
            b("interval")
        }
        "date_trunc" => args.get(1).cloned().unwrap_or_else(|| b("timestamptz")),
        "json_agg" | "json_build_object" | "json_build_array" | "to_json" | "json_object_agg"
        | "row_to_json" | "array_to_json" => b("json"),
        "jsonb_agg" | "jsonb_build_object" | "jsonb_build_array" | "to_jsonb"
        | "jsonb_object_agg" | "jsonb_set" | "jsonb_strip_nulls" | "jsonb_insert" => b("jsonb"),
        "gen_random_uuid" => b("uuid"),
        "to_tsvector" | "setweight" => b("tsvector"),
        "to_tsquery" | "plainto_tsquery" | "websearch_to_tsquery" | "phraseto_tsquery" => {
            b("tsquery")
        }
        "generate_series" => first(),
        "string_to_array" | "regexp_split_to_array" => b("text").array_of(),
        _ => {
            let f = cat
                .lookup_functions(schema, name)
                .find(|f| f.input_types().len() == args.len())
                .or_else(|| cat.lookup_functions(schema, name).next())
                .ok_or_else(|| format!("function {name} is not known to the simple typer"))?;
            match &f.returns {
                FuncReturn::Scalar(t) | FuncReturn::SetOf(t) => t.clone(),
                FuncReturn::Table(_) | FuncReturn::None => b("record"),
            }
        }
    };
    Ok(t)
}
