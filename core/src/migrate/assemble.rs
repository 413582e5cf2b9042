//! From named files to a validated [`MigrationSet`], by sqlx's and diesel's rules: files
//! are grouped by version (sqlx pairs an up and a down of one version; diesel groups a
//! folder), an up without its down and a down without its up are migrations of their own
//! kind, and an empty file is a migration that does nothing. A strict load refuses those
//! cases instead; both name what they leave out.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::error::{MigrateError, MigrateErrorKind};
use super::load::{LoadOptions, SourceFile, join, metadata_run_in_transaction};
use super::model::{DownOnly, Layout, Migration, MigrationSet, checksum};
use super::naming::{self, Named, Naming, Role};
use super::validate::{self, Transaction};
use super::warning::{Findings, LoadWarning, LoadWarningKind};

/// What [`load_from_files`] returns: the set and what the caller should hear about.
#[derive(Debug, Clone)]
pub struct LoadedFiles {
    /// The migrations.
    pub set: MigrationSet,
    /// Problems found in down files, when [`LoadOptions::strict_down`] is off.
    pub down_warnings: Vec<MigrateError>,
    /// Files and folders not loaded, and down files loaded without their up file.
    pub warnings: Vec<LoadWarning>,
}

/// The files of one version.
struct Group<'a> {
    /// The up (or single-file) migration.
    up: Option<(&'a SourceFile, &'a Named)>,
    /// The down file.
    down: Option<(&'a SourceFile, &'a Named)>,
    /// diesel's `metadata.toml`.
    metadata: Option<&'a SourceFile>,
    /// The folder (diesel) or stem (sqlx, refinery) of the first file seen.
    key: &'a str,
}

impl Group<'_> {
    fn first_file(&self) -> &str {
        self.up
            .or(self.down)
            .map(|(f, _)| f.path.as_str())
            .or(self.metadata.map(|f| f.path.as_str()))
            .unwrap_or(self.key)
    }
}

/// Names, groups and validates `files` (paths relative to the migration directory,
/// which errors call `display`) into a set, with `options.layout` (`None`: detected),
/// `options.strict` and `options.strict_down`; the lock file is not read here. Pure: no
/// file system access. Returns every error found when the set does not load.
pub fn load_from_files(
    display: &str,
    options: &LoadOptions,
    files: &[SourceFile],
) -> Result<LoadedFiles, Vec<MigrateError>> {
    let layout = options
        .layout
        .unwrap_or_else(|| naming::detect(files.iter().map(|f| f.path.as_str())));
    let mut findings = Findings::new(options.strict);
    let names = name_files(display, layout, files, &mut findings);
    folder_warnings(display, layout, files, &mut findings);
    let groups = group(display, layout, &names, &mut findings.errors);
    let mut migrations = Vec::with_capacity(groups.len());
    let mut down_only = Vec::new();
    let mut down_errors = Vec::new();
    for (version, group) in &groups {
        let ctx = Context {
            display,
            layout,
            version: *version,
        };
        match group.up {
            Some(up) => {
                if let Some(m) = ctx.migration(up, group, &mut findings, &mut down_errors) {
                    migrations.push(m);
                }
            }
            None => {
                if let Some(d) = ctx.down_only(group, &mut findings, &mut down_errors) {
                    down_only.push(d);
                }
            }
        }
    }
    let mut errors = findings.errors;
    let down_warnings = if options.strict_down {
        errors.extend(down_errors);
        Vec::new()
    } else {
        down_errors
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let set = MigrationSet {
        layout,
        migrations: Cow::Owned(migrations),
        down_only: Cow::Owned(down_only),
    };
    Ok(LoadedFiles {
        set,
        down_warnings,
        warnings: findings.warnings,
    })
}

/// Names every file; records the bad names and the skipped ones.
fn name_files<'a>(
    display: &str,
    layout: Layout,
    files: &'a [SourceFile],
    findings: &mut Findings,
) -> Vec<(&'a SourceFile, Named)> {
    let mut names = Vec::new();
    for file in files {
        match naming::name(layout, &file.path) {
            Naming::Ignored => {}
            Naming::Bad(kind) => findings
                .errors
                .push(MigrateError::new(join(display, &file.path), kind)),
            Naming::Skipped(kind) => findings.warn(join(display, &file.path), kind, ""),
            Naming::Migration(named) => {
                if layout == Layout::Sqlx && file.path.starts_with(['+', '-']) {
                    let prefix = file.path.split('_').next().unwrap_or_default();
                    let kind = LoadWarningKind::SignedVersion {
                        prefix: prefix.to_string(),
                        version: named.version,
                    };
                    findings.warn(join(display, &file.path), kind, "");
                }
                names.push((file, named));
            }
        }
    }
    names
}

