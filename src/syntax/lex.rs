//! Go's lexical structure, read from bytes without parsing: comments and literals, words,
//! where a simple statement or a bracketed group ends, the package clause. Syntax only:
//! what the words mean is the model's business (`crate::model`).

use memchr::{memchr, memmem};

/// The places where `needle` occurs as a whole word outside comments and string
/// literals, in order. A word in a comment (`// see go.dev/issue/1`) is no statement.
pub fn code_hits<'a, 'l>(
    src: &'a [u8],
    needle: &'a [u8],
    lexer: &'l mut Lexer<'a>,
) -> impl Iterator<Item = usize> + use<'a, 'l> {
    memmem::find_iter(src, needle)
        .filter(move |&at| is_word_at(src, at, needle.len()) && lexer.in_code(at))
}

/// Tells code from comments and literals. It lexes the file once, as far as the
/// questions asked go, and remembers the comments and literals it met: the prefilter
/// asks about several words, each from the start of the file.
pub struct Lexer<'a> {
    src: &'a [u8],
    /// The comments and literals met so far, in order: start and end.
    tokens: Vec<(usize, usize)>,
    /// Where the search for the next one starts; `None` when there is none.
    resume: Option<usize>,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        Lexer {
            src,
            tokens: Vec::new(),
            resume: Some(0),
        }
    }

    /// The first comment or literal starting at or after `from`.
    fn find_token(&self, mut from: usize) -> Option<(usize, usize)> {
        let quote = memchr::memchr3(b'"', b'\'', b'`', self.src.get(from..)?).map(|n| from + n);
        loop {
            let limit = quote.unwrap_or(self.src.len());
            let at = match memchr(b'/', &self.src[from..limit]) {
                Some(n) => from + n,
                None => quote?,
            };
            match skip_token(self.src, at) {
                Some(end) => return Some((at, end)),
                // A `/` that is a division.
                None => from = at + 1,
            }
        }
    }

    /// Whether byte `at` is in code.
    pub fn in_code(&mut self, at: usize) -> bool {
        // Every token starting at or before `at` is known once one ends after it.
        while let Some(from) = self.resume {
            if self.tokens.last().is_some_and(|&(_, end)| end > at) {
                break;
            }
            self.resume = self.find_token(from).map(|(start, end)| {
                self.tokens.push((start, end));
                end
            });
        }
        let i = self.tokens.partition_point(|&(start, _)| start <= at);
        i == 0 || self.tokens[i - 1].1 <= at
    }
}

pub fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `src[at..at + len]` is not part of a longer ASCII identifier. Bytes of other scripts
/// count as boundaries, so a word is found too often rather than too rarely.
pub fn is_word_at(src: &[u8], at: usize, len: usize) -> bool {
    (at == 0 || !is_ident_byte(src[at - 1])) && src.get(at + len).is_none_or(|&b| !is_ident_byte(b))
}

pub fn has_word(text: &[u8], word: &[u8]) -> bool {
    memmem::find_iter(text, word).any(|at| is_word_at(text, at, word.len()))
}

/// The first byte at or after `i` that is not whitespace or inside a comment.
pub fn skip_trivia(src: &[u8], mut i: usize) -> usize {
    loop {
        match src.get(i..) {
            Some([b' ' | b'\t' | b'\r' | b'\n', ..]) => i += 1,
            Some([b'/', b'/', ..]) => match memchr(b'\n', &src[i..]) {
                Some(n) => i += n,
                None => return src.len(),
            },
            Some([b'/', b'*', ..]) => match memmem::find(&src[i + 2..], b"*/") {
                Some(n) => i += n + 4,
                None => return src.len(),
            },
            _ => return i,
        }
    }
}

/// Where a string, rune or comment starting at `i` ends (exclusive), or `None` when no
/// such token starts there.
pub fn skip_token(src: &[u8], i: usize) -> Option<usize> {
    let quoted = |q: u8| {
        let mut j = i + 1;
        while j < src.len() {
            match src[j] {
                b'\\' => j += 2,
                b'\n' => return j,
                b if b == q => return j + 1,
                _ => j += 1,
            }
        }
        src.len()
    };
    match src[i] {
        b'"' => Some(quoted(b'"')),
        b'\'' => Some(quoted(b'\'')),
        b'`' => Some(memchr(b'`', &src[i + 1..]).map_or(src.len(), |n| i + n + 2)),
        b'/' if src.get(i + 1) == Some(&b'/') => {
            Some(memchr(b'\n', &src[i..]).map_or(src.len(), |n| i + n))
        }
        b'/' if src.get(i + 1) == Some(&b'*') => {
            Some(memmem::find(&src[i + 2..], b"*/").map_or(src.len(), |n| i + n + 4))
        }
        _ => None,
    }
}

/// The top-level bracketed groups of a file (function bodies, `var ( … )` blocks), found in
/// one pass: the prefilter asks which one holds each `RLock` of a file, and a scan from the
/// start per question made a file with thousands of read locks quadratic.
pub struct TopLevelBlocks {
    groups: Vec<(usize, usize)>,
    len: usize,
}

