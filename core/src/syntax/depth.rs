//! A cheap pre-scan over tokens that refuses input nested deeper than the server itself
//! accepts, before any recursive code (squawk's parser, rowan's tree, the analyser) sees it.
//!
//! PostgreSQL 15 (default `max_stack_depth` = 2MB) measured with psql:
//! - `SELECT 1+1+…`: 4,092 terms run, 4,093 give `stack depth limit exceeded`;
//! - `SELECT ((…(1)…))`: 9,993 parentheses run, 9,994 give `memory exhausted at or near "("`
//!   (the grammar's stack, `YYMAXDEPTH` = 10,000);
//! - `… WHERE a = 0 OR a = 1 OR …` is flattened by the server and runs at any length; here a
//!   chain of more than [`MAX_BOOL_CHAIN`] `AND`/`OR` terms is refused (a known divergence: the
//!   tree below is binary, and building it is quadratic in its depth).

use super::token::{Token, TokenKind, tokenize};

/// Most operators (other than `AND`/`OR`) chained in one expression, as the server runs them.
pub(crate) const MAX_OP_CHAIN: usize = 4_091;
/// Most open parentheses and brackets at once, as the server runs them.
pub(crate) const MAX_PARENS: usize = 9_993;
/// Most `AND`/`OR` operators chained in one expression.
pub(crate) const MAX_BOOL_CHAIN: usize = 20_000;

/// Runs one level of a recursive walk over a syntax or semantic tree, first moving to a new
/// stack segment when less than 128 KiB is left: deep input (bounded by [`check`]) then never
/// overflows the thread's stack, which in `build.rs` or a proc macro would abort the compiler.
pub(crate) fn recurse<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(128 * 1024, 4 << 20, f)
}

/// Why a text is too deep: the server's message and the byte offset of the token at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TooDeep {
    pub message: String,
    pub offset: usize,
}

/// Operators chained in one parenthesised group (one list item of it).
#[derive(Debug, Default, Clone, Copy)]
struct Chain {
    boolean: usize,
    other: usize,
}

/// Words after which a new expression starts (the chain so far ends there).
const RESTARTS: &[&str] = &[
    "select",
    "from",
    "where",
    "group",
    "having",
    "window",
    "order",
    "limit",
    "offset",
    "fetch",
    "when",
    "then",
    "else",
    "end",
    "on",
    "using",
    "returning",
    "set",
    "values",
    "union",
    "intersect",
    "except",
    "as",
];

/// The first place where `sql` nests deeper than the server accepts, if any.
pub(crate) fn check(sql: &str) -> Option<TooDeep> {
    check_tokens(&tokenize(sql))
}

/// [`check`] over a text's tokens.
pub(crate) fn check_tokens(tokens: &[Token<'_>]) -> Option<TooDeep> {
    let mut groups: Vec<Chain> = vec![Chain::default()];
    for t in tokens {
        match t.kind {
            TokenKind::LParen | TokenKind::LBracket => {
                if groups.len() > MAX_PARENS {
                    return Some(TooDeep {
                        message: format!("memory exhausted at or near \"{}\"", t.text),
                        offset: t.offset,
                    });
                }
                groups.push(Chain::default());
            }
            TokenKind::RParen | TokenKind::RBracket if groups.len() > 1 => {
                groups.pop();
            }
            TokenKind::Comma | TokenKind::Semi => {
                if let Some(g) = groups.last_mut() {
                    *g = Chain::default();
                }
            }
            TokenKind::Word | TokenKind::Op => {
                if let Some(g) = groups.last_mut()
                    && let Some(err) = count(g, t)
                {
                    return Some(err);
                }
            }
            _ => {}
        }
    }
    None
}

/// Counts `t` into the chain `g`; an error when the chain grows too long.
fn count(g: &mut Chain, t: &Token<'_>) -> Option<TooDeep> {
    if t.kind == TokenKind::Op {
        g.other += 1;
    } else if t.is_word("and") || t.is_word("or") {
        g.boolean += 1;
        g.other = 0;
    } else if RESTARTS.iter().any(|w| t.is_word(w)) {
        *g = Chain::default();
    }
    (g.other > MAX_OP_CHAIN || g.boolean > MAX_BOOL_CHAIN).then(|| TooDeep {
        message: "stack depth limit exceeded".into(),
        offset: t.offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize, op: &str) -> String {
        format!("SELECT {}", vec!["1"; n].join(op))
    }

    #[test]
    fn operator_chains_stop_where_the_server_stops() {
        assert_eq!(check(&chain(MAX_OP_CHAIN + 1, "+")), None);
        let err = check(&chain(MAX_OP_CHAIN + 2, "+")).map(|e| e.message);
        assert_eq!(err.as_deref(), Some("stack depth limit exceeded"));
        // list items and clauses do not add up
        let list = vec!["1+1"; 10_000].join(", ");
        assert_eq!(check(&format!("SELECT {list} FROM t WHERE {list}")), None);
    }

    #[test]
    fn parentheses_stop_where_the_grammar_stops() {
        let nest = |n: usize| format!("SELECT {}1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(check(&nest(MAX_PARENS)), None);
        let err = check(&nest(MAX_PARENS + 1));
        assert_eq!(
            err,
            Some(TooDeep {
                message: "memory exhausted at or near \"(\"".into(),
                offset: 7 + MAX_PARENS,
            })
        );
    }

    #[test]
    fn boolean_chains_reset_comparison_chains() {
        let or: Vec<String> = (0..MAX_OP_CHAIN * 2).map(|i| format!("a = {i}")).collect();
        assert_eq!(check(&format!("SELECT 1 WHERE {}", or.join(" OR "))), None);
    }
}
