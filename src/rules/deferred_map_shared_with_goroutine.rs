//! deferred-map-shared-with-goroutine: a deferred read, range or write of a map that a
//! goroutine started in the same function writes, with no join before the defer runs and
//! no mutex on either side: the deferred access races with the goroutine (Go fact 4).
//! See transforms/deferred-map-shared-with-goroutine.toml.

use super::common::*;
use super::trigger::{Later, Shape, Trigger, Version};
use super::{RawFinding, Rule, RuleCtx};
use crate::finding::{Applicability, Confidence, Fix};
use crate::model::locks::Locks;
use crate::model::place::Root;
use crate::model::{Ctx, FunctionModel, GoInfo, MapOp, OpKind};

declare_rule!(
    DeferredMapSharedWithGoroutine,
    "deferred-map-shared-with-goroutine"
);

impl Rule for DeferredMapSharedWithGoroutine {
    fn triggers(&self) -> &'static [Trigger] {
        // The goroutine's write: the deferred access can be a read.
        &[Trigger::Later(
            Later::Spawned,
            Shape::MapWrite,
            Version::Any,
        )]
    }

    fn check(&self, cx: &RuleCtx<'_>, out: &mut Vec<RawFinding>) {
        for f in cx.functions {
            for op in &f.ops {
                out.extend(check_spawned_writer(cx, f, op));
            }
            // Any join (a `Wait()`, a channel receive) may order the goroutine before the
            // defer: the model does not prove which goroutine it waits for, so it stays silent.
            if !f.joins.is_empty() {
                continue;
            }
            for id in 0..f.defers.len() {
                let deferred: Vec<(&MapOp, &Locks)> = f
                    .ops
                    .iter()
                    .flat_map(|op| op.runs.iter().map(move |r| (op, r)))
                    .filter(|(_, r)| matches!(r.ctx, Ctx::Deferred { defer, .. } if defer == id))
                    .map(|(op, r)| (op, &r.locks))
                    .collect();
                if let Some(found) = check(cx, f, id, &deferred) {
                    out.push(found);
                }
            }
        }
    }
}

/// A goroutine that writes a map no mutex guards while other code may touch it: its
/// siblings (started once per iteration of a loop), or the function itself before any
/// join. A local map the goroutine declares itself is its own.
fn check_spawned_writer(cx: &RuleCtx<'_>, f: &FunctionModel, op: &MapOp) -> Option<RawFinding> {
    let run = &op.runs[0];
    let Ctx::Goroutine { go } = run.ctx else {
        return None;
    };
    if op.kind != OpKind::Write
        || run.owned
        || matches!(op.map.root, Root::Opaque(_))
        || !no_lock_held(&run.locks)
        || cx.pkg.guard_for(op, f).is_some()
    {
        return None;
    }
    let g = &f.gos[go];
    if map_is_the_goroutines_own(f, op, g)
        // The goroutine locks something: a mutex is involved, and the lock rules judge it.
        || f.lock_calls
            .iter()
            .any(|c| c.start >= g.stmt_start && c.end <= g.stmt_end)
    {
        return None;
    }
    let kind = match g.kind {
        crate::model::GoKind::AfterFunc => "timer callback",
        _ => "goroutine",
    };
    let (message, note, confidence) = describe_race(cx, f, op, g, kind)?;
    let map = &op.map_text;
    let (fix, no_fix_reason) = match sync_map_fix(cx, f, op) {
        Ok(fix) => (Some(fix), None),
        Err(why) => (None, Some(format!("{why}; guard `{map}` with a mutex"))),
    };
    Some(RawFinding {
        rule: ID,
        start: op.start,
        end: op.end,
        message,
        notes: vec![
            note,
            "concurrent writes to a map, or a write with any other access, are a data race; the runtime may abort with `fatal error: concurrent map writes`".into(),
        ],
        confidence,
        fix,
        no_fix_reason,
    })
}

/// Whether the local map `op` writes is one per goroutine `g`: declared in its literal,
/// or a variable of the loop that starts the goroutines (its clause's, or declared in its
/// body), one per iteration (before Go 1.22 a shared loop variable is
/// deferred-loopvar-capture's finding).
fn map_is_the_goroutines_own(f: &FunctionModel, op: &MapOp, g: &GoInfo) -> bool {
    let Root::Local { binding, .. } = op.map.root else {
        return false;
    };
    let (lit_start, lit_end) = g.literal.unwrap_or((g.stmt_start, g.stmt_end));
    let decl = f.binding(binding).decl;
    (decl >= lit_start && decl < lit_end)
        || g.loops
            .last()
            .is_some_and(|l| decl >= l.start && decl < l.end)
}

