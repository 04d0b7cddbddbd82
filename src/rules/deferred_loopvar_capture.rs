//! deferred-loopvar-capture: a deferred or `go` closure in a loop uses a loop variable, in
//! a file whose language version is below 1.22, where one variable is shared by all
//! iterations (Go fact 6): every deferred call sees the last value, and every goroutine
//! races with the loop that changes it.
//! See transforms/deferred-loopvar-capture.toml.

use super::common::*;
use super::trigger::{Later, Shape, Trigger, Version};
use super::{RawFinding, Rule, RuleCtx};
use crate::finding::{Applicability, Confidence, Edit, Fix};
use crate::model::{Ctx, FunctionModel, LoopInfo};
use crate::syntax::NodeExt;

declare_rule!(DeferredLoopvarCapture, "deferred-loopvar-capture");

impl Rule for DeferredLoopvarCapture {
    fn triggers(&self) -> &'static [Trigger] {
        &[Trigger::Later(
            Later::Any,
            Shape::Words(&["func"]),
            Version::SharedLoopVars,
        )]
    }

    fn check(&self, cx: &RuleCtx<'_>, out: &mut Vec<RawFinding>) {
        if cx.per_iteration_loop_vars {
            return;
        }
        for f in cx.functions {
            for (id, d) in f.defers.iter().enumerate() {
                let Some(closure) = d.closure.filter(|_| !d.closure_var) else {
                    continue;
                };
                let in_closure =
                    |ctx: Ctx| matches!(ctx, Ctx::Deferred { defer, .. } if defer == id);
                if let Some(found) = check(
                    cx,
                    f,
                    "deferred",
                    (d.stmt_start, d.stmt_end),
                    closure,
                    &d.loops,
                    &in_closure,
                ) {
                    out.push(found);
                }
            }
            for (id, g) in f.gos.iter().enumerate() {
                let Some(closure) = g.literal else { continue };
                let in_closure = |ctx: Ctx| matches!(ctx, Ctx::Goroutine { go } if go == id);
                if let Some(found) = check(
                    cx,
                    f,
                    "goroutine",
                    (g.stmt_start, g.stmt_end),
                    closure,
                    &g.loops,
                    &in_closure,
                ) {
                    out.push(found);
                }
            }
        }
    }
}

/// The finding for one deferred or `go` closure (`what`) whose statement spans `stmt` and
/// literal spans `closure`, inside `loops`; `in_closure` tells the closure's operations.
fn check(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    what: &str,
    stmt: (usize, usize),
    closure: (usize, usize),
    loops: &[LoopInfo],
    in_closure: &dyn Fn(Ctx) -> bool,
) -> Option<RawFinding> {
    if loops.is_empty() || (what == "goroutine" && joined_in_iteration(cx, f, stmt.1, loops)) {
        return None;
    }
    let lit = node_at(cx.file, closure.0, closure.1)?;
    let captured = captured(cx, f, stmt.0, lit, loops)?;
    if captured.is_empty() {
        return None;
    }
    // A map operation that uses one of them, to show what goes wrong.
    let op = f.ops.iter().find(|op| {
        in_closure(op.ctx())
            && op.start >= closure.0
            && op.end <= closure.1
            && op
                .idents
                .iter()
                .any(|i| captured.iter().any(|(b, _)| i.binding == Some(*b)))
    });
    let names: Vec<&str> = captured
        .iter()
        .filter(|(b, _)| op.is_none_or(|op| op.idents.iter().any(|i| i.binding == Some(*b))))
        .map(|(b, _)| f.binding(*b).name.as_str())
        .collect();
    let used_in = match op {
        Some(op) => {
            let text = cx.file.text(node_at(cx.file, op.start, op.end)?);
            format!(" used in `{}`", text.lines().next().unwrap_or(text))
        }
        None => String::new(),
    };
    let fix = fix(cx, f, loops, &captured);
    Some(RawFinding {
        rule: ID,
        start: stmt.0,
        end: stmt.1,
        message: format!(
            "{what} closure captures loop variable `{}`{used_in}; under this module's Go version every iteration shares it",
            names.join("`, `"),
        ),
        notes: notes(what, &names),
        confidence: Confidence::High,
        no_fix_reason: fix.is_none().then(|| "the loop body has no statement to insert a copy before".to_string()),
        fix,
    })
}

/// Whether the iteration waits for the goroutine whose statement ends at `stmt_end`
/// (`wg.Wait()`, `<-done` later in the same loop body): it reads the variable before the
/// loop changes it.
fn joined_in_iteration(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    stmt_end: usize,
    loops: &[LoopInfo],
) -> bool {
    let Some(innermost) = loops.iter().min_by_key(|l| l.body_end - l.body_start) else {
        return false;
    };
    f.joins
        .iter()
        .any(|&j| j >= stmt_end && j < innermost.body_end && every_iteration(cx, j, innermost))
}

