//! The SQL front end: parses PostgreSQL text into statements with positions.
//!
//! This is the only module that names the parser crates (`squawk-*`). Everything
//! else in core, and everything outside core, goes through the types here, so the
//! parser can be swapped without touching the layers above.

mod depth;
mod position;
mod token;
mod transaction;

pub(crate) use depth::{check_tokens as check_depth, recurse};
pub use position::{LineIndex, Position};
pub use token::{Token, TokenKind, TokenStatement, split_statements, tokenize};
pub use transaction::{TransactionControl, transaction_controls};

use squawk_syntax::ast::{self, AstNode};

/// A syntax error, with its byte offset and 1-based line and column in the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The parser's message.
    pub message: String,
    /// Byte offset of the error's start in the parsed text.
    pub offset: usize,
    /// Line and column of the error's start.
    pub position: Position,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: syntax error: {}", self.position, self.message)
    }
}

/// One top-level statement of a parsed text.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Byte range of the statement in the parsed text (without the trailing `;`).
    pub range: std::ops::Range<usize>,
    /// Line and column where the statement starts.
    pub position: Position,
    #[allow(dead_code)] // read through `ast()` by the migration validator
    pub(crate) node: ast::Stmt,
}

impl Statement {
    /// The statement's text, sliced from `source` (the text that was parsed).
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.range.clone()]
    }

    /// The parser's syntax tree for this statement (crate-internal: the parser stays hidden).
    #[allow(dead_code)] // used by the migration validator
    pub(crate) fn ast(&self) -> &ast::Stmt {
        &self.node
    }
}

/// The result of parsing a SQL text: every statement, and every syntax error.
#[derive(Debug, Clone)]
pub struct ParsedSql {
    /// Top-level statements in source order.
    pub statements: Vec<Statement>,
    /// Syntax errors in source order; empty when the text parsed cleanly.
    pub errors: Vec<SyntaxError>,
    /// The text nests deeper than the server accepts: it was refused before parsing, and
    /// `errors` holds the server's message alone.
    pub too_deep: bool,
}

/// Parses PostgreSQL SQL text.
///
/// Always returns every statement the parser could recognise; `errors` tells
/// whether the text is valid.
///
/// ```
/// let parsed = chatbi_db_core::syntax::parse("create table t (id int);\nselect 1;");
/// assert!(parsed.errors.is_empty());
/// assert_eq!(parsed.statements.len(), 2);
/// assert_eq!(parsed.statements[1].position.line, 2);
/// ```
pub fn parse(sql: &str) -> ParsedSql {
    let index = LineIndex::new(sql);
    if let Some(deep) = depth::check(sql) {
        return ParsedSql {
            statements: Vec::new(),
            errors: vec![SyntaxError {
                message: deep.message,
                offset: deep.offset,
                position: index.position(deep.offset),
            }],
            too_deep: true,
        };
    }
    let parse = with_stack_for(sql, || squawk_syntax::SourceFile::parse(sql));
    let errors = parse
        .errors()
        .into_iter()
        .map(|e| {
            let offset = usize::from(e.range().start());
            SyntaxError {
                message: e.message().to_string(),
                offset,
                position: index.position(offset),
            }
        })
        .collect();
    let statements = parse
        .tree()
        .stmts()
        .map(|stmt| {
            let range = stmt.syntax().text_range();
            let range = usize::from(range.start())..usize::from(range.end());
            Statement {
                position: index.position(range.start),
                range,
                node: stmt,
            }
        })
        .collect();
    ParsedSql {
        statements,
        errors,
        too_deep: false,
    }
}

/// Runs `f` (a recursive walk over `sql`, such as squawk's parser) on a stack big enough for
/// `sql`'s deepest nesting: squawk's parser takes about 600 bytes of stack per parenthesis
/// (unoptimised build), so 1 KiB per byte of text is an upper bound, and [`depth::check`]
/// keeps the text within the server's own limits. A new stack is only made when the
/// current one has less left than that.
pub(crate) fn with_stack_for<R>(sql: &str, f: impl FnOnce() -> R) -> R {
    let need = (256 << 10) + sql.len() * 1024;
    match stacker::remaining_stack() {
        Some(left) if left >= need => f(),
        _ => stacker::grow(need, f),
    }
}

/// The first syntax error of a parsed query text, worded as PostgreSQL words it:
/// `syntax error at or near "selectt"` at that token, or `syntax error at end of input`.
/// Scanner errors and the depth limits keep their own wording.
pub fn first_error(sql: &str, parsed: &ParsedSql) -> Option<SyntaxError> {
    let err = parsed.errors.first()?;
    if let Err(scan) = Token::tokenize_checked(sql) {
        return Some(scan);
    }
    if parsed.too_deep {
        return Some(err.clone());
    }
    let index = LineIndex::new(sql);
    let tokens = tokenize(sql);
    let mut at = tokens.partition_point(|t| t.offset < err.offset);
    // squawk blames a trailing comma itself; the server, the token after it
    if err.message.contains("trailing comma") {
        at += 1;
    }
    let near = tokens.get(at);
    Some(match near {
        Some(t) => SyntaxError {
            message: format!("syntax error at or near \"{}\"", t.text),
            offset: t.offset,
            position: index.position(t.offset),
        },
        None => SyntaxError {
            message: "syntax error at end of input".into(),
            offset: sql.len(),
            position: index.position(sql.len()),
        },
    })
}
