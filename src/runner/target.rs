//! Alembic-style targets: `head`, `base`, `+N`, `-N`, a version.

use std::fmt;
use std::str::FromStr;

/// Where `upgrade`, `downgrade` and `stamp` go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The newest migration of the set.
    Head,
    /// Nothing applied.
    Base,
    /// `+N` (upgrade N steps) or `-N` (downgrade N steps).
    Relative(i64),
    /// A version: everything up to and including it applied, nothing above it.
    Version(i64),
}

impl FromStr for Target {
    type Err = String;

    /// Parses `head`/`heads`, `base`, `+N`, `-N`, a version (`3`, `0003`) or a
    /// file stem starting with the version (`0003_add_x`).
    fn from_str(text: &str) -> Result<Target, String> {
        let t = text.trim();
        let bad = || {
            format!("invalid target `{text}`: expected head, base, +N, -N or a version (e.g. 0002)")
        };
        match t.to_ascii_lowercase().as_str() {
            "head" | "heads" => return Ok(Target::Head),
            "base" => return Ok(Target::Base),
            _ => {}
        }
        if let Some(n) = t.strip_prefix('+') {
            let n: i64 = n.parse().map_err(|_| bad())?;
            return if n > 0 {
                Ok(Target::Relative(n))
            } else {
                Err(bad())
            };
        }
        if let Some(n) = t.strip_prefix('-') {
            let n: i64 = n.parse().map_err(|_| bad())?;
            return if n > 0 {
                Ok(Target::Relative(-n))
            } else {
                Err(bad())
            };
        }
        let digits: &str = &t[..t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len())];
        if digits.is_empty() || !(digits.len() == t.len() || t[digits.len()..].starts_with('_')) {
            return Err(bad());
        }
        digits.parse().map(Target::Version).map_err(|_| bad())
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Head => f.write_str("head"),
            Target::Base => f.write_str("base"),
            Target::Relative(n) if *n > 0 => write!(f, "+{n}"),
            Target::Relative(n) => write!(f, "{n}"),
            Target::Version(v) => write!(f, "{v}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_alembic_targets() {
        assert_eq!("head".parse(), Ok(Target::Head));
        assert_eq!("base".parse(), Ok(Target::Base));
        assert_eq!("+2".parse(), Ok(Target::Relative(2)));
        assert_eq!("-1".parse(), Ok(Target::Relative(-1)));
        assert_eq!("0002".parse(), Ok(Target::Version(2)));
        assert_eq!("0002_add_x".parse(), Ok(Target::Version(2)));
        assert!("x".parse::<Target>().is_err());
        assert!("+0".parse::<Target>().is_err());
        assert!("12abc".parse::<Target>().is_err());
    }
}
