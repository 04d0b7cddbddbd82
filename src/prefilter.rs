//! The byte-level test that decides what gets parsed. Most Go files have no `defer` and
//! start no goroutine, and most defers are `mu.Unlock()` or `f.Close()`: such files cost
//! one scan of their bytes and are never parsed.
//!
//! [`candidate`] is a necessary condition for a finding, derived from what the model
//! records (src/model/interp.rs) and what each rule reads (src/rules/):
//!
//! * every rule but one reports a map operation that runs *later*: in a deferred call or
//!   closure (`Ctx::Deferred`), or in the function literal a `go` statement,
//!   `AfterFunc(…)` or `x.Go(…)` starts (`Ctx::Goroutine`). Such an operation lies in the
//!   text of that statement or call. The model only knows these map operations:
//!   `delete(…)`, `clear(…)`, `m[k] = v` (and `op=`, `++`, `--`, and a target in a
//!   multiple assignment, `m[k], x = …`), `m[k]` reads, `len(m)` and `range m`.
//!   - writes (deferred-write-unlocked, defer-in-loop-map-cleanup,
//!     deferred-closure-late-binding, deferred-map-shared-with-goroutine: the goroutine's
//!     write) need a *write shape* in the deferred or started text;
//!   - deferred-header-delete-after-write needs `Header` and `Del` in the text of a
//!     `defer` statement (it reads deferred calls only), or `delete`, a write shape;
//!   - deferred-loopvar-capture needs, in a file whose loop variables are shared between
//!     iterations (before Go 1.22), a function literal (`func`) and any map operation
//!     shape in the deferred or started text;
//! * map-write-under-rlock also reports immediate writes: it needs `RLock` (a read-locked
//!   mutex comes only from an `RLock` call) and a write shape anywhere in the file;
//! * a `//defuse:ignore` directive is reported when it is malformed or unused, so a file
//!   holding one is always a candidate.
//!
//! Every test over-approximates: text in comments and strings counts, `go` in prose
//! counts, an extent that cannot be closed runs to the end of the file. A package goes on
//! to parsing when one of its files is a candidate; its other files are parsed too, for
//! the package facts (types, guards, callers) the candidate's rules consult.
//! `tests/prefilter.rs` checks that the findings are the same with the filter off.

use std::collections::HashSet;

use memchr::{memchr, memmem};

/// Whether the file can hold a finding (see the module documentation). `shared_loop_vars`:
/// the file's language version is before Go 1.22, where a `for` or `range` variable is
/// shared by all iterations.
pub fn candidate(src: &[u8], shared_loop_vars: bool) -> bool {
    why_candidate(src, shared_loop_vars).is_some()
}

/// Why [`candidate`] holds: the byte offset of the text that makes the file one, and
/// what that text is. For diagnostics and tests.
pub fn why_candidate(src: &[u8], shared_loop_vars: bool) -> Option<(usize, &'static str)> {
    let mut out = Vec::new();
    sites(src, shared_loop_vars, false, &mut out);
    out.pop()
}

/// What [`candidate_sites`] reports for a `//defuse:ignore` directive: it concerns the
/// whole file.
pub const DIRECTIVE: &str = "a suppression directive";

/// Every place that makes the file a candidate, as [`why_candidate`] names them: the
/// findings of the file can only be in the top-level functions holding these offsets
/// (or anywhere, for a [`DIRECTIVE`]).
pub fn candidate_sites(src: &[u8], shared_loop_vars: bool) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    sites(src, shared_loop_vars, true, &mut out);
    out
}