/// Names the folders the layout does not load: in a sqlx set, folders named like a
/// migration (sqlx reads only files); in a diesel set, folders with none of diesel's files.
fn folder_warnings(display: &str, layout: Layout, files: &[SourceFile], findings: &mut Findings) {
    let mut seen = BTreeSet::new();
    for file in files {
        let Some((dir, rest)) = file.path.split_once('/') else {
            continue;
        };
        if !seen.insert(dir) {
            continue;
        }
        let shown = join(display, dir) + "/";
        match layout {
            Layout::Sqlx if naming::starts_like_version(dir) => {
                findings.warn(shown, LoadWarningKind::SqlxIgnoresDirectory, "");
            }
            Layout::Diesel if rest.is_empty() => {
                findings.warn(shown, LoadWarningKind::DieselFolderWithoutUp, "");
            }
            _ => {}
        }
    }
}

/// Groups the named files by version. sqlx pairs the up and the down of a version
/// whatever their descriptions; diesel and refinery give each folder (stem) its own
/// version. Two files in one slot, or two folders with one version, are an error.
fn group<'a>(
    display: &str,
    layout: Layout,
    names: &'a [(&'a SourceFile, Named)],
    errors: &mut Vec<MigrateError>,
) -> BTreeMap<i64, Group<'a>> {
    let mut groups: BTreeMap<i64, Group<'a>> = BTreeMap::new();
    let mut clashed: BTreeSet<&str> = BTreeSet::new();
    for (file, named) in names {
        let group = groups.entry(named.version).or_insert_with(|| Group {
            up: None,
            down: None,
            metadata: None,
            key: &named.group,
        });
        let other_folder = layout != Layout::Sqlx && group.key != named.group;
        let taken = if other_folder {
            if !clashed.insert(&named.group) {
                continue;
            }
            Some(group.first_file().to_string())
        } else {
            let slot = match named.role {
                Role::Up | Role::Simple => group.up.replace((file, named)).map(|(f, _)| f),
                Role::Down => group.down.replace((file, named)).map(|(f, _)| f),
                Role::Metadata => group.metadata.replace(file),
            };
            slot.map(|f| f.path.clone())
        };
        if let Some(other) = taken {
            errors.push(MigrateError::new(
                join(display, &file.path),
                MigrateErrorKind::DuplicateVersion {
                    version: named.version,
                    other: join(display, &other),
                },
            ));
        }
    }
    groups
}

/// What building one version's migration needs to know.
struct Context<'d> {
    display: &'d str,
    layout: Layout,
    version: i64,
}

