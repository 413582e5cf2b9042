//! A lossless-enough token stream over PostgreSQL text, for layers that interpret
//! statements token by token (the catalog's DDL replay) without naming the parser crates.

use std::ops::Range;

/// What a [`Token`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An unquoted identifier or keyword (`create`, `my_table`); compare with [`Token::is_word`].
    Word,
    /// A double-quoted identifier (`"Order"`); [`Token::ident`] gives its case-kept value.
    QuotedIdent,
    /// A string literal of any form (`'x'`, `E'x'`, `$$x$$`, `B'01'`); [`Token::string_value`] decodes it.
    String,
    /// A numeric literal.
    Number,
    /// A positional parameter `$n`.
    Param,
    /// An operator: a run of operator characters (`=`, `<>`, `::`, `->>`, `*`).
    Op,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `;`
    Semi,
    /// `.`
    Dot,
    /// Anything else (lexer errors, stray characters).
    Other,
}

/// One token: its kind, its text and its byte offset in the tokenized source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token's kind.
    pub kind: TokenKind,
    /// The token's exact source text.
    pub text: &'a str,
    /// Byte offset of the token's start in the source.
    pub offset: usize,
}

impl<'a> Token<'a> {
    /// `true` when this is the unquoted word `kw` (case-insensitive; `kw` in lower case).
    pub fn is_word(&self, kw: &str) -> bool {
        self.kind == TokenKind::Word && self.text.eq_ignore_ascii_case(kw)
    }

    /// `true` when this is the operator or punctuation `op` exactly.
    pub fn is_op(&self, op: &str) -> bool {
        self.kind != TokenKind::Word
            && self.kind != TokenKind::QuotedIdent
            && self.kind != TokenKind::String
            && self.text == op
    }

    /// The identifier this token names: lower-cased for words, unquoted for quoted identifiers,
    /// truncated to 63 bytes as PostgreSQL does (`NAMEDATALEN - 1`).
    pub fn ident(&self) -> String {
        let mut s = self.ident_full();
        if s.len() > 63 {
            let mut n = 63;
            while !s.is_char_boundary(n) {
                n -= 1;
            }
            s.truncate(n);
        }
        s
    }

    fn ident_full(&self) -> String {
        match self.kind {
            TokenKind::QuotedIdent => {
                let inner = self
                    .text
                    .strip_prefix('"')
                    .unwrap_or(self.text)
                    .strip_suffix('"')
                    .unwrap_or(self.text);
                inner.replace("\"\"", "\"")
            }
            _ => self.text.to_ascii_lowercase(),
        }
    }

    /// The byte range of this token in the source.
    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset + self.text.len()
    }

    /// The value of a string literal (quotes removed, doubled quotes and simple `E''` escapes decoded);
    /// `None` when this token is not a string.
    pub fn string_value(&self) -> Option<String> {
        if self.kind != TokenKind::String {
            return None;
        }
        let t = self.text;
        if let Some(after) = t.strip_prefix('$') {
            let tag_end = after.find('$')? + 2;
            let tag = &t[..tag_end];
            let body = t[tag_end..].strip_suffix(tag).unwrap_or(&t[tag_end..]);
            return Some(body.to_string());
        }
        let (escape, body) = match t.as_bytes().first() {
            Some(b'E' | b'e') => (true, &t[1..]),
            Some(b'N' | b'n' | b'B' | b'b' | b'X' | b'x') => (false, &t[1..]),
            Some(b'U' | b'u') => (false, t.get(2..).unwrap_or("")),
            _ => (false, t),
        };
        let body = body.strip_prefix('\'').unwrap_or(body);
        let body = body.strip_suffix('\'').unwrap_or(body);
        let mut out = String::with_capacity(body.len());
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\'' && chars.peek() == Some(&'\'') {
                chars.next();
                out.push('\'');
            } else if escape && c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        Some(out)
    }
}

fn is_op_char(c: u8) -> bool {
    matches!(
        c,
        b'+' | b'-'
            | b'*'
            | b'/'
            | b'<'
            | b'>'
            | b'='
            | b'~'
            | b'!'
            | b'@'
            | b'#'
            | b'%'
            | b'^'
            | b'&'
            | b'|'
            | b'`'
            | b'?'
            | b':'
    )
}

