//! The comments of a Go file's header: everything before the first token, which in
//! a well-formed file is the `package` clause. Both `//go:build` lines and the
//! `// Code generated … DO NOT EDIT.` marker only count there.
//!
//! A byte scan, not a parse: it stops at the first byte that is neither white space
//! nor the start of a comment, so it reads a few hundred bytes of a typical file.

/// One comment of the header, with carriage returns removed as go/scanner does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Comment {
    /// `// …` without the line break.
    Line(String),
    /// `/* … */`, delimiters included.
    Block(String),
}

/// The comments before the first token of `src`.
pub(crate) fn comments(src: &[u8]) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut i = 0;
    // go/scanner skips a byte order mark at the very start.
    if src.starts_with(b"\xEF\xBB\xBF") {
        i = 3;
    }
    while i < src.len() {
        match src[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if src.get(i + 1) == Some(&b'/') => {
                let end = memchr(b'\n', &src[i..]).map_or(src.len(), |n| i + n);
                out.push(Comment::Line(text(&src[i..end])));
                i = end;
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                let Some(n) = find(&src[i + 2..], b"*/") else {
                    // An unterminated comment: no package clause follows.
                    break;
                };
                let end = i + 2 + n + 2;
                out.push(Comment::Block(text(&src[i..end])));
                i = end;
            }
            _ => break,
        }
    }
    out
}

fn text(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    if s.contains('\r') {
        s.replace('\r', "")
    } else {
        s.into_owned()
    }
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_comments_up_to_the_first_token() {
        let src = b"\xEF\xBB\xBF// a\r\n\n/* b\n c */ // d\npackage p // e\n// f\n";
        assert_eq!(
            comments(src),
            vec![
                Comment::Line("// a".into()),
                Comment::Block("/* b\n c */".into()),
                Comment::Line("// d".into()),
            ]
        );
    }

    #[test]
    fn unterminated_block_comment_stops() {
        assert_eq!(
            comments(b"// a\n/* never closed\npackage p\n"),
            vec![Comment::Line("// a".into())]
        );
        assert_eq!(comments(b""), vec![]);
        assert_eq!(
            comments(b"// only a comment"),
            vec![Comment::Line("// only a comment".into())]
        );
    }
}
