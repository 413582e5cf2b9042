//! `DROP` of every object kind the catalog holds, with the server's dependency errors.

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------------------------
// DROP

pub(crate) fn drop_stmt(
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
