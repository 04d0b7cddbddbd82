//! defer-in-loop-map-cleanup: a deferred map write directly inside a loop body. Deferred
//! calls run when the function returns, not when the iteration ends (Go fact 7): the entry
//! outlives its iteration, and in an unbounded loop the defers pile up without end.
//! See transforms/defer-in-loop-map-cleanup.toml.

use super::common::*;
use super::trigger::{Later, Shape, Trigger, Version};
use super::{RawFinding, Rule, RuleCtx};
use crate::finding::{Applicability, Confidence, Edit, Fix};
use crate::model::place::Root;
use crate::model::{Ctx, FunctionModel, LoopInfo, MapOp, OpKind};
use crate::syntax::{NodeExt, ParsedFile};

declare_rule!(DeferInLoopMapCleanup, "defer-in-loop-map-cleanup");

impl Rule for DeferInLoopMapCleanup {
    fn triggers(&self) -> &'static [Trigger] {
        &[Trigger::Later(
            Later::Deferred,
            Shape::MapWrite,
            Version::Any,
        )]
    }

    fn check(&self, cx: &RuleCtx<'_>, out: &mut Vec<RawFinding>) {
        for f in cx.functions {
            for (id, d) in f.defers.iter().enumerate() {
                let Some(inner) = d.loops.last() else {
                    continue;
                };
                let Some(op) = f
                    .ops
                    .iter()
                    .find(|op| op.kind == OpKind::Write && op.deferred_by(id))
                else {
                    continue;
                };
                let unbounded = d.loops.iter().any(|l| l.unbounded);
                let op_text = cx
                    .file
                    .text(node_at(cx.file, op.start, op.end).unwrap_or(cx.file.root()));
                let loop_line = line_of(cx.file, inner.start);
                let mut notes = vec![format!(
                    "deferred calls run when the function returns, not at the end of the iteration: the entry `{}` stays until then",
                    op_text.lines().next().unwrap_or(op_text)
                )];
                if unbounded {
                    notes.push(format!(
                        "the loop on line {loop_line} has no bound the code states, so one deferred call per iteration piles up until the function returns"
                    ));
                }
                let stale = stale_next_iteration(cx, f, d.stmt_start, op, inner);
                if let Some((used, written)) = stale {
                    notes.push(format!(
                        "line {} uses `{}` before line {} gives it `{}`: from the second iteration on it still holds the entry the iteration before left",
                        line_of(cx.file, used),
                        op.map_text,
                        line_of(cx.file, written),
                        op.key_text.as_deref().unwrap_or("the key"),
                    ));
                }
                let (fix, no_fix_reason) = fix_or_reason(fix(cx.file, f, inner));
                out.push(RawFinding {
                    rule: ID,
                    start: d.stmt_start,
                    end: d.stmt_end,
                    message: format!(
                        "deferred map cleanup inside a loop runs at function exit, not per iteration{}",
                        if unbounded { ", and piles up in an unbounded loop" } else { "" }
                    ),
                    notes,
                    // In a bounded loop this may be meant (entries held for the whole
                    // call), unless the next iteration is seen to read the stale entry.
                    confidence: if unbounded || stale.is_some() {
                        Confidence::High
                    } else {
                        Confidence::Low
                    },
                    fix,
                    no_fix_reason,
                });
            }
        }
    }
}

/// Where the next iteration sees the entry this one leaves: the map outlives the
/// iteration, this iteration writes the key the defer deletes, and the body uses the map
/// before that write (`send(params)` at the top, `params["mode"] = m` later). The
/// positions of that use and of the write.
fn stale_next_iteration(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    defer_start: usize,
    op: &MapOp,
    inner: &LoopInfo,
) -> Option<(usize, usize)> {
    if let Root::Local { binding, .. } = op.map.root {
        if f.binding(binding).decl >= inner.body_start {
            return None;
        }
    }
    let key = op.key_text.as_deref()?;
    let written = f
        .ops
        .iter()
        .filter(|w| {
            w.kind == OpKind::Write
                && w.ctx() == Ctx::Immediate
                && w.map_text == op.map_text
                && w.key_text.as_deref() == Some(key)
                && w.start > inner.body_start
                && w.end <= defer_start
        })
        .map(|w| w.start)
        .min()?;
    let body = node_at(cx.file, inner.body_start, inner.body_end)?;
    let used = crate::syntax::descendants(body, |n| n.kind_name() == "func_literal")
        .filter(|n| matches!(n.kind_name(), "identifier" | "selector_expression"))
        .filter(|n| n.start_byte() < written && cx.file.text(*n) == op.map_text)
        .map(|n| n.start_byte())
        .min()?;
    Some((used, written))
}

