//! A cursor over one statement's tokens, with the small grammar pieces DDL replay needs
//! (names, type names, balanced groups, expression text).

use crate::syntax::{Token, TokenKind};

use super::error::ErrorKind;

/// A failure while interpreting a statement: byte offset, kind and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fail {
    pub offset: usize,
    pub kind: ErrorKind,
    pub message: String,
}

pub(crate) type PResult<T> = Result<T, Fail>;

pub(crate) fn fail<T>(offset: usize, kind: ErrorKind, message: impl Into<String>) -> PResult<T> {
    Err(Fail {
        offset,
        kind,
        message: message.into(),
    })
}

/// A parsed type name before resolution: optional schema, name words, modifiers, array dims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawType {
    pub schema: Option<String>,
    /// Lower-cased (or quoted) name; multi-word SQL names joined by one space.
    pub name: String,
    /// `true` when the name was a quoted identifier (no keyword aliasing).
    pub quoted: bool,
    pub mods: Vec<i64>,
    pub array_dims: u32,
    pub offset: usize,
    /// `true` for `char` / `character` / `bit` written without a length.
    pub keyword_default_len: bool,
    /// `%TYPE` reference (`table.column%TYPE`).
    pub percent_type: Option<Vec<String>>,
}

pub(crate) struct Cursor<'t, 'a> {
    pub toks: &'t [Token<'a>],
    pub i: usize,
    pub src: &'a str,
    /// Offset to report when at the end of the statement.
    pub end: usize,
}

