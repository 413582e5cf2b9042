//! Loading a migration directory: files → named migrations → validated [`MigrationSet`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::{MigrateError, MigrateErrorKind};
use super::lock;
use super::model::{Layout, Migration, MigrationSet, checksum};
use super::naming::{self, Naming, Role};
use super::validate::{self, Transaction};
use crate::syntax::{LineIndex, Position};

/// One file of a migration directory, handed to [`load_from_files`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path inside the migration directory, `/`-separated
    /// (`0001_init.up.sql`, or `2017-09-26-200549_x/up.sql` for diesel).
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
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            layout: None,
            check_lock: true,
            display: None,
            strict_down: false,
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
    let (set, down_warnings) = load_from_files(&display, options, &files)?;
    let lock_path = canonical.join(lock::LOCK_FILE_NAME);
    let lock_file = lock_path.is_file().then_some(lock_path);
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
        down_warnings,
    })
}

fn prefixed(display: &str, mut error: MigrateError) -> MigrateError {
    error.file = join(display, &error.file);
    error
}

fn join(display: &str, file: &str) -> String {
    let display = display.trim_end_matches('/');
    if display.is_empty() || display == "." {
        file.to_string()
    } else {
        format!("{display}/{file}")
    }
}

/// Reads the files of `dir` that may belong to migrations: top-level `*.sql` files,
/// and `up.sql`, `down.sql`, `metadata.toml` one directory down (diesel). Sorted by path.
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
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

#[derive(Default)]
struct Group<'a> {
    version: i64,
    description: String,
    up: Option<(&'a SourceFile, Role)>,
    down: Option<&'a SourceFile>,
    metadata: Option<&'a SourceFile>,
}

