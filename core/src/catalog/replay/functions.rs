//! Functions, procedures and aggregates: signatures, `CREATE`, `ALTER ... RENAME`.

#[allow(unused_imports)]
use super::*;

/// Parses `(args)` of a function signature.
pub(crate) fn func_args(cat: &Catalog, c: &mut Cursor<'_, '_>) -> PResult<Vec<FuncArg>> {
    c.expect_kind(TokenKind::LParen, "(")?;
    let mut args = Vec::new();
    if c.eat_kind(TokenKind::RParen) {
        return Ok(args);
    }
    loop {
        let mut mode = ArgMode::In;
        if c.eat_kw("inout") {
            mode = ArgMode::InOut;
        } else if c.eat_kw("in") {
        } else if c.eat_kw("out") {
            mode = ArgMode::Out;
        } else if c.eat_kw("variadic") {
            mode = ArgMode::Variadic;
        }
        // name type | type
        let save = c.i;
        let mut name = None;
        let ty = {
            let first = c.raw_type()?;
            let next_is_type = c.at_ident()
                && !c.at_kw("default")
                && !c.peek().is_some_and(|t| t.kind == TokenKind::Op);
            if next_is_type
                && first.schema.is_none()
                && first.mods.is_empty()
                && first.array_dims == 0
                && !first.name.contains(' ')
            {
                c.i = save;
                name = Some(c.ident()?);
                cat.parse_type(c)?
            } else if next_is_type {
                // the first "type" was really a multi-word name? treat as name anyway
                c.i = save;
                name = Some(c.ident()?);
                cat.parse_type(c)?
            } else {
                cat.resolve_type(&first)?
            }
        };
        let mut has_default = false;
        if c.eat_kw("default") || c.eat_op("=") {
            has_default = true;
            c.text_until(|_| false);
        }
        args.push(FuncArg {
            name,
            ty,
            mode,
            has_default,
        });
        if !c.eat_kind(TokenKind::Comma) {
            break;
        }
    }
    c.expect_kind(TokenKind::RParen, ")")?;
    Ok(args)
}

pub(crate) fn create_function(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    kind: FuncKind,
    or_replace: bool,
) -> PResult<()> {
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let schema = cat.creation_schema(schema.as_deref(), off)?;
    let args = func_args(cat, c)?;
    let mut returns = FuncReturn::None;
    let mut language = "sql".to_string();
    while !c.done() {
        if c.eat_kw("returns") {
            if c.eat_kw("setof") {
                returns = FuncReturn::SetOf(cat.parse_type(c)?);
            } else if c.eat_kw("table") {
                c.expect_kind(TokenKind::LParen, "(")?;
                let mut cols = Vec::new();
                loop {
                    let n = c.ident()?;
                    let t = cat.parse_type(c)?;
                    cols.push((n, t));
                    if !c.eat_kind(TokenKind::Comma) {
                        break;
                    }
                }
                c.expect_kind(TokenKind::RParen, ")")?;
                returns = FuncReturn::Table(cols);
            } else {
                returns = FuncReturn::Scalar(cat.parse_type(c)?);
            }
        } else if c.eat_kw("language") {
            language = match c.peek() {
                Some(t) if t.kind == TokenKind::String => c.string()?,
                _ => c.ident()?,
            };
        } else if c.eat_kws(&["begin", "atomic"]) {
            c.skip_rest();
        } else if c.at_kind(TokenKind::LParen) {
            c.skip_group()?;
        } else {
            c.bump();
        }
    }
    if kind == FuncKind::Function && returns == FuncReturn::None {
        // OUT parameters define the result
        let outs: Vec<&FuncArg> = args
            .iter()
            .filter(|a| matches!(a.mode, ArgMode::Out | ArgMode::InOut))
            .collect();
        returns = match outs.as_slice() {
            [] => return c.syntax("RETURNS"),
            [one] => FuncReturn::Scalar(one.ty.clone()),
            _ => FuncReturn::Scalar(TypeRef::builtin("record")),
        };
    }
    let f = Function {
        schema: schema.clone(),
        name,
        kind,
        args,
        returns,
        language,
        extension: None,
        comment: None,
    };
    let sc = cat.schemas.get_mut(&schema).expect("schema");
    let same = |g: &Function| g.name == f.name && g.input_types() == f.input_types();
    if let Some(pos) = sc.functions.iter().position(same) {
        if !or_replace {
            return fail(
                off,
                ErrorKind::DuplicateObject,
                format!(
                    "function \"{}\" already exists with same argument types",
                    f.name
                ),
            );
        }
        let comment = sc.functions[pos].comment.clone();
        sc.functions[pos] = Function { comment, ..f };
    } else {
        sc.functions.push(f);
    }
    Ok(())
}

pub(crate) fn create_aggregate(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    or_replace: bool,
) -> PResult<()> {
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let schema = cat.creation_schema(schema.as_deref(), off)?;
    let args = if c.at_kind(TokenKind::LParen) && c.peek_at(1).is_some_and(|t| t.is_op("*")) {
        c.skip_group()?;
        Vec::new()
    } else {
        func_args(cat, c)?
    };
    let body = c.group_text()?;
    let toks = crate::syntax::tokenize(&body);
    let mut bc = Cursor::new(&toks, &body);
    let mut stype = None;
    while !bc.done() {
        if bc.eat_kw("stype") {
            bc.eat_op("=");
            stype = Some(cat.parse_type(&mut bc).map_err(|mut f| {
                f.offset = off;
                f
            })?);
        } else {
            bc.bump();
        }
    }
    let f = Function {
        schema: schema.clone(),
        name,
        kind: FuncKind::Aggregate,
        args,
        returns: FuncReturn::Scalar(stype.unwrap_or_else(|| TypeRef::builtin("record"))),
        language: "internal".into(),
        extension: None,
        comment: None,
    };
    let sc = cat.schemas.get_mut(&schema).expect("schema");
    if let Some(pos) = sc
        .functions
        .iter()
        .position(|g| g.name == f.name && g.input_types() == f.input_types())
    {
        if !or_replace {
            return fail(
                off,
                ErrorKind::DuplicateObject,
                format!(
                    "function \"{}\" already exists with same argument types",
                    f.name
                ),
            );
        }
        sc.functions[pos] = f;
    } else {
        sc.functions.push(f);
    }
    Ok(())
}

pub(crate) fn alter_function(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let off = c.offset();
    let (schema, name) = c.qualname()?;
    let args = if c.at_kind(TokenKind::LParen) {
        Some(func_args(cat, c)?)
    } else {
        None
    };
    let found = cat.find_in_schemas(schema.as_deref(), |s| {
        s.functions.iter().any(|f| f.name == name)
    });
    let Some(s) = found else {
        return fail(
            off,
            ErrorKind::UndefinedFunction,
            format!("function {name} does not exist"),
        );
    };
    if c.eat_kws(&["rename", "to"]) {
        let new = c.ident()?;
        let want: Option<Vec<TypeRef>> = args.map(|a| {
            a.iter()
                .filter(|x| x.mode != ArgMode::Out)
                .map(|x| x.ty.clone())
                .collect()
        });
        for f in &mut cat.schemas.get_mut(&s).expect("schema").functions {
            if f.name == name
                && want
                    .as_ref()
                    .is_none_or(|w| f.input_types().into_iter().cloned().collect::<Vec<_>>() == *w)
            {
                f.name = new.clone();
            }
        }
    }
    c.skip_rest();
    Ok(())
}
