//! Terminal output: tables, colours (off under `NO_COLOR` or when piped), progress.

use std::io::{IsTerminal, Write};
use std::time::Duration;

/// Colour and progress settings for one run.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Use ANSI colours on stdout.
    pub color: bool,
    /// Draw a progress line on stderr.
    pub progress: bool,
}

impl Style {
    /// Colours only on a terminal, never under `NO_COLOR` (non-empty) or `--no-color`.
    pub fn detect(no_color_flag: bool) -> Style {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: !no_color_flag && !no_color_env && std::io::stdout().is_terminal(),
            progress: std::io::stderr().is_terminal(),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Green.
    pub fn ok(&self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Yellow.
    pub fn warn(&self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Red.
    pub fn bad(&self, text: &str) -> String {
        self.paint("31", text)
    }

    /// Bold.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Dim.
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Draws a progress line (`[i/n] label`) on stderr, overwriting the previous one.
    pub fn progress_line(&self, index: usize, total: usize, label: &str) {
        if !self.progress || total < 2 {
            return;
        }
        let width = 30;
        let filled = width * index / total.max(1);
        let bar: String = "#".repeat(filled) + &"-".repeat(width - filled);
        let mut err = std::io::stderr();
        let _ = write!(err, "\r\x1b[2K[{bar}] {index}/{total} {label}");
        let _ = err.flush();
    }

    /// Clears the progress line.
    pub fn progress_done(&self) {
        if self.progress {
            let mut err = std::io::stderr();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// A plain text table: a header and rows, columns padded to their widest cell.
/// Cells may hold ANSI colour codes (not counted in the width).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(visible_len(cell));
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<String>, out: &mut String| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            text.push_str(cell);
            if i + 1 < cells.len() {
                let pad = widths[i] - visible_len(cell) + 2;
                text.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.iter().map(|h| h.to_string()).collect(), &mut out);
    line(widths.iter().map(|w| "-".repeat(*w)).collect(), &mut out);
    for row in rows {
        line(row.clone(), &mut out);
    }
    out
}

fn visible_len(text: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in text.chars() {
        if in_escape {
            if c == 'm' {
                in_escape = false;
            }
        } else if c == '\x1b' {
            in_escape = true;
        } else {
            n += 1;
        }
    }
    n
}

/// A duration for people: `850 µs`, `12.3 ms`, `4.20 s`, `3 min 5 s`.
pub fn duration(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1_000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{:.1} ms", micros as f64 / 1000.0)
    } else if micros < 60_000_000 {
        format!("{:.2} s", micros as f64 / 1e6)
    } else {
        let s = d.as_secs();
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// An execution time in nanoseconds as stored in `_sqlx_migrations` (-1: unknown).
pub fn nanos(n: i64) -> String {
    if n < 0 {
        "-".to_owned()
    } else {
        duration(Duration::from_nanos(n as u64))
    }
}

/// `2026-01-02T03:04:05.123456Z` → `2026-01-02 03:04:05 UTC`.
pub fn timestamp(text: &str) -> String {
    match text.split_once('T') {
        Some((date, time)) => format!("{date} {} UTC", &time[..time.len().min(8)]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_pads_columns() {
        let t = table(&["A", "BB"], &[vec!["xyz".into(), "1".into()]]);
        assert_eq!(t, "A    BB\n---  --\nxyz  1\n");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(nanos(-1), "-");
        assert_eq!(
            timestamp("2026-01-02T03:04:05.123456Z"),
            "2026-01-02 03:04:05 UTC"
        );
    }
}
