//! Dependencies between catalog objects, walked iteratively (a cycle or a deep chain never
//! overflows the stack): what a drop takes with it, what inheritance children receive, and the
//! cycles the server refuses (circular inheritance, a composite type inside itself).

use std::collections::BTreeSet;

use super::Catalog;
use super::error::ErrorKind;
use super::model::*;
use super::parser::{PResult, fail};
use super::replay::drop_column;
use super::types::TypeRef;

/// Relations that inherit from `q`, or are its partitions.
fn children_of(cat: &Catalog, q: &QualName) -> Vec<QualName> {
    cat.relations()
        .filter(|r| r.parents.contains(q))
        .map(|r| QualName::new(r.schema.clone(), r.name.clone()))
        .collect()
}

/// Adds a new column of `q` to every descendant that lacks it (inheritance children and
/// partitions, at any depth).
pub(crate) fn propagate_to_children(cat: &mut Catalog, q: &QualName, col: &str) {
    let Some(newcol) = cat.rel(q).column(col).cloned() else {
        return;
    };
    let mut seen = BTreeSet::from([q.clone()]);
    let mut todo = children_of(cat, q);
    while let Some(ch) = todo.pop() {
        if !seen.insert(ch.clone()) {
            continue;
        }
        let rel = cat.rel_mut(&ch);
        if rel.column(col).is_none() {
            rel.columns.push(Column {
                comment: None,
                identity: None,
                ..newcol.clone()
            });
        }
        todo.extend(children_of(cat, &ch));
    }
}

/// Foreign keys (table, constraint name) of other tables that reference `q`'s `cols`.
pub(crate) fn fks_depending_on_key(
    cat: &Catalog,
    q: &QualName,
    cols: &[String],
) -> Vec<(QualName, String)> {
    let mut out = Vec::new();
    for r in cat.relations() {
        for con in &r.constraints {
            if let ConstraintKind::ForeignKey(fk) = &con.kind
                && fk.ref_table == *q
                && (cols.is_empty() || fk.ref_columns.iter().all(|c| cols.contains(c)))
            {
                out.push((
                    QualName::new(r.schema.clone(), r.name.clone()),
                    con.name.clone(),
                ));
            }
        }
    }
    out
}

/// Views whose query mentions `q` (and, when given, the column `col`).
pub(crate) fn views_depending_on(cat: &Catalog, q: &QualName, col: Option<&str>) -> Vec<QualName> {
    let mut out = Vec::new();
    for r in cat.relations() {
        if r.depends_on.contains(q) {
            let uses = match col {
                None => true,
                Some(col) => r.column_deps.iter().any(|(t, c)| t == q && c == col),
            };
            if uses {
                out.push(QualName::new(r.schema.clone(), r.name.clone()));
            }
        }
    }
    out
}

/// Drops a relation and everything that depends on it (views over it, at any depth and
/// through cycles that `CREATE OR REPLACE VIEW` can make; its children; foreign keys to it;
/// its indexes and owned sequences).
pub(crate) fn drop_relation_cascade(cat: &mut Catalog, q: &QualName) {
    let mut doomed = vec![q.clone()];
    let mut seen = BTreeSet::from([q.clone()]);
    let mut i = 0;
    while i < doomed.len() {
        let cur = doomed[i].clone();
        i += 1;
        let mut next = views_depending_on(cat, &cur, None);
        next.extend(children_of(cat, &cur));
        for d in next {
            if seen.insert(d.clone()) {
                doomed.push(d);
            }
        }
    }
    for r in &doomed {
        for (t, n) in fks_depending_on_key(cat, r, &[]) {
            if !seen.contains(&t) {
                cat.rel_mut(&t).constraints.retain(|c| c.name != n);
            }
        }
    }
    for r in &doomed {
        cat.forget_unknown_relation(&r.schema, &r.name);
        if let Some(sc) = cat.schemas.get_mut(&r.schema) {
            sc.relations.remove(&r.name);
            sc.indexes.retain(|_, ix| ix.table != r.name);
            sc.sequences
                .retain(|_, s| s.owned_by.as_ref().is_none_or(|(t, _)| *t != r.name));
        }
    }
}

/// The server's check before `child` inherits from `parent`: `parent` must not be `child`
/// or one of its descendants.
///
/// ```sql
/// -- psql, PostgreSQL 15: create table t (id int); create table u () inherits (t);
/// -- alter table t inherit u;
/// -- ERROR:  circular inheritance not allowed
/// -- DETAIL:  "u" is already a child of "t".
/// ```
pub(crate) fn check_inheritance(
    cat: &Catalog,
    child: &QualName,
    parent: &QualName,
    off: usize,
) -> PResult<()> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![parent.clone()];
    while let Some(cur) = todo.pop() {
        if cur == *child {
            return fail(
                off,
                ErrorKind::DuplicateObject,
                "circular inheritance not allowed",
            );
        }
        if seen.insert(cur.clone())
            && let Some(r) = cat.relation(&cur.schema, &cur.name)
        {
            todo.extend(r.parents.iter().cloned());
        }
    }
    Ok(())
}

