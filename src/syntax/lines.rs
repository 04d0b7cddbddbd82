//! Text positions: every "where does this line start, end, how is it indented, how do
//! its lines end, which column is this" question the crate asks of a file's bytes is
//! answered here (ruff's `Locator` and `Stylist` in one), so rules, fixes, reports and
//! suppressions agree on them.
//!
//! Offsets are bytes into the file. A line ends at `\n`; a `\r` right before it belongs
//! to the line break (CRLF), a lone `\r` is ordinary text. Offsets past the end of the
//! text are clamped to it.

use std::ops::Range;

use crate::finding::{Position, Span};

/// Maps byte offsets to 1-based lines and byte columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(src: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', src).map(|i| i + 1));
        LineIndex { starts }
    }

    pub fn position(&self, byte: usize) -> Position {
        let line = match self.starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        Position {
            line: line + 1,
            column: byte - self.starts[line] + 1,
        }
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        Span {
            start_byte: start,
            end_byte: end,
            start: self.position(start),
            end: self.position(end),
        }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// Start of the line holding `byte`: just past the last `\n` before it, or 0 on the
/// first line.
pub fn line_start(src: &[u8], byte: usize) -> usize {
    memchr::memrchr(b'\n', &src[..byte.min(src.len())]).map_or(0, |i| i + 1)
}

/// End of the line holding `byte`, without its line break: the offset of the `\n` (of
/// the `\r` of a `\r\n`), or the end of the text on the last line.
pub fn line_end(src: &[u8], byte: usize) -> usize {
    let byte = byte.min(src.len());
    match memchr::memchr(b'\n', &src[byte..]) {
        Some(i) if i > 0 && src[byte + i - 1] == b'\r' => byte + i - 1,
        Some(i) => byte + i,
        None => src.len(),
    }
}

/// Start of the line after the one holding `byte`; `None` on the last line.
pub fn next_line_start(src: &[u8], byte: usize) -> Option<usize> {
    let byte = byte.min(src.len());
    memchr::memchr(b'\n', &src[byte..]).map(|i| byte + i + 1)
}

/// True when only whitespace precedes `byte` on its line.
pub fn starts_line(src: &[u8], byte: usize) -> bool {
    let byte = byte.min(src.len());
    src[line_start(src, byte)..byte]
        .iter()
        .all(|b| b.is_ascii_whitespace())
}

/// The leading tabs and spaces of the line holding `byte`.
pub fn indentation(src: &[u8], byte: usize) -> &str {
    let start = line_start(src, byte);
    let len = src[start..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    // Only ASCII tabs and spaces: always valid UTF-8.
    std::str::from_utf8(&src[start..start + len]).unwrap_or("")
}

/// The file's line break, for lines a fix inserts: `"\r\n"` when its first line ends
/// in CRLF, else `"\n"` (also for a file without any line break).
pub fn line_ending(src: &[u8]) -> &'static str {
    match memchr::memchr(b'\n', src) {
        Some(i) if i > 0 && src[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// `block` indented one level deeper: `extra` in front of every line that holds
/// anything but whitespace, except lines that start at an offset inside one of `keep`
/// (ranges into `block`: the inside of raw string literals, whose lines are the
/// string's value). Whitespace-only lines lose their leading tabs and spaces instead,
/// as gofmt leaves no trailing blanks (that holds inside `keep` too). Line breaks are
/// kept as they are.
pub fn reindent(block: &str, extra: &str, keep: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(block.len() + extra.len() * 8);
    let mut offset = 0;
    for line in block.split_inclusive('\n') {
        if line.trim().is_empty() {
            out.push_str(line.trim_start_matches([' ', '\t']));
        } else {
            if !keep.iter().any(|r| r.contains(&offset)) {
                out.push_str(extra);
            }
            out.push_str(line);
        }
        offset += line.len();
    }
    out
}

/// 1-based column of `byte` in UTF-16 code units: SARIF's default `columnKind`, and
/// what GitHub's web pages count in. Invalid UTF-8 counts one unit per replaced
/// sequence, as a reader decoding the file would.
pub fn utf16_column(src: &[u8], byte: usize) -> usize {
    let byte = byte.min(src.len());
    let start = line_start(src, byte);
    String::from_utf8_lossy(&src[start..byte])
        .encode_utf16()
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_byte_columns() {
        let idx = LineIndex::new(b"ab\ncd\r\n\xc3\xa9x");
        assert_eq!(idx.position(0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(4), Position { line: 2, column: 2 });
        // 'x' follows a two-byte character: column counts bytes.
        assert_eq!(idx.position(9), Position { line: 3, column: 3 });
        assert_eq!(idx.line_start(3), Some(7));
        assert_eq!(idx.line_count(), 3);
    }

    #[test]
    fn line_starts_and_ends() {
        let src = b"ab\ncd\r\n\r\n\xc3\xa9x\ry";
        // First line, and past the end (clamped).
        assert_eq!(line_start(src, 0), 0);
        assert_eq!(line_start(src, 2), 0);
        assert_eq!(line_start(src, 3), 3);
        assert_eq!(line_start(src, src.len() + 5), 9);
        // The end leaves out `\n` and the `\r` of `\r\n`, from anywhere on the line.
        assert_eq!(line_end(src, 0), 2);
        assert_eq!(line_end(src, 2), 2);
        assert_eq!(line_end(src, 3), 5);
        assert_eq!(line_end(src, 5), 5);
        // On the `\n` itself the `\r` before it is on the line: the end is the `\n`.
        assert_eq!(line_end(src, 6), 6);
        // An empty CRLF line, and a lone `\r` that is text.
        assert_eq!(line_end(src, 7), 7);
        assert_eq!(line_end(src, 9), src.len());
        assert_eq!(line_end(b"a\r", 0), 2);
        assert_eq!(line_end(src, src.len() + 5), src.len());
        assert_eq!(next_line_start(src, 0), Some(3));
        assert_eq!(next_line_start(src, 5), Some(7));
        assert_eq!(next_line_start(src, 6), Some(7));
        assert_eq!(next_line_start(src, 9), None);
    }

    #[test]
    fn what_starts_a_line() {
        let src = b"a\n \t b\r\n\x0cc";
        assert!(starts_line(src, 0));
        assert!(!starts_line(src, 1));
        assert!(starts_line(src, 5));
        assert!(!starts_line(src, 6));
        assert!(starts_line(src, 9));
    }

    #[test]
    fn indent_of_the_line_holding_an_offset() {
        let src = b"package p\n\nfunc f() {\n\t\tx := 1\n  \ty()\n}";
        let x = src.iter().position(|&c| c == b'x').unwrap();
        assert_eq!(indentation(src, x), "\t\t");
        assert_eq!(indentation(src, x + 3), "\t\t");
        let y = src.iter().position(|&c| c == b'y').unwrap();
        assert_eq!(indentation(src, y), "  \t");
        assert_eq!(indentation(src, 0), "");
        assert_eq!(indentation(src, src.len() + 10), "");
        assert_eq!(indentation(b"\t\xff\n", 1), "\t");
        assert_eq!(indentation(b"a\r\n\t\xc3\xa9", 5), "\t");
    }

    #[test]
    fn line_ending_comes_from_the_first_line() {
        assert_eq!(line_ending(b"package p\r\n\nx\n"), "\r\n");
        assert_eq!(line_ending(b"package p\n\r\n"), "\n");
        assert_eq!(line_ending(b"package p"), "\n");
        assert_eq!(line_ending(b"\r\n"), "\r\n");
        assert_eq!(line_ending(b"\n"), "\n");
        assert_eq!(line_ending(b"a\rb\n"), "\n");
    }

    #[test]
    fn reindent_shifts_lines_with_code() {
        assert_eq!(
            reindent("a()\n\nif x {\n\tb()\n}\n", "\t", &[]),
            "\ta()\n\n\tif x {\n\t\tb()\n\t}\n"
        );
        // Whitespace-only lines are emptied; CRLF stays CRLF.
        assert_eq!(
            reindent("a()\r\n  \t\r\nb()", "\t", &[]),
            "\ta()\r\n\r\n\tb()"
        );
        // Non-ASCII text is moved as it is.
        assert_eq!(reindent("é := 1\n", "  ", &[]), "  é := 1\n");
    }

    #[test]
    fn reindent_leaves_kept_lines_alone() {
        let block = "q := `select *\nfrom t\n  where x`\nrun(q)\np := `a\n\tb`\n";
        // The inside of each raw string: after its opening backquote to its closing one.
        let ticks: Vec<usize> = block.match_indices('`').map(|(i, _)| i).collect();
        let keep = [ticks[0] + 1..ticks[1] + 1, ticks[2] + 1..ticks[3] + 1];
        assert_eq!(
            reindent(block, "\t", &keep),
            "\tq := `select *\nfrom t\n  where x`\n\trun(q)\n\tp := `a\n\tb`\n"
        );
        // A range on one line protects no line start.
        let one_line = 6..8;
        assert_eq!(
            reindent("a := `x`\nb()\n", "  ", std::slice::from_ref(&one_line)),
            "  a := `x`\n  b()\n"
        );
    }

    #[test]
    fn utf16_columns() {
        // 'é' is one UTF-16 unit, '😀' two; columns restart after CRLF.
        let src = "a\u{e9}b\r\n\u{1f600}x".as_bytes();
        assert_eq!(utf16_column(src, 0), 1);
        assert_eq!(utf16_column(src, 3), 3);
        assert_eq!(utf16_column(src, 4), 4);
        let x = src.len() - 1;
        assert_eq!(utf16_column(src, x), 3);
        assert_eq!(utf16_column(src, src.len() + 9), 4);
        // Invalid UTF-8: one unit per replaced sequence.
        assert_eq!(utf16_column(b"\xff\xfex", 2), 3);
        assert_eq!(utf16_column(b"\n\xe2\x82x", 3), 2);
    }
}
