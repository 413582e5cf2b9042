//! A lossless-enough token stream over PostgreSQL text, for layers that interpret
//! statements token by token (the catalog's DDL replay) without naming the parser crates.

use super::{LineIndex, SyntaxError};
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
        let (escape, unicode, body) = match t.as_bytes().first() {
            Some(b'E' | b'e') => (true, false, &t[1..]),
            Some(b'N' | b'n' | b'B' | b'b' | b'X' | b'x') => (false, false, &t[1..]),
            Some(b'U' | b'u') => (false, true, t.get(2..).unwrap_or("")),
            _ => (false, false, t),
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
                    Some('b') => out.push('\u{8}'),
                    Some('f') => out.push('\u{c}'),
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(d @ '0'..='7') => {
                        let mut v = d.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            match chars.peek().and_then(|c| c.to_digit(8)) {
                                Some(n) => {
                                    v = v * 8 + n;
                                    chars.next();
                                }
                                None => break,
                            }
                        }
                        out.extend(char::from_u32(v & 0xff));
                    }
                    Some('x') => match take_hex(&mut chars, 2) {
                        Some(v) => out.extend(char::from_u32(v)),
                        None => out.push('x'),
                    },
                    Some('u') => out.extend(take_hex(&mut chars, 4).and_then(char::from_u32)),
                    Some('U') => out.extend(take_hex(&mut chars, 8).and_then(char::from_u32)),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else if unicode && c == '\\' {
                // U&'…' with the default escape: \\, \XXXX, \+XXXXXX
                match chars.peek() {
                    Some('\\') => {
                        chars.next();
                        out.push('\\');
                    }
                    Some('+') => {
                        chars.next();
                        out.extend(take_hex(&mut chars, 6).and_then(char::from_u32));
                    }
                    _ => out.extend(take_hex(&mut chars, 4).and_then(char::from_u32)),
                }
            } else {
                out.push(c);
            }
        }
        Some(out)
    }

    /// Like [`tokenize`] (the same tokens), but fails with the first error PostgreSQL's scanner
    /// reports, worded as the server words it (`unterminated quoted string at or near "'x"`):
    /// an unterminated comment, string, dollar-quoted string or quoted identifier, a zero-length
    /// quoted identifier, a malformed or junk-trailed number (`0x`, `1e`, `123abc`), a
    /// parameter with junk (`$1a`) or too large a number, and a `$` that starts nothing.
    /// Stray characters the scanner hands to the grammar (`{`, a backslash) stay
    /// [`TokenKind::Other`] tokens.
    ///
    /// ```
    /// use chatbi_db_core::syntax::Token;
    /// assert_eq!(Token::tokenize_checked("select 'a").unwrap_err().message,
    ///            "unterminated quoted string at or near \"'a\"");
    /// assert_eq!(Token::tokenize_checked("select 1").map(|t| t.len()), Ok(2));
    /// ```
    pub fn tokenize_checked(sql: &'a str) -> Result<Vec<Token<'a>>, SyntaxError> {
        scan(sql, true)
    }

    /// `true` for an integer literal: a [`TokenKind::Number`] with no fraction and no exponent,
    /// in any base (`42`, `1_000`, `0x1F`, `0o17`, `0b101`).
    pub fn is_integer(&self) -> bool {
        self.kind == TokenKind::Number
            && (radix_prefix(self.text).is_some() || !self.text.contains(['.', 'e', 'E']))
    }

    /// The value of a numeric literal as decimal text: underscores removed, and an integer
    /// written in base 16, 8 or 2 converted to decimal (when it fits in 128 bits; otherwise
    /// its text is kept, as PostgreSQL then keeps it as a `numeric` string). `None` when this
    /// token is not a number.
    pub fn number_value(&self) -> Option<String> {
        if self.kind != TokenKind::Number {
            return None;
        }
        let digits: String = self.text.chars().filter(|&c| c != '_').collect();
        let Some(radix) = radix_prefix(&digits) else {
            return Some(digits);
        };
        Some(u128::from_str_radix(&digits[2..], radix).map_or(digits, |v| v.to_string()))
    }

    /// The operators PostgreSQL's scanner reads in this [`TokenKind::Op`] run (any other token
    /// comes back alone). [`tokenize`] joins adjacent operator characters, `:` included, into
    /// one run; the server instead reads `::`, `:=` and `:` as tokens of their own, and ends
    /// a multi-character operator that finishes in `+` or `-` before those signs unless it
    /// holds one of `~!@#%^&|?` or a backquote (so `a=-1` is `a = -1` and `x[1:-1]` is
    /// `x [ 1 : - 1 ]`).
    ///
    /// ```
    /// use chatbi_db_core::syntax::tokenize;
    /// let run = tokenize("a=-1")[1];
    /// let ops: Vec<&str> = run.split_operator().map(|t| t.text).collect();
    /// assert_eq!(ops, ["=", "-"]);
    /// ```
    pub fn split_operator(&self) -> impl Iterator<Item = Token<'a>> {
        let this = *self;
        let mut rest = 0;
        std::iter::from_fn(move || {
            let b = this.text.as_bytes().get(rest..).filter(|b| !b.is_empty())?;
            let len = if this.kind != TokenKind::Op {
                b.len()
            } else if b[0] == b':' {
                if matches!(b.get(1), Some(b':' | b'=')) {
                    2
                } else {
                    1
                }
            } else {
                let run = b.iter().take_while(|&&c| c != b':').count();
                operator_len(&b[..run])
            };
            let tok = Token {
                kind: this.kind,
                text: &this.text[rest..rest + len],
                offset: this.offset + rest,
            };
            rest += len;
            Some(tok)
        })
    }

    /// `true` when this string literal continues the string literal `prev` of `sql` (the text
    /// both came from): PostgreSQL reads `'foo'`, a newline, `'bar'` as the one constant
    /// `'foobar'` when only whitespace holding a newline (and `--` comments) separates a
    /// quoted string and a following plain `'…'`. Concatenate both parts'
    /// [`Token::string_value`]s.
    pub fn continues_string(&self, prev: &Token<'_>, sql: &str) -> bool {
        if self.kind != TokenKind::String
            || prev.kind != TokenKind::String
            || !self.text.starts_with('\'')
            || prev.text.starts_with('$')
        {
            return false;
        }
        let Some(gap) = sql.get(prev.offset + prev.text.len()..self.offset) else {
            return false;
        };
        gap.contains(['\n', '\r'])
            && squawk_lexer::tokenize(gap).all(|t| {
                matches!(
                    t.kind,
                    squawk_lexer::TokenKind::Whitespace | squawk_lexer::TokenKind::LineComment
                )
            })
    }
}

