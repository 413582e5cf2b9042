//! Views, materialized views, `CREATE TABLE AS`, indexes and sequences.

#[allow(unused_imports)]
use super::*;

pub(crate) fn create_table_as(
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

pub(crate) fn create_view(
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
                .and_then(|_| crate::catalog::unknown::unknown_named_in(cat, &c.toks[start..end]));
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
    let depends_on = crate::catalog::select::referenced_relations(cat, &query);
    let column_deps = crate::catalog::select::referenced_columns(cat, &query);
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

pub(crate) fn create_index(
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
pub(crate) fn key_name_part(key: &str, is_column: bool) -> String {
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

pub(crate) fn create_sequence(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
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

pub(crate) fn sequence_options(
    cat: &Catalog,
    c: &mut Cursor<'_, '_>,
    seq: &mut Sequence,
) -> PResult<()> {
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

pub(crate) fn alter_index(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
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

pub(crate) fn alter_sequence(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
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
