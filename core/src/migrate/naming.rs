//! File names of the three layouts: which files are migrations, their versions and
//! descriptions, and which layout a directory uses.

use super::error::MigrateErrorKind;
use super::model::Layout;
use super::warning::LoadWarningKind;

/// The role of a file inside a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A single-file migration (sqlx `<v>_<d>.sql`, refinery `V<n>__<d>.sql`).
    Simple,
    /// sqlx `.up.sql` or diesel `up.sql`.
    Up,
    /// sqlx `.down.sql` or diesel `down.sql`.
    Down,
    /// diesel `metadata.toml`.
    Metadata,
}

/// A file recognised as part of a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Named {
    /// The version.
    pub version: i64,
    /// The description, as `_sqlx_migrations.description` records it.
    pub description: String,
    /// The file's role.
    pub role: Role,
    /// What groups the files of one migration: the sqlx/refinery stem without the
    /// up/down suffix, or the diesel directory name.
    pub group: String,
}

/// What a file name means in a layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Naming {
    /// Part of a migration.
    Migration(Named),
    /// Not a migration (README.md, a seed script without a version): ignored.
    Ignored,
    /// Looks like a migration, but the layout's tool does not load it: left out, with a
    /// warning (an error in a strict load when the warning says so).
    Skipped(LoadWarningKind),
    /// Looks like a migration but does not follow the layout.
    Bad(MigrateErrorKind),
}

pub(crate) const SQLX_EXPECTED: &str =
    "`<version>_<description>.sql` (or `.up.sql` / `.down.sql`), version in digits";
pub(crate) const DIESEL_EXPECTED: &str = "a directory `<version>_<name>` with `up.sql`, version in digits and dashes (`2017-09-26-200549_name`)";
const REFINERY_EXPECTED: &str = "`V<version>__<name>.sql`, version in digits";

fn parse_version(digits: &str) -> Result<i64, MigrateErrorKind> {
    digits
        .parse::<i64>()
        .map_err(|_| MigrateErrorKind::VersionOutOfRange(digits.to_string()))
}

/// Names the file at `path` (relative to the migration directory, `/`-separated).
pub(crate) fn name(layout: Layout, path: &str) -> Naming {
    match layout {
        Layout::Sqlx => sqlx(path),
        Layout::Diesel => diesel(path),
        Layout::Refinery => refinery(path),
    }
}

/// `true` when a file or directory name starts like a version (a digit, or a sign and a
/// digit, as sqlx's `i64` parse accepts).
pub(crate) fn starts_like_version(name: &str) -> bool {
    let digits = name.strip_prefix(['+', '-']).unwrap_or(name);
    digits.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

/// sqlx 0.9 (`resolve_blocking`): a file at the top of the directory whose name splits
/// at its first `_` into a prefix and a rest ending in `.sql`; the prefix is parsed as an
/// `i64` (so `-5` and `+5` are versions; anything else makes sqlx refuse the directory);
/// the description is the rest with the suffix (`.up.sql`, `.down.sql`, `.sql`) trimmed
/// repeatedly and `_` turned into spaces. Other names are ignored, as by sqlx, with a
/// warning when they start like a version.
fn sqlx(path: &str) -> Naming {
    if path.contains('/') || !path.ends_with(".sql") {
        return Naming::Ignored;
    }
    let Some((prefix, rest)) = path.split_once('_') else {
        return if starts_like_version(path) {
            Naming::Skipped(LoadWarningKind::SqlxIgnoresName)
        } else {
            Naming::Ignored
        };
    };
    let version = match prefix.parse::<i64>() {
        Ok(v) => v,
        Err(_) if !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit()) => {
            return Naming::Bad(MigrateErrorKind::VersionOutOfRange(prefix.to_string()));
        }
        Err(_) if prefix.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
            return Naming::Bad(MigrateErrorKind::UnparseableName {
                expected: SQLX_EXPECTED,
            });
        }
        Err(_) => {
            return Naming::Skipped(LoadWarningKind::SqlxRefusesName {
                prefix: prefix.to_string(),
            });
        }
    };
    let (role, suffix) = if rest.ends_with(".up.sql") {
        (Role::Up, ".up.sql")
    } else if rest.ends_with(".down.sql") {
        (Role::Down, ".down.sql")
    } else {
        (Role::Simple, ".sql")
    };
    // sqlx trims the suffix repeatedly (`trim_end_matches`); so do we.
    let stem = rest.trim_end_matches(suffix);
    Naming::Migration(Named {
        version,
        description: stem.replace('_', " "),
        role,
        group: path[..path.len() - rest.len()].to_string() + stem,
    })
}