/// The message, the note and the confidence for the write `op` in the goroutine `g` (a
/// `kind`): a race with its siblings, one per iteration unless the loop waits for each
/// before the next, or else with the function, which touches the map after starting it
/// with no join between; `None` when neither.
fn describe_race(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    op: &MapOp,
    g: &GoInfo,
    kind: &str,
) -> Option<(String, String, Confidence)> {
    let map = &op.map_text;
    let started = line_of(cx.file, g.stmt_start);
    let siblings = g
        .loops
        .last()
        .is_some_and(|l| !f.joins.iter().any(|&j| j > g.stmt_end && j < l.body_end));
    if siblings {
        return Some((
            format!("`{}` runs in a {kind} started once per iteration: the {kind}s write `{map}` at the same time", first_line(cx, op)?),
            format!("the {kind} started on line {started} runs once per iteration of the loop around it, and nothing orders the writes"),
            Confidence::High,
        ));
    }
    let other = f.ops.iter().find(|o| {
        o.map == op.map
            && o.ctx() == Ctx::Immediate
            && o.start > g.stmt_end
            && !f.joins.iter().any(|&j| j > g.stmt_end && j < o.start)
    })?;
    let access = match other.kind {
        OpKind::Write => "writes",
        OpKind::Read => "reads",
        OpKind::Range => "ranges over",
    };
    Some((
        format!("`{}` runs in a {kind} while the function {access} `{map}`: the accesses race", first_line(cx, op)?),
        format!(
            "the {kind} started on line {started} writes `{map}`, and the function {access} it on line {} without waiting for it",
            line_of(cx.file, other.start)
        ),
        Confidence::Medium,
    ))
}

fn first_line<'a>(cx: &'a RuleCtx<'_>, op: &MapOp) -> Option<&'a str> {
    let text = cx.file.text(node_at(cx.file, op.start, op.end)?);
    Some(text.lines().next().unwrap_or(text))
}

fn no_lock_held(locks: &Locks) -> bool {
    locks.values().all(|v| !v.state.is_held())
}

fn check(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    defer: usize,
    deferred: &[(&MapOp, &Locks)],
) -> Option<RawFinding> {
    let d = &f.defers[defer];
    for &(op, locks) in deferred {
        // A map with a known guard belongs to the lock rules; opaque places cannot be compared.
        if matches!(op.map.root, Root::Opaque(_))
            || cx.pkg.guard_for(op, f).is_some()
            || !no_lock_held(locks)
        {
            continue;
        }
        let Some(writer) = f.ops.iter().find(|w| {
            w.kind == OpKind::Write && matches!(w.ctx(), Ctx::Goroutine { .. }) && w.map == op.map
        }) else {
            continue;
        };
        let Ctx::Goroutine { go } = writer.ctx() else {
            continue;
        };
        let g = &f.gos[go];
        // The goroutine locks something: a mutex is involved, not this rule's shape.
        if f.lock_calls
            .iter()
            .any(|c| c.start >= g.stmt_start && c.end <= g.stmt_end)
            || !no_lock_held(&writer.runs[0].locks)
        {
            continue;
        }
        let access = match op.kind {
            OpKind::Write => "writes",
            OpKind::Read => "reads",
            OpKind::Range => "ranges over",
        };
        let map = &op.map_text;
        let (fix, no_fix_reason) = match sync_map_fix(cx, f, op) {
            Ok(fix) => (Some(fix), None),
            Err(why) => (
                None,
                Some(format!(
                    "{why}; wait for the goroutine (a `sync.WaitGroup`) or guard `{map}` with a mutex"
                )),
            ),
        };
        let writer_text = cx.file.text(node_at(cx.file, writer.start, writer.end)?);
        return Some(RawFinding {
            rule: ID,
            start: d.stmt_start,
            end: d.stmt_end,
            message: format!(
                "deferred code {access} `{map}` while a goroutine started on line {} may still be writing it",
                line_of(cx.file, g.stmt_start)
            ),
            notes: vec![
                format!(
                    "the goroutine writes `{map}` (`{}` on line {}) and nothing waits for it before the function returns",
                    writer_text.lines().next().unwrap_or(writer_text),
                    line_of(cx.file, writer.start)
                ),
                "a map read or range concurrent with a write is a data race; the runtime may abort with `fatal error: concurrent map iteration and map write`".into(),
            ],
            confidence: Confidence::High,
            fix,
            no_fix_reason,
        });
    }
    None
}

/// Convert a local map to `sync.Map` when every use of it converts.
fn sync_map_fix(cx: &RuleCtx<'_>, f: &FunctionModel, op: &MapOp) -> Result<Fix, String> {
    let Root::Local { binding, .. } = op.map.root else {
        return Err(format!(
            "`{}` is not a local variable, so its other uses cannot all be seen",
            op.map_text
        ));
    };
    let b = f.binding(binding);
    let func = node_at(cx.file, f.start, f.end).ok_or("function not found")?;
    let edits = super::sync_map_conversion::convert(cx.file, func, &b.name, b.decl)?;
    Ok(Fix {
        form: "convert-to-sync-map",
        title: format!("make `{}` a `sync.Map`", b.name),
        applicability: Applicability::Review,
        edits,
    })
}
