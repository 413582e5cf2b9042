//! sqlx offline data: the `.sqlx/query-<sha256>.json` files, read and written.
//!
//! Reads any PostgreSQL offline file written by sqlx 0.7, 0.8 or 0.9 and writes exactly the bytes
//! sqlx 0.9 writes (`serde_json` pretty printing with 2-space indentation, keys in sqlx's order,
//! `origin` on columns, one trailing newline).
//!
//! ```
//! use chatbi_db_core::offline::{hash_query, Describe, Parameters, QueryData, TypeInfo};
//! let data = QueryData::new(
//!     "SELECT 1",
//!     Describe { columns: vec![], parameters: Some(Parameters::Left(vec![TypeInfo::builtin("Int4")])), nullable: vec![] },
//! );
//! assert_eq!(data.hash, hash_query("SELECT 1"));
//! let bytes = data.to_bytes();
//! assert!(bytes.ends_with(b"}\n"));
//! assert_eq!(QueryData::parse(std::str::from_utf8(&bytes).unwrap()).unwrap(), data);
//! ```

mod model;
pub mod sources;

pub use model::{
    Column, ColumnOrigin, CustomType, Describe, OfflineError, Parameters, QueryData, TypeInfo,
    TypeKind,
};

use std::path::{Path, PathBuf};

/// The `hash` sqlx records for a query: lowercase hex SHA-256 of its text's UTF-8 bytes.
pub fn hash_query(query: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(query.as_bytes()))
}

/// The file name sqlx uses for a query hash: `query-<hash>.json`.
pub fn file_name(hash: &str) -> String {
    format!("query-{hash}.json")
}

/// Reads one offline file.
pub fn read_file(path: &Path) -> Result<QueryData, OfflineError> {
    let text = std::fs::read_to_string(path).map_err(|source| OfflineError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    QueryData::parse_named(&text, path)
}

/// Reads every `query-*.json` file of an offline directory, sorted by file name.
pub fn read_dir(dir: &Path) -> Result<Vec<(PathBuf, QueryData)>, OfflineError> {
    let io = |source| OfflineError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let is_query = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("query-") && n.ends_with(".json"));
        if is_query && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| read_file(&p).map(|d| (p, d)))
        .collect()
}

/// Writes `data` as `dir/query-<hash>.json` (creating `dir`), returning the path.
/// The bytes are [`QueryData::to_bytes`].
pub fn write_file(dir: &Path, data: &QueryData) -> Result<PathBuf, OfflineError> {
    let path = dir.join(file_name(&data.hash));
    let io = |source| OfflineError::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    std::fs::write(&path, data.to_bytes()).map_err(io)?;
    Ok(path)
}
