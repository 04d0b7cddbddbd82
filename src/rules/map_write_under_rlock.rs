//! map-write-under-rlock: a map write, immediate or deferred, while only the read lock of
//! its guarding `sync.RWMutex` is held. Readers share `RLock`, so two of them writing at
//! once is `fatal error: concurrent map writes` (Go fact 4).
//! See transforms/map-write-under-rlock.toml.

use super::common::*;
use super::trigger::{Shape, Trigger};
use super::{RawFinding, Rule, RuleCtx};
use crate::finding::{Applicability, Confidence, Edit, Fix};
use crate::model::locks::{Cause, Lock, Locks};
use crate::model::place::MutexKey;
use crate::model::{Ctx, FunctionModel, LockCall, LockMethod, MapOp, OpKind};
use crate::syntax::NodeExt;

declare_rule!(MapWriteUnderRlock, "map-write-under-rlock");

impl Rule for MapWriteUnderRlock {
    fn triggers(&self) -> &'static [Trigger] {
        // A read-locked mutex comes only from an `RLock` call: in the function itself.
        &[
            Trigger::ReadLocked(Shape::MapWrite),
            // A helper that writes, called under the read lock.
            Trigger::ReadLocked(Shape::CallsWriter),
        ]
    }

    fn check(&self, cx: &RuleCtx<'_>, out: &mut Vec<RawFinding>) {
        for f in cx.functions {
            // Its own writes, and those its calls of the package's code perform.
            let writes = f
                .ops
                .iter()
                .chain(&f.call_writes)
                .filter(|op| op.kind == OpKind::Write && !matches!(op.ctx(), Ctx::Stored));
            for op in writes {
                out.extend(check(cx, f, op).map(|mut found| {
                    if !op.via.is_empty() {
                        found
                            .notes
                            .insert(1, super::deferred_write_unlocked::via_note(op));
                        if let Some(fix) = &mut found.fix {
                            fix.applicability = Applicability::Review;
                        }
                    }
                    found
                }));
            }
        }
    }
}

/// The map's guard, held only in shared mode where the write runs, with no mutex held
/// exclusively there: a write under any exclusive lock is another design (a dedicated
/// mutex for the map, a second lock), not this bug.
fn rlocked_guard(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    op: &MapOp,
    locks: &Locks,
) -> Option<(MutexKey, Confidence, String)> {
    let g = cx.pkg.guard_for(op, f)?;
    if locks.get(&g.mutex)?.state != Lock::RLocked {
        return None;
    }
    if locks.values().any(|v| v.state == Lock::Locked) {
        return None;
    }
    let mutex = mutex_text(cx, f, op, &g)?;
    Some((g.mutex.clone(), g.confidence, guard_note(op, &mutex, &g)))
}

fn check(cx: &RuleCtx<'_>, f: &FunctionModel, op: &MapOp) -> Option<RawFinding> {
    let run = op
        .runs
        .iter()
        .filter(|r| !r.owned)
        .find(|r| rlocked_guard(cx, f, op, &r.locks).is_some())?;
    let (mutex_key, confidence, guard_note) = rlocked_guard(cx, f, op, &run.locks)?;
    // A test that takes the read lock around its own setup writes is a shortcut, not a
    // race, unless the test runs the code it tests on other goroutines meanwhile, which
    // the model does not know: low confidence, hidden by default.
    let confidence = if f.in_test_file {
        confidence.min(Confidence::Low)
    } else {
        confidence
    };
    let val = run.locks.get(&mutex_key)?;
    let mutex_expr = match &val.cause {
        Cause::Call { text, .. } | Cause::Deferred { text, .. } => {
            text.rsplit_once('.').map(|(b, _)| b.to_string())
        }
        _ => None,
    };
    let mutex_expr = mutex_expr.unwrap_or_else(|| mutex_key.to_string());
    let what = cx.file.text(node_at(cx.file, op.start, op.end)?);
    // The write itself: inside a deferred closure that is the line to look at.
    let (start, end) = (op.start, op.end);
    let mut notes = vec![guard_note];
    if let Cause::Call { byte, .. } = val.cause {
        notes.push(format!(
            "only the read lock is held here: `{mutex_expr}.RLock()` on line {}",
            line_of(cx.file, byte)
        ));
    }
    notes.push("readers share an RLock, so two of them can write the map at once: `fatal error: concurrent map writes`".into());
    let (fix, no_fix_reason) = fix_or_reason(fix(cx, f, &mutex_key, &mutex_expr, confidence));
    Some(RawFinding {
        rule: ID,
        start,
        end,
        message: format!(
            "`{}` writes the map while holding only the read lock `{mutex_expr}.RLock()`",
            what.lines().next().unwrap_or(what)
        ),
        notes,
        confidence,
        fix,
        no_fix_reason,
    })
}

