//! deferred-closure-late-binding: a deferred closure writes a map through a key or map
//! variable that the function reassigns after the defer, and the function then writes
//! the entry for the new value on purpose, so the deferred write undoes it (Go fact 2).
//! Reported only where the code itself shows the late value is wrong.
//! See transforms/deferred-closure-late-binding.toml.

use super::common::*;
use super::trigger::{Later, Shape, Trigger, Version};
use super::{RawFinding, Rule, RuleCtx};
use crate::finding::{Applicability, Confidence, Edit, Fix};
use crate::model::{BindingKind, Ctx, DeferInfo, FunctionModel, MapOp, OpKind};
use crate::syntax::NodeExt;

declare_rule!(DeferredClosureLateBinding, "deferred-closure-late-binding");

impl Rule for DeferredClosureLateBinding {
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
                // A literal of its own at the defer (a variable's is judged where it is).
                let Some(closure) = d.closure.filter(|_| !d.closure_var) else {
                    continue;
                };
                let writes = f
                    .ops
                    .iter()
                    .filter(|op| op.kind == OpKind::Write && op.deferred_by(id));
                for op in writes {
                    if let Some(found) = check(cx, f, id, closure, op) {
                        out.push(found);
                        break;
                    }
                }
            }
        }
    }
}

/// The finding for the deferred write `op` in the closure spanning `closure` of defer
/// number `defer`, if the function proves the late value wrong.
fn check(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    defer: usize,
    closure: (usize, usize),
    op: &MapOp,
) -> Option<RawFinding> {
    let d = &f.defers[defer];
    let key = op.key_text.as_deref()?;
    let moved = moved_after_defer(f, op, d.stmt_end, closure);
    if moved.is_empty() {
        return None;
    }
    let proof = write_at_new_value(cx, f, op, key, d.stmt_end, &moved)?;
    let names: Vec<&str> = moved
        .iter()
        .map(|&id| f.binding(id).name.as_str())
        .collect();
    let reassign_line = moved
        .iter()
        .flat_map(|&id| f.binding(id).assigns.iter().copied())
        .filter(|&a| a > d.stmt_end)
        .min()
        .map(|a| line_of(cx.file, a))?;
    let write_text = cx.file.text(node_at(cx.file, op.start, op.end)?);
    let notes = vec![
        format!(
            "the closure reads `{}` when it runs at function exit, not when it is deferred",
            names.join("`, `")
        ),
        format!("`{}` is assigned again on line {reassign_line}", names.join("`, `")),
        format!(
            "line {} writes `{}[{}]` for the new value on purpose; at exit the deferred `{write_text}` removes that entry instead of the one it was deferred for",
            line_of(cx.file, proof.start),
            op.map_text,
            proof.key_text.as_deref().unwrap_or(key),
        ),
    ];
    let (fix, no_fix_reason) = fix_or_reason(fix(cx, f, defer, closure, op, &moved));
    Some(RawFinding {
        rule: ID,
        start: d.stmt_start,
        end: d.stmt_end,
        message: format!(
            "deferred closure uses `{}` after it is reassigned: `{write_text}` acts on the new entry, not the one it was deferred for",
            names.join("`, `")
        ),
        notes,
        confidence: Confidence::High,
        fix,
        no_fix_reason,
    })
}

/// Variables `op` uses that the closure spanning `closure` captures (declared outside it)
/// and the function reassigns after the defer ending at `defer_end`. Named results and
/// `err` are left out: deferred code reads them late on purpose.
fn moved_after_defer(
    f: &FunctionModel,
    op: &MapOp,
    defer_end: usize,
    closure: (usize, usize),
) -> Vec<usize> {
    reassigned_after(f, op, defer_end)
        .into_iter()
        .filter(|&id| {
            let b = f.binding(id);
            !(b.decl >= closure.0 && b.decl < closure.1)
                && b.kind != BindingKind::NamedResult
                && b.name != "err"
        })
        .collect()
}

/// The proof that the late value is wrong: the function itself writes the map of `op` at
/// the key's new value, after the defer: through the variable after it is reassigned
/// (`key = to; m[key] = v`), or at the value it is about to be given
/// (`m[to] = m[key]; key = to`).
fn write_at_new_value<'f>(
    cx: &RuleCtx<'_>,
    f: &'f FunctionModel,
    op: &MapOp,
    key: &str,
    defer_end: usize,
    moved: &[usize],
) -> Option<&'f MapOp> {
    let new_values: Vec<(usize, String)> = moved
        .iter()
        .flat_map(|&id| assigned_values(cx, f, id, defer_end))
        .collect();
    f.ops.iter().find(|w| {
        let immediate_write = w.kind == OpKind::Write
            && w.ctx() == Ctx::Immediate
            && w.start > defer_end
            && w.map_text == op.map_text;
        let through_variable = || {
            w.key_text.as_deref() == Some(key)
                && moved.iter().any(|&id| {
                    f.binding(id)
                        .assigns
                        .iter()
                        .any(|&a| a > defer_end && a < w.start)
                })
        };
        let at_new_value = || {
            moved.iter().any(|&id| f.binding(id).name == key)
                && new_values
                    .iter()
                    .any(|(_, v)| w.key_text.as_deref() == Some(v.as_str()))
        };
        immediate_write && (through_variable() || at_new_value())
    })
}