/// Every loop variable the closure `lit`, in the statement starting at `stmt_start`, uses,
/// wherever the statement sits in the loop body (go vet's loopclosure looks at the last
/// statement only): its binding and the index in `loops` of the loop declaring it.
fn captured(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    stmt_start: usize,
    lit: tree_sitter::Node<'_>,
    loops: &[LoopInfo],
) -> Option<Vec<(usize, usize)>> {
    let declared: Vec<String> = declared_inside(cx.file, lit)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let mut captured: Vec<(usize, usize)> = Vec::new();
    for (li, l) in loops.iter().enumerate() {
        // `v := v` (or any redeclaration) earlier in the body: the closure uses the copy.
        let body = node_at(cx.file, l.body_start, l.body_end)?;
        let copied = declared_before(cx.file, body, stmt_start);
        for &b in &l.vars {
            let name = &f.binding(b).name;
            let used = crate::syntax::descendants(lit, |_| false)
                .any(|n| n.kind_name() == "identifier" && cx.file.text(n) == name);
            if used && !declared.contains(name) && !copied.contains(name) {
                captured.push((b, li));
            }
        }
    }
    Some(captured)
}

/// Why sharing the variables `names` goes wrong, for a deferred closure or a goroutine.
fn notes(what: &str, names: &[&str]) -> Vec<String> {
    vec![
        "before Go 1.22 a `for` or `range` loop declares its variables once, shared by every iteration".to_string(),
        if what == "deferred" {
            format!(
                "the deferred closures all run at function exit and see the last value of `{}`",
                names.join("`, `")
            )
        } else {
            format!(
                "the goroutines read `{}` while the loop keeps changing it: each may see a later value, and the read races with the loop",
                names.join("`, `")
            )
        },
    ]
}

/// Whether the code at byte `at` runs in every iteration of `l`: it sits in a statement of
/// the loop body itself, not under an `if`, a `switch` or an inner loop.
fn every_iteration(cx: &RuleCtx<'_>, at: usize, l: &LoopInfo) -> bool {
    let Some(mut n) = cx.file.root().descendant_for_byte_range(at, at) else {
        return false;
    };
    while let Some(p) = n.parent() {
        if p.kind_name() == "block" {
            return p.start_byte() == l.body_start && p.end_byte() == l.body_end;
        }
        n = p;
    }
    false
}

/// `k := k` at the top of the loop body that declares `k`, one line per variable.
fn fix(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    loops: &[LoopInfo],
    captured: &[(usize, usize)],
) -> Option<Fix> {
    let nl = line_ending(&cx.file.src);
    let mut edits: Vec<Edit> = Vec::new();
    for (li, l) in loops.iter().enumerate() {
        let mut vars: Vec<usize> = captured
            .iter()
            .filter(|(_, x)| *x == li)
            .map(|(b, _)| *b)
            .collect();
        if vars.is_empty() {
            continue;
        }
        vars.sort_by_key(|b| f.binding(*b).decl);
        let body = node_at(cx.file, l.body_start, l.body_end)?;
        let first = first_statement(body)?;
        let ind = indentation(&cx.file.src, first.start_byte());
        let text: String = vars
            .iter()
            .map(|b| {
                let n = &f.binding(*b).name;
                format!("{n} := {n}{nl}{ind}")
            })
            .collect();
        edits.push(Edit {
            start: first.start_byte(),
            end: first.start_byte(),
            replacement: text,
        });
    }
    Some(Fix {
        form: "per-iteration-copy",
        title: "copy the loop variable at the top of the loop body".into(),
        applicability: Applicability::Safe,
        edits,
    })
}

/// Names declared in `body` before byte `before`, outside function literals.
fn declared_before(
    file: &crate::syntax::ParsedFile,
    body: tree_sitter::Node<'_>,
    before: usize,
) -> Vec<String> {
    declared_inside(file, body)
        .into_iter()
        .filter(|(_, at)| *at < before)
        .map(|(n, _)| n)
        .collect()
}

/// Names the function literal declares itself (parameters, `:=`, `var`): uses of those
/// names inside it do not capture the loop's variables.
fn declared_inside(
    file: &crate::syntax::ParsedFile,
    lit: tree_sitter::Node<'_>,
) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for n in crate::syntax::descendants(lit, |_| false) {
        let names: Vec<tree_sitter::Node<'_>> = match n.kind_name() {
            "parameter_declaration" | "var_spec" => {
                let mut c = n.walk();
                n.children_by_field_name("name", &mut c).collect()
            }
            "short_var_declaration" => n
                .field("left")
                .map(crate::syntax::named_children)
                .unwrap_or_default(),
            "range_clause"
                if crate::syntax::children(n)
                    .iter()
                    .any(|c| c.kind_name() == ":=") =>
            {
                n.field("left")
                    .map(crate::syntax::named_children)
                    .unwrap_or_default()
            }
            _ => continue,
        };
        out.extend(
            names
                .into_iter()
                .map(|x| (file.text(x).to_string(), x.start_byte())),
        );
    }
    out
}
