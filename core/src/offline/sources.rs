//! Finding the `sqlx::query!` family of macro calls in a crate's Rust sources (with `syn`), and
//! the SQL text each one hashes, exactly as sqlx's macros would see it.

use std::path::{Path, PathBuf};
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Expr, Lit, Token};

/// One query macro call found in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundQuery {
    /// The Rust file holding the call.
    pub file: PathBuf,
    /// The macro's name (`query`, `query_as`, `query_file_scalar`, ...).
    pub macro_name: String,
    /// The SQL text: the literal's value (or the concatenation), or the file's contents for the
    /// `query_file*` forms.
    pub sql: String,
    /// For the `query_file*` forms, the SQL file (resolved against the crate directory).
    pub sql_file: Option<PathBuf>,
}

/// An error finding queries.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A Rust file does not parse.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// syn's message.
        message: String,
    },
}

/// Macro names, and the index of the argument holding the SQL (or its file path).
const MACROS: &[(&str, usize, bool)] = &[
    ("query", 0, false),
    ("query_unchecked", 0, false),
    ("query_scalar", 0, false),
    ("query_scalar_unchecked", 0, false),
    ("query_as", 1, false),
    ("query_as_unchecked", 1, false),
    ("query_file", 0, true),
    ("query_file_unchecked", 0, true),
    ("query_file_scalar", 0, true),
    ("query_file_scalar_unchecked", 0, true),
    ("query_file_as", 1, true),
    ("query_file_as_unchecked", 1, true),
];

struct Finder<'a> {
    file: &'a Path,
    crate_dir: &'a Path,
    found: Vec<FoundQuery>,
    errors: Vec<SourceError>,
}

/// The string value of a literal, `"a" + "b"`, or `concat!("a", "b")`.
fn string_value(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
            Some(string_value(&b.left)? + &string_value(&b.right)?)
        }
        Expr::Group(g) => string_value(&g.expr),
        Expr::Paren(p) => string_value(&p.expr),
        Expr::Macro(m) if m.mac.path.is_ident("concat") => {
            let parts = m
                .mac
                .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
                .ok()?;
            let mut s = String::new();
            for p in &parts {
                s.push_str(&string_value(p)?);
            }
            Some(s)
        }
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let segs: Vec<String> = mac
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let last = segs.last().cloned().unwrap_or_default();
        let from_sqlx = segs.len() == 1 || segs.first().is_some_and(|s| s == "sqlx");
        let known = MACROS.iter().find(|(n, _, _)| *n == last);
        let args = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated);
        match (known, args) {
            (Some((name, idx, is_file)), Ok(args)) if from_sqlx => {
                if let Some(text) = args.iter().nth(*idx).and_then(string_value) {
                    if *is_file {
                        let path = self.crate_dir.join(&text);
                        match std::fs::read_to_string(&path) {
                            Ok(sql) => self.found.push(FoundQuery {
                                file: self.file.to_path_buf(),
                                macro_name: (*name).to_string(),
                                sql,
                                sql_file: Some(path),
                            }),
                            Err(source) => self.errors.push(SourceError::Io { path, source }),
                        }
                    } else {
                        self.found.push(FoundQuery {
                            file: self.file.to_path_buf(),
                            macro_name: (*name).to_string(),
                            sql: text,
                            sql_file: None,
                        });
                    }
                }
                for a in args.iter() {
                    self.visit_expr(a);
                }
            }
            (_, Ok(args)) => {
                // other macros (`vec!`, `try_join!`, ...) may hold query calls
                for a in args.iter() {
                    self.visit_expr(a);
                }
            }
            _ => {
                // bodies that are statements (e.g. in `tokio::select!`) are skipped
                if let Ok(block) = mac.parse_body_with(syn::Block::parse_within) {
                    for s in &block {
                        self.visit_stmt(s);
                    }
                }
            }
        }
    }
}

/// Finds the query macro calls in one Rust source text. `crate_dir` resolves `query_file!`
/// paths, as `CARGO_MANIFEST_DIR` does for sqlx.
pub fn find_in_source(
    file: &Path,
    source: &str,
    crate_dir: &Path,
) -> Result<Vec<FoundQuery>, SourceError> {
    let ast = syn::parse_file(source).map_err(|e| SourceError::Parse {
        path: file.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut f = Finder {
        file,
        crate_dir,
        found: Vec::new(),
        errors: Vec::new(),
    };
    f.visit_file(&ast);
    if let Some(e) = f.errors.into_iter().next() {
        return Err(e);
    }
    Ok(f.found)
}

/// Finds every query macro call in a crate's `src/`, `tests/`, `examples/` and `benches/`
/// (every `.rs` file, in path order).
pub fn find_in_crate(crate_dir: &Path) -> Result<Vec<FoundQuery>, SourceError> {
    let mut files = Vec::new();
    for sub in ["src", "tests", "examples", "benches"] {
        collect_rs(&crate_dir.join(sub), &mut files)?;
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|source| SourceError::Io {
            path: f.clone(),
            source,
        })?;
        out.extend(find_in_source(&f, &text, crate_dir)?);
    }
    Ok(out)
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), SourceError> {
    if !dir.is_dir() {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| SourceError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_rs(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    Ok(())
}
