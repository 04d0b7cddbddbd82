//! Helpers several rules share: how to name a mutex in the function's own words, how to
//! explain a lock state, and where statements are; text positions (line starts,
//! indentation, line endings) come from [`crate::syntax::lines`].

use tree_sitter::Node;

use super::RuleCtx;
use crate::model::locks::{Cause, LockVal};
use crate::model::{FunctionModel, Guard, GuardEvidence, MapOp};
use crate::syntax::{NodeExt, ParsedFile};

/// Where lines start and how they are indented and ended, for laying out inserted code.
pub use crate::syntax::lines::{indentation, line_end, line_ending, line_start, reindent};

pub fn line_of(file: &ParsedFile, byte: usize) -> usize {
    file.lines.position(byte).line
}

/// The guarding mutex as the function would spell it: `s.mu` for `s.m` guarded by `S.mu`;
/// for a map reached under another name (`groups`, bound to an element of `d.groups`),
/// as the function's own lock calls spell it.
pub fn mutex_text(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    op: &MapOp,
    guard: &Guard,
) -> Option<String> {
    if op.map_text.contains('.') || !matches!(op.map.root, crate::model::place::Root::Type(_)) {
        if let Some(s) = guard.mutex.spelled_beside(&op.map_text) {
            return Some(s);
        }
    }
    let call = f.lock_calls.iter().find(|c| c.mutex == guard.mutex)?;
    let text = cx.file.text(node_at(cx.file, call.start, call.end)?);
    let callee = text.rsplit_once('(').map(|(c, _)| c).unwrap_or(text);
    callee
        .rsplit_once('.')
        .map(|(base, _)| base.trim().to_string())
}

pub fn guard_note(op: &MapOp, mutex: &str, guard: &Guard) -> String {
    let map_text = &op.map_text;
    // A local map's accesses are all in one function: each one is a vote.
    let local = matches!(op.map.root, crate::model::place::Root::Local { .. });
    match &guard.evidence {
        GuardEvidence::Annotation { line } if *line > 0 => {
            format!("`{map_text}` is guarded by `{mutex}`: its declaration on line {line} says so")
        }
        GuardEvidence::Annotation { .. } => {
            format!("`{map_text}` is guarded by `{mutex}`: its declaration says so")
        }
        GuardEvidence::Comment { line } => format!(
            "`{map_text}` is guarded by `{mutex}`: the comment on the mutex says it protects the field on line {line}, and no function writes it without the lock"
        ),
        GuardEvidence::Functions {
            held,
            against,
            functions,
            ..
        } => {
            let (voters, them) = if local {
                ("other accesses of it in the function", "")
            } else {
                ("other functions that touch it", " it")
            };
            let mut note = format!(
                "`{map_text}` is guarded by `{mutex}`: held at {held} of {functions} {voters}"
            );
            if !local {
                note = note.replace(" held at ", " held in ");
            }
            if *against > 0 {
                note.push_str(&format!(", and {against} write{them} without it"));
            }
            note
        }
    }
}

/// One sentence on why `mutex` is (not) held, from what last set its state.
pub fn cause_note(file: &ParsedFile, mutex: &str, val: &LockVal) -> String {
    match &val.cause {
        Cause::Deferred { byte, text } => format!(
            "`{mutex}` is released by `defer {text}` on line {}, which was registered later and so runs first",
            line_of(file, *byte)
        ),
        Cause::Call { byte, text } => format!(
            "`{mutex}` is released by `{text}` on line {}, before the function returns and its deferred calls run",
            line_of(file, *byte)
        ),
        Cause::Entry(reason) => format!("`{mutex}` is not held: {reason}"),
        Cause::Join => format!("paths disagree on whether `{mutex}` is held"),
        Cause::Goto => format!(
            "the function has a `goto`, so the model does not know whether `{mutex}` is held"
        ),
    }
}

