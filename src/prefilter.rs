//! The byte-level test that decides what gets parsed. Most Go files have no `defer` and
//! start no goroutine, and most defers are `mu.Unlock()` or `f.Close()`: such files cost
//! one scan of their bytes and are never parsed.
//!
//! It knows neither the rules nor Go: it runs the union of the rules' triggers
//! (`crate::rules::Trigger`, declared by each rule) in one scan. The words it looks for
//! come from the model: the statements and calls whose code runs later
//! (`model::interp::known`), the shapes of map operations (`model::shapes`), the read-lock
//! method. A `//defuse:ignore` directive makes a file a candidate too: the suppression is
//! reported when it is malformed or unused.
//!
//! Every test over-approximates: text in comments and strings counts, `go` in prose
//! counts, an extent that cannot be closed runs to the end of the file. A package goes on
//! to parsing when one of its files is a candidate; its other files are parsed too, for
//! the package facts (types, guards, callers) the candidate's rules consult.
//! `tests/prefilter.rs` checks that the findings are the same with the filter off, and
//! `tests/triggers.rs` that every finding lies where its rule's trigger fires.

use std::collections::{HashMap, HashSet};
use std::fmt;

use memchr::memmem;

use crate::model::function::LockMethod;
use crate::model::interp::known;
use crate::model::shapes;
use crate::rules::trigger::{Later, Shape, Trigger, Version};
use crate::syntax::lex::{
    code_hits, group_end, has_word, skip_trivia, statement_end, Lexer, TopLevelBlocks,
};

/// Why a site makes its file a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// A `//defuse:ignore` directive: it concerns the whole file.
    Directive,
    /// A rule's trigger fires here.
    Trigger(Trigger),
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::Directive => write!(f, "a suppression directive"),
            Why::Trigger(Trigger::Later(_, shape, Version::SharedLoopVars)) => write!(
                f,
                "{} in code that runs later, with loop variables shared by iterations",
                shape.describe()
            ),
            Why::Trigger(Trigger::Later(_, shape, Version::Any)) => {
                write!(f, "{} in code that runs later", shape.describe())
            }
            Why::Trigger(Trigger::ReadLocked(shape)) => {
                write!(f, "{} in a function that calls RLock", shape.describe())
            }
        }
    }
}

/// Whether the file can hold a finding of any rule. `shared_loop_vars`: the file's
/// language version is before Go 1.22, where a `for` or `range` variable is shared by all
/// iterations.
pub fn candidate(src: &[u8], shared_loop_vars: bool) -> bool {
    why_candidate(src, shared_loop_vars).is_some()
}

/// Why [`candidate`] holds: the byte offset of the text that makes the file one, and
/// what that text is. For diagnostics and tests.
pub fn why_candidate(src: &[u8], shared_loop_vars: bool) -> Option<(usize, Why)> {
    let writers = writers(&[src]);
    let mut out = Vec::new();
    sites(
        src,
        shared_loop_vars,
        &all_triggers(),
        &writers,
        false,
        &mut out,
    );
    out.pop()
}

/// Every place that makes the file a candidate, for a package of this one file: the
/// findings of the file can only be in the top-level functions holding these offsets (or
/// anywhere, for a directive).
pub fn candidate_sites(src: &[u8], shared_loop_vars: bool) -> Vec<(usize, Why)> {
    package_candidate_sites(&[(src, shared_loop_vars)])
        .pop()
        .unwrap_or_default()
}

/// [`candidate_sites`] for every file of one package, `(source, shared loop variables)`:
/// a call of a function another file declares counts too.
pub fn package_candidate_sites(files: &[(&[u8], bool)]) -> Vec<Vec<(usize, Why)>> {
    let triggers = all_triggers();
    let srcs: Vec<&[u8]> = files.iter().map(|(s, _)| *s).collect();
    let writers = if uses_writers(&triggers) {
        writers(&srcs)
    } else {
        Writers::default()
    };
    files
        .iter()
        .map(|(src, shared)| {
            let mut out = Vec::new();
            sites(src, *shared, &triggers, &writers, true, &mut out);
            out
        })
        .collect()
}

