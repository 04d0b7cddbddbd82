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
use crate::model::{Ctx, FunctionModel, GuardEvidence, LockMethod, MapOp, OpKind};

pub struct MapWriteUnderRlock;

const ID: &str = "map-write-under-rlock";

impl Rule for MapWriteUnderRlock {
    fn id(&self) -> &'static str {
        ID
    }

    fn triggers(&self) -> &'static [Trigger] {
        // A read-locked mutex comes only from an `RLock` call: in the function itself.
        &[Trigger::ReadLocked(Shape::MapWrite)]
    }

    fn check(&self, cx: &RuleCtx<'_>, out: &mut Vec<RawFinding>) {
        for f in cx.functions {
            let writes = f
                .ops
                .iter()
                .filter(|op| op.kind == OpKind::Write && !matches!(op.ctx(), Ctx::Stored));
            for op in writes {
                out.extend(check(cx, f, op));
            }
        }
    }
}

/// The read-locked mutex that guards the write: the known guard, or else the one mutex
/// of the same struct that is read-locked there.
fn rlocked_guard(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    op: &MapOp,
    locks: &Locks,
) -> Option<(MutexKey, Confidence, String)> {
    if let Some(g) = cx.pkg.guard_of(&op.map) {
        let v = locks.get(&g.mutex)?;
        if v.state != Lock::RLocked {
            return None;
        }
        let mutex = mutex_text(op, g)?;
        let conf = match g.evidence {
            GuardEvidence::Annotation { .. } => Confidence::High,
            GuardEvidence::Accesses { locked, .. } if locked >= 2 => Confidence::High,
            _ => Confidence::Medium,
        };
        return Some((g.mutex.clone(), conf, guard_note(&op.map_text, &mutex, g)));
    }
    let candidates: Vec<&MutexKey> = locks
        .iter()
        .filter(|(k, v)| v.state == Lock::RLocked && related(f, op, k))
        .map(|(k, _)| k)
        .collect();
    match candidates.as_slice() {
        [only] => Some((
            (*only).clone(),
            Confidence::Medium,
            format!(
                "`{}` belongs to the same struct as the read-locked mutex",
                op.map_text
            ),
        )),
        _ => None,
    }
}

fn related(f: &FunctionModel, op: &MapOp, mutex_key: &MutexKey) -> bool {
    f.lock_calls
        .iter()
        .find(|c| c.mutex == *mutex_key)
        .is_some_and(|c| {
            op.map.may_be_guarded_by(&c.mutex)
                && !(c.mutex.place().fields.is_empty() && op.map.fields.is_empty())
        })
}

fn check(cx: &RuleCtx<'_>, f: &FunctionModel, op: &MapOp) -> Option<RawFinding> {
    let run = op
        .runs
        .iter()
        .find(|r| rlocked_guard(cx, f, op, &r.locks).is_some())?;
    let (mutex_key, confidence, guard_note) = rlocked_guard(cx, f, op, &run.locks)?;
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
    let (fix, no_fix_reason) = fix_or_reason(fix(cx, f, &mutex_key, &mutex_expr));
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
fn fix(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    mutex_key: &MutexKey,
    mutex_expr: &str,
) -> Result<Fix, String> {
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
    // Other methods on the same receiver may take the read lock again: with the write
    // lock held that would deadlock, so a person should look.
    let body = node_at(cx.file, f.start, f.end).ok_or("function not found")?;
    let applicability = if calls_own_methods(cx, f, body) {
        Applicability::Review
    } else {
        Applicability::Safe
    };
    Ok(Fix {
        title: format!(
            "take the write lock `{mutex_expr}.Lock()`; reads in this function now serialize"
        ),
        applicability,
        edits,
    })
}

fn calls_own_methods(cx: &RuleCtx<'_>, f: &FunctionModel, body: tree_sitter::Node<'_>) -> bool {
    let Some(recv) = &f.receiver_type else {
        return false;
    };
    let _ = recv;
    let recv_name = body
        .child_by_field_name("receiver")
        .and_then(|r| crate::syntax::descendants(r, |_| false).find(|n| n.kind() == "identifier"))
        .map(|n| cx.file.text(n).to_string());
    let Some(recv_name) = recv_name else {
        return false;
    };
    crate::syntax::descendants(body, |_| false).any(|n| {
        n.kind() == "call_expression"
            && n.child_by_field_name("function").is_some_and(|func| {
                func.kind() == "selector_expression"
                    && func
                        .child_by_field_name("operand")
                        .is_some_and(|o| cx.file.text(o) == recv_name)
            })
    })
}
