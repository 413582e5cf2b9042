//! Loading a migration directory: files → named migrations → validated [`MigrationSet`].

use std::path::{Path, PathBuf};

pub use super::assemble::load_from_files;
use super::error::{MigrateError, MigrateErrorKind};
use super::lock;
use super::model::{Layout, MigrationSet};
use super::warning::LoadWarning;
use crate::syntax::{LineIndex, Position};

/// One file of a migration directory, handed to [`load_from_files`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path inside the migration directory, `/`-separated
    /// (`0001_init.up.sql`, or `2017-09-26-200549_x/up.sql` for diesel). A path ending
    /// in `/` (`seeds/`, with no bytes) stands for a folder holding none of diesel's
    /// files, so that the loader can name it.
    pub path: String,
    /// The file's raw bytes.
    pub bytes: Vec<u8>,
}

/// Options of [`load_dir_with`].
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The layout, or `None` to detect it.
    pub layout: Option<Layout>,
    /// Check the set against the lock file when the directory has one.
    pub check_lock: bool,
    /// How errors name the directory (default: the path as given).
    pub display: Option<String>,
    /// Treat problems in down files (syntax errors, statements that cannot run in a
    /// transaction) as errors. When `false` they are returned as warnings
    /// ([`Loaded::down_warnings`]): real projects ship broken down files that never
    /// run (crates.io has two), and they must not stop an upgrade.
    pub strict_down: bool,
    /// Refuse what sqlx or diesel would load but what is likely a mistake: an `.up.sql`
    /// or `.down.sql` without its partner, an empty file, a file or folder named like a
    /// migration that the layout does not load. Without it (the default) the set loads
    /// as sqlx (diesel) loads it, and the skipped files are named in
    /// [`Loaded::warnings`]. A directory with a lock file is always loaded strictly.
    pub strict: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            layout: None,
            check_lock: true,
            display: None,
            strict_down: false,
            strict: false,
        }
    }
}

/// A loaded, validated directory: the set plus where its files are.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The migrations.
    pub set: MigrationSet,
    /// The directory, canonical (absolute, symlinks resolved).
    pub dir: PathBuf,
    /// The lock file, canonical, when the directory has one.
    pub lock_file: Option<PathBuf>,
    /// Problems found in down files, when [`LoadOptions::strict_down`] is off.
    pub down_warnings: Vec<MigrateError>,
    /// Files and folders that look like migrations but were not loaded, and down files
    /// loaded without their up file.
    pub warnings: Vec<LoadWarning>,
}

/// Loads, validates and (when `migrations.lock` exists) lock-checks the migration
/// directory `dir`; `layout` `None` detects the layout. Returns the first error; see
/// [`load_dir_with`] for all of them.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("chatbi-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("0001_init.sql"), "create table t (id int);\n").unwrap();
/// let set = chatbi_db_core::migrate::load_dir(&dir, None).unwrap();
/// assert_eq!(set.migrations[0].version, 1);
/// assert_eq!(set.migrations[0].description, "init");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn load_dir(dir: &Path, layout: Option<Layout>) -> Result<MigrationSet, MigrateError> {
    let options = LoadOptions {
        layout,
        ..LoadOptions::default()
    };
    load_dir_with(dir, &options)
        .map(|loaded| loaded.set)
        .map_err(|mut errors| errors.swap_remove(0))
}