/// Take the write lock instead: every `RLock`/`RUnlock` of that mutex in the function.
/// Safe only where the finding is certain and the function, once exclusive, neither
/// blocks nor scans a whole map nor calls back into code that takes the same mutex.
fn fix(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    mutex_key: &MutexKey,
    mutex_expr: &str,
    confidence: Confidence,
) -> Result<Fix, String> {
    let calls = calls_to_upgrade(f, mutex_key, mutex_expr)?;
    let unseen = calls_into_unseen_code(cx, f, mutex_key, mutex_expr)?;
    let mut edits = Vec::new();
    for c in calls {
        let text = &cx.file.src[c.start..c.end];
        let name = c.method.name().as_bytes();
        let pos = text
            .windows(name.len())
            .rposition(|w| w == name)
            .ok_or("the lock call was not found")?;
        edits.push(Edit {
            start: c.start + pos,
            end: c.start + pos + name.len(),
            replacement: c.method.name()[1..].to_string(),
        });
    }
    let body = node_at(cx.file, f.start, f.end).ok_or("function not found")?;
    let stalls = stalls_readers(cx, body).or(unseen.then_some("calls the model cannot see into"));
    let applicability = if confidence == Confidence::High && stalls.is_none() {
        Applicability::Safe
    } else {
        Applicability::Review
    };
    let mut title =
        format!("take the write lock `{mutex_expr}.Lock()`; reads in this function now serialize");
    if let Some(why) = stalls {
        title.push_str(&format!(" (review: {why} under the write lock)"));
    }
    Ok(Fix {
        form: "take-write-lock",
        title,
        applicability,
        edits,
    })
}

/// The function's own lock calls of the mutex, to be made exclusive: there must be exactly
/// one `RLock`, at least one `RUnlock`, and no `Lock` or `Unlock` besides, or which of
/// them to change is for a person to decide.
fn calls_to_upgrade<'f>(
    f: &'f FunctionModel,
    mutex_key: &MutexKey,
    mutex_expr: &str,
) -> Result<Vec<&'f LockCall>, String> {
    let calls: Vec<_> = f
        .lock_calls
        .iter()
        .filter(|c| c.mutex == *mutex_key && c.frame == f.start)
        .collect();
    let rlocks = calls
        .iter()
        .filter(|c| c.method == LockMethod::RLock)
        .count();
    let runlocks = calls
        .iter()
        .filter(|c| c.method == LockMethod::RUnlock)
        .count();
    if rlocks == 0 {
        return Err(format!("the read lock is taken outside this function, so `{mutex_expr}` cannot be upgraded here"));
    }
    if rlocks != 1
        || runlocks == 0
        || calls
            .iter()
            .any(|c| matches!(c.method, LockMethod::Lock | LockMethod::Unlock))
    {
        return Err(format!(
            "the function locks `{mutex_expr}` in several places; changing them is for a person to decide"
        ));
    }
    Ok(calls)
}

/// Whether the function calls methods of its own type whose locks the model does not
/// know. An error when one of them takes the same mutex again: that would deadlock once
/// the lock is exclusive (a `sync.RWMutex` is not reentrant).
fn calls_into_unseen_code(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    mutex_key: &MutexKey,
    mutex_expr: &str,
) -> Result<bool, String> {
    let own_calls = || {
        f.call_sites
            .iter()
            .filter(|c| !c.spawned && c.recv_type == *f.receiver_type.as_deref().unwrap_or("-"))
    };
    if let Some(c) = own_calls().find(|c| {
        cx.pkg
            .takes(&c.recv_type, &c.method)
            .is_some_and(|taken| taken.contains(mutex_key))
    }) {
        return Err(format!(
            "`{}` on line {} takes `{mutex_expr}` itself, which would deadlock under the write lock",
            c.method,
            line_of(cx.file, c.byte)
        ));
    }
    Ok(own_calls().any(|c| cx.pkg.takes(&c.recv_type, &c.method).is_none()))
}

/// What the function does that would stall every reader once its lock is exclusive:
/// channel operations, a `select`, a sleep, calls into other packages (I/O among them),
/// or a scan of a whole map.
fn stalls_readers(cx: &RuleCtx<'_>, body: tree_sitter::Node<'_>) -> Option<&'static str> {
    for n in crate::syntax::descendants(body, |n| n.kind_name() == "func_literal") {
        match n.kind_name() {
            "send_statement" | "select_statement" => return Some("channel operations"),
            "unary_expression" if cx.file.text(n).starts_with("<-") => {
                return Some("channel operations")
            }
            "range_clause" => {
                let ranges_map = n
                    .field("right")
                    .is_some_and(|r| r.kind_name() != "call_expression");
                if ranges_map {
                    return Some("a scan of a whole collection");
                }
            }
            "call_expression" => {
                let Some(func) = n.field("function") else {
                    continue;
                };
                if func.kind_name() != "selector_expression" {
                    continue;
                }
                let Some(operand) = func.field("operand") else {
                    continue;
                };
                if operand.kind_name() == "identifier" && imported(cx, body, cx.file.text(operand))
                {
                    return Some("calls into other packages");
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether `name` is a package the file imports (not a variable of the function).
fn imported(cx: &RuleCtx<'_>, func: tree_sitter::Node<'_>, name: &str) -> bool {
    let declared_here = crate::syntax::descendants(func, |_| false).any(|n| {
        matches!(
            n.kind_name(),
            "parameter_declaration" | "short_var_declaration" | "var_spec" | "range_clause"
        ) && crate::syntax::descendants(n, |_| false)
            .any(|i| i.kind_name() == "identifier" && cx.file.text(i) == name)
    });
    if declared_here {
        return false;
    }
    let src = &cx.file.src;
    // An import spec names it: `"path/name"` or an alias.
    let quoted = format!("/{name}\"");
    let bare = format!("\"{name}\"");
    let aliased = format!("{name} \"");
    let head = &src[..func.start_byte().min(src.len())];
    let text = String::from_utf8_lossy(head);
    text.contains(&quoted) || text.contains(&bare) || text.contains(&aliased)
}
