//! The map operations the model records, as shapes in bytes: a necessary condition,
//! checked without parsing, for text to hold an operation of each kind. They follow what
//! the interpreter records (`super::interp`): `delete(…)`, `clear(…)`, an index expression
//! that is the target of `=`, `op=`, `++`, `--` or of a multiple assignment; reads,
//! `len(m)` and `range m`. The prefilter asks them instead of knowing Go itself; a test
//! checks every operation the model records against them.

use memchr::memchr;

use crate::syntax::lex::{group_end, has_word, skip_token, skip_trivia};

/// The words of `text` that are called: followed by `(`, or by an instantiation and `(`
/// (`f[T](…)`). A necessary condition, by name, for the text to call a function of that
/// name: keywords and builtins are among them, comments and strings are not skipped.
pub fn called_names(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < text.len() {
            let b = text[i];
            if !(b.is_ascii_alphabetic() || b == b'_') {
                i += 1;
                continue;
            }
            let start = i;
            while i < text.len() && (text[i].is_ascii_alphanumeric() || text[i] == b'_') {
                i += 1;
            }
            let mut next = skip_trivia(text, i);
            if text.get(next) == Some(&b'[') {
                next = skip_trivia(text, group_end(text, next));
            }
            if text.get(next) == Some(&b'(') {
                return Some(&text[start..i]);
            }
        }
        None
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn called(text: &str) -> Vec<&str> {
        called_names(text.as_bytes())
            .map(|w| std::str::from_utf8(w).unwrap())
            .collect()
    }

    #[test]
    fn called_names_include_instantiated_generic_calls() {
        assert_eq!(called("s.evict(k); x := m[k]; use (x)"), ["evict", "use"]);
        assert_eq!(called("drop[K, V](m, k); pick[int] (1)"), ["drop", "pick"]);
        assert_eq!(called("a[i] = b[j]; var t [3]int"), Vec::<&str>::new());
    }
}
