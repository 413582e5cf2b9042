//! Tokens of a PostgreSQL query text for the query analyser's parser: `core::syntax`'s token
//! stream (squawk's scanner) in the shape the parser reads.

use crate::syntax::{self, TokenKind};

/// A token kind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// Unquoted identifier or keyword, folded to lower case.
    Word(String),
    /// Quoted identifier (case kept).
    QuotedIdent(String),
    /// String literal (decoded).
    Str(String),
    /// Integer literal text.
    Int(String),
    /// Non-integer numeric literal text.
    Num(String),
    /// `$n`.
    Param(usize),
    /// Operator or punctuation.
    Op(String),
    /// End of input.
    Eof,
}

/// A token with its byte offset.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    pub offset: usize,
}

/// A lexical error: message and byte offset.
#[derive(Debug, Clone)]
pub(crate) struct LexError {
    pub message: String,
    pub offset: usize,
}

pub(crate) fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    let toks = syntax::Token::tokenize_checked(src).map_err(|e| LexError {
        message: e.message,
        offset: e.offset,
    })?;
    if let Some(deep) = syntax::check_depth(&toks) {
        return Err(LexError {
            message: deep.message,
            offset: deep.offset,
        });
    }
    let mut out = Vec::with_capacity(toks.len() + 1);
    let mut prev: Option<syntax::Token<'_>> = None;
    for t in toks {
        let push = |out: &mut Vec<Token>, tok| {
            out.push(Token {
                tok,
                offset: t.offset,
            })
        };
        match t.kind {
            TokenKind::Word | TokenKind::QuotedIdent => {
                let ident = t.ident();
                push(
                    &mut out,
                    if t.kind == TokenKind::Word {
                        Tok::Word(ident)
                    } else {
                        Tok::QuotedIdent(ident)
                    },
                );
            }
            TokenKind::String => {
                let value = t.string_value().unwrap_or_default();
                if let Some(p) = prev
                    && t.continues_string(&p, src)
                    && let Some(Token {
                        tok: Tok::Str(s), ..
                    }) = out.last_mut()
                {
                    s.push_str(&value);
                } else {
                    // B'…' and X'…' are bit strings, N'…' is `nchar` (bpchar): the grammar
                    // types them as `bit '…'` and `char '…'` literals.
                    match t.text.as_bytes()[0] {
                        b'b' | b'B' | b'x' | b'X' => push(&mut out, Tok::Word("bit".into())),
                        b'n' | b'N' => push(&mut out, Tok::Word("char".into())),
                        _ => {}
                    }
                    push(&mut out, Tok::Str(value));
                }
            }
            TokenKind::Number => {
                let value = t.number_value().unwrap_or_default();
                push(
                    &mut out,
                    if t.is_integer() {
                        Tok::Int(value)
                    } else {
                        Tok::Num(value)
                    },
                );
            }
            TokenKind::Param => {
                let n = t.text[1..].parse().map_err(|_| LexError {
                    message: format!("parameter number too large at or near \"{}\"", t.text),
                    offset: t.offset,
                })?;
                push(&mut out, Tok::Param(n));
            }
            TokenKind::Op => {
                for op in t.split_operator() {
                    let text = if op.text == "!=" { "<>" } else { op.text };
                    out.push(Token {
                        tok: Tok::Op(text.into()),
                        offset: op.offset,
                    });
                }
            }
            TokenKind::LParen
            | TokenKind::RParen
            | TokenKind::LBracket
            | TokenKind::RBracket
            | TokenKind::Comma
            | TokenKind::Semi
            | TokenKind::Dot => push(&mut out, Tok::Op(t.text.into())),
            TokenKind::Other => {
                return Err(LexError {
                    message: format!("syntax error at or near \"{}\"", t.text),
                    offset: t.offset,
                });
            }
        }
        prev = Some(t);
    }
    out.push(Token {
        tok: Tok::Eof,
        offset: src.len(),
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src)
            .unwrap_or_else(|e| panic!("{}: {}", e.offset, e.message))
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    fn err(src: &str) -> (String, usize) {
        let e = lex(src).err().unwrap_or_else(|| panic!("{src} lexed"));
        (e.message, e.offset)
    }

    fn op(s: &str) -> Tok {
        Tok::Op(s.into())
    }

    #[test]
    fn words_identifiers_literals() {
        assert_eq!(
            toks("SELECT \"Ab\"\"c\", E'a\\n''b', $x$q$x$, 1_000, 0x1F, 1.5e3, .5, $12"),
            [
                Tok::Word("select".into()),
                Tok::QuotedIdent("Ab\"c".into()),
                op(","),
                Tok::Str("a\n'b".into()),
                op(","),
                Tok::Str("q".into()),
                op(","),
                Tok::Int("1000".into()),
                op(","),
                Tok::Int("31".into()),
                op(","),
                Tok::Num("1.5e3".into()),
                op(","),
                Tok::Num(".5".into()),
                op(","),
                Tok::Param(12),
                Tok::Eof,
            ]
        );
        let long = "a".repeat(70);
        assert_eq!(toks(&long)[0], Tok::Word("a".repeat(63)));
    }

    #[test]
    fn operators_follow_postgres() {
        assert_eq!(
            toks("a=-1 b!=c d::int x[1:-2] e||-f g<=>h i@-j -- c\n*/**/-"),
            [
                Tok::Word("a".into()),
                op("="),
                op("-"),
                Tok::Int("1".into()),
                Tok::Word("b".into()),
                op("<>"),
                Tok::Word("c".into()),
                Tok::Word("d".into()),
                op("::"),
                Tok::Word("int".into()),
                Tok::Word("x".into()),
                op("["),
                Tok::Int("1".into()),
                op(":"),
                op("-"),
                Tok::Int("2".into()),
                op("]"),
                Tok::Word("e".into()),
                op("||-"),
                Tok::Word("f".into()),
                Tok::Word("g".into()),
                op("<=>"),
                Tok::Word("h".into()),
                Tok::Word("i".into()),
                op("@-"),
                Tok::Word("j".into()),
                op("*"),
                op("-"),
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn string_continuation_and_prefixes() {
        assert_eq!(
            toks("'a' -- c\n  'b'\n'c' 'd'"),
            [Tok::Str("abc".into()), Tok::Str("d".into()), Tok::Eof]
        );
        assert_eq!(
            toks("B'01' N'x'"),
            [
                Tok::Word("bit".into()),
                Tok::Str("01".into()),
                Tok::Word("char".into()),
                Tok::Str("x".into()),
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn errors_carry_postgres_messages_and_offsets() {
        assert_eq!(
            err("select 'a"),
            ("unterminated quoted string at or near \"'a\"".into(), 7)
        );
        assert_eq!(err("select 1 /* x").1, 9);
        assert_eq!(err("select \"a").1, 7);
        assert_eq!(err("select $$a").1, 7);
        assert_eq!(
            err("select 12abc").0,
            "trailing junk after numeric literal at or near \"12abc\""
        );
        assert_eq!(
            err("select $1a").0,
            "trailing junk after parameter at or near \"$1a\""
        );
        assert_eq!(err("select $a").0, "syntax error at or near \"$\"");
        assert_eq!(
            err("select \"\"").0,
            "zero-length delimited identifier at or near \"\"\"\""
        );
        assert_eq!(err("select {").0, "syntax error at or near \"{\"");
    }

    #[test]
    fn prefixed_strings_take_the_servers_types() {
        let schema = crate::describe::Schema::from_catalog_json(&serde_json::json!({}))
            .unwrap_or_else(|e| panic!("{e}"));
        let d = crate::describe::describe(&schema, "SELECT B'01' AS b, X'1F' AS x, N'y' AS n")
            .unwrap_or_else(|e| panic!("{e}"));
        let types: Vec<&crate::describe::SqlType> = d.columns.iter().map(|c| &c.ty).collect();
        let (bit, bpchar) = (
            crate::describe::SqlType::base("bit"),
            crate::describe::SqlType::base("bpchar"),
        );
        assert_eq!(types, [&bit, &bit, &bpchar]);
    }
}