/// The radix of a `0x` / `0o` / `0b` integer literal.
fn radix_prefix(text: &str) -> Option<u32> {
    match text.get(..2)? {
        "0x" | "0X" => Some(16),
        "0o" | "0O" => Some(8),
        "0b" | "0B" => Some(2),
        _ => None,
    }
}

/// How much of a run of operator characters (no `:`) PostgreSQL's scanner takes as one
/// operator: a multi-character operator cannot end in `+` or `-` unless it also holds one of
/// `~!@#%^&|?` or a backquote.
fn operator_len(run: &[u8]) -> usize {
    let mut n = run.len();
    if n > 1
        && matches!(run[n - 1], b'+' | b'-')
        && !run[..n - 1].iter().any(|c| b"~!@#^&|`?%".contains(c))
    {
        while n > 1 && matches!(run[n - 1], b'+' | b'-') {
            n -= 1;
        }
    }
    n
}

/// The error PostgreSQL's scanner reports for this raw token, if any, and the text it quotes.
fn scan_error(kind: squawk_lexer::TokenKind, text: &str) -> Option<(&'static str, &str)> {
    use squawk_lexer::{Base, LiteralKind as K, TokenKind as L};
    let message = match kind {
        L::BlockComment { terminated: false } => "unterminated /* comment",
        L::QuotedIdent {
            terminated: false, ..
        } => "unterminated quoted identifier",
        L::QuotedIdent { .. }
            if text == "\"\""
                || (text.len() == 4 && text.as_bytes()[..2].eq_ignore_ascii_case(b"u&")) =>
        {
            "zero-length delimited identifier"
        }
        L::Literal { kind } => match kind {
            K::Str { terminated: false }
            | K::EscStr { terminated: false }
            | K::NationalStr { terminated: false }
            | K::UnicodeEscStr { terminated: false } => "unterminated quoted string",
            K::BitStr { terminated: false } => "unterminated bit string literal",
            K::ByteStr { terminated: false } => "unterminated hexadecimal string literal",
            K::DollarQuotedString { terminated: false } => "unterminated dollar-quoted string",
            K::Int {
                empty_int: true,
                base,
                ..
            } => match base {
                Base::Hexadecimal => "invalid hexadecimal integer",
                Base::Octal => "invalid octal integer",
                _ => "invalid binary integer",
            },
            K::Int {
                base,
                trailing_junk_start,
                ..
            } if (trailing_junk_start as usize) < text.len()
                || (base != Base::Decimal
                    && !text[2..]
                        .chars()
                        .all(|c| c == '_' || c.is_digit(base as u32))) =>
            {
                "trailing junk after numeric literal"
            }
            K::Numeric {
                empty_exponent_start,
                trailing_junk_start,
            } if empty_exponent_start.is_some() || (trailing_junk_start as usize) < text.len() => {
                "trailing junk after numeric literal"
            }
            _ => return None,
        },
        L::PositionalParam {
            trailing_junk_start,
        } => {
            if trailing_junk_start == 1 {
                return Some(("syntax error", &text[..1]));
            } else if (trailing_junk_start as usize) < text.len() {
                "trailing junk after parameter"
            } else if text[1..].parse::<i32>().is_err() {
                "parameter number too large"
            } else {
                return None;
            }
        }
        _ => return None,
    };
    Some((message, text))
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
    scan(sql, false).unwrap_or_default()
}

/// [`tokenize`], and with `strict` the first scanner error (see [`Token::tokenize_checked`]).
fn scan(sql: &str, strict: bool) -> Result<Vec<Token<'_>>, SyntaxError> {
    use squawk_lexer::{LiteralKind, TokenKind as L};
    let mut out: Vec<Token<'_>> = Vec::with_capacity(sql.len() / 4);
    let mut offset = 0usize;
    let mut prev_end_op: Option<usize> = None;
    for raw in squawk_lexer::tokenize(sql) {
        let len = raw.len as usize;
        let text = &sql[offset..offset + len];
        let start = offset;
        offset += len;
        if strict && let Some((message, near)) = scan_error(raw.kind, text) {
            return Err(SyntaxError {
                message: format!("{message} at or near \"{near}\""),
                offset: start,
                position: LineIndex::new(sql).position(start),
            });
        }
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
    Ok(out)
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

/// Up to `max` hex digits from `chars` (at least one), as a number.
fn take_hex(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, max: usize) -> Option<u32> {
    let mut v = None;
    for _ in 0..max {
        match chars.peek().and_then(|c| c.to_digit(16)) {
            Some(d) => {
                v = Some(v.unwrap_or(0) * 16 + d);
                chars.next();
            }
            None => break,
        }
    }
    v
}