/// diesel: every folder at the top of the directory holding `up.sql` is a migration
/// (`up.sql`, `down.sql`, `metadata.toml`); its version is the part of the folder name
/// before the first `_` with its dashes dropped (`2017-09-26-200549-0000` →
/// `201709262005490000`), as diesel records it. Files beside the folders are ignored by
/// diesel; a sqlx migration among them gets a warning.
fn diesel(path: &str) -> Naming {
    let Some((dir, file)) = path.split_once('/') else {
        return match sqlx(path) {
            Naming::Migration(_) => Naming::Skipped(LoadWarningKind::FileBesideDieselFolders),
            _ => Naming::Ignored,
        };
    };
    let role = match file {
        "up.sql" => Role::Up,
        "down.sql" => Role::Down,
        "metadata.toml" => Role::Metadata,
        _ => return Naming::Ignored,
    };
    let (version, rest) = dir.split_once('_').unwrap_or((dir, ""));
    let numeric = !version.is_empty()
        && version.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && version.as_bytes()[0].is_ascii_digit()
        && !version.ends_with('-');
    if !numeric {
        // diesel would run it (its versions are strings); we cannot record it.
        return if role == Role::Up {
            Naming::Skipped(LoadWarningKind::DieselVersionNotNumeric)
        } else {
            Naming::Ignored
        };
    }
    let digits: String = version.chars().filter(|c| *c != '-').collect();
    let version = match parse_version(&digits) {
        Ok(v) => v,
        Err(e) => return Naming::Bad(e),
    };
    Naming::Migration(Named {
        version,
        description: rest.replace('_', " "),
        role,
        group: dir.to_string(),
    })
}

/// refinery: `V<version>__<name>.sql`.
fn refinery(path: &str) -> Naming {
    if path.contains('/') || !path.ends_with(".sql") {
        return Naming::Ignored;
    }
    let bytes = path.as_bytes();
    let looks_like =
        matches!(bytes.first(), Some(b'V' | b'U')) && bytes.get(1).is_some_and(u8::is_ascii_digit);
    if !looks_like {
        return Naming::Ignored;
    }
    let bad = || {
        Naming::Bad(MigrateErrorKind::UnparseableName {
            expected: REFINERY_EXPECTED,
        })
    };
    if bytes[0] == b'U' {
        return bad();
    }
    let Some((version, rest)) = path[1..].split_once("__") else {
        return bad();
    };
    if !version.bytes().all(|b| b.is_ascii_digit()) {
        return bad();
    }
    let version = match parse_version(version) {
        Ok(v) => v,
        Err(e) => return Naming::Bad(e),
    };
    let stem = &rest[..rest.len() - ".sql".len()];
    if stem.is_empty() {
        return bad();
    }
    Naming::Migration(Named {
        version,
        description: stem.replace('_', " "),
        role: Role::Simple,
        group: path[..path.len() - ".sql".len()].to_string(),
    })
}