/// Like [`load_dir`], with options, returning every error found (never an empty list).
pub fn load_dir_with(dir: &Path, options: &LoadOptions) -> Result<Loaded, Vec<MigrateError>> {
    let display = options
        .display
        .clone()
        .unwrap_or_else(|| dir.display().to_string());
    let canonical = dir.canonicalize().map_err(|e| {
        vec![MigrateError::new(
            display.clone(),
            MigrateErrorKind::Io(format!("migration directory: {e}")),
        )]
    })?;
    let files = read_dir_files(&canonical, &display).map_err(|e| vec![e])?;
    let lock_path = canonical.join(lock::LOCK_FILE_NAME);
    let lock_file = lock_path.is_file().then_some(lock_path);
    let effective = LoadOptions {
        strict: options.strict || lock_file.is_some(),
        ..options.clone()
    };
    let loaded = load_from_files(&display, &effective, &files)?;
    let set = loaded.set;
    if options.check_lock
        && let Some(path) = &lock_file
    {
        let lock_display = join(&display, lock::LOCK_FILE_NAME);
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![MigrateError::new(
                lock_display.clone(),
                MigrateErrorKind::Io(e.to_string()),
            )]
        })?;
        let parsed = lock::parse(&text).map_err(|e| vec![prefixed(&display, e)])?;
        lock::check(&parsed, &set).map_err(|errors| {
            errors
                .into_iter()
                .map(|e| prefixed(&display, e))
                .collect::<Vec<_>>()
        })?;
    }
    Ok(Loaded {
        set,
        dir: canonical,
        lock_file,
        down_warnings: loaded.down_warnings,
        warnings: loaded.warnings,
    })
}

fn prefixed(display: &str, mut error: MigrateError) -> MigrateError {
    error.file = join(display, &error.file);
    error
}

/// `display` (the migration directory as the user named it) joined with `file`.
pub(crate) fn join(display: &str, file: &str) -> String {
    let display = display.trim_end_matches('/');
    if display.is_empty() || display == "." {
        file.to_string()
    } else {
        format!("{display}/{file}")
    }
}

/// Reads the files of `dir` that may belong to migrations: top-level `*.sql` files,
/// and `up.sql`, `down.sql`, `metadata.toml` one directory down (diesel); a folder
/// holding none of them is listed as `name/` with no bytes. Dot files and folders are
/// skipped (diesel skips them; sqlx would refuse a dotted `.sql` name). Sorted by path.
pub fn read_dir_files(dir: &Path, display: &str) -> Result<Vec<SourceFile>, MigrateError> {
    let io = |what: &Path, e: std::io::Error| {
        MigrateError::new(
            display.to_string(),
            MigrateErrorKind::Io(format!("{}: {e}", what.display())),
        )
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            if entry.file_name().to_string_lossy().ends_with(".sql") {
                return Err(MigrateError::new(
                    join(display, &entry.file_name().to_string_lossy()),
                    MigrateErrorKind::PathNotUtf8,
                ));
            }
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let meta = std::fs::metadata(&path).map_err(|e| io(&path, e))?;
        if meta.is_file() {
            if name.ends_with(".sql") {
                let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
                files.push(SourceFile { path: name, bytes });
            }
        } else if meta.is_dir() {
            let before = files.len();
            for inner in ["up.sql", "down.sql", "metadata.toml"] {
                let inner_path = path.join(inner);
                if inner_path.is_file() {
                    let bytes = std::fs::read(&inner_path).map_err(|e| io(&inner_path, e))?;
                    files.push(SourceFile {
                        path: format!("{name}/{inner}"),
                        bytes,
                    });
                }
            }
            if files.len() == before {
                files.push(SourceFile {
                    path: format!("{name}/"),
                    bytes: Vec::new(),
                });
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Reads diesel's `run_in_transaction` (default `true`) from `metadata.toml`; an error
/// carries the line and column it is about.
pub(crate) fn metadata_run_in_transaction(
    bytes: &[u8],
) -> Result<bool, (String, Option<Position>)> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let prefix = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let at = LineIndex::new(prefix).position(e.valid_up_to());
            return Err((format!("not valid UTF-8: {e}"), Some(at)));
        }
    };
    let at = |offset: usize| Some(LineIndex::new(text).position(offset));
    let table: toml::Table = toml::from_str(text)
        .map_err(|e| (e.message().to_string(), e.span().and_then(|s| at(s.start))))?;
    match table.get("run_in_transaction") {
        None => Ok(true),
        Some(toml::Value::Boolean(b)) => Ok(*b),
        Some(other) => Err((
            format!("`run_in_transaction` must be true or false, found {other}"),
            text.find("run_in_transaction").and_then(at),
        )),
    }
}