pub fn node_at<'t>(file: &'t ParsedFile, start: usize, end: usize) -> Option<Node<'t>> {
    let mut n = file.root().descendant_for_byte_range(start, end)?;
    while n.start_byte() != start || n.end_byte() != end {
        n = n.parent()?;
        if n.start_byte() < start {
            return None;
        }
    }
    Some(n)
}

/// The function literal's first statement, or where one would go in an empty body.
pub fn first_statement<'t>(body: Node<'t>) -> Option<Node<'t>> {
    let list = crate::syntax::named_children(body)
        .into_iter()
        .find(|n| n.kind_name() == "statement_list")?;
    crate::syntax::named_children(list).into_iter().next()
}

/// The binding ids of identifiers in `op` that the function assigns after `after`.
pub fn reassigned_after(f: &FunctionModel, op: &MapOp, after: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for id in op.idents.iter().filter_map(|i| i.binding) {
        let b = f.binding(id);
        if b.assigns.iter().any(|&a| a > after && a < f.end) && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Calls inside `node` other than builtins and the mutex methods: things that could take
/// a lock themselves, which make an inserted `Lock()` a matter for review.
pub fn has_other_calls(file: &ParsedFile, node: Node<'_>) -> bool {
    const BUILTINS: [&str; 12] = [
        "delete", "clear", "len", "cap", "append", "make", "new", "copy", "min", "max", "string",
        "panic",
    ];
    crate::syntax::descendants(node, |_| false).any(|n| {
        if n.kind_name() != "call_expression" {
            return false;
        }
        let Some(func) = n.field("function") else {
            return false;
        };
        let t = file.text(func);
        !(BUILTINS.contains(&t)
            || t.ends_with(".Lock")
            || t.ends_with(".Unlock")
            || t.ends_with(".Done"))
    })
}

/// Whether control that reaches statement `a` can go on to `b` (later in the source)
/// without leaving the function: no `return`, `panic` or `goto` follows `a` in any
/// block between `a` and the innermost block holding both. Conservative in the other
/// direction: a terminating statement nested deeper is not seen.
pub fn falls_through_to(file: &ParsedFile, a: Node<'_>, b: Node<'_>) -> bool {
    let mut cur = a;
    while let Some(parent) = cur.parent() {
        if parent.kind_name() == "func_literal" {
            return false;
        }
        if parent.kind_name() == "statement_list" {
            let holds_b =
                parent.start_byte() <= b.start_byte() && b.end_byte() <= parent.end_byte();
            for sib in crate::syntax::named_children(parent) {
                if sib.start_byte() <= cur.start_byte() {
                    continue;
                }
                if holds_b && sib.start_byte() >= b.start_byte() {
                    return true;
                }
                if terminates(file, sib) {
                    return false;
                }
            }
            if holds_b {
                return true;
            }
        }
        cur = parent;
    }
    true
}

fn terminates(file: &ParsedFile, stmt: Node<'_>) -> bool {
    match stmt.kind_name() {
        "return_statement" | "goto_statement" => true,
        "expression_statement" => stmt.named_child(0).is_some_and(|c| {
            c.kind_name() == "call_expression"
                && c.field("function").is_some_and(|f| file.text(f) == "panic")
        }),
        _ => false,
    }
}

/// The statements of a block, comments left out.
pub fn block_statements(block: Node<'_>) -> Vec<Node<'_>> {
    crate::syntax::named_children(block)
        .into_iter()
        .filter(|n| n.kind_name() == "statement_list")
        .flat_map(crate::syntax::named_children)
        .filter(|n| n.kind_name() != "comment")
        .collect()
}

/// A fix, or the reason there is none, as a finding carries them.
///
/// Rules build fixes as `Result<Fix, String>` on purpose: the `Err` is not a failure
/// anyone handles but the reason a finding has no fix, shown once (`no_fix_reason`, in
/// reports and `not fixed:` lines) and never branched on, so it stays a string.
pub fn fix_or_reason(
    r: Result<crate::finding::Fix, String>,
) -> (Option<crate::finding::Fix>, Option<String>) {
    match r {
        Ok(fix) => (Some(fix), None),
        Err(why) => (None, Some(why)),
    }
}
