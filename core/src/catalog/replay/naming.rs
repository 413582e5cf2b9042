//! Names the server generates (`makeObjectName` and `ChooseRelationName`).

#[allow(unused_imports)]
use super::*;

/// PostgreSQL's `makeObjectName`: `name1_name2_label` truncated to 63 bytes.
pub(crate) fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    const MAX: usize = 63;
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    let overhead = if label.is_empty() { 0 } else { label.len() + 1 } + name2.map_or(0, |_| 1);
    let avail = MAX.saturating_sub(overhead);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let cut = |s: &str, n: usize| {
        let mut n = n.min(s.len());
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    let mut out = cut(name1, n1);
    if let Some(n2s) = name2 {
        out.push('_');
        out.push_str(&cut(n2s, n2));
    }
    if !label.is_empty() {
        out.push('_');
        out.push_str(label);
    }
    out
}

/// Picks a name not in use: `make_object_name`, then `label1`, `label2`, ...
pub(crate) fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut name = make_object_name(name1, name2, label);
    let mut n = 0;
    while taken(&name) {
        n += 1;
        name = make_object_name(name1, name2, &format!("{label}{n}"));
    }
    name
}

pub(crate) fn strip_quotes_cols(cols: &[String]) -> String {
    cols.join("_")
}
