//! What the byte-level pass knows about a file of a package that goes on to analysis:
//! where its top-level functions and declarations are, so that parts of it can be parsed,
//! and which words its code uses, so that a function is parsed and modeled only when it
//! names something a candidate's facts depend on (see [`super`]).

use std::collections::HashSet;

use memchr::memchr;

use crate::syntax::lex::{
    brace_end, group_end, is_ident_byte, skip_token, skip_trivia, statement_end,
};

/// What the byte-level pass knows about a file of a package that goes on to analysis
/// (see [`super`]): where its top-level functions and declarations are, so that
/// parts of it can be parsed, and which words its code uses, so that a function is
/// parsed and modeled only when it names something a candidate's facts depend on.
pub struct FileIndex {
    /// Each top-level `func` with a body, in order: where the `func` keyword is, and the
    /// `{` and `}` of its body.
    pub functions: Vec<FuncSpan>,
    /// `[start, end)` ranges that hold the top-level `type` and `var` declarations, each
    /// with the rest of its last line (a trailing comment, the newline), but not the
    /// insides of the composite literals and function literals in variables' values:
    /// `var t = T{…}` reads as `var t = T{}`, which says as much about `t`'s type.
    pub type_and_var_decls: Vec<(usize, usize)>,
    /// The byte offset of each top-level `func` keyword: where the model's functions start.
    pub func_starts: Vec<usize>,
    words: Bloom,
    /// The words that follow a `.`: fields, methods, and names in other packages.
    selectors: Bloom,
    /// [`func_key`]s of the top-level `func`s without a body (and, harmlessly, of
    /// function types such as `type F func()`).
    bodiless: HashSet<u64, WordHash>,
    /// A top-level `func` whose name could not be read: it may declare anything.
    unknown_func: bool,
    /// [`func_key`] → the functions with a body declared under it.
    by_key: std::collections::HashMap<u64, Vec<usize>, WordHash>,
}

/// The sets hold FNV hashes already: hashing them again would only cost time.
type WordHash = std::hash::BuildHasherDefault<IdentityHasher>;

#[derive(Default)]
struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl FileIndex {
    /// Whether the file's code (not its comments and literals) may have `word` as a
    /// whole identifier. Never no when it does; a wrong yes only costs a search of the
    /// file's bytes for the word.
    pub fn uses_word(&self, word: &str) -> bool {
        self.words.contains(word_hash(word.as_bytes()))
    }

    /// Whether the file's code may have `.word`: a field or method selected (`x.word`).
    pub fn uses_selector(&self, word: &str) -> bool {
        self.selectors.contains(word_hash(word.as_bytes()))
    }

    /// The functions with a body that may declare `recv.name` (`recv` empty for a
    /// function), and whether a declaration without a body may too.
    pub fn declarations_of(&self, recv: &str, name: &str) -> (Vec<usize>, bool) {
        self.declarations_of_key(func_key(recv, name))
    }

    /// [`Self::declarations_of`] by [`func_key`].
    pub fn declarations_of_key(&self, key: u64) -> (Vec<usize>, bool) {
        let with_body = if self.unknown_func {
            (0..self.functions.len()).collect()
        } else {
            self.by_key.get(&key).cloned().unwrap_or_default()
        };
        (with_body, self.unknown_func || self.bodiless.contains(&key))
    }
}