/// The places in file `i` of a package where `triggers` fire, directives aside: for the
/// test that checks a rule's findings against its own triggers.
pub fn trigger_sites(files: &[(&[u8], bool)], i: usize, triggers: &[Trigger]) -> Vec<usize> {
    let srcs: Vec<&[u8]> = files.iter().map(|(s, _)| *s).collect();
    let writers = writers(&srcs);
    let (src, shared) = files[i];
    let mut out = Vec::new();
    sites(src, shared, triggers, &writers, true, &mut out);
    out.into_iter()
        .filter(|(_, why)| *why != Why::Directive)
        .map(|(at, _)| at)
        .collect()
}

fn uses_writers(triggers: &[Trigger]) -> bool {
    triggers.iter().any(|t| {
        matches!(
            t,
            Trigger::Later(_, Shape::CallsWriter, _) | Trigger::ReadLocked(Shape::CallsWriter)
        )
    })
}

fn all_triggers() -> Vec<Trigger> {
    crate::rules::all()
        .iter()
        .flat_map(|r| r.triggers().iter().copied())
        .collect()
}

/// Whether `text` holds `shape`, with `writers` the package's functions that write maps.
fn holds(text: &[u8], shape: Shape, writers: &Writers) -> bool {
    match shape {
        Shape::MapWrite => shapes::has_write_shape(text),
        Shape::Words(words) => words.iter().all(|w| has_word(text, w.as_bytes())),
        Shape::CallsWriter => {
            !writers.names.is_empty() && call_names(text).iter().any(|n| writers.names.contains(*n))
        }
    }
}

/// The names of the package's functions whose bodies write a map (a write shape), or
/// call such a function: the targets of [`Shape::CallsWriter`]. Found for the names the
/// code that runs later calls, in the package's files that mention them.
#[derive(Debug, Default)]
pub struct Writers {
    names: HashSet<Vec<u8>>,
}

/// The names `text` calls ([`shapes::called_names`]), but the language's and the
/// mutexes'.
fn call_names(text: &[u8]) -> Vec<&[u8]> {
    const NOT_CALLS: [&[u8]; 12] = [
        b"func", b"if", b"for", b"switch", b"select", b"return", b"go", b"defer", b"range",
        b"make", b"len", b"append",
    ];
    shapes::called_names(text)
        .filter(|word| {
            let name = std::str::from_utf8(word).unwrap_or("");
            !NOT_CALLS.contains(word)
                && LockMethod::from_name(name).is_none()
                && !known::BUILTINS.contains(&name)
        })
        .collect()
}