/// Wrap the loop body in `func() { … }()` so its defers run per iteration: only where
/// nothing in the body leaves it (a `break`, `continue`, `goto`, `return` or label).
fn fix(file: &ParsedFile, _f: &FunctionModel, l: &LoopInfo) -> Result<Fix, String> {
    let body = node_at(file, l.body_start, l.body_end).ok_or("loop body not found")?;
    if let Some(why) = leaves_body(file, body) {
        return Err(format!(
            "the loop body {why}, which would change meaning inside a function literal"
        ));
    }
    let src = &file.src;
    let nl = line_ending(src);
    let first = first_statement(body).ok_or("the loop body is empty")?;
    let ind = indentation(src, first.start_byte());
    // From the first statement's line start to the end of the last line in the body.
    let content_start = line_start(src, first.start_byte());
    let close = body.end_byte() - 1;
    let content_end = match line_start(src, close) {
        0 => close, // no line break before the brace: the whole file is one line
        start => start,
    };
    if content_end <= content_start {
        return Err("the loop body is on one line".into());
    }
    let content = std::str::from_utf8(&src[content_start..content_end]).map_err(|_| "not UTF-8")?;
    let shifted = reindent(content, "\t", &raw_string_lines(body, content_start));
    let replacement = format!("{ind}func() {{{nl}{shifted}{ind}}}(){nl}");
    Ok(Fix {
        form: "wrap-body-in-func-literal",
        title:
            "run the loop body in a function literal, so its deferred cleanup runs every iteration"
                .into(),
        applicability: Applicability::Review,
        edits: vec![Edit {
            start: content_start,
            end: content_end,
            replacement,
        }],
    })
}

/// Byte ranges (counted from `from`) of line starts inside raw string literals:
/// re-indenting them would change the string.
fn raw_string_lines(node: tree_sitter::Node<'_>, from: usize) -> Vec<std::ops::Range<usize>> {
    crate::syntax::descendants(node, |_| false)
        .filter(|n| n.kind_name() == "raw_string_literal")
        .map(|n| (n.start_byte() + 1).saturating_sub(from)..n.end_byte().saturating_sub(from))
        .collect()
}

fn leaves_body(file: &ParsedFile, body: tree_sitter::Node<'_>) -> Option<&'static str> {
    // Walk without entering function literals; break/continue count only when no inner
    // loop, switch or select owns them.
    let mut stack: Vec<(tree_sitter::Node<'_>, bool, bool)> = vec![(body, false, false)];
    while let Some((n, in_loop, in_switch)) = stack.pop() {
        match n.kind_name() {
            "return_statement" => return Some("returns"),
            "goto_statement" => return Some("has a goto"),
            "labeled_statement" => return Some("has a label"),
            "break_statement" if n.named_child_count() > 0 || !(in_loop || in_switch) => {
                return Some("breaks out of the loop")
            }
            "continue_statement" if n.named_child_count() > 0 || !in_loop => {
                return Some("continues the loop")
            }
            "func_literal" => continue,
            _ => {}
        }
        let _ = file;
        let (l, s) = match n.kind_name() {
            "for_statement" => (true, in_switch),
            "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
                (in_loop, true)
            }
            _ => (in_loop, in_switch),
        };
        for c in crate::syntax::named_children(n) {
            stack.push((c, l, s));
        }
    }
    None
}