/// What identifies a top-level function for the model's conventions: the receiver's type
/// name (empty for a function) and the function's name.
pub fn func_key(recv: &str, name: &str) -> u64 {
    let mut h = word_hash(recv.as_bytes());
    h ^= u64::from(b'.');
    h = h.wrapping_mul(0x0000_0100_0000_01b3);
    for &b in name.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuncSpan {
    pub start: usize,
    pub open: usize,
    pub close: usize,
    /// [`func_key`] of its receiver type and name.
    pub key: u64,
}

impl FileIndex {
    /// The function whose text (from `func` to its body's `}`) holds byte `at`.
    pub fn function_at(&self, at: usize) -> Option<usize> {
        let i = self
            .functions
            .partition_point(|f| f.start <= at)
            .checked_sub(1)?;
        (at <= self.functions[i].close).then_some(i)
    }
}

/// FNV-1a, 64 bits: words are short, and a collision only parses one file more.
fn word_hash(w: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in w {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn is_word_byte(b: u8) -> bool {
    is_ident_byte(b) || b >= 0x80
}

/// A set of words that may answer yes for a word it does not hold: 2 bits of 16,384
/// per word. A file's code has a few hundred distinct words, which makes a wrong yes
/// about 1 in 100; inserting costs two bit operations, where a hash set cost a probe
/// and, often, a move.
struct Bloom(Box<[u64; 256]>);

impl Bloom {
    fn new() -> Bloom {
        Bloom(Box::new([0; 256]))
    }

    fn bits(hash: u64) -> [usize; 2] {
        [(hash & 0x3fff) as usize, ((hash >> 20) & 0x3fff) as usize]
    }

    fn insert(&mut self, hash: u64) {
        for bit in Self::bits(hash) {
            self.0[bit >> 6] |= 1 << (bit & 63);
        }
    }

    fn contains(&self, hash: u64) -> bool {
        Self::bits(hash)
            .iter()
            .all(|&bit| self.0[bit >> 6] & (1 << (bit & 63)) != 0)
    }
}

/// What a byte can start, for [`index`]'s loop.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Word,
    /// `"`, `'`, `` ` ``, `/`: a literal, a comment, or a division.
    Token,
    Open,
    OpenBrace,
    Close,
    CloseBrace,
    Other,
}

const CLASSES: [Class; 256] = {
    let mut t = [Class::Other; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            Class::Word
        } else {
            match c {
                // As `u8::is_ascii_whitespace`, which has no vertical tab.
                b' ' | b'\t' | b'\n' | b'\r' | 0x0c => Class::Space,
                b'"' | b'\'' | b'`' | b'/' => Class::Token,
                b'(' | b'[' => Class::Open,
                b'{' => Class::OpenBrace,
                b')' | b']' => Class::Close,
                b'}' => Class::CloseBrace,
                _ => Class::Other,
            }
        };
        b += 1;
    }
    t
};

/// One pass over the file: its words and its top-level function bodies.
pub fn index(src: &[u8]) -> FileIndex {
    let mut words = Bloom::new();
    let mut functions: Vec<FuncSpan> = Vec::new();
    let mut decls: Vec<(usize, usize)> = Vec::new();
    let mut func_starts = Vec::new();
    let mut bodiless = HashSet::default();
    let mut unknown_func = false;
    let mut selectors = Bloom::new();
    // The last byte of code before the current one that is not a space: comments do not
    // count, so `x. /* c */ f` selects `f`.
    let mut last = 0u8;
    let mut depth = 0usize;
    // The `{` a top-level `func` signature ends with, and the body being crossed.
    let mut body_at: Option<(usize, usize, u64)> = None;
    let mut in_body: Option<(usize, usize, u64)> = None;
    let mut i = 0;
    while i < src.len() {
        let b = src[i];
        match CLASSES[usize::from(b)] {
            Class::Space => {
                i += 1;
                continue;
            }
            Class::Token => {
                if let Some(end) = skip_token(src, i) {
                    if b != b'/' {
                        last = b'"';
                    }
                    i = end;
                    continue;
                }
                // A division.
            }
            Class::Word => {
                let start = i;
                // The word's hash as it is read: see `word_hash`.
                let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
                while i < src.len() && CLASSES[usize::from(src[i])] == Class::Word {
                    hash ^= u64::from(src[i]);
                    hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
                    i += 1;
                }
                let w = &src[start..i];
                let after_dot = last == b'.';
                last = b'a';
                if b.is_ascii_digit() {
                    continue;
                }
                words.insert(hash);
                if after_dot {
                    selectors.insert(hash);
                }
                if depth == 0 && in_body.is_none() {
                    // A `func` between a declaration's `func` and its body is a function
                    // type in its signature (`func f() func() {`), not a declaration.
                    let in_signature = body_at.is_some_and(|(_, open, _)| start < open);
                    if w == b"func" && !in_signature {
                        func_starts.push(start);
                        let key = match read_func_key(src, i) {
                            Some(key) => key,
                            None => {
                                unknown_func = true;
                                0
                            }
                        };
                        body_at = body_open(src, i).map(|open| (start, open, key));
                        if body_at.is_none() {
                            bodiless.insert(key);
                        }
                    } else if (w == b"type" || w == b"var")
                        && decls.last().is_none_or(|&(_, end)| end <= start)
                    {
                        let end = statement_end(src, i);
                        let end = memchr(b'\n', &src[end..]).map_or(src.len(), |n| end + n + 1);
                        if w == b"var" {
                            without_values(src, start, end, &mut decls);
                        } else {
                            decls.push((start, end));
                        }
                    }
                }
                continue;
            }
            Class::Open => depth += 1,
            Class::OpenBrace => {
                if depth == 0 && body_at.is_some_and(|(_, open, _)| open == i) {
                    in_body = body_at.take();
                }
                depth += 1;
            }
            Class::Close => depth = depth.saturating_sub(1),
            Class::CloseBrace => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some((start, open, key)) = in_body.take() {
                        functions.push(FuncSpan {
                            start,
                            open,
                            close: i,
                            key,
                        });
                    }
                }
            }
            Class::Other => {}
        }
        last = b;
        i += 1;
    }
    let mut by_key: std::collections::HashMap<u64, Vec<usize>, WordHash> = Default::default();
    for (i, f) in functions.iter().enumerate() {
        by_key.entry(f.key).or_default().push(i);
    }
    FileIndex {
        by_key,
        functions,
        type_and_var_decls: decls,
        func_starts,
        words,
        selectors,
        bodiless,
        unknown_func,
    }
}