/// The package's writers among the functions code that runs later (or a read-locked
/// block) in `files` calls: those whose body holds a write shape, or calls a function
/// that does, as many calls down as a summary of what a call writes follows
/// ([`summaries::DEPTH`](crate::model::facts::summaries::DEPTH)).
pub fn writers(files: &[&[u8]]) -> Writers {
    let mut wanted: HashSet<Vec<u8>> = Default::default();
    for src in files {
        for (start, end) in later_texts(src) {
            for n in call_names(&src[start..end]) {
                wanted.insert(n.to_vec());
            }
        }
    }
    if wanted.is_empty() {
        return Writers::default();
    }
    // The bodies of the functions declared under `names`, found by each `func` word
    // rather than by indexing the files: indexing was most of what this cost.
    let bodies = |names: &HashSet<Vec<u8>>| {
        let mut out: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for src in files {
            let named = crate::model::demand::index::functions_named(src, |n| names.contains(n));
            for (name, open, close) in named {
                out.push((name.to_vec(), src[open..=close].to_vec()));
            }
        }
        out
    };
    // Each name's declarations, a level of calls at a time: whether one writes, and
    // what the others call.
    let depth = crate::model::facts::summaries::DEPTH;
    let mut writes: HashSet<Vec<u8>> = Default::default();
    let mut calls: HashMap<Vec<u8>, Vec<Vec<u8>>> = Default::default();
    let mut seen: HashSet<Vec<u8>> = wanted.clone();
    let mut level = wanted.clone();
    for below in 0..=depth {
        let mut next: HashSet<Vec<u8>> = Default::default();
        for (name, body) in bodies(&level) {
            if shapes::has_write_shape(&body) {
                writes.insert(name);
            } else if below < depth {
                let called: Vec<Vec<u8>> =
                    call_names(&body).into_iter().map(<[u8]>::to_vec).collect();
                next.extend(called.iter().filter(|n| !seen.contains(*n)).cloned());
                calls.entry(name).or_default().extend(called);
            }
        }
        if next.is_empty() {
            break;
        }
        seen.extend(next.iter().cloned());
        level = next;
    }
    // A name can write with `levels` calls left when a declaration of it writes, or one
    // calls a name that can with a level fewer.
    fn can(
        name: &[u8],
        levels: usize,
        writes: &HashSet<Vec<u8>>,
        calls: &HashMap<Vec<u8>, Vec<Vec<u8>>>,
        known: &mut HashMap<(Vec<u8>, usize), bool>,
    ) -> bool {
        if writes.contains(name) {
            return true;
        }
        if levels == 0 {
            return false;
        }
        if let Some(&k) = known.get(&(name.to_vec(), levels)) {
            return k;
        }
        let called = calls.get(name).map(Vec::as_slice).unwrap_or_default();
        let k = called
            .iter()
            .any(|c| can(c, levels - 1, writes, calls, known));
        known.insert((name.to_vec(), levels), k);
        k
    }
    let mut known = HashMap::new();
    let names = wanted
        .into_iter()
        .filter(|w| can(w, depth, &writes, &calls, &mut known))
        .collect();
    Writers { names }
}

/// The texts of code that runs later (`defer` and `go` statements, the arguments of
/// `AfterFunc` and `Go` calls) and the top-level blocks that take a read lock: where a
/// call of a writer is a trigger.
fn later_texts(src: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut lexer = Lexer::new(src);
    let rlock = LockMethod::RLock.name().as_bytes();
    let mut blocks: Option<TopLevelBlocks> = None;
    for at in code_hits(src, rlock, &mut lexer) {
        out.push(
            blocks
                .get_or_insert_with(|| TopLevelBlocks::new(src))
                .holding(at),
        );
    }
    for kw in known::LATER_STATEMENTS {
        for at in code_hits(src, kw.as_bytes(), &mut lexer) {
            out.push((at, statement_end(src, at + kw.len())));
        }
    }
    let mut names: Vec<&str> = known::later_call_names().collect();
    names.dedup();
    for name in names {
        for at in code_hits(src, name.as_bytes(), &mut lexer) {
            let open = skip_trivia(src, at + name.len());
            if src.get(open) == Some(&b'(') {
                out.push((open, group_end(src, open)));
            }
        }
    }
    out
}

/// The first trigger of `triggers` that fires on `text`, code that runs later of `kind`.
fn later_fires(
    text: &[u8],
    kind: Later,
    shared_loop_vars: bool,
    triggers: &[Trigger],
    writers: &Writers,
) -> Option<Trigger> {
    triggers.iter().copied().find(|t| match *t {
        Trigger::Later(k, shape, version) => {
            (k == kind || k == Later::Any)
                && (version == Version::Any || shared_loop_vars)
                && holds(text, shape, writers)
        }
        Trigger::ReadLocked(_) => false,
    })
}

