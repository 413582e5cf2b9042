//! Tokens of a PostgreSQL query text (for the query analyser's own parser).

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

const OP_CHARS: &[u8] = b"+-*/<>=~!@#%^&|`?";

pub(crate) fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            if depth != 0 {
                return Err(LexError {
                    message: "unterminated /* comment".into(),
                    offset: start,
                });
            }
            continue;
        }
        // E'...' strings
        if (c == b'e' || c == b'E') && b.get(i + 1) == Some(&b'\'') {
            let (s, next) = lex_string(src, i + 1, true)?;
            out.push(Token {
                tok: Tok::Str(s),
                offset: start,
            });
            i = next;
            continue;
        }
        if c == b'\'' {
            let (s, next) = lex_string(src, i, false)?;
            out.push(Token {
                tok: Tok::Str(s),
                offset: start,
            });
            i = next;
            continue;
        }
        if c == b'"' {
            let mut s = String::new();
            i += 1;
            loop {
                match b.get(i) {
                    None => {
                        return Err(LexError {
                            message: "unterminated quoted identifier".into(),
                            offset: start,
                        });
                    }
                    Some(b'"') if b.get(i + 1) == Some(&b'"') => {
                        s.push('"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => {
                        let ch = src[i..].chars().next().unwrap_or('\0');
                        s.push(ch);
                        i += ch.len_utf8();
                    }
                }
            }
            out.push(Token {
                tok: Tok::QuotedIdent(s),
                offset: start,
            });
            continue;
        }
        if c == b'$' {
            if b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                let mut j = i + 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                let n = src[i + 1..j].parse().map_err(|_| LexError {
                    message: "bad parameter number".into(),
                    offset: start,
                })?;
                out.push(Token {
                    tok: Tok::Param(n),
                    offset: start,
                });
                i = j;
                continue;
            }
            // dollar quote
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if b.get(j) == Some(&b'$') {
                let tag = &src[i..=j];
                let body_start = j + 1;
                match src[body_start..].find(tag) {
                    Some(end) => {
                        out.push(Token {
                            tok: Tok::Str(src[body_start..body_start + end].to_string()),
                            offset: start,
                        });
                        i = body_start + end + tag.len();
                        continue;
                    }
                    None => {
                        return Err(LexError {
                            message: "unterminated dollar-quoted string".into(),
                            offset: start,
                        });
                    }
                }
            }
            return Err(LexError {
                message: "syntax error at or near \"$\"".into(),
                offset: start,
            });
        }
        if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let mut j = i;
            let mut is_int = true;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'_') {
                j += 1;
            }
            if j < b.len() && b[j] == b'.' && b.get(j + 1) != Some(&b'.') {
                is_int = false;
                j += 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
            }
            if j < b.len() && (b[j] == b'e' || b[j] == b'E') {
                let mut k = j + 1;
                if k < b.len() && (b[k] == b'+' || b[k] == b'-') {
                    k += 1;
                }
                if k < b.len() && b[k].is_ascii_digit() {
                    is_int = false;
                    j = k;
                    while j < b.len() && b[j].is_ascii_digit() {
                        j += 1;
                    }
                }
            }
            let text = src[i..j].replace('_', "");
            out.push(Token {
                tok: if is_int {
                    Tok::Int(text)
                } else {
                    Tok::Num(text)
                },
                offset: start,
            });
            i = j;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let mut j = i;
            while j < b.len()
                && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'$' || b[j] >= 0x80)
            {
                j += 1;
            }
            out.push(Token {
                tok: Tok::Word(src[i..j].to_lowercase()),
                offset: start,
            });
            i = j;
            continue;
        }
        if c == b':' && b.get(i + 1) == Some(&b':') {
            out.push(Token {
                tok: Tok::Op("::".into()),
                offset: start,
            });
            i += 2;
            continue;
        }
        if b"(),;[].:".contains(&c) {
            out.push(Token {
                tok: Tok::Op((c as char).to_string()),
                offset: start,
            });
            i += 1;
            continue;
        }
        if OP_CHARS.contains(&c) {
            let mut j = i;
            while j < b.len() && OP_CHARS.contains(&b[j]) {
                // a comment start ends the operator
                if (b[j] == b'-' && b.get(j + 1) == Some(&b'-'))
                    || (b[j] == b'/' && b.get(j + 1) == Some(&b'*'))
                {
                    break;
                }
                j += 1;
            }
            let mut op = &src[i..j];
            // PostgreSQL: a multi-char operator cannot end in + or - unless it has ~!@#%^&|`?
            if op.len() > 1 && (op.ends_with('+') || op.ends_with('-')) {
                let special = op.bytes().any(|x| b"~!@#%^&|`?".contains(&x));
                if !special {
                    let mut k = op.len();
                    while k > 1 && (op.as_bytes()[k - 1] == b'+' || op.as_bytes()[k - 1] == b'-') {
                        k -= 1;
                    }
                    op = &op[..k];
                }
            }
            let len = op.len();
            let op = if op == "!=" { "<>" } else { op };
            out.push(Token {
                tok: Tok::Op(op.to_string()),
                offset: start,
            });
            i = start + len;
            continue;
        }
        return Err(LexError {
            message: format!(
                "syntax error at or near \"{}\"",
                src[i..].chars().next().unwrap_or(' ')
            ),
            offset: start,
        });
    }
    out.push(Token {
        tok: Tok::Eof,
        offset: src.len(),
    });
    Ok(out)
}

fn lex_string(src: &str, quote: usize, escapes: bool) -> Result<(String, usize), LexError> {
    let b = src.as_bytes();
    let mut i = quote + 1;
    let mut s = String::new();
    loop {
        match b.get(i) {
            None => {
                return Err(LexError {
                    message: "unterminated quoted string".into(),
                    offset: quote,
                });
            }
            Some(b'\'') if b.get(i + 1) == Some(&b'\'') => {
                s.push('\'');
                i += 2;
            }
            Some(b'\'') => {
                i += 1;
                // adjacent string continuation across a newline
                let mut j = i;
                let mut newline = false;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    newline |= b[j] == b'\n';
                    j += 1;
                }
                if newline && b.get(j) == Some(&b'\'') {
                    i = j + 1;
                    continue;
                }
                return Ok((s, i));
            }
            Some(b'\\') if escapes => {
                let ch = b.get(i + 1).copied().unwrap_or(b'\\');
                s.push(match ch {
                    b'n' => '\n',
                    b't' => '\t',
                    b'r' => '\r',
                    other => other as char,
                });
                i += 2;
            }
            Some(_) => {
                let ch = src[i..].chars().next().unwrap_or('\0');
                s.push(ch);
                i += ch.len_utf8();
            }
        }
    }
}