impl FileIndex {
    /// The type a top-level function returns first, when it is a named type of the
    /// package (`*Server`, `(Server, error)`): the word, or `None`.
    pub fn result_type_of<'s>(&self, src: &'s [u8], f: &FuncSpan) -> Option<&'s [u8]> {
        let mut i = skip_trivia(src, f.start + 4);
        if src.get(i) == Some(&b'(') {
            i = skip_trivia(src, group_end(src, i));
        }
        while i < src.len() && is_word_byte(src[i]) {
            i += 1;
        }
        i = skip_trivia(src, i);
        // Type parameters, then the parameters.
        if src.get(i) == Some(&b'[') {
            i = skip_trivia(src, group_end(src, i));
        }
        if src.get(i) != Some(&b'(') {
            return None;
        }
        i = skip_trivia(src, group_end(src, i));
        if i >= f.open {
            return None;
        }
        if src.get(i) == Some(&b'(') {
            i = skip_trivia(src, i + 1);
        }
        while src.get(i) == Some(&b'*') {
            i = skip_trivia(src, i + 1);
        }
        let start = i;
        while i < f.open && is_word_byte(src[i]) {
            i += 1;
        }
        // `pkg.T` is another package's.
        if i == start || src.get(i) == Some(&b'.') {
            return None;
        }
        Some(&src[start..i])
    }

    /// The receiver type a top-level method is declared with (`(s *S[T])`: `S`); empty
    /// for a function.
    pub fn receiver_of<'s>(&self, src: &'s [u8], f: &FuncSpan) -> Option<&'s [u8]> {
        match read_receiver(src, f.start + 4) {
            Receiver::Read { recv, .. } => Some(recv),
            Receiver::NotADeclaration(_) => None,
        }
    }

    /// The name a top-level function is declared with.
    pub fn name_of<'s>(&self, src: &'s [u8], f: &FuncSpan) -> Option<&'s [u8]> {
        name_range_after_func(src, f.start).map(|r| &src[r])
    }
}

/// Where the name after the `func` keyword at `func` is: the word after the receiver,
/// if any.
fn name_range_after_func(src: &[u8], func: usize) -> Option<std::ops::Range<usize>> {
    let mut i = skip_trivia(src, func + 4);
    if src.get(i) == Some(&b'(') {
        i = skip_trivia(src, group_end(src, i));
    }
    let start = i;
    while i < src.len() && is_word_byte(src[i]) {
        i += 1;
    }
    (i > start).then_some(start..i)
}