/// Splits `sql` into tokens, dropping whitespace and comments. Offsets are relative to `sql`.
///
/// ```
/// use chatbi_db_core::syntax::{tokenize, TokenKind};
/// let toks = tokenize("select a::int from \"T\" -- c\n;");
/// assert_eq!(toks[2].text, "::");
/// assert_eq!(toks[5].ident(), "T");
/// assert_eq!(toks.last().map(|t| t.kind), Some(TokenKind::Semi));
/// ```
pub fn tokenize(sql: &str) -> Vec<Token<'_>> {
    use squawk_lexer::{LiteralKind, TokenKind as L};
    let mut out: Vec<Token<'_>> = Vec::with_capacity(sql.len() / 4);
    let mut offset = 0usize;
    let mut prev_end_op: Option<usize> = None;
    for raw in squawk_lexer::tokenize(sql) {
        let len = raw.len as usize;
        let text = &sql[offset..offset + len];
        let start = offset;
        offset += len;
        let kind = match raw.kind {
            L::Whitespace | L::LineComment | L::BlockComment { .. } => {
                prev_end_op = None;
                continue;
            }
            L::Ident => TokenKind::Word,
            L::QuotedIdent { .. } => TokenKind::QuotedIdent,
            L::Literal { kind } => match kind {
                LiteralKind::Int { .. } | LiteralKind::Numeric { .. } => TokenKind::Number,
                _ => TokenKind::String,
            },
            L::PositionalParam { .. } => TokenKind::Param,
            L::Semi => TokenKind::Semi,
            L::Dot | L::DotDot => TokenKind::Dot,
            L::OpenParen => TokenKind::LParen,
            L::CloseParen => TokenKind::RParen,
            L::OpenBracket => TokenKind::LBracket,
            L::CloseBracket => TokenKind::RBracket,
            L::Comma => TokenKind::Comma,
            L::OpenCurly | L::CloseCurly | L::Unknown | L::Eof => TokenKind::Other,
            _ if text.bytes().all(is_op_char) => TokenKind::Op,
            _ => TokenKind::Other,
        };
        if kind == TokenKind::Op {
            if prev_end_op == Some(start)
                && let Some(last) = out.last_mut()
            {
                last.text = &sql[last.offset..offset];
                prev_end_op = Some(offset);
                continue;
            }
            prev_end_op = Some(offset);
        } else {
            prev_end_op = None;
        }
        out.push(Token {
            kind,
            text,
            offset: start,
        });
    }
    out
}

/// One top-level statement found by [`split_statements`].
#[derive(Debug, Clone)]
pub struct TokenStatement<'a> {
    /// Byte range of the statement in the source (first token to last token, no `;`).
    pub range: Range<usize>,
    /// The statement's tokens (no trailing `;`).
    pub tokens: Vec<Token<'a>>,
}

/// Splits a tokenized text into top-level statements at `;` (outside parentheses and
/// `BEGIN ATOMIC … END` bodies). Empty statements are dropped.
pub fn split_statements(sql: &str) -> Vec<TokenStatement<'_>> {
    let tokens = tokenize(sql);
    let mut out = Vec::new();
    let mut current: Vec<Token<'_>> = Vec::new();
    let mut depth = 0i32;
    let mut atomic = 0i32;
    for tok in tokens {
        match tok.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth -= 1,
            TokenKind::Word => {
                let opens_atomic =
                    tok.is_word("atomic") && current.last().is_some_and(|t| t.is_word("begin"));
                if opens_atomic || (atomic > 0 && tok.is_word("case")) {
                    atomic += 1;
                } else if atomic > 0 && tok.is_word("end") {
                    atomic -= 1;
                }
            }
            TokenKind::Semi if depth <= 0 && atomic == 0 => {
                if let (Some(first), Some(last)) = (current.first(), current.last()) {
                    out.push(TokenStatement {
                        range: first.offset..last.offset + last.text.len(),
                        tokens: std::mem::take(&mut current),
                    });
                }
                current.clear();
                depth = 0;
                continue;
            }
            _ => {}
        }
        current.push(tok);
    }
    if let (Some(first), Some(last)) = (current.first(), current.last()) {
        out.push(TokenStatement {
            range: first.offset..last.offset + last.text.len(),
            tokens: current,
        });
    }
    out
}
