//! Rust names for SQL names.
//!
//! Rules (documented in the module docs of [`super`]):
//! - modules and fields: `snake_case` of the SQL name: ASCII letters lowercased, an underscore
//!   inserted at a lower-to-upper case change (`userId` -> `user_id`), every character that is not
//!   an ASCII letter, digit or underscore becomes `_`, a leading digit gets a `_` prefix, an empty
//!   result is `_`; Rust keywords become raw identifiers (`type` -> `r#type`), and the four that
//!   cannot be raw (`self`, `super`, `crate`, `Self`) get a trailing `_`.
//! - types (enums, composites, enum variants): `UpperCamelCase` of the same words.

use proc_macro2::{Ident, Span};

/// Strict and reserved keywords of Rust 2024 (those usable as raw identifiers).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "super", "crate", "Self", "_"];

/// Splits a SQL name into lowercase words.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower_or_digit = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower_or_digit && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower_or_digit = c.is_ascii_lowercase() || c.is_ascii_digit();
            cur.push(c.to_ascii_lowercase());
        } else {
            prev_lower_or_digit = false;
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The `snake_case` text for a SQL name (before keyword escaping).
pub fn snake(name: &str) -> String {
    let mut s = words(name).join("_");
    if s.is_empty() {
        s.push('_');
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

/// The `UpperCamelCase` text for a SQL name (before keyword escaping).
pub fn camel(name: &str) -> String {
    let mut s = String::new();
    for w in words(name) {
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            s.push(f.to_ascii_uppercase());
            s.extend(cs);
        }
    }
    if s.is_empty() {
        s.push_str("Value");
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

/// An identifier for `text`, raw when it is a keyword.
pub fn ident(text: &str) -> Ident {
    if NOT_RAW.contains(&text) {
        Ident::new(&format!("{text}_"), Span::call_site())
    } else if KEYWORDS.contains(&text) {
        Ident::new_raw(text, Span::call_site())
    } else {
        Ident::new(text, Span::call_site())
    }
}

/// A `snake_case` identifier for a SQL name.
pub fn snake_ident(name: &str) -> Ident {
    ident(&snake(name))
}

/// An `UpperCamelCase` identifier for a SQL name.
pub fn camel_ident(name: &str) -> Ident {
    ident(&camel(name))
}

/// Double-quotes an SQL identifier (always, so any name round-trips).
pub fn quote_sql_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_rules() {
        assert_eq!(snake("query_history"), "query_history");
        assert_eq!(snake("userId"), "user_id");
        assert_eq!(snake("My Table"), "my_table");
        assert_eq!(snake("2fa codes"), "_2fa_codes");
        assert_eq!(snake("HTTPStatus"), "httpstatus");
        assert_eq!(snake("é"), "_");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
    }

    #[test]
    fn camel_rules() {
        assert_eq!(camel("task_state"), "TaskState");
        assert_eq!(camel("in-progress"), "InProgress");
        assert_eq!(camel("1st"), "_1st");
        assert_eq!(camel("Self"), "Self");
        assert_eq!(camel_ident("self").to_string(), "Self_");
    }
}