/// The functions with a body whose names `wanted` accepts, each as `(name, open, close)`
/// of its body: every function or method declaration under those names, with the body
/// [`index`] gives it, and perhaps a few more. Found from each `func` word of the file,
/// not from a pass over all of it: a `func` in a comment, a literal or a body counts too,
/// which only adds, so the prefilter, which may over-approximate but never miss, need
/// not index a file to find a few functions by name. (The index also takes the function
/// literal of a top-level `var` for a function named after its result type, `string` in
/// `var f = func() string {…}`; no call resolves to one, and it is left out here.)
pub fn functions_named(src: &[u8], wanted: impl Fn(&[u8]) -> bool) -> Vec<(&[u8], usize, usize)> {
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(src, b"func") {
        let whole = !at.checked_sub(1).is_some_and(|b| is_word_byte(src[b]))
            && !src.get(at + 4).is_some_and(|&b| is_word_byte(b));
        if !whole {
            continue;
        }
        let Some(range) = name_range_after_func(src, at) else {
            continue;
        };
        // After the name, a declaration's parameters (or a function's type parameters);
        // not a function literal's body: `func(x int) bool {` reads as named `bool`, and
        // a literal's result type is often called (`string(b)`). Valid Go declares no
        // function otherwise, and the model reads none from what tree-sitter cannot
        // parse as one.
        if !matches!(src.get(skip_trivia(src, range.end)), Some(b'(' | b'[')) {
            continue;
        }
        let name = &src[range];
        if !wanted(name) {
            continue;
        }
        let Some(open) = body_open(src, at + 4) else {
            continue;
        };
        if let Some(close) = brace_end(src, open) {
            out.push((name, open, close));
        }
    }
    out
}

/// The [`func_key`] of the declaration after a top-level `func`: the receiver's type is
/// the last word in the receiver's parentheses before any type arguments (`(s *S[T])`
/// is `S`), as `decls::receiver_type` reads it from the tree.
fn read_func_key(src: &[u8], after: usize) -> Option<u64> {
    let (recv, i) = match read_receiver(src, after) {
        Receiver::NotADeclaration(key) => return key,
        Receiver::Read { recv, next } => (recv, next),
    };
    let start = i;
    let mut i = i;
    while i < src.len() && is_word_byte(src[i]) {
        i += 1;
    }
    if i == start {
        // `func(` of a function type or literal: no declaration.
        return Some(0);
    }
    Some(func_key(
        std::str::from_utf8(recv).ok()?,
        std::str::from_utf8(&src[start..i]).ok()?,
    ))
}

enum Receiver<'s> {
    /// The receiver's type (empty for a function), and where the name comes next.
    Read { recv: &'s [u8], next: usize },
    /// The parentheses are not a receiver: what [`read_func_key`] returns then.
    NotADeclaration(Option<u64>),
}

/// The receiver after a top-level `func` (at `after`): the last word in its parentheses
/// before any type arguments.
fn read_receiver(src: &[u8], after: usize) -> Receiver<'_> {
    let mut i = skip_trivia(src, after);
    let mut recv: &[u8] = b"";
    if src.get(i) == Some(&b'(') {
        let close = group_end(src, i);
        let mut j = i + 1;
        while j < close {
            j = skip_trivia(src, j);
            let Some(&b) = src.get(j) else {
                return Receiver::NotADeclaration(None);
            };
            if b == b'[' || b == b')' {
                break;
            }
            if is_word_byte(b) {
                let s = j;
                while j < close && is_word_byte(src[j]) {
                    j += 1;
                }
                recv = &src[s..j];
            } else if b == b'*' || b == b'(' {
                j += 1;
            } else {
                // Not a receiver (`(x, y int)`, `(p pkg.T)`): the parameters of a
                // function type or literal (`type F func(x, y int) error`), unless a
                // name and parameters follow on the line, as in a declaration we cannot
                // read.
                let blank = |from: usize| {
                    (from..src.len())
                        .find(|&e| !matches!(src[e], b' ' | b'\t'))
                        .unwrap_or(src.len())
                };
                let k = blank(close);
                let name_end = (k..src.len())
                    .find(|&e| !is_word_byte(src[e]))
                    .unwrap_or(src.len());
                let declares = name_end > k && src.get(blank(name_end)) == Some(&b'(');
                return Receiver::NotADeclaration((!declares).then_some(0));
            }
        }
        i = skip_trivia(src, close);
    }
    Receiver::Read { recv, next: i }
}

