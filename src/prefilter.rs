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

use std::fmt;

use memchr::memmem;

use crate::model::function::LockMethod;
use crate::model::interp::known;
use crate::model::shapes;
use crate::rules::trigger::{Later, Shape, Trigger, Version};
use crate::syntax::lex::{
    code_hits, group_end, has_word, skip_trivia, statement_end, top_level_block, Lexer,
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
    let mut out = Vec::new();
    sites(src, shared_loop_vars, &all_triggers(), false, &mut out);
    out.pop()
}

/// Every place that makes the file a candidate: the findings of the file can only be in
/// the top-level functions holding these offsets (or anywhere, for a directive).
pub fn candidate_sites(src: &[u8], shared_loop_vars: bool) -> Vec<(usize, Why)> {
    let mut out = Vec::new();
    sites(src, shared_loop_vars, &all_triggers(), true, &mut out);
    out
}

/// The places where `triggers` fire in `src`, directives aside: for the test that
/// checks a rule's findings against its own triggers.
pub fn trigger_sites(src: &[u8], shared_loop_vars: bool, triggers: &[Trigger]) -> Vec<usize> {
    let mut out = Vec::new();
    sites(src, shared_loop_vars, triggers, true, &mut out);
    out.into_iter()
        .filter(|(_, why)| *why != Why::Directive)
        .map(|(at, _)| at)
        .collect()
}

fn all_triggers() -> Vec<Trigger> {
    crate::rules::all()
        .iter()
        .flat_map(|r| r.triggers().iter().copied())
        .collect()
}

/// Whether `text` holds `shape`.
fn holds(text: &[u8], shape: Shape) -> bool {
    match shape {
        Shape::MapWrite => shapes::has_write_shape(text),
        Shape::ClosureWithMapOp => has_word(text, b"func") && shapes::has_map_op_shape(text),
        Shape::Words(words) => words.iter().all(|w| has_word(text, w.as_bytes())),
    }
}

/// The first trigger of `triggers` that fires on `text`, code that runs later of `kind`.
fn later_fires(
    text: &[u8],
    kind: Later,
    shared_loop_vars: bool,
    triggers: &[Trigger],
) -> Option<Trigger> {
    triggers.iter().copied().find(|t| match *t {
        Trigger::Later(k, shape, version) => {
            (k == kind || k == Later::Any)
                && (version == Version::Any || shared_loop_vars)
                && holds(text, shape)
        }
        Trigger::ReadLocked(_) => false,
    })
}

/// Push the sites of `src` where `triggers` fire to `out`; only the first unless `all`.
fn sites(
    src: &[u8],
    shared_loop_vars: bool,
    triggers: &[Trigger],
    all: bool,
    out: &mut Vec<(usize, Why)>,
) {
    let mut found = |at: usize, why: Why| {
        out.push((at, why));
        !all
    };
    if let Some(at) = memmem::find(src, crate::suppress::PREFIX.as_bytes()) {
        if found(at, Why::Directive) {
            return;
        }
    }
    let mut lexer = Lexer::new(src);
    // A read lock comes only from a call `x.RLock()`; the code it covers is in the same
    // function (or a closure inside it), so in the same top-level block.
    let read_locked: Vec<Trigger> = triggers
        .iter()
        .copied()
        .filter(|t| matches!(t, Trigger::ReadLocked(_)))
        .collect();
    if !read_locked.is_empty() {
        let rlock = LockMethod::RLock.name().as_bytes();
        for at in code_hits(src, rlock, &mut lexer) {
            let open = skip_trivia(src, at + rlock.len());
            if src.get(open) != Some(&b'(') || src.get(skip_trivia(src, open + 1)) != Some(&b')') {
                continue;
            }
            let (start, end) = top_level_block(src, at);
            let text = &src[start..end];
            let fires = read_locked
                .iter()
                .find(|t| matches!(t, Trigger::ReadLocked(shape) if holds(text, *shape)));
            if let Some(t) = fires {
                if found(at, Why::Trigger(*t)) {
                    return;
                }
            }
        }
    }
    // `defer` and `go` statements: the statement's text.
    for kw in known::LATER_STATEMENTS {
        let kind = if kw == "defer" {
            Later::Deferred
        } else {
            Later::Spawned
        };
        for at in code_hits(src, kw.as_bytes(), &mut lexer) {
            let text = &src[at..statement_end(src, at + kw.len())];
            if let Some(t) = later_fires(text, kind, shared_loop_vars, triggers) {
                if found(at, Why::Trigger(t)) {
                    return;
                }
            }
        }
    }
    // `AfterFunc(d, func() {…})`, `g.Go(func() {…})`: the call's arguments.
    let mut names: Vec<&str> = known::later_call_names().collect();
    names.dedup();
    for name in names {
        for at in code_hits(src, name.as_bytes(), &mut lexer) {
            let open = skip_trivia(src, at + name.len());
            if src.get(open) == Some(&b'(') {
                let text = &src[open..group_end(src, open)];
                if let Some(t) = later_fires(text, Later::Spawned, shared_loop_vars, triggers) {
                    if found(at, Why::Trigger(t)) {
                        return;
                    }
                }
            }
        }
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
