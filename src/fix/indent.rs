//! Helpers for building replacement text that fits where it lands: the indentation
//! and line ending of the surrounding file, and re-indenting a block of Go code.
//!
//! Raw string literals are the trap: their lines are part of the string's value, so
//! indenting them changes what the program does. [`reindent`] finds them itself with
//! a small Go lexer ([`raw_string_ranges`]) rather than asking for a syntax tree,
//! because the text being re-indented is usually a fragment assembled for a fix
//! (a statement or two), not a file tree-sitter could parse cleanly.

use std::ops::Range;

/// The leading tabs and spaces of the line that holds `offset` (clamped to `src`).
pub fn line_indent(src: &[u8], offset: usize) -> &str {
    let offset = offset.min(src.len());
    let start = src[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let len = src[start..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    // Only ASCII tabs and spaces: always valid UTF-8.
    std::str::from_utf8(&src[start..start + len]).unwrap_or("")
}

/// `"\r\n"` when the file's first line ends in CRLF, else `"\n"` (also for a file
/// without any line break).
pub fn line_ending(src: &[u8]) -> &'static str {
    match src.iter().position(|&b| b == b'\n') {
        Some(i) if i > 0 && src[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Every line break in `text` (`\n` or `\r\n`) becomes `eol`. A lone `\r` is kept.
pub fn normalize_newlines(text: &str, eol: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut rest = text;
    while let Some(i) = rest.find('\n') {
        let line = &rest[..i];
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push_str(eol);
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out
}

/// Put `extra` in front of every line of `block` that holds anything but whitespace.
/// Empty and whitespace-only lines are left as they are (gofmt keeps no trailing
/// blanks), and so are lines that begin inside a raw string literal, whose bytes
/// belong to the string's value. Line endings are kept.
///
/// `block` must start outside any literal or comment (as a statement does).
pub fn reindent(block: &str, extra: &str) -> String {
    let protected = raw_string_ranges(block);
    let mut out = String::with_capacity(block.len() + extra.len() * 8);
    let mut offset = 0;
    for line in block.split_inclusive('\n') {
        let inside_raw = protected.iter().any(|r| r.start < offset && offset < r.end);
        if !inside_raw && !line.trim().is_empty() {
            out.push_str(extra);
        }
        out.push_str(line);
        offset += line.len();
    }
    out
}

/// Byte ranges of the raw string literals (`` `...` ``, backquotes included) in a
/// fragment of Go that starts outside any literal or comment. Backquotes inside
/// comments, interpreted strings and rune literals do not count. An unterminated raw
/// string runs to the end of the text.
pub fn raw_string_ranges(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = find_from(b, i + 2, b"\n").map_or(b.len(), |j| j + 1);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = find_from(b, i + 2, b"*/").map_or(b.len(), |j| j + 2);
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != quote && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'`' => {
                let end = find_from(b, i + 1, b"`").map_or(b.len(), |j| j + 1);
                out.push(i..end);
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

fn find_from(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indent_of_the_line_holding_an_offset() {
        let src = b"package p\n\nfunc f() {\n\t\tx := 1\n  \ty()\n}";
        let x = src.iter().position(|&c| c == b'x').unwrap();
        assert_eq!(line_indent(src, x), "\t\t");
        assert_eq!(line_indent(src, x + 3), "\t\t");
        let y = src.iter().position(|&c| c == b'y').unwrap();
        assert_eq!(line_indent(src, y), "  \t");
        assert_eq!(line_indent(src, 0), "");
        assert_eq!(line_indent(src, src.len() + 10), "");
        assert_eq!(line_indent(b"\t\xff\n", 1), "\t");
    }

    #[test]
    fn line_ending_comes_from_the_first_line() {
        assert_eq!(line_ending(b"package p\r\n\nx\n"), "\r\n");
        assert_eq!(line_ending(b"package p\n\r\n"), "\n");
        assert_eq!(line_ending(b"package p"), "\n");
        assert_eq!(line_ending(b"\r\n"), "\r\n");
        assert_eq!(line_ending(b"\n"), "\n");
    }

    #[test]
    fn newlines_are_normalized() {
        assert_eq!(normalize_newlines("a\nb\r\nc", "\r\n"), "a\r\nb\r\nc");
        assert_eq!(normalize_newlines("a\r\nb\n\n", "\n"), "a\nb\n\n");
        assert_eq!(normalize_newlines("a\rb\n", "\r\n"), "a\rb\r\n");
    }

    #[test]
    fn reindent_skips_empty_lines() {
        assert_eq!(
            reindent("a()\n\nif x {\n\tb()\n}\n", "\t"),
            "\ta()\n\n\tif x {\n\t\tb()\n\t}\n"
        );
        assert_eq!(reindent("a()\r\n  \r\nb()", "\t"), "\ta()\r\n  \r\n\tb()");
    }

    #[test]
    fn reindent_leaves_raw_string_lines_alone() {
        let block = "q := `select *\nfrom t\n  where x`\nrun(q)\n";
        assert_eq!(
            reindent(block, "\t"),
            "\tq := `select *\nfrom t\n  where x`\n\trun(q)\n"
        );
        // Backquotes in comments, strings and runes open nothing.
        let block = "// a ` in a comment\ns := \"`\"\nr := '`'\n/* ` */ x()\ny()\n";
        assert!(raw_string_ranges(block).is_empty());
        assert_eq!(
            reindent(block, "\t"),
            block
                .lines()
                .map(|l| format!("\t{l}\n"))
                .collect::<String>()
        );
        // An escaped quote does not end an interpreted string.
        let block = "s := \"\\\"`\"\nt := `a\nb`\n";
        assert_eq!(raw_string_ranges(block), vec![16..21]);
        assert_eq!(reindent(block, "\t"), "\ts := \"\\\"`\"\n\tt := `a\nb`\n");
    }

    #[test]
    fn raw_strings_on_one_line_do_not_protect_the_next() {
        assert_eq!(reindent("a := `x`\nb()\n", "  "), "  a := `x`\n  b()\n");
        assert_eq!(raw_string_ranges("`unterminated\nx"), vec![0..15]);
    }
}
