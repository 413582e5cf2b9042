//! `ALTER TABLE` (and `ALTER VIEW`) actions: columns, constraints, renames, schemas, inheritance, partitions.

#[allow(unused_imports)]
use super::*;

pub(crate) fn alter_table(
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

pub(crate) fn move_relation(cat: &mut Catalog, q: &QualName, new_schema: &str) {
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
    pub(crate) fn retarget_relation(&mut self, old: &QualName, new: &QualName) {
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

pub(crate) fn rename_class(
    cat: &mut Catalog,
    schema: &str,
    old: &str,
    new: &str,
    off: usize,
) -> PResult<()> {
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

pub(crate) fn rename_column(
    cat: &mut Catalog,
    q: &QualName,
    old: &str,
    new: &str,
    off: usize,
) -> PResult<()> {
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

pub(crate) fn alter_table_action(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
    q: &QualName,
) -> PResult<()> {
    let off = c.offset();
    if c.eat_kw("add") {
        return add_action(cat, c, ctx, notes, q, off);
    }
    if c.eat_kw("drop") {
        return drop_action(cat, c, ctx, notes, q);
    }
    if c.eat_kw("alter") {
        return alter_column(cat, c, q);
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

/// `ALTER COLUMN ... TYPE`: refused under a generated column or a view, as the server does.
fn alter_column_type(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    q: &QualName,
    col: &str,
    coff: usize,
) -> PResult<()> {
    let used_by_generated = cat.rel(q).columns.iter().any(|g| {
        g.generated
            .as_deref()
            .is_some_and(|e| idents_in(e).iter().any(|x| x == col))
    });
    if used_by_generated {
        return fail(
            coff,
            ErrorKind::InvalidDefinition,
            "cannot alter type of a column used by a generated column",
        );
    }
    if let Some(v) = views_depending_on(cat, q, Some(col)).first() {
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
    if let Some(cc) = rel.column_mut(col) {
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
        if sq.owned_by.as_ref() == Some(&(q.name.clone(), col.to_string()))
            && ty.builtin_type().is_some_and(|b| b.category == 'N')
        {
            let _ = &sq.data_type;
        }
    }
    Ok(())
}

/// `ALTER [COLUMN] name ...`.
fn alter_column(cat: &mut Catalog, c: &mut Cursor<'_, '_>, q: &QualName) -> PResult<()> {
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
        return alter_column_type(cat, c, q, &col, coff);
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
    c.syntax("an ALTER COLUMN action")
}

/// `DROP CONSTRAINT` / `DROP [COLUMN]`.
fn drop_action(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
    q: &QualName,
) -> PResult<()> {
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
            .retain(|_, ix| ix.constraint.as_deref() != Some(name.as_str()) || ix.table != q.name);
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
    drop_column(cat, q, &name, cascade, coff)
}

/// `ADD [CONSTRAINT ...]` / `ADD [COLUMN]`.
fn add_action(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
    q: &QualName,
    off: usize,
) -> PResult<()> {
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
    Ok(())
}
