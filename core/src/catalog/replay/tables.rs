//! `CREATE TABLE`: column definitions, `LIKE`, `INHERITS`, `PARTITION OF`, serial and identity sequences, stored defaults.

#[allow(unused_imports)]
use super::*;

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
    pub(crate) fn stored_default(&self, ty: &TypeRef, text: String) -> Option<String> {
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

/// `true` for `NULL`, `(NULL)`, `NULL::type`, `CAST(NULL AS type)`: PostgreSQL stores no
/// default for a null constant.
pub(crate) fn is_null_constant(text: &str) -> bool {
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

/// A column definition and its inline constraints, before they are applied.
pub(crate) struct ColDef {
    pub(crate) col: Column,
    pub(crate) serial: Option<&'static str>,
    pub(crate) constraints: Vec<(Option<String>, PendingConstraint, usize)>,
    pub(crate) identity_seq: bool,
    pub(crate) offset: usize,
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
                    && !crate::catalog::model::is_reserved_word(&t.ident())
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

pub(crate) fn is_constraint_start(c: &Cursor<'_, '_>) -> bool {
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
pub(crate) fn column_def(cat: &Catalog, c: &mut Cursor<'_, '_>) -> PResult<ColDef> {
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

pub(crate) fn create_table(
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

pub(crate) fn add_serial_sequence(
    cat: &mut Catalog,
    q: &QualName,
    col: &str,
    identity: bool,
) -> PResult<()> {
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