impl Context<'_> {
    fn shown(&self, file: &SourceFile) -> String {
        join(self.display, &file.path)
    }

    /// A version with a down file but no up file: a down-only migration (sqlx), or an
    /// error (a diesel folder without `up.sql`; diesel refuses it too).
    fn down_only(
        &self,
        group: &Group<'_>,
        findings: &mut Findings,
        down_errors: &mut Vec<MigrateError>,
    ) -> Option<DownOnly> {
        let (down, named) = match (self.layout, group.down) {
            (Layout::Diesel, _) | (_, None) => {
                findings.errors.push(MigrateError::new(
                    join(self.display, group.key),
                    MigrateErrorKind::MissingDieselUp,
                ));
                return None;
            }
            (_, Some(down)) => down,
        };
        let expected = format!("{}.up.sql", named.group);
        let before = findings.errors.len();
        findings.warn(self.shown(down), LoadWarningKind::DownWithoutUp, &expected);
        if findings.errors.len() > before {
            return None;
        }
        let sql = self.down_text(down, findings, down_errors)?;
        Some(DownOnly {
            version: self.version,
            description: Cow::Owned(named.description.clone()),
            sql: Cow::Owned(sql.to_string()),
            file: Cow::Owned(down.path.clone()),
        })
    }

    /// Builds and validates one migration; pushes its errors, and the problems of its
    /// down file to `down_errors`.
    fn migration(
        &self,
        (up, up_named): (&SourceFile, &Named),
        group: &Group<'_>,
        findings: &mut Findings,
        down_errors: &mut Vec<MigrateError>,
    ) -> Option<Migration> {
        let before = findings.errors.len();
        if self.layout == Layout::Sqlx {
            self.pair_checks((up, up_named), group, findings);
        }
        let diesel = self.layout == Layout::Diesel;
        let mut run_in_transaction = true;
        if let Some(meta) = group.metadata {
            match metadata_run_in_transaction(&meta.bytes) {
                Ok(value) => run_in_transaction = value,
                Err((message, position)) => findings.errors.push(MigrateError {
                    file: self.shown(meta),
                    position,
                    kind: MigrateErrorKind::Metadata(message),
                }),
            }
        }
        let up_sql = self.up_text(up, findings);
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
            let errors = validate::sql(&self.shown(up), sql, tx, diesel);
            findings.errors.extend(errors);
        }
        let down = group.down.map(|(f, _)| f);
        let down_sql = match down {
            Some(down) => Some(self.down_text(down, findings, down_errors)?),
            None => None,
        };
        if let (Some(sql), Some(down)) = (down_sql, down) {
            let outside = if diesel {
                !run_in_transaction
            } else {
                validate::has_no_transaction_marker(sql)
            };
            let tx = if outside {
                Transaction::No
            } else {
                Transaction::Yes
            };
            down_errors.extend(validate::sql(&self.shown(down), sql, tx, diesel));
        }
        if findings.errors.len() > before {
            return None;
        }
        Some(Migration {
            version: self.version,
            description: Cow::Owned(up_named.description.clone()),
            up_sql: Cow::Owned(up_sql?.to_string()),
            down_sql: down_sql.map(|s| Cow::Owned(s.to_string())),
            no_transaction,
            checksum: Cow::Owned(checksum(&up.bytes)),
            up_file: Cow::Owned(up.path.clone()),
            down_file: down.map(|f| Cow::Owned(f.path.clone())),
        })
    }

    /// sqlx's pairs, checked only in a strict load: an `.up.sql` wants its `.down.sql`,
    /// a `.down.sql` wants an `.up.sql` (not a single-file migration).
    fn pair_checks(&self, up: (&SourceFile, &Named), group: &Group<'_>, findings: &mut Findings) {
        let (up, up_named) = up;
        match (up_named.role, group.down) {
            (Role::Up, None) => findings.strict_only(
                self.shown(up),
                MigrateErrorKind::MissingDown {
                    expected: format!("{}.down.sql", up_named.group),
                },
            ),
            (Role::Simple, Some((down, down_named))) => findings.strict_only(
                self.shown(down),
                MigrateErrorKind::MissingUp {
                    expected: format!("{}.up.sql", down_named.group),
                },
            ),
            _ => {}
        }
    }

    /// The up file's text: UTF-8 without a byte order mark; empty only in a lenient load.
    fn up_text<'f>(&self, up: &'f SourceFile, findings: &mut Findings) -> Option<&'f str> {
        match validate::text(&self.shown(up), &up.bytes) {
            Ok(sql) => Some(sql),
            Err(e) if e.kind == MigrateErrorKind::Empty => {
                findings.strict_only(e.file, e.kind);
                std::str::from_utf8(&up.bytes).ok()
            }
            Err(e) => {
                findings.errors.push(e);
                None
            }
        }
    }

    /// A down file's text. An empty down file undoes nothing (sqlx and diesel run it); a
    /// byte order mark only fails when the file runs, so it is a down problem; a file that
    /// is not UTF-8 does not load (sqlx refuses it too).
    fn down_text<'f>(
        &self,
        down: &'f SourceFile,
        findings: &mut Findings,
        down_errors: &mut Vec<MigrateError>,
    ) -> Option<&'f str> {
        match validate::text(&self.shown(down), &down.bytes) {
            Ok(sql) => Some(sql),
            Err(e) if e.kind == MigrateErrorKind::Empty => std::str::from_utf8(&down.bytes).ok(),
            Err(e) if matches!(e.kind, MigrateErrorKind::ByteOrderMark { .. }) => {
                down_errors.push(e);
                std::str::from_utf8(&down.bytes).ok()
            }
            Err(e) => {
                findings.errors.push(e);
                None
            }
        }
    }
}