impl<'t, 'a> Cursor<'t, 'a> {
    pub fn new(toks: &'t [Token<'a>], src: &'a str) -> Self {
        let end = toks.last().map_or(0, |t| t.offset + t.text.len());
        Cursor {
            toks,
            i: 0,
            src,
            end,
        }
    }

    pub fn peek(&self) -> Option<&Token<'a>> {
        self.toks.get(self.i)
    }

    pub fn peek_at(&self, n: usize) -> Option<&Token<'a>> {
        self.toks.get(self.i + n)
    }

    pub fn done(&self) -> bool {
        self.i >= self.toks.len()
    }

    pub fn offset(&self) -> usize {
        self.peek().map_or(self.end, |t| t.offset)
    }

    pub fn bump(&mut self) -> Option<Token<'a>> {
        let t = self.toks.get(self.i).copied();
        if t.is_some() {
            self.i += 1;
        }
        t
    }

    pub fn at_kw(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| t.is_word(kw))
    }

    pub fn at_kws(&self, kws: &[&str]) -> bool {
        kws.iter()
            .enumerate()
            .all(|(n, kw)| self.peek_at(n).is_some_and(|t| t.is_word(kw)))
    }

    pub fn eat_kw(&mut self, kw: &str) -> bool {
        if self.at_kw(kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    pub fn eat_kws(&mut self, kws: &[&str]) -> bool {
        if self.at_kws(kws) {
            self.i += kws.len();
            true
        } else {
            false
        }
    }

    pub fn at_kind(&self, kind: TokenKind) -> bool {
        self.peek().is_some_and(|t| t.kind == kind)
    }

    pub fn eat_kind(&mut self, kind: TokenKind) -> bool {
        if self.at_kind(kind) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    pub fn at_op(&self, op: &str) -> bool {
        self.peek().is_some_and(|t| t.is_op(op))
    }

    pub fn eat_op(&mut self, op: &str) -> bool {
        if self.at_op(op) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    pub fn syntax<T>(&self, what: &str) -> PResult<T> {
        let found = self.peek().map_or("end of statement", |t| t.text);
        fail(
            self.offset(),
            ErrorKind::SyntaxError,
            format!("expected {what}, found \"{found}\""),
        )
    }

    pub fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            self.syntax(&kw.to_uppercase())
        }
    }

    pub fn expect_kind(&mut self, kind: TokenKind, what: &str) -> PResult<()> {
        if self.eat_kind(kind) {
            Ok(())
        } else {
            self.syntax(what)
        }
    }

    pub fn at_ident(&self) -> bool {
        self.peek()
            .is_some_and(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
    }

    /// An identifier (word or quoted).
    pub fn ident(&mut self) -> PResult<String> {
        match self.peek() {
            Some(t) if matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent) => {
                let s = t.ident();
                self.i += 1;
                Ok(s)
            }
            _ => self.syntax("a name"),
        }
    }

    /// A possibly qualified name: `(schema, name)`; more than two parts keeps the last two.
    pub fn qualname(&mut self) -> PResult<(Option<String>, String)> {
        let mut parts = vec![self.ident()?];
        while self.at_kind(TokenKind::Dot)
            && self
                .peek_at(1)
                .is_some_and(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
        {
            self.i += 1;
            parts.push(self.ident()?);
        }
        let name = parts.pop().unwrap_or_default();
        Ok((parts.pop(), name))
    }

    /// A parenthesized list of identifiers: `(a, b)`.
    pub fn ident_list(&mut self) -> PResult<Vec<String>> {
        self.expect_kind(TokenKind::LParen, "(")?;
        let mut out = Vec::new();
        loop {
            out.push(self.ident()?);
            if !self.eat_kind(TokenKind::Comma) {
                break;
            }
        }
        self.expect_kind(TokenKind::RParen, ")")?;
        Ok(out)
    }

    /// Skips a balanced group starting at `(` or `[`; returns the inner byte range.
    pub fn skip_group(&mut self) -> PResult<std::ops::Range<usize>> {
        let start_tok = match self.peek() {
            Some(t) if matches!(t.kind, TokenKind::LParen | TokenKind::LBracket) => *t,
            _ => return self.syntax("("),
        };
        let inner_start = start_tok.offset + 1;
        let mut depth = 0i32;
        while let Some(t) = self.bump() {
            match t.kind {
                TokenKind::LParen | TokenKind::LBracket => depth += 1,
                TokenKind::RParen | TokenKind::RBracket => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(inner_start..t.offset);
                    }
                }
                _ => {}
            }
        }
        fail(self.end, ErrorKind::SyntaxError, "unbalanced parentheses")
    }

    /// Text of a parenthesized group, without the parentheses, trimmed.
    pub fn group_text(&mut self) -> PResult<String> {
        let r = self.skip_group()?;
        Ok(self.src[r].trim().to_string())
    }

    /// Consumes tokens up to (not including) a depth-0 token for which `stop` is true or the
    /// statement's end; returns the consumed source text.
    pub fn text_until(&mut self, stop: impl Fn(&Cursor<'t, 'a>) -> bool) -> String {
        let start = self.i;
        let mut depth = 0i32;
        while let Some(t) = self.peek() {
            if depth == 0 && self.i > start && stop(self) {
                break;
            }
            match t.kind {
                TokenKind::LParen | TokenKind::LBracket => depth += 1,
                TokenKind::RParen | TokenKind::RBracket => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                TokenKind::Comma if depth == 0 => break,
                _ => {}
            }
            self.i += 1;
        }
        self.slice_text(start, self.i)
    }

    /// Source text from token `a` to token `b` (exclusive).
    pub fn slice_text(&self, a: usize, b: usize) -> String {
        if a >= b || a >= self.toks.len() {
            return String::new();
        }
        let start = self.toks[a].offset;
        let last = &self.toks[b - 1];
        self.src[start..last.offset + last.text.len()].to_string()
    }

    /// Source text from token `a` to the end of the statement.
    pub fn rest_text(&self, a: usize) -> String {
        self.slice_text(a, self.toks.len())
    }

    /// Skips to the end of the statement.
    pub fn skip_rest(&mut self) {
        self.i = self.toks.len();
    }

    /// A type name as written: `varchar(255)`, `timestamp(3) with time zone`, `s.t[]`,
    /// `double precision`, `int ARRAY`.
    pub fn raw_type(&mut self) -> PResult<RawType> {
        let offset = self.offset();
        let first = match self.peek() {
            Some(t) if matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent) => *t,
            _ => return self.syntax("a type name"),
        };
        let mut rt = RawType {
            schema: None,
            name: String::new(),
            quoted: first.kind == TokenKind::QuotedIdent,
            mods: Vec::new(),
            array_dims: 0,
            offset,
            keyword_default_len: false,
            percent_type: None,
        };
        let word = |c: &Cursor| c.peek().map(|t| t.text.to_ascii_lowercase());
        let w = if rt.quoted { None } else { word(self) };
        match w.as_deref() {
            Some("double") if self.at_kws(&["double", "precision"]) => {
                self.i += 2;
                rt.name = "double precision".into();
            }
            Some("character" | "char" | "nchar" | "national" | "bit") => {
                let mut name = String::new();
                if self.eat_kw("national") {
                    name.push_str("national ");
                }
                let base = self.ident()?;
                name.push_str(&base);
                if self.eat_kw("varying") {
                    name.push_str(" varying");
                } else {
                    rt.keyword_default_len = true;
                }
                rt.name = name;
            }
            Some("timestamp" | "time") => {
                rt.name = self.ident()?;
                if self.at_kind(TokenKind::LParen) {
                    rt.mods = self.mods()?;
                }
                if self.eat_kws(&["with", "time", "zone"]) {
                    rt.name.push_str(" with time zone");
                } else if self.eat_kws(&["without", "time", "zone"]) {
                    rt.name.push_str(" without time zone");
                }
            }
            Some("interval") => {
                self.i += 1;
                rt.name = "interval".into();
                // interval fields: YEAR, MONTH, DAY TO SECOND, ...
                while self.peek().is_some_and(|t| {
                    ["year", "month", "day", "hour", "minute", "second", "to"]
                        .iter()
                        .any(|k| t.is_word(k))
                }) {
                    self.i += 1;
                }
            }
            _ => {
                let (schema, name) = self.qualname()?;
                rt.schema = schema;
                rt.name = name;
            }
        }
        // %TYPE
        if self.peek().is_some_and(|t| t.text == "%")
            && self.peek_at(1).is_some_and(|t| t.is_word("type"))
        {
            self.i += 2;
            let mut parts = Vec::new();
            if let Some(s) = rt.schema.take() {
                parts.push(s);
            }
            parts.push(std::mem::take(&mut rt.name));
            rt.percent_type = Some(parts);
            return Ok(rt);
        }
        if self.at_kind(TokenKind::LParen) && rt.mods.is_empty() {
            rt.mods = self.mods()?;
            if rt.name == "time" || rt.name == "timestamp" {
                if self.eat_kws(&["with", "time", "zone"]) {
                    rt.name.push_str(" with time zone");
                } else if self.eat_kws(&["without", "time", "zone"]) {
                    rt.name.push_str(" without time zone");
                }
            }
        }
        if rt.name == "interval" && self.at_kind(TokenKind::LParen) {
            rt.mods = self.mods()?;
        }
        loop {
            if self.at_kind(TokenKind::LBracket) {
                self.skip_group()?;
                rt.array_dims += 1;
            } else if self.at_kw("array") {
                self.i += 1;
                if self.at_kind(TokenKind::LBracket) {
                    self.skip_group()?;
                }
                rt.array_dims += 1;
            } else {
                break;
            }
        }
        Ok(rt)
    }

    fn mods(&mut self) -> PResult<Vec<i64>> {
        self.expect_kind(TokenKind::LParen, "(")?;
        let mut out = Vec::new();
        loop {
            let neg = self.eat_op("-");
            match self.bump() {
                Some(t) if t.kind == TokenKind::Number => {
                    let v: i64 = t.text.parse().map_err(|_| Fail {
                        offset: t.offset,
                        kind: ErrorKind::InvalidDefinition,
                        message: format!("invalid type modifier \"{}\"", t.text),
                    })?;
                    out.push(if neg { -v } else { v });
                }
                _ => return self.syntax("a type modifier"),
            }
            if !self.eat_kind(TokenKind::Comma) {
                break;
            }
        }
        self.expect_kind(TokenKind::RParen, ")")?;
        Ok(out)
    }

    /// A string literal's value.
    pub fn string(&mut self) -> PResult<String> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::String => {
                let v = t.string_value().unwrap_or_default();
                self.i += 1;
                Ok(v)
            }
            _ => self.syntax("a string literal"),
        }
    }
}