/// The server's check before a column or attribute of type `ty` joins the composite type
/// (or table row type) `owner`: `ty` must not contain `owner`, through arrays, domains,
/// ranges, composite attributes and table columns.
///
/// ```sql
/// -- psql, PostgreSQL 15: create type c as (x int); alter type c add attribute y c;
/// -- ERROR:  composite type c cannot be made a member of itself
/// ```
pub(crate) fn check_not_member_of_itself(
    cat: &Catalog,
    owner: &QualName,
    ty: &TypeRef,
    off: usize,
) -> PResult<()> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![QualName::new(ty.schema.clone(), ty.name.clone())];
    while let Some(cur) = todo.pop() {
        if cur == *owner {
            return fail(
                off,
                ErrorKind::InvalidDefinition,
                format!(
                    "composite type {} cannot be made a member of itself",
                    owner.name
                ),
            );
        }
        if !seen.insert(cur.clone()) {
            continue;
        }
        let qn = |t: &TypeRef| QualName::new(t.schema.clone(), t.name.clone());
        match cat.type_def(&cur.schema, &cur.name).map(|d| &d.kind) {
            Some(TypeKind::Composite(fields)) => todo.extend(fields.iter().map(|(_, t)| qn(t))),
            Some(TypeKind::Domain { base, .. }) => todo.push(qn(base)),
            Some(TypeKind::Range { subtype }) => todo.push(qn(subtype)),
            _ => {}
        }
        if let Some(r) = cat.relation(&cur.schema, &cur.name) {
            todo.extend(r.columns.iter().map(|c| qn(&c.ty)));
        }
    }
    Ok(())
}

/// Types whose definition uses `(schema, name)` directly (composite attributes, domain
/// bases, range subtypes).
fn types_using(cat: &Catalog, schema: &str, name: &str) -> Vec<(String, String)> {
    let uses = |t: &TypeRef| t.schema == schema && t.name == name;
    cat.types()
        .filter(|t| match &t.kind {
            TypeKind::Composite(f) => f.iter().any(|(_, t)| uses(t)),
            TypeKind::Domain { base, .. } => uses(base),
            TypeKind::Range { subtype } => uses(subtype),
            _ => false,
        })
        .map(|t| (t.schema.clone(), t.name.clone()))
        .collect()
}

/// Table and view columns of type `(schema, name)`.
fn columns_using(cat: &Catalog, schema: &str, name: &str) -> Vec<(QualName, String)> {
    let mut out = Vec::new();
    for r in cat.relations() {
        for col in &r.columns {
            if col.ty.schema == schema && col.ty.name == name {
                out.push((
                    QualName::new(r.schema.clone(), r.name.clone()),
                    col.name.clone(),
                ));
            }
        }
    }
    out
}

/// `DROP TYPE` / `DROP DOMAIN`: without `CASCADE`, the server's error when something uses
/// the type; with it, the types built on it (at any depth), the columns of those types (a
/// view's column drops the view) and the functions that take or return them go too.
pub(crate) fn drop_type(
    cat: &mut Catalog,
    s: &str,
    name: &str,
    cascade: bool,
    off: usize,
) -> PResult<()> {
    if !cascade {
        let what = columns_using(cat, s, name)
            .first()
            .map(|(t, c)| format!("column {c} of table {} depends on type {name}", t.name))
            .or_else(|| {
                types_using(cat, s, name)
                    .first()
                    .map(|(_, t)| format!("type {t} depends on type {name}"))
            });
        if let Some(what) = what {
            return fail(
                off,
                ErrorKind::DependentObjects,
                format!("cannot drop type {name} because other objects depend on it ({what})"),
            );
        }
    }
    let mut doomed = vec![(s.to_string(), name.to_string())];
    let mut seen: BTreeSet<(String, String)> = doomed.iter().cloned().collect();
    let mut i = 0;
    while i < doomed.len() {
        let (ts, tn) = doomed[i].clone();
        i += 1;
        for u in types_using(cat, &ts, &tn) {
            if seen.insert(u.clone()) {
                doomed.push(u);
            }
        }
    }
    for (ts, tn) in &doomed {
        drop_one_type(cat, ts, tn, off)?;
    }
    Ok(())
}

/// Drops one type, its columns and its functions (the types built on it are the caller's).
fn drop_one_type(cat: &mut Catalog, s: &str, name: &str, off: usize) -> PResult<()> {
    for (t, col) in columns_using(cat, s, name) {
        if cat.relation(&t.schema, &t.name).is_some() {
            if cat.rel(&t).kind.is_table() {
                drop_column(cat, &t, &col, true, off)?;
            } else {
                drop_relation_cascade(cat, &t);
            }
        }
    }
    let uses = |t: &TypeRef| t.schema == s && t.name == name;
    for sc in cat.schemas.values_mut() {
        sc.functions.retain(|f| {
            !(f.args.iter().any(|a| uses(&a.ty))
                || matches!(&f.returns, FuncReturn::Scalar(t) | FuncReturn::SetOf(t) if uses(t)))
        });
    }
    if let Some(sc) = cat.schemas.get_mut(s) {
        sc.types.remove(name);
    }
    Ok(())
}