impl TopLevelBlocks {
    pub fn new(src: &[u8]) -> TopLevelBlocks {
        let mut groups = Vec::new();
        let mut depth = 0usize;
        let mut open = 0;
        let mut i = 0;
        while i < src.len() {
            if let Some(end) = skip_token(src, i) {
                i = end;
                continue;
            }
            match src[i] {
                b'(' | b'[' | b'{' => {
                    if depth == 0 {
                        open = i;
                    }
                    depth += 1;
                }
                b')' | b']' | b'}' if depth > 0 => {
                    depth -= 1;
                    if depth == 0 {
                        groups.push((open, i + 1));
                    }
                }
                _ => {}
            }
            i += 1;
        }
        if depth > 0 {
            groups.push((open, src.len()));
        }
        TopLevelBlocks {
            groups,
            len: src.len(),
        }
    }

    /// The group holding `at`, a byte of code (not inside a token), from its opening
    /// bracket to after its closing one; the whole file when `at` is in none.
    pub fn holding(&self, at: usize) -> (usize, usize) {
        let i = self.groups.partition_point(|&(open, _)| open < at);
        match i.checked_sub(1).map(|i| self.groups[i]) {
            Some((open, end)) if at < end => (open, end),
            _ => (0, self.len),
        }
    }
}

/// The end of the parenthesized group that opens at `open`: after its matching `)`.
pub fn group_end(src: &[u8], open: usize) -> usize {
    closing(src, open, |_| true).map_or(src.len(), |i| i + 1)
}

/// The `}` that closes the block opening at `open`, counting brackets as the byte index
/// of `model::demand` does: every bracket nests, a `)` or `]` too many is ignored, and
/// only a `}` can end the block. `None` when the file ends first.
pub fn brace_end(src: &[u8], open: usize) -> Option<usize> {
    closing(src, open, |b| b == b'}')
}

/// The first closing bracket that `ends` accepts and that brings the nesting from `open`
/// back to zero. Comments and literals are skipped.
fn closing(src: &[u8], open: usize, ends: impl Fn(u8) -> bool) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < src.len() {
        if let Some(end) = skip_token(src, i) {
            i = end;
            continue;
        }
        match src[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b @ (b')' | b']' | b'}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 && ends(b) {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The end of the simple statement whose text continues at `i`: Go's own rule, a `;`, a
/// bracket closing one opened before the statement, or a newline outside brackets after
/// a token that ends a statement (an identifier or literal, `)`, `]`, `}`, `++`, `--`).
pub fn statement_end(src: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    // Whether the last token before a newline lets the statement end there.
    let mut can_end = false;
    // After the last token that is not a comment: a trailing comment is left out.
    let mut last = i;
    while i < src.len() {
        let b = src[i];
        if let Some(end) = skip_token(src, i) {
            if b != b'/' {
                can_end = true;
                last = end;
            }
            i = end;
            continue;
        }
        match b {
            b'\n' if depth == 0 && can_end => return last,
            b';' if depth == 0 => return last,
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                can_end = false;
            }
            b')' | b']' | b'}' => {
                if depth == 0 {
                    return last;
                }
                depth -= 1;
                can_end = true;
            }
            b'+' | b'-' if src.get(i + 1) == Some(&b) => {
                can_end = true;
                i += 2;
                last = i;
                continue;
            }
            // A `.` keeps the statement open (`x.` at a line end goes on), as does a
            // float such as `1.`: a longer extent only makes more candidates.
            _ => can_end = is_ident_byte(b) || b >= 0x80,
        }
        i += 1;
        last = i;
    }
    src.len()
}

/// The name in the package clause, read without parsing: what follows `package` after
/// an optional UTF-8 byte order mark, white space and comments, as Go's scanner reads
/// it. `None` when the file does not start that way (it is not Go source). Bytes that
/// are not UTF-8 inside comments do not matter here.
pub fn package_name(src: &[u8]) -> Option<String> {
    let mut s = src.strip_prefix(b"\xef\xbb\xbf").unwrap_or(src);
    loop {
        s = s.trim_ascii_start();
        if let Some(rest) = s.strip_prefix(b"//") {
            s = &rest[memchr::memchr(b'\n', rest).unwrap_or(rest.len())..];
        } else if let Some(rest) = s.strip_prefix(b"/*") {
            s = &rest[memmem::find(rest, b"*/")? + 2..];
        } else {
            break;
        }
    }
    let rest = s.strip_prefix(b"package")?;
    // `package` must end there: white space or a comment follows it.
    if !rest
        .first()
        .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
    {
        return None;
    }
    let mut rest = rest;
    loop {
        // Only spaces, tabs and comments may sit between `package` and the name (a
        // newline would end the clause).
        rest = rest
            .strip_prefix(b" ")
            .or_else(|| rest.strip_prefix(b"\t"))
            .unwrap_or(rest);
        if rest.starts_with(b" ") || rest.starts_with(b"\t") {
            continue;
        }
        match rest.strip_prefix(b"/*") {
            Some(c) => rest = &c[memmem::find(c, b"*/")? + 2..],
            None => break,
        }
    }
    let end = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80))
        .unwrap_or(rest.len());
    let name = std::str::from_utf8(&rest[..end]).ok()?;
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(name.to_string())
}