/// Guesses the layout from the file paths (relative, `/`-separated): diesel when
/// versioned folders holding `up.sql` are at least as many as sqlx migration files (the
/// minority is then named in warnings), refinery when a file is named `V<n>__…`, sqlx
/// otherwise.
pub(crate) fn detect<'a>(paths: impl IntoIterator<Item = &'a str>) -> Layout {
    let (mut diesel_folders, mut sqlx_files) = (0usize, 0usize);
    let mut refinery_seen = false;
    for path in paths {
        if let Some((dir, "up.sql")) = path.split_once('/')
            && dir.as_bytes().first().is_some_and(u8::is_ascii_digit)
        {
            diesel_folders += 1;
        }
        if matches!(sqlx(path), Naming::Migration(_)) {
            sqlx_files += 1;
        }
        if matches!(refinery(path), Naming::Migration(_)) {
            refinery_seen = true;
        }
    }
    if diesel_folders > 0 && diesel_folders >= sqlx_files {
        Layout::Diesel
    } else if refinery_seen && sqlx_files == 0 {
        Layout::Refinery
    } else {
        Layout::Sqlx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(layout: Layout, path: &str) -> Named {
        match name(layout, path) {
            Naming::Migration(n) => n,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn sqlx_names() {
        let n = named(Layout::Sqlx, "0002_add_users.up.sql");
        assert_eq!(
            (n.version, n.description.as_str(), n.role),
            (2, "add users", Role::Up)
        );
        let n = named(Layout::Sqlx, "20240930000000_calendar_add_key copy.sql");
        assert_eq!(n.description, "calendar add key copy");
        assert_eq!(n.role, Role::Simple);
        assert_eq!(named(Layout::Sqlx, "1_.sql").description, "");
        assert_eq!(name(Layout::Sqlx, "README.md"), Naming::Ignored);
        assert_eq!(name(Layout::Sqlx, "seed.sql"), Naming::Ignored);
        assert_eq!(
            name(Layout::Sqlx, "data_oauth_github.sql"),
            Naming::Skipped(LoadWarningKind::SqlxRefusesName {
                prefix: "data".into()
            })
        );
        assert_eq!(
            name(Layout::Sqlx, "0003-add.sql"),
            Naming::Skipped(LoadWarningKind::SqlxIgnoresName)
        );
        assert_eq!(
            name(Layout::Sqlx, "3.sql"),
            Naming::Skipped(LoadWarningKind::SqlxIgnoresName)
        );
        assert!(matches!(
            name(Layout::Sqlx, "0003-add_x.sql"),
            Naming::Bad(_)
        ));
        assert_eq!(named(Layout::Sqlx, "-5_x.sql").version, -5);
        assert_eq!(named(Layout::Sqlx, "+5_x.sql").version, 5);
        assert!(matches!(
            name(Layout::Sqlx, "99999999999999999999_x.sql"),
            Naming::Bad(MigrateErrorKind::VersionOutOfRange(_))
        ));
    }

    #[test]
    fn diesel_names() {
        let n = named(
            Layout::Diesel,
            "2017-09-26-200549-0000_users_lowercase_index/up.sql",
        );
        assert_eq!(n.version, 201_709_262_005_490_000);
        assert_eq!(n.description, "users lowercase index");
        let n = named(Layout::Diesel, "2014-09-18-123456_add-x/metadata.toml");
        assert_eq!((n.version, n.role), (20_140_918_123_456, Role::Metadata));
        assert_eq!(
            named(Layout::Diesel, "00000000000000_diesel_initial_setup/up.sql").version,
            0
        );
        assert_eq!(
            name(Layout::Diesel, "data_oauth_github.sql"),
            Naming::Ignored
        );
        assert_eq!(
            name(Layout::Diesel, "1_x.sql"),
            Naming::Skipped(LoadWarningKind::FileBesideDieselFolders)
        );
        assert_eq!(
            name(Layout::Diesel, "2017-09-26x_y/up.sql"),
            Naming::Skipped(LoadWarningKind::DieselVersionNotNumeric)
        );
        assert_eq!(
            name(Layout::Diesel, "2017-09-26x_y/down.sql"),
            Naming::Ignored
        );
        assert_eq!(named(Layout::Diesel, "20170926/up.sql").description, "");
    }

    #[test]
    fn refinery_names() {
        let n = named(Layout::Refinery, "V3__add_users.sql");
        assert_eq!((n.version, n.description.as_str()), (3, "add users"));
        assert!(matches!(
            name(Layout::Refinery, "V3_add.sql"),
            Naming::Bad(_)
        ));
        assert!(matches!(
            name(Layout::Refinery, "U3__add.sql"),
            Naming::Bad(_)
        ));
        assert_eq!(name(Layout::Refinery, "seed.sql"), Naming::Ignored);
    }

    #[test]
    fn detects_layouts() {
        assert_eq!(detect(["1_a.sql"]), Layout::Sqlx);
        assert_eq!(
            detect(["README.md", "2014-09-18-123456_a/up.sql"]),
            Layout::Diesel
        );
        assert_eq!(detect(["V1__a.sql"]), Layout::Refinery);
        assert_eq!(
            detect(["1_a.sql", "2_b.sql", "3_c/up.sql"]),
            Layout::Sqlx,
            "the majority wins"
        );
        assert_eq!(detect(["1_a.sql", "2_b/up.sql"]), Layout::Diesel);
    }
}
