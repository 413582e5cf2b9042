//! Session settings that change name resolution: `SET search_path`, `set_config`.

#[allow(unused_imports)]
use super::*;

pub(crate) fn parse_search_path(c: &mut Cursor<'_, '_>) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(t) = c.bump() {
        match t.kind {
            TokenKind::Word | TokenKind::QuotedIdent => {
                let id = t.ident();
                if id != "$user" && !t.is_word("default") {
                    out.push(id);
                }
            }
            TokenKind::String => {
                let v = t.string_value().unwrap_or_default();
                for part in v.split(',') {
                    let p = part.trim().trim_matches('"');
                    if !p.is_empty() && p != "$user" {
                        out.push(p.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

pub(crate) fn set_stmt(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let local = c.eat_kw("local");
    c.eat_kw("session");
    if c.eat_kw("search_path") {
        if !(c.eat_kw("to") || c.eat_op("=")) {
            return c.syntax("TO");
        }
        let default = c.at_kw("default");
        let mut path = parse_search_path(c);
        if default {
            path = vec!["public".into()];
        }
        if local && cat.saved_search_path.is_none() {
            cat.saved_search_path = Some(cat.search_path.clone());
        }
        cat.search_path = path;
    }
    c.skip_rest();
    Ok(())
}

/// `SELECT set_config('search_path', '...', is_local)` changes the search path; other
/// `SELECT`s are data statements and skipped.
pub(crate) fn select_stmt(cat: &mut Catalog, c: &mut Cursor<'_, '_>) -> PResult<()> {
    let toks = c.toks;
    for (i, t) in toks.iter().enumerate() {
        if t.is_word("set_config")
            && toks.get(i + 1).is_some_and(|p| p.kind == TokenKind::LParen)
            && toks
                .get(i + 2)
                .and_then(|s| s.string_value())
                .is_some_and(|v| v == "search_path")
        {
            let value = toks
                .get(i + 4)
                .and_then(|s| s.string_value())
                .unwrap_or_default();
            let is_local = toks.get(i + 6).is_some_and(|b| b.is_word("true"));
            let path: Vec<String> = value
                .split(',')
                .map(|p| p.trim().trim_matches('"').to_string())
                .filter(|p| !p.is_empty() && p != "$user")
                .collect();
            if is_local && cat.saved_search_path.is_none() {
                cat.saved_search_path = Some(cat.search_path.clone());
            }
            cat.search_path = path;
        }
    }
    c.skip_rest();
    Ok(())
}