/// Whether the word at `src[at..at + len]` may be the callee of a call `word(…)`: a `(`
/// after it, comments and spaces aside.
pub fn is_call(src: &[u8], at: usize, len: usize) -> bool {
    src.get(skip_trivia(src, at + len)) == Some(&b'(')
}

/// Whether the word at `src[at..at + len]` may be the method of a call `x.word(…)`:
/// a `.` before it and a `(` after it, comments and spaces aside. When a comment may
/// stand between the `.` and the word, the answer is yes: a call found too often only
/// costs a parse.
pub fn is_selector_call(src: &[u8], at: usize, len: usize) -> bool {
    if !is_call(src, at, len) {
        return false;
    }
    let before = &src[..at];
    let Some(j) = before.iter().rposition(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    match before[j] {
        // `.word`, or the end of a block comment `/* … */word`.
        b'.' | b'/' => true,
        // `x. // note` on the line before: the `.` is before the comment.
        _ => {
            let newline = before[j..].contains(&b'\n');
            let line_start = super::lines::line_start(before, j);
            newline && memmem::find(&before[line_start..=j], b"//").is_some()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_blocks_hold_the_code_inside_them() {
        let cases: [(&str, &[&str]); 4] = [
            (
                "package p\nfunc a() { mu.RLock(); x := f(mu.RLock) }\nvar ( v = mu.RLock )\nfunc b() { { mu.RLock() } }\n",
                &[
                    "{ mu.RLock(); x := f(mu.RLock) }",
                    "{ mu.RLock(); x := f(mu.RLock) }",
                    "( v = mu.RLock )",
                    "{ { mu.RLock() } }",
                ],
            ),
            // Brackets in comments and strings do not count.
            (
                "package p\n// mu.RLock() }\nfunc a() { s := \"}\"; mu.RLock() }\nmu.RLock\n",
                &["{ s := \"}\"; mu.RLock() }", "WHOLE"],
            ),
            // Unbalanced: the open group runs to the end.
            ("package p\nfunc a() { mu.RLock() \n", &["{ mu.RLock() \n"]),
            // Stray closers at the top level change nothing.
            (
                "package p\n}} func a() { mu.RLock() } ) mu.RLock",
                &["{ mu.RLock() }", "WHOLE"],
            ),
        ];
        for (src, want) in cases {
            let blocks = TopLevelBlocks::new(src.as_bytes());
            let mut lexer = Lexer::new(src.as_bytes());
            let got: Vec<&str> = code_hits(src.as_bytes(), b"RLock", &mut lexer)
                .map(|at| match blocks.holding(at) {
                    (0, end) if end == src.len() => "WHOLE",
                    (s, e) => &src[s..e],
                })
                .collect();
            assert_eq!(got, want, "{src}");
        }
    }

    #[test]
    fn selector_calls() {
        let at = |src: &str| {
            let w = src.find("m(").or_else(|| src.rfind('m')).unwrap();
            is_selector_call(src.as_bytes(), w, 1)
        };
        assert!(at("x.m()"));
        assert!(at("x.\n\tm ()"));
        assert!(at("x./* c */m()"));
        assert!(at("x. // c\n\tm()"));
        assert!(!at("func (s *S) m() {}"));
        assert!(!at("y = x.m"));
        assert!(!at("m()"));
        assert!(!at("f(m)"));
    }

    #[test]
    fn statement_extent_follows_go() {
        let src = b"defer x.\n\tUnlock()\nm[k] = 1\n";
        assert_eq!(&src[..statement_end(src, 5)], b"defer x.\n\tUnlock()");
        let src = b"defer f(a,\n\tb) // c\nm[k] = 1\n";
        assert_eq!(&src[..statement_end(src, 5)], b"defer f(a,\n\tb)");
        let src = b"{ defer mu.Unlock() }";
        assert_eq!(&src[..statement_end(src, 7)], b"{ defer mu.Unlock()");
    }

    #[test]
    fn package_clause() {
        assert_eq!(
            package_name(b"// c\n/* x\n*/\npackage foo_test // x\n").as_deref(),
            Some("foo_test")
        );
        assert_eq!(package_name(b"package main\n").as_deref(), Some("main"));
        assert_eq!(package_name(b"func x"), None);
        assert_eq!(package_name(b""), None);
        assert_eq!(package_name(b"packages x"), None);
        assert_eq!(package_name(b"package\n"), None);
        assert_eq!(package_name(b"\x8a\x01package p"), None);
        // A byte order mark, tabs, CRLF, comments on the same line, bytes that are not
        // UTF-8 in a comment: all as Go reads them.
        for src in [
            &b"\xef\xbb\xbfpackage store\n"[..],
            b"package\tstore\r\n",
            b"/* a */ package /* b */ store; import \"x\"",
            b"// caf\xe9\r\npackage store",
            b"//go:build linux\n\n// Package store ...\npackage store // import \"x/store\"\n",
        ] {
            assert_eq!(package_name(src).as_deref(), Some("store"), "{src:?}");
        }
    }
}
