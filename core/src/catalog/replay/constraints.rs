//! Table constraints: reading them (inline and table-level), naming them as the server does, and checking keys and foreign keys.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone)]
pub(crate) enum PendingConstraint {
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

pub(crate) struct ConstraintFlags {
    pub(crate) not_valid: bool,
    pub(crate) deferrable: bool,
}

pub(crate) fn fk_action(c: &mut Cursor<'_, '_>) -> PResult<FkAction> {
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
pub(crate) fn references(
    c: &mut Cursor<'_, '_>,
    columns: Vec<String>,
) -> PResult<PendingConstraint> {
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

pub(crate) fn constraint_tail(c: &mut Cursor<'_, '_>) -> ConstraintFlags {
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

pub(crate) fn nulls_distinct(c: &mut Cursor<'_, '_>) {
    if c.eat_kws(&["nulls", "not", "distinct"]) || c.eat_kws(&["nulls", "distinct"]) {}
}

/// Table-level constraint after the optional `CONSTRAINT name`.
pub(crate) fn table_constraint(c: &mut Cursor<'_, '_>) -> PResult<PendingConstraint> {
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

/// Types that can be compared by a foreign key: equal after domains, or in the same family.
pub(crate) fn fk_compatible(cat: &Catalog, a: &TypeRef, b: &TypeRef) -> bool {
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

pub(crate) fn add_constraint(
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
