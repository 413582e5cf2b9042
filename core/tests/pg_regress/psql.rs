//! A psql script as SQL text of the same length: what psql itself would not send to the server
//! (meta-command lines, `COPY … FROM stdin` data) is blanked, and the meta-commands that send
//! the query buffer (`\g`, `\gset`, `\gdesc`, …) become `;`. Byte offsets and line numbers stay
//! those of the file, so a statement found in the result is quoted from the file as it is.
//!
//! A heuristic, not psql's lexer: quotes are only counted on the current line. Whatever it gets
//! wrong is still text the project must survive.

/// The SQL of a psql script, blanked as the module says.
pub fn sql_of_script(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim_start().starts_with('\\') {
            out.push_str(&meta_line(line));
        } else {
            out.push_str(&inline_meta(line));
        }
        i += 1;
        if let Some(end) = copy_data_end(&lines, i).filter(|_| starts_copy_data(line)) {
            for data in &lines[i..=end] {
                out.push_str(&blank(data));
            }
            i = end + 1;
        }
    }
    out
}

/// `text` with every character but line ends replaced by spaces (one per byte).
fn blank(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let (ch, n) = if c == '\n' || c == '\r' {
                (c, 1)
            } else {
                (' ', c.len_utf8())
            };
            std::iter::repeat_n(ch, n)
        })
        .collect()
}

/// Whether a meta-command (the text after its backslash) sends the query buffer.
fn sends_buffer(command: &str) -> bool {
    command.starts_with('g') || command.starts_with("crosstabview")
}

/// A line that starts with a meta-command: blank, or `;` where the command sends the buffer.
fn meta_line(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let command = &line[indent + 1..];
    let mut out = blank(line);
    if sends_buffer(command) {
        out.replace_range(indent..indent + 1, ";");
    }
    out
}

/// A SQL line that may end with a meta-command (`SELECT 1 \gset`) or hold psql's `\;`.
fn inline_meta(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut quotes = 0usize;
    let mut rest = line;
    while let Some(at) = rest.find(['\'', '\\']) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        if let Some(after) = from.strip_prefix('\'') {
            quotes += 1;
            out.push('\'');
            rest = after;
            continue;
        }
        let command = &from[1..];
        if quotes.is_multiple_of(2) && command.starts_with(';') {
            out.push_str("; ");
            rest = &from[2..];
        } else if quotes.is_multiple_of(2) && sends_buffer(command) {
            out.push(';');
            out.push_str(&blank(command));
            return out;
        } else {
            out.push('\\');
            rest = command;
        }
    }
    out.push_str(rest);
    out
}

/// Whether `line` starts a `COPY … FROM stdin` (or `\copy … from stdin`) whose data follows.
fn starts_copy_data(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    !lower.trim_start().starts_with("--") && lower.contains("from stdin")
}

/// The line holding the `\.` that ends data starting at `from`, unless another `COPY … FROM
/// stdin` comes first (then the first one failed and psql read no data for it).
fn copy_data_end(lines: &[&str], from: usize) -> Option<usize> {
    for (j, line) in lines.iter().enumerate().skip(from) {
        if line.trim_end() == "\\." {
            return Some(j);
        }
        if starts_copy_data(line) {
            return None;
        }
    }
    None
}

#[test]
fn script_blanking_keeps_offsets() {
    let script =
        "\\set x 1\nSELECT 1 \\gset\ncopy t from stdin;\n1\té\n\\.\nSELECT '\\g' \\; SELECT 2;\n";
    let sql = sql_of_script(script);
    assert_eq!(sql.len(), script.len());
    assert_eq!(
        sql,
        "        \nSELECT 1 ;    \ncopy t from stdin;\n    \n  \nSELECT '\\g' ;  SELECT 2;\n"
    );
}