/// Push the candidate sites of `src` to `out`; only the first unless `all`.
fn sites(src: &[u8], shared_loop_vars: bool, all: bool, out: &mut Vec<(usize, &'static str)>) {
    let mut found = |at: usize, why: &'static str| {
        out.push((at, why));
        !all
    };
    if let Some(at) = memmem::find(src, crate::suppress::PREFIX.as_bytes()) {
        if found(at, DIRECTIVE) {
            return;
        }
    }
    // A read lock comes only from a call `x.RLock()`; the write it covers is in the same
    // function (or a closure inside it), so in the same top-level block.
    let mut lexer = Lexer::new(src);
    for at in code_hits(src, b"RLock", &mut lexer) {
        let open = skip_trivia(src, at + 5);
        if src.get(open) != Some(&b'(') || src.get(skip_trivia(src, open + 1)) != Some(&b')') {
            continue;
        }
        let (start, end) = top_level_block(src, at);
        if has_write_shape(&src[start..end])
            && found(at, "a map write in a function that calls RLock")
        {
            return;
        }
    }
    // `deferred` for the text of a `defer` statement: only a deferred call deletes a
    // header too late, with `Del` (or `delete`, a write shape).
    let later = |text: &[u8], deferred: bool| {
        if has_write_shape(text) {
            Some("a map write in code that runs later")
        } else if deferred && has_word(text, b"Header") && has_word(text, b"Del") {
            Some("a header deleted in code that runs later")
        } else if shared_loop_vars && has_word(text, b"func") && has_map_op_shape(text) {
            Some("a map operation in a closure, with loop variables shared by iterations")
        } else {
            None
        }
    };
    // `defer` and `go` statements: the statement's text.
    for (kw, len) in [(&b"defer"[..], 5), (&b"go"[..], 2)] {
        for at in code_hits(src, kw, &mut lexer) {
            if let Some(why) = later(&src[at..statement_end(src, at + len)], len == 5) {
                if found(at, why) {
                    return;
                }
            }
        }
    }
    // `AfterFunc(d, func() {…})`, `g.Go(func() {…})`: the call's arguments.
    for (name, len) in [(&b"AfterFunc"[..], 9), (&b"Go"[..], 2)] {
        for at in code_hits(src, name, &mut lexer) {
            let open = skip_trivia(src, at + len);
            if src.get(open) == Some(&b'(') {
                if let Some(why) = later(&src[open..group_end(src, open)], false) {
                    if found(at, why) {
                        return;
                    }
                }
            }
        }
    }
}