/// Names, groups and validates `files` (paths relative to the migration directory,
/// which errors call `display`) into a set, with `options.layout` (`None`: detected)
/// and `options.strict_down`; the lock file is not read here. Pure: no file system
/// access. Returns the set and the down-file warnings, or every error found.
pub fn load_from_files(
    display: &str,
    options: &LoadOptions,
    files: &[SourceFile],
) -> Result<(MigrationSet, Vec<MigrateError>), Vec<MigrateError>> {
    let layout = options
        .layout
        .unwrap_or_else(|| naming::detect(files.iter().map(|f| f.path.as_str())));
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut groups: BTreeMap<&str, Group<'_>> = BTreeMap::new();
    let mut names = Vec::new();
    for file in files {
        match naming::name(layout, &file.path) {
            Naming::Ignored => {}
            Naming::Bad(kind) => errors.push(MigrateError::new(join(display, &file.path), kind)),
            Naming::Migration(named) => names.push((file, named)),
        }
    }
    for (file, named) in &names {
        let group = groups.entry(named.group.as_str()).or_default();
        group.version = named.version;
        group.description.clone_from(&named.description);
        let slot_taken = match named.role {
            Role::Up | Role::Simple => group.up.replace((file, named.role)),
            Role::Down => group.down.replace(file).map(|f| (f, Role::Down)),
            Role::Metadata => group.metadata.replace(file).map(|f| (f, Role::Metadata)),
        };
        if let Some((other, _)) = slot_taken {
            errors.push(MigrateError::new(
                join(display, &file.path),
                MigrateErrorKind::DuplicateVersion {
                    version: named.version,
                    other: join(display, &other.path),
                },
            ));
        }
    }
    let mut by_version: BTreeMap<i64, &Group<'_>> = BTreeMap::new();
    for (key, group) in &groups {
        let file_of = |g: &Group<'_>| {
            g.up.map(|(f, _)| f.path.clone())
                .or_else(|| g.down.map(|f| f.path.clone()))
                .unwrap_or_else(|| key.to_string())
        };
        if let Some(other) = by_version.get(&group.version) {
            errors.push(MigrateError::new(
                join(display, &file_of(group)),
                MigrateErrorKind::DuplicateVersion {
                    version: group.version,
                    other: join(display, &file_of(other)),
                },
            ));
            continue;
        }
        by_version.insert(group.version, group);
    }
    let mut migrations = Vec::with_capacity(by_version.len());
    for (key, group) in &groups {
        if by_version
            .get(&group.version)
            .is_none_or(|g| !std::ptr::eq(*g, group))
        {
            continue;
        }
        let mut down_errors = Vec::new();
        let m = migration(display, layout, key, group, &mut errors, &mut down_errors);
        if options.strict_down {
            errors.extend(down_errors);
        } else {
            warnings.extend(down_errors);
        }
        if let Some(m) = m {
            migrations.push(m);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    migrations.sort_by_key(|m| m.version);
    let set = MigrationSet {
        layout,
        migrations: Cow::Owned(migrations),
    };
    Ok((set, warnings))
}

/// Builds and validates one migration; pushes its errors, and the problems of its
/// down file to `down_errors`.
fn migration(
    display: &str,
    layout: Layout,
    key: &str,
    group: &Group<'_>,
    errors: &mut Vec<MigrateError>,
    down_errors: &mut Vec<MigrateError>,
) -> Option<Migration> {
    let before = errors.len();
    let Some((up, up_role)) = group.up else {
        let (file, kind) = match layout {
            Layout::Diesel => (key.to_string(), MigrateErrorKind::MissingDieselUp),
            _ => {
                let file = group
                    .down
                    .map_or_else(|| key.to_string(), |f| f.path.clone());
                (
                    file,
                    MigrateErrorKind::MissingUp {
                        expected: format!("{key}.up.sql"),
                    },
                )
            }
        };
        errors.push(MigrateError::new(join(display, &file), kind));
        return None;
    };
    if layout == Layout::Sqlx {
        if up_role == Role::Up && group.down.is_none() {
            errors.push(MigrateError::new(
                join(display, &up.path),
                MigrateErrorKind::MissingDown {
                    expected: format!("{key}.down.sql"),
                },
            ));
        }
        if up_role == Role::Simple
            && let Some(down) = group.down
        {
            errors.push(MigrateError::new(
                join(display, &down.path),
                MigrateErrorKind::MissingUp {
                    expected: format!("{key}.up.sql"),
                },
            ));
        }
    }
    let diesel = layout == Layout::Diesel;
    let mut run_in_transaction = true;
    if let Some(meta) = group.metadata {
        match metadata_run_in_transaction(&meta.bytes) {
            Ok(value) => run_in_transaction = value,
            Err((message, position)) => errors.push(MigrateError {
                file: join(display, &meta.path),
                position,
                kind: MigrateErrorKind::Metadata(message),
            }),
        }
    }
    let up_display = join(display, &up.path);
    let up_sql = match validate::text(&up_display, &up.bytes) {
        Ok(sql) => Some(sql),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let no_transaction = if diesel {
        !run_in_transaction
    } else {
        up_sql.is_some_and(validate::has_no_transaction_marker)
    };
    if let Some(sql) = up_sql {
        let tx = if no_transaction {
            Transaction::No
        } else {
            Transaction::Yes
        };
        errors.extend(validate::sql(&up_display, sql, tx, diesel));
    }
    let mut down_sql = None;
    if let Some(down) = group.down {
        let down_display = join(display, &down.path);
        match validate::text(&down_display, &down.bytes) {
            Ok(sql) => {
                let tx = if (diesel && !run_in_transaction)
                    || (!diesel && validate::has_no_transaction_marker(sql))
                {
                    Transaction::No
                } else {
                    Transaction::Yes
                };
                down_errors.extend(validate::sql(&down_display, sql, tx, diesel));
                down_sql = Some(sql);
            }
            // An empty down file undoes nothing (sqlx and diesel both run it).
            Err(e) if e.kind == MigrateErrorKind::Empty => {
                down_sql = Some(std::str::from_utf8(&down.bytes).unwrap_or_default());
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.len() > before {
        return None;
    }
    let up_sql = up_sql?;
    Some(Migration {
        version: group.version,
        description: Cow::Owned(group.description.clone()),
        up_sql: Cow::Owned(up_sql.to_string()),
        down_sql: down_sql.map(|s| Cow::Owned(s.to_string())),
        no_transaction,
        checksum: Cow::Owned(checksum(&up.bytes)),
        up_file: Cow::Owned(up.path.clone()),
        down_file: group.down.map(|f| Cow::Owned(f.path.clone())),
    })
}

/// Reads diesel's `run_in_transaction` (default `true`) from `metadata.toml`; an error
/// carries the line and column it is about.
fn metadata_run_in_transaction(bytes: &[u8]) -> Result<bool, (String, Option<Position>)> {
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