/// The expressions `name = E` gives the variable after byte `after` (plain `=` of one
/// variable; `x, y = …` and `+=` say nothing this simple).
fn assigned_values(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    id: usize,
    after: usize,
) -> Vec<(usize, String)> {
    let b = f.binding(id);
    let mut out = Vec::new();
    for &a in b.assigns.iter().filter(|&&a| a > after) {
        let Some(mut n) = cx.file.root().descendant_for_byte_range(a, a) else {
            continue;
        };
        while n.kind_name() != "assignment_statement" || n.start_byte() != a {
            match n.parent() {
                Some(p) if p.start_byte() == a => n = p,
                _ => break,
            }
        }
        if n.kind_name() != "assignment_statement" {
            continue;
        }
        let (Some(left), Some(right), Some(op)) =
            (n.field("left"), n.field("right"), n.field("operator"))
        else {
            continue;
        };
        if cx.file.text(op) != "=" || cx.file.text(left) != b.name {
            continue;
        }
        if let [value] = crate::syntax::named_children(right).as_slice() {
            out.push((a, cx.file.text(*value).to_string()));
        }
    }
    out
}

/// Snapshot at defer time: `defer delete(m, k)` when the closure is only that call,
/// otherwise the moved variables become parameters with their declared types.
fn fix(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    defer: usize,
    closure: (usize, usize),
    op: &MapOp,
    moved: &[usize],
) -> Result<Fix, String> {
    let d = &f.defers[defer];
    let lit = node_at(cx.file, closure.0, closure.1).ok_or("closure not found")?;
    let body = lit.field("body").ok_or("closure has no body")?;
    let stmts: Vec<_> = block_statements(body);
    let has_params = lit
        .field("parameters")
        .is_some_and(|p| p.named_child_count() > 0);
    let call_args = node_at(cx.file, d.call_start, d.call_end)
        .and_then(|c| c.field("arguments"))
        .is_some_and(|a| a.named_child_count() > 0);
    if let ([only], false, false) = (stmts.as_slice(), has_params, call_args) {
        if let Some(fix) = defer_call_directly(cx, d, lit, *only, op) {
            return Ok(fix);
        }
    }
    if has_params || call_args {
        return Err(
            "the closure already takes parameters; adding more is for a person to decide".into(),
        );
    }
    pass_as_arguments(cx, f, d, lit, moved)
}

/// `defer func() { delete(m, k) }()` → `defer delete(m, k)`, when `only`, the closure's
/// one statement, is the `delete` of `op`. Comments in the closure must survive: one on
/// the `func() {` line moves to the end of the new statement; any other comment keeps the
/// closure (the parameter form).
fn defer_call_directly(
    cx: &RuleCtx<'_>,
    d: &DeferInfo,
    lit: tree_sitter::Node<'_>,
    only: tree_sitter::Node<'_>,
    op: &MapOp,
) -> Option<Fix> {
    let is_delete = only.kind_name() == "expression_statement"
        && only.start_byte() <= op.start
        && only.end_byte() >= op.end
        && cx.file.text(only).starts_with("delete(");
    if !is_delete {
        return None;
    }
    let comments: Vec<_> = crate::syntax::descendants(lit, |_| false)
        .filter(|n| n.kind_name() == "comment")
        .collect();
    let trailing = match comments.as_slice() {
        [] => String::new(),
        [c] if c.start_position().row == lit.start_position().row => {
            format!(" {}", cx.file.text(*c))
        }
        _ => return None,
    };
    Some(Fix {
        form: "defer-call-directly",
        title: format!(
            "evaluate `{}` at the defer: `defer {}`",
            cx.file.text(only),
            cx.file.text(only)
        ),
        applicability: Applicability::Review,
        edits: vec![Edit {
            start: d.stmt_start,
            end: d.stmt_end,
            replacement: format!("defer {}{trailing}", cx.file.text(only)),
        }],
    })
}

/// The closure `lit` takes the `moved` variables as parameters of their declared types,
/// and the defer passes them: their values at the defer.
fn pass_as_arguments(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    d: &DeferInfo,
    lit: tree_sitter::Node<'_>,
    moved: &[usize],
) -> Result<Fix, String> {
    let mut params = Vec::new();
    let mut args = Vec::new();
    for &id in moved {
        let b = f.binding(id);
        let ty = b.type_text.clone().ok_or_else(|| {
            format!(
                "`{}` has no written type, so the closure cannot take it as a parameter",
                b.name
            )
        })?;
        params.push(format!("{} {ty}", b.name));
        args.push(b.name.clone());
    }
    let params_node = lit.field("parameters").ok_or("no parameter list")?;
    let args_node = node_at(cx.file, d.call_start, d.call_end)
        .and_then(|c| c.field("arguments"))
        .ok_or("no argument list")?;
    Ok(Fix {
        form: "pass-as-arguments",
        title: format!("pass `{}` to the closure at the defer", args.join("`, `")),
        applicability: Applicability::Review,
        edits: vec![
            Edit {
                start: params_node.start_byte(),
                end: params_node.end_byte(),
                replacement: format!("({})", params.join(", ")),
            },
            Edit {
                start: args_node.start_byte(),
                end: args_node.end_byte(),
                replacement: format!("({})", args.join(", ")),
            },
        ],
    })
}
