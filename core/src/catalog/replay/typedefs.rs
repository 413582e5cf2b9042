//! Types and domains: `CREATE TYPE` (enum, composite, range, shell), `CREATE DOMAIN`, and their `ALTER`s.

#[allow(unused_imports)]
use super::*;

pub(crate) fn create_type(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
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

pub(crate) fn create_domain(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
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

pub(crate) fn alter_type(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
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

pub(crate) fn alter_domain(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
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
