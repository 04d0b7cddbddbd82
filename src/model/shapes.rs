//! The map operations the model records, as shapes in bytes: a necessary condition,
//! checked without parsing, for text to hold an operation of each kind. They follow what
//! the interpreter records (`super::interp`): `delete(…)`, `clear(…)`, an index expression
//! that is the target of `=`, `op=`, `++`, `--` or of a multiple assignment; reads,
//! `len(m)` and `range m`. The prefilter asks them instead of knowing Go itself; a test
//! checks every operation the model records against them.

use memchr::memchr;

use crate::syntax::lex::{has_word, skip_token, skip_trivia};

/// A map write the model knows: `delete`, `clear`, or an index expression that is the
/// target of `=`, `op=`, `++`, `--` or of a multiple assignment (`m[k], ok = …`).
pub fn has_write_shape(text: &[u8]) -> bool {
    if has_word(text, b"delete") || has_word(text, b"clear") {
        return true;
    }
    let mut from = 0;
    while let Some(i) = memchr(b']', &text[from..]) {
        let after = skip_trivia(text, from + i + 1);
        let rest = &text[after.min(text.len())..];
        let write = match rest {
            [b'=', b'=', ..] => false,
            [b',', ..] => assigned_after(text, after + 1),
            [b'=', ..] | [b'+', b'+', ..] | [b'-', b'-', ..] => true,
            [b'<', b'<', b'=', ..] | [b'>', b'>', b'=', ..] | [b'&', b'^', b'=', ..] => true,
            [b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^', b'=', ..] => true,
            _ => false,
        };
        if write {
            return true;
        }
        from += i + 1;
    }
    false
}

/// After the `,` that follows an index expression: whether an `=` (or `:=`) comes at the
/// same level before the statement ends, which makes the expression a target of a
/// multiple assignment (`m[k], ok = …`). A closing bracket of an enclosing group
/// (`f(m[k], x)`), a `;` or the end of the line end the search; a line may end after a
/// comma, as in a list of targets.
fn assigned_after(text: &[u8], mut i: usize) -> bool {
    let mut depth = 0usize;
    let mut last = b',';
    while i < text.len() {
        if let Some(end) = skip_token(text, i) {
            if text[i] != b'/' {
                last = b'"';
            }
            i = end;
            continue;
        }
        let b = text[i];
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            // Not `==`, `!=`, `<=`, `>=`.
            b'=' if depth == 0 => {
                return text.get(i + 1) != Some(&b'=')
                    && !matches!(last, b'!' | b'<' | b'>' | b'=');
            }
            b';' if depth == 0 => return false,
            b'\n' if depth == 0 && last != b',' => return false,
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            last = b;
        }
        i += 1;
    }
    false
}
