//! `COMMENT ON` for the objects that keep one.

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------------------------
// COMMENT, SET, SELECT

pub(crate) fn comment(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    c.expect_kw("on")?;
    let text_of = |c: &mut Cursor<'_, '_>| -> PResult<Option<String>> {
        c.expect_kw("is")?;
        if c.eat_kw("null") {
            Ok(None)
        } else {
            let s = c.string()?;
            Ok(if s.is_empty() { None } else { Some(s) })
        }
    };
    let off = c.offset();
    if c.eat_kw("column") {
        let mut parts = vec![c.ident()?];
        while c.eat_kind(TokenKind::Dot) {
            parts.push(c.ident()?);
        }
        let col = parts.pop().unwrap_or_default();
        let table = parts.pop().unwrap_or_default();
        let schema = parts.pop();
        let text = text_of(c)?;
        let q = cat.require_relation(schema.as_deref(), &table, off)?;
        let Some(cc) = cat.rel_mut(&q).column_mut(&col) else {
            return fail(
                off,
                ErrorKind::UndefinedColumn,
                format!("column \"{col}\" of relation \"{table}\" does not exist"),
            );
        };
        cc.comment = text;
        return Ok(());
    }
    if c.eat_kw("table") || c.eat_kw("view") || c.eat_kws(&["materialized", "view"]) {
        let (s, n) = c.qualname()?;
        let text = text_of(c)?;
        let q = cat.require_relation(s.as_deref(), &n, off)?;
        cat.rel_mut(&q).comment = text;
        return Ok(());
    }
    if c.eat_kw("type") || c.eat_kw("domain") {
        let (s, n) = c.qualname()?;
        let text = text_of(c)?;
        let Some(sc) = find_type_schema(cat, s.as_deref(), &n) else {
            return fail(
                off,
                ErrorKind::UndefinedObject,
                format!("type \"{n}\" does not exist"),
            );
        };
        if let Some(t) = cat.schemas.get_mut(&sc).and_then(|x| x.types.get_mut(&n)) {
            t.comment = text;
        }
        return Ok(());
    }
    if c.eat_kw("schema") {
        let n = c.ident()?;
        let text = text_of(c)?;
        match cat.schemas.get_mut(&n) {
            Some(s) => s.comment = text,
            None => {
                return fail(
                    off,
                    ErrorKind::UndefinedSchema,
                    format!("schema \"{n}\" does not exist"),
                );
            }
        }
        return Ok(());
    }
    if c.eat_kw("constraint") {
        let cname = c.ident()?;
        c.expect_kw("on")?;
        c.eat_kw("domain");
        let (s, n) = c.qualname()?;
        let text = text_of(c)?;
        if let Some(sch) = cat.find_relation_schema(s.as_deref(), &n) {
            let q = QualName::new(sch, n);
            if let Some(con) = cat
                .rel_mut(&q)
                .constraints
                .iter_mut()
                .find(|x| x.name == cname)
            {
                con.comment = text;
            }
        }
        return Ok(());
    }
    if c.eat_kw("function") || c.eat_kw("procedure") {
        let (s, n) = c.qualname()?;
        if c.at_kind(TokenKind::LParen) {
            c.skip_group()?;
        }
        let text = text_of(c)?;
        for sc in cat.schemas.values_mut() {
            if s.as_ref().is_none_or(|x| *x == sc.name) {
                for f in sc.functions.iter_mut().filter(|f| f.name == n) {
                    f.comment = text.clone();
                }
            }
        }
        return Ok(());
    }
    // INDEX, SEQUENCE, EXTENSION, TRIGGER, ...: kept nowhere
    c.skip_rest();
    Ok(())
}