/// Push `[start, end)` without the insides of brace groups that are not a `struct{…}` or
/// `interface{…}` type: the bodies of composite and function literals.
fn without_values(src: &[u8], start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let mut from = start;
    let mut after_type_keyword = false;
    let mut i = start;
    while i < end {
        if let Some(e) = skip_token(src, i) {
            if src[i] != b'/' {
                after_type_keyword = false;
            }
            i = e;
            continue;
        }
        let b = src[i];
        if is_word_byte(b) {
            let s = i;
            while i < end && is_word_byte(src[i]) {
                i += 1;
            }
            after_type_keyword = matches!(&src[s..i], b"struct" | b"interface");
            continue;
        }
        if b == b'{' {
            let close = group_end(src, i) - 1;
            if !after_type_keyword && close < end && src[close] == b'}' {
                out.push((from, i + 1));
                from = close;
            }
            i = close + 1;
            after_type_keyword = false;
            continue;
        }
        if !b.is_ascii_whitespace() {
            after_type_keyword = false;
        }
        i += 1;
    }
    out.push((from, end));
}

/// After `func` at the top level: the `{` that opens its body, or `None` for a
/// declaration without one (`func f() int` implemented in assembly, `type F func()`).
/// Braces of a `struct{…}` or `interface{…}` in the signature are skipped.
fn body_open(src: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut can_end = false;
    let mut after_type_keyword = false;
    while i < src.len() {
        let b = src[i];
        if let Some(end) = skip_token(src, i) {
            if b != b'/' {
                can_end = true;
                after_type_keyword = false;
            }
            i = end;
            continue;
        }
        if is_word_byte(b) {
            let start = i;
            while i < src.len() && is_word_byte(src[i]) {
                i += 1;
            }
            after_type_keyword = matches!(&src[start..i], b"struct" | b"interface");
            can_end = true;
            continue;
        }
        match b {
            b' ' | b'\t' | b'\r' => {}
            b'\n' if depth == 0 && can_end => return None,
            b'\n' => {}
            b';' if depth == 0 => return None,
            b'{' if depth == 0 && !after_type_keyword => return Some(i),
            b'{' => {
                i = group_end(src, i);
                can_end = true;
                after_type_keyword = false;
                continue;
            }
            b'(' | b'[' => {
                depth += 1;
                can_end = false;
                after_type_keyword = false;
            }
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                can_end = true;
                after_type_keyword = false;
            }
            _ => {
                can_end = false;
                after_type_keyword = false;
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_types_declare_nothing() {
        let idx = index(
            b"package p\ntype F func(x, y int) error\nvar g = func(a, b pkg.T) {}\nfunc h() {}\n",
        );
        assert_eq!(idx.declarations_of("", "other"), (vec![], false));
        assert_eq!(idx.declarations_of("", "h"), (vec![1], false));
        // A declaration the index cannot read may declare anything.
        let idx = index(b"package p\nfunc (a, b T) m() {}\n");
        assert_eq!(idx.declarations_of("", "other"), (vec![0], true));
    }

    #[test]
    fn a_function_result_type_starts_no_declaration() {
        let src = "package p\nfunc (u *U) scoped() func() {\n\treturn func() { u.m[1] = 2 }\n}\nfunc g(f func() int) func() (func(), error) { return nil }\n";
        let idx = index(src.as_bytes());
        let names: Vec<&[u8]> = idx
            .functions
            .iter()
            .filter_map(|f| idx.name_of(src.as_bytes(), f))
            .collect();
        assert_eq!(names, [&b"scoped"[..], b"g"]);
        assert_eq!(idx.declarations_of("U", "scoped"), (vec![0], false));
        assert_eq!(idx.function_at(src.find("u.m").unwrap()), Some(0));
        assert_eq!(idx.func_starts.len(), 2);
    }

    /// The functions with a body the parse tree declares: `(name, open, close)`.
    fn declared_in_tree(src: &[u8]) -> Vec<(Vec<u8>, usize, usize)> {
        use crate::syntax::NodeExt;
        let file = crate::syntax::parse(src.to_vec());
        crate::syntax::named_children(file.root())
            .into_iter()
            .filter(|n| matches!(n.kind_name(), "function_declaration" | "method_declaration"))
            .filter_map(|n| {
                let name = n.field("name")?;
                let body = n.field("body")?;
                Some((
                    src[name.start_byte()..name.end_byte()].to_vec(),
                    body.start_byte(),
                    body.end_byte() - 1,
                ))
            })
            .collect()
    }

    fn named_by_func_words(src: &[u8]) -> Vec<(Vec<u8>, usize, usize)> {
        functions_named(src, |_| true)
            .into_iter()
            .map(|(name, open, close)| (name.to_vec(), open, close))
            .collect()
    }

    #[test]
    fn functions_found_by_name_are_the_declared_ones_and_perhaps_more() {
        // Every Go file of the test data: every function the tree declares is found,
        // with its body.
        let mut files = 0;
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "go") {
                    let src = std::fs::read(&path).unwrap();
                    let found = named_by_func_words(&src);
                    for f in declared_in_tree(&src) {
                        assert!(
                            found.contains(&f),
                            "{}: {f:?} not found by name",
                            path.display()
                        );
                    }
                    files += 1;
                }
            }
        }
        assert!(files > 50);
        // A `func` in a comment or a string is read too: only more functions. A function
        // literal is none, in a body or in a variable, though the word after its
        // parameters reads like a name.
        let src = b"package p\n// func c() { m[k] = 1 }\nvar s = \"func d() {}\"\nvar v = func(x int) string { return \"\" }\nfunc f[T any]() {\n\tg := func() bool { return true }\n}\nfunc (r *R) h() func() {\n\treturn nil\n}\n";
        let declared = declared_in_tree(src);
        let found = named_by_func_words(src);
        assert_eq!(declared.len(), 2);
        assert!(declared.iter().all(|f| found.contains(f)));
        let names: Vec<&[u8]> = found.iter().map(|(n, _, _)| &n[..]).collect();
        assert_eq!(names, [&b"c"[..], b"d", b"f", b"h"]);
        // A body the file never closes is no function.
        assert!(named_by_func_words(b"package p\nfunc f() {\n\tg(\n").is_empty());
    }

    #[test]
    fn function_bodies_and_words() {
        let src = "package p\n\n// f does x.\nfunc (s *S) f(x struct{ a int }) (int, error) {\n\tif x { return 1, nil }\n\treturn \"}\", nil\n}\n\nfunc asm() int\n\ntype F func() struct{}\n\nvar g = func() { h() }\n\nfunc k() interface{ M() } { return nil }\n";
        let idx = index(src.as_bytes());
        let bodies: Vec<&str> = idx
            .functions
            .iter()
            .map(|f| &src[f.open..=f.close])
            .collect();
        assert_eq!(idx.function_at(src.find("return 1").unwrap()), Some(0));
        assert_eq!(idx.function_at(src.find("func asm").unwrap()), None);
        assert_eq!(idx.function_at(src.find("func k").unwrap()), Some(2));
        assert_eq!(
            bodies,
            [
                "{\n\tif x { return 1, nil }\n\treturn \"}\", nil\n}",
                "{ h() }",
                "{ return nil }"
            ]
        );
        assert!(idx.uses_word("h") && idx.uses_word("S") && idx.uses_word("func"));
        assert_eq!(idx.declarations_of("S", "f"), (vec![0], false));
        assert_eq!(idx.declarations_of("", "f"), (vec![], false));
        assert_eq!(idx.declarations_of("", "asm"), (vec![], true));
        assert_eq!(idx.declarations_of("", "k"), (vec![2], false));
        let g = index(b"package p\nfunc (x *T[K, V]) m() {}\nfunc (T) n() {}\n");
        assert_eq!(g.declarations_of("T", "m"), (vec![0], false));
        assert_eq!(g.declarations_of("T", "n"), (vec![1], false));
        assert_eq!(idx.func_starts.len(), 5);
        assert!(!idx.uses_word("does"), "comments are not code");
        assert!(!idx.uses_word("a int"));
        let idx = index(b"package p\nfunc f() { x. /* c */ g(); y.\n\th = k }\n");
        assert!(idx.uses_selector("g") && idx.uses_selector("h"));
        assert!(!idx.uses_selector("k") && !idx.uses_selector("x") && idx.uses_word("k"));
    }
}