/// Push the sites of `src` where `triggers` fire to `out`; only the first unless `all`.
fn sites(
    src: &[u8],
    shared_loop_vars: bool,
    triggers: &[Trigger],
    writers: &Writers,
    all: bool,
    out: &mut Vec<(usize, Why)>,
) {
    // Each kind of site in turn, until one says to stop.
    let mut found = |at: usize, why: Why| {
        out.push((at, why));
        !all
    };
    if let Some(at) = crate::suppress::first_directive_at(src) {
        if found(at, Why::Directive) {
            return;
        }
    }
    let mut lexer = Lexer::new(src);
    let later =
        |text: &[u8], kind: Later| later_fires(text, kind, shared_loop_vars, triggers, writers);
    let _ = read_locked_sites(src, triggers, writers, &mut lexer, &mut found)
        || later_statement_sites(src, &later, &mut lexer, &mut found)
        || later_call_sites(src, &later, &mut lexer, &mut found);
}

/// The read-locked sites: whether `found` said to stop.
///
/// A read lock comes only from a call `x.RLock()`; the code it covers is in the same
/// function (or a closure inside it), so in the same top-level block.
fn read_locked_sites<'s>(
    src: &'s [u8],
    triggers: &[Trigger],
    writers: &Writers,
    lexer: &mut Lexer<'s>,
    found: &mut dyn FnMut(usize, Why) -> bool,
) -> bool {
    let read_locked: Vec<Trigger> = triggers
        .iter()
        .copied()
        .filter(|t| matches!(t, Trigger::ReadLocked(_)))
        .collect();
    if read_locked.is_empty() {
        return false;
    }
    let rlock = LockMethod::RLock.name().as_bytes();
    let mut blocks: Option<TopLevelBlocks> = None;
    for at in code_hits(src, rlock, lexer) {
        let open = skip_trivia(src, at + rlock.len());
        if src.get(open) != Some(&b'(') || src.get(skip_trivia(src, open + 1)) != Some(&b')') {
            continue;
        }
        let (start, end) = blocks
            .get_or_insert_with(|| TopLevelBlocks::new(src))
            .holding(at);
        let text = &src[start..end];
        let fires = read_locked
            .iter()
            .find(|t| matches!(t, Trigger::ReadLocked(shape) if holds(text, *shape, writers)));
        if let Some(t) = fires {
            if found(at, Why::Trigger(*t)) {
                return true;
            }
        }
    }
    false
}

/// `defer` and `go` statements, each by the statement's text: whether `found` said to
/// stop.
fn later_statement_sites<'s>(
    src: &'s [u8],
    later: &dyn Fn(&[u8], Later) -> Option<Trigger>,
    lexer: &mut Lexer<'s>,
    found: &mut dyn FnMut(usize, Why) -> bool,
) -> bool {
    for kw in known::LATER_STATEMENTS {
        let kind = if kw == "defer" {
            Later::Deferred
        } else {
            Later::Spawned
        };
        for at in code_hits(src, kw.as_bytes(), lexer) {
            let text = &src[at..statement_end(src, at + kw.len())];
            if let Some(t) = later(text, kind) {
                if found(at, Why::Trigger(t)) {
                    return true;
                }
            }
        }
    }
    false
}

/// `AfterFunc(d, func() {…})`, `g.Go(func() {…})`, each by the call's arguments:
/// whether `found` said to stop.
fn later_call_sites<'s>(
    src: &'s [u8],
    later: &dyn Fn(&[u8], Later) -> Option<Trigger>,
    lexer: &mut Lexer<'s>,
    found: &mut dyn FnMut(usize, Why) -> bool,
) -> bool {
    let mut names: Vec<&str> = known::later_call_names().collect();
    names.dedup();
    for name in names {
        for at in code_hits(src, name.as_bytes(), lexer) {
            let open = skip_trivia(src, at + name.len());
            if src.get(open) == Some(&b'(') {
                let text = &src[open..group_end(src, open)];
                if let Some(t) = later(text, Later::Spawned) {
                    if found(at, Why::Trigger(t)) {
                        return true;
                    }
                }
            }
        }
    }
    false
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(src: &str) -> bool {
        candidate(src.as_bytes(), false)
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
}