/// The places where `needle` occurs as a whole word outside comments and string
/// literals, in order. A word in a comment (`// see go.dev/issue/1`) is no statement.
fn code_hits<'a, 'l>(
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
struct Lexer<'a> {
    src: &'a [u8],
    /// The comments and literals met so far, in order: start and end.
    tokens: Vec<(usize, usize)>,
    /// Where the search for the next one starts; `None` when there is none.
    resume: Option<usize>,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a [u8]) -> Self {
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
    fn in_code(&mut self, at: usize) -> bool {
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

/// The file holds something that runs later: a `defer`, a `go` statement, or a callback
/// handed to `AfterFunc` or a group's `Go`. The coarse test the pipeline used before
/// [`candidate`]; kept for tools that survey every deferred operation.
pub fn may_run_later(src: &[u8]) -> bool {
    memmem::find(src, b"defer").is_some()
        || memmem::find(src, b"go func").is_some()
        || memmem::find(src, b"AfterFunc").is_some()
        || memmem::find(src, b".Go(").is_some()
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `src[at..at + len]` is not part of a longer ASCII identifier. Bytes of other scripts
/// count as boundaries, so a word is found too often rather than too rarely.
fn is_word_at(src: &[u8], at: usize, len: usize) -> bool {
    (at == 0 || !is_ident_byte(src[at - 1])) && src.get(at + len).is_none_or(|&b| !is_ident_byte(b))
}

fn has_word(text: &[u8], word: &[u8]) -> bool {
    memmem::find_iter(text, word).any(|at| is_word_at(text, at, word.len()))
}

/// A map write the model knows: `delete`, `clear`, or an index expression that is the
/// target of `=`, `op=`, `++`, `--` or of a multiple assignment (`m[k], ok = …`).
fn has_write_shape(text: &[u8]) -> bool {
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

/// Any map operation the model knows: a write, an index expression, `len`, `range`.
fn has_map_op_shape(text: &[u8]) -> bool {
    memchr(b'[', text).is_some()
        || has_word(text, b"len")
        || has_word(text, b"range")
        || has_write_shape(text)
}

/// The first byte at or after `i` that is not whitespace or inside a comment.
fn skip_trivia(src: &[u8], mut i: usize) -> usize {
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
fn skip_token(src: &[u8], i: usize) -> Option<usize> {
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

/// The top-level bracketed group (a function body, a `var ( … )` block) holding byte `at`,
/// from its opening bracket to after its closing one; the whole file when `at` is in none
/// or the brackets do not balance.
fn top_level_block(src: &[u8], at: usize) -> (usize, usize) {
    let mut depth = 0usize;
    let mut open = 0;
    let mut i = 0;
    while i < at {
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
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    if depth == 0 || i > at {
        return (0, src.len());
    }
    (open, group_end(src, open))
}

/// The end of the parenthesized group that opens at `open`: after its matching `)`.
fn group_end(src: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < src.len() {
        if let Some(end) = skip_token(src, i) {
            i = end;
            continue;
        }
        match src[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    src.len()
}

/// The end of the simple statement whose text continues at `i`: Go's own rule, a `;`, a
/// bracket closing one opened before the statement, or a newline outside brackets after
/// a token that ends a statement (an identifier or literal, `)`, `]`, `}`, `++`, `--`).
fn statement_end(src: &[u8], mut i: usize) -> usize {
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

/// What the byte-level pass knows about a file of a package that goes on to analysis
/// (see [`crate::lazy`]): where its top-level functions and declarations are, so that
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
        let with_body = (0..self.functions.len())
            .filter(|&i| self.functions[i].key == key || self.unknown_func)
            .collect();
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
                    if w == b"func" {
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
    FileIndex {
        functions,
        type_and_var_decls: decls,
        func_starts,
        words,
        selectors,
        bodiless,
        unknown_func,
    }
}

/// The [`func_key`] of the declaration after a top-level `func`: the receiver's type is
/// the last word in the receiver's parentheses before any type arguments (`(s *S[T])`
/// is `S`), as `decls::receiver_type` reads it from the tree.
fn read_func_key(src: &[u8], after: usize) -> Option<u64> {
    let mut i = skip_trivia(src, after);
    let mut recv: &[u8] = b"";
    if src.get(i) == Some(&b'(') {
        let close = group_end(src, i);
        let mut j = i + 1;
        while j < close {
            j = skip_trivia(src, j);
            let b = *src.get(j)?;
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
                return (!declares).then_some(0);
            }
        }
        i = skip_trivia(src, close);
    }
    let start = i;
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

/// Whether the word at `src[at..at + len]` may be the method of a call `x.word(…)`:
/// a `.` before it and a `(` after it, comments and spaces aside. When a comment may
/// stand between the `.` and the word, the answer is yes: a call found too often only
/// costs a parse.
pub fn is_selector_call(src: &[u8], at: usize, len: usize) -> bool {
    if src.get(skip_trivia(src, at + len)) != Some(&b'(') {
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
            let line_start = memchr::memrchr(b'\n', &before[..j]).map_or(0, |n| n + 1);
            newline && memmem::find(&before[line_start..=j], b"//").is_some()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(src: &str) -> bool {
        candidate(src.as_bytes(), false)
    }

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
    fn an_index_before_a_comma_is_a_write_only_as_an_assignment_target() {
        let go = |body: &str| {
            cand(&format!(
                "package p\nfunc f() {{\n\tgo func() {{\n{body}\n\t}}()\n}}\n"
            ))
        };
        assert!(!go("\t\tg(m[k], x)"));
        assert!(!go("\t\tr.ReadAt(buf[:], int64(i))\n\t\tdone <- true"));
        assert!(!go("\t\tswitch {\n\t\tcase m[k], n[k]:\n\t\t}"));
        assert!(!go("\t\t_ = []int{m[k], 2}"));
        assert!(go("\t\tm[k], ok = v, true"));
        assert!(go("\t\tm[k],\n\t\t\tn[j] = 1, 2"));
        assert!(go("\t\tm[f(k)], x[g(1, 2)], y = 1, 2, 3"));
        assert!(go("\t\ta, m[k] = 1, 2"));
        // Comparisons are no assignments.
        assert!(!go("\t\tif m[k], x == y {\n\t\t}"));
    }

    #[test]
    fn a_header_is_deleted_late_only_by_a_deferred_del() {
        let f = |body: &str| cand(&format!("package p\nfunc f(w W) {{\n{body}\n}}\n"));
        assert!(f("\tdefer w.Header().Del(\"X\")"));
        assert!(f("\tdefer func() { w.Header().Del(\"X\") }()"));
        assert!(f("\tdefer delete(w.Header(), \"X\")"));
        assert!(!f("\tdefer func() { w.Header().Set(\"X\", \"1\") }()"));
        assert!(!f("\tgo func() { req.Header.Set(\"X\", \"1\") }()"));
        assert!(f("\tgo func() {\n\t\tdefer w.Header().Del(\"X\")\n\t}()"));
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
    fn finds_later_code() {
        assert!(may_run_later(b"func f() { defer mu.Unlock() }"));
        assert!(may_run_later(b"go func() {}()"));
        assert!(!may_run_later(b"package p\nfunc f() { g() }"));
    }

    #[test]
    fn harmless_defers_are_not_candidates() {
        let src = "package p\nfunc f() {\n\tmu.Lock()\n\tdefer mu.Unlock()\n\tdefer f.Close() // x[1] = 2\n\tdefer wg.Done()\n\tdefer cancel()\n\tm[k] = v\n}\n";
        assert!(!cand(src));
        assert!(!cand(
            "package p\nfunc f() { defer func() { recover() }()\n\tm[k] = v }"
        ));
        assert!(!cand("package p\nfunc f() { go worker(ch); m[k] = 1 }"));
        assert!(!cand("package p // deferred[k] = v\nvar goal[3] = 1"));
    }

    #[test]
    fn deferred_writes_are_candidates() {
        assert!(cand("func f() { defer delete(m, k) }"));
        assert!(cand("func f() { defer clear(m) }"));
        assert!(cand("func f() {\n\tdefer func() {\n\t\tm[k] = v\n\t}()\n}"));
        assert!(cand("func f() {\n\tdefer func() { m[k]++ }()\n}"));
        assert!(cand(
            "func f() {\n\tdefer func() { m[k] /* c */ |= 1 }()\n}"
        ));
        assert!(cand(
            "func f() {\n\tdefer func() { m[k], ok = 1, true }()\n}"
        ));
        assert!(cand(
            "func f() {\n\tdefer func() {\n\t\t// ) ] }\n\t\ts := \")\"\n\t\tm[k] = s\n\t}()\n}"
        ));
        assert!(cand("func f() { defer w.Header().Del(\"X\") }"));
        assert!(!cand("func f() { defer func() { if m[k] == v {} }() }"));
    }

    #[test]
    fn goroutine_writes_are_candidates() {
        assert!(cand("func f() {\n\tgo func() {\n\t\tm[k] = v\n\t}()\n}"));
        assert!(cand(
            "func f() { time.AfterFunc(d, func() { delete(m, k) }) }"
        ));
        assert!(cand(
            "func f() { g.Go(func() error { m[k] = 1; return nil }) }"
        ));
        assert!(cand(
            "func f() { g.\n\tGo (func() error { m[k] = 1; return nil }) }"
        ));
        assert!(!cand("func f() { g.Go(func() error { return m[k] }) }"));
    }

    #[test]
    fn rlock_with_any_write_is_a_candidate() {
        assert!(cand("func f() { mu.RLock(); m[k]++; mu.RUnlock() }"));
        assert!(cand(
            "func f() {\n\tmu.RLock()\n\tdefer mu.RUnlock()\n\tif x { m[k] = 1 }\n}"
        ));
        assert!(!cand("func f() { mu.RLock(); _ = m[k]; mu.RUnlock() }"));
        assert!(!cand(
            "func f() { mu.RLock(); _ = m[k]; mu.RUnlock() }\nfunc g() { m[k] = 1 }"
        ));
        assert!(!cand(
            "// RLock() m[k] = 1\nconst waitRLock = 1; func g() { m[k] = waitRLock }"
        ));
    }

    #[test]
    fn shared_loop_vars_need_any_map_operation_in_a_closure() {
        let src = b"func f() {\n\tfor _, k := range ks {\n\t\tdefer func() { use(m[k]) }()\n\t}\n}";
        assert!(candidate(src, true));
        assert!(!candidate(src, false));
    }

    #[test]
    fn words_in_comments_and_strings_are_not_statements() {
        assert!(!cand(
            "package p\n// go.dev/x[1] = 2\nvar s = \"defer m[k] = v\"\n"
        ));
        assert!(!cand(
            "package p\n/* defer\n delete(m, k) */ var r = '\"'; var s = `go\n m[k] = 1`\n"
        ));
        assert!(cand(
            "package p\nvar s = \"//\"; func f() { defer delete(m, k) }\n"
        ));
        assert!(cand(
            "package p\nvar r = '\\''; func f() { x := a / b; defer delete(m, k) }\n"
        ));
    }

    #[test]
    fn suppression_directives_are_candidates() {
        assert!(cand(
            "package p\n//defuse:ignore deferred-write-unlocked why\nvar x = 1\n"
        ));
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
