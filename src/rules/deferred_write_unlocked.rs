//! deferred-write-unlocked: a map write that runs later (a deferred call or closure, a
//! goroutine or timer callback started in a locked region) while the map's guarding mutex
//! is not held. See transforms/deferred-write-unlocked.toml.

use super::common::*;
use super::trigger::{Later, Shape, Trigger, Version};
use super::{RawFinding, Rule, RuleCtx};
use crate::finding::{Applicability, Confidence, Edit, Fix};
use crate::model::locks::Lock;
use crate::model::{Ctx, FunctionModel, GoInfo, MapOp, OpKind};
use crate::syntax::NodeExt;

declare_rule!(DeferredWriteUnlocked, "deferred-write-unlocked");

impl Rule for DeferredWriteUnlocked {
    fn triggers(&self) -> &'static [Trigger] {
        &[
            Trigger::Later(Later::Any, Shape::MapWrite, Version::Any),
            // A helper that writes, called from code that runs later.
            Trigger::Later(Later::Any, Shape::CallsWriter, Version::Any),
        ]
    }

    fn check(&self, cx: &RuleCtx<'_>, out: &mut Vec<RawFinding>) {
        for f in cx.functions {
            // Its own writes, and those its calls of the package's code perform.
            let writes = f.ops.iter().chain(&f.call_writes);
            for op in writes.filter(|op| op.kind == OpKind::Write) {
                let found = match op.ctx() {
                    Ctx::Deferred { .. } => check_deferred(cx, f, op),
                    Ctx::Goroutine { .. } => check_goroutine(cx, f, op),
                    _ => None,
                };
                out.extend(found.map(|found| through_call(op, found)));
            }
        }
    }
}

/// A deferred write: judged on every exit path it runs on.
fn check_deferred(cx: &RuleCtx<'_>, f: &FunctionModel, op: &MapOp) -> Option<RawFinding> {
    let guard = cx.pkg.guard_for(op, f)?;
    let mutex = mutex_text(cx, f, op, &guard)?;
    // A value the function made and never shared is no one else's to race on.
    let states: Vec<_> = op
        .runs
        .iter()
        .filter(|r| !r.owned)
        .filter_map(|r| r.locks.get(&guard.mutex))
        .collect();
    // A write inside a goroutine's own defers is judged by the goroutine check.
    let unlocked: Vec<_> = states
        .iter()
        .filter(|v| v.state == Lock::Unlocked && !v.is_goroutine_entry())
        .collect();
    let Ctx::Deferred { defer, .. } = op.ctx() else {
        return None;
    };
    let Some(first) = unlocked.first() else {
        return undecided(cx, f, op, defer, &states, &mutex, &guard.mutex);
    };
    let info = &f.defers[defer];
    let all_paths = unlocked.len() == states.len();
    let mut notes = vec![
        guard_note(op, &mutex, &guard),
        cause_note(cx.file, &mutex, first),
    ];
    // The condition that tells the racing paths from the others, where branches on one
    // condition decided it (`if !locked { mu.Lock() } … if !locked { mu.Unlock() }`).
    let racing_when = if all_paths {
        None
    } else {
        deciding_condition(op, &guard.mutex)
    };
    if let Some(cond) = &racing_when {
        notes.push(format!(
            "on the path where `{cond}` holds, `{mutex}` is released before the write runs; on the other, the function never takes `{mutex}` and the write runs as the caller left it: the same condition decides both"
        ));
    } else if !all_paths {
        notes.push(format!(
            "on other paths `{mutex}` is still held when the write runs, so the race is on some paths only"
        ));
    }
    let what = cx.file.text(node_at(cx.file, op.start, op.end)?);
    // Released by the function, or never held in it at all.
    let message = match first.cause {
        crate::model::locks::Cause::Entry(_) => format!(
            "deferred `{}` runs without `{mutex}` held: the map write races with other goroutines",
            first_line(what)
        ),
        _ => format!(
            "deferred `{}` runs after `{mutex}` is released: the map write races with other goroutines",
            first_line(what)
        ),
    };
    let (fix, no_fix_reason) =
        deferred_fix(cx, f, op, defer, &mutex, racing_when.as_deref(), all_paths);
    let fix = only_safe_when_sure(fix, guard.confidence);
    Some(RawFinding {
        rule: ID,
        start: info.stmt_start,
        end: info.stmt_end,
        message,
        notes,
        confidence: guard.confidence,
        fix,
        no_fix_reason,
    })
}

/// The fix of a deferred write (or why none), by the paths it races on: where the
/// condition `racing_when` decides them, the write takes the lock under it; on some paths
/// only, the lock flag of the function decides; on every path (`all_paths`), the deferred
/// call takes the lock.
fn deferred_fix(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    op: &MapOp,
    defer: usize,
    mutex: &str,
    racing_when: Option<&str>,
    all_paths: bool,
) -> (Option<Fix>, Option<String>) {
    if let Some(cond) = racing_when {
        return fix_or_reason(lock_when(cx, f, op, defer, mutex, cond));
    }
    if !all_paths {
        return match flag_fix(cx, f, op, defer, mutex) {
            Some(fix) => (Some(fix), None),
            None => (
                None,
                Some(format!(
                    "the write runs with `{mutex}` held on some paths and released on others; a closure that \
                     locks unconditionally would deadlock on the held paths"
                )),
            ),
        };
    }
    // `defer unlock()` of a variable bound to a literal: the call is wrapped as any
    // deferred call is.
    let info = &f.defers[defer];
    let closure = info.closure.filter(|_| !info.closure_var);
    fix_or_reason(fix_deferred(cx, f, op, closure, defer, mutex))
}

/// A write a call performs: the finding says which, and its fix is for review (the code
/// called could take other locks).
fn through_call(op: &MapOp, mut found: RawFinding) -> RawFinding {
    if op.via.is_empty() {
        return found;
    }
    found.notes.insert(1, via_note(op));
    if let Some(fix) = &mut found.fix {
        fix.applicability = Applicability::Review;
    }
    found
}

/// A sentence on a write a call performs.
pub fn via_note(op: &MapOp) -> String {
    let chain: Vec<String> = op.via.iter().map(|n| format!("`{n}`")).collect();
    let who = match chain.as_slice() {
        [one] => format!("{one} does"),
        _ => format!("{}, which does", chain.join(" calls ")),
    };
    format!(
        "the call writes `{}`: {who}, with the locks held at the call",
        op.map_text,
    )
}

/// A fix is safe only where the finding is certain: below high confidence a person
/// applies it.
fn only_safe_when_sure(fix: Option<Fix>, confidence: Confidence) -> Option<Fix> {
    fix.map(|mut f| {
        if confidence < Confidence::High {
            f.applicability = Applicability::Review;
        }
        f
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

fn fix_deferred(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    op: &MapOp,
    closure: Option<(usize, usize)>,
    defer: usize,
    mutex: &str,
) -> Result<Fix, String> {
    let src = &cx.file.src;
    let nl = line_ending(src);
    let info = &f.defers[defer];
    if let Some((lit_start, lit_end)) = closure {
        let lit =
            node_at(cx.file, lit_start, lit_end).ok_or("the deferred closure was not found")?;
        let body = lit
            .field("body")
            .ok_or("the deferred closure has no body")?;
        return lock_in_literal(cx, f, body, op, mutex, nl);
    }
    // `defer delete(s.m, k)` → a closure that takes the lock around the same call.
    let call_text =
        std::str::from_utf8(&src[info.call_start..info.call_end]).map_err(|_| "not UTF-8")?;
    let ind = indentation(src, info.stmt_start);
    let moved = reassigned_after(f, op, info.stmt_end);
    let mut params = Vec::new();
    let mut args = Vec::new();
    for id in moved {
        let b = f.binding(id);
        let ty = b.type_text.clone().ok_or_else(|| {
            format!(
                "`{}` changes after the defer and its type is not written where it is declared, so the \
                 closure cannot take it as a typed parameter",
                b.name
            )
        })?;
        params.push(format!("{} {ty}", b.name));
        args.push(b.name.clone());
    }
    let replacement = format!(
        "defer func({params}) {{{nl}{ind}\t{mutex}.Lock(){nl}{ind}\tdefer {mutex}.Unlock(){nl}{ind}\t{call_text}{nl}{ind}}}({args})",
        params = params.join(", "),
        args = args.join(", "),
    );
    Ok(Fix {
        form: "lock-in-deferred-closure",
        title: format!("take `{mutex}` inside the deferred call"),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            start: info.stmt_start,
            end: info.stmt_end,
            replacement,
        }],
    })
}

/// Make a function literal take the lock: for a deferred closure or a goroutine. When the
/// literal does nothing but map writes, it takes the lock for its whole body; when it also
/// calls other code, only the write is wrapped, so that code does not run under the lock
/// (where it could block, or take the lock itself and deadlock).
fn lock_in_literal(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    body: tree_sitter::Node<'_>,
    op: &MapOp,
    mutex: &str,
    nl: &str,
) -> Result<Fix, String> {
    let src = &cx.file.src;
    if !has_other_calls(cx.file, body) {
        let first = first_statement(body).ok_or("the function literal is empty")?;
        let ind = indentation(src, first.start_byte());
        return Ok(Fix {
            form: "lock-in-callback",
            title: format!("take `{mutex}` at the start of the function literal"),
            applicability: Applicability::Safe,
            edits: vec![Edit {
                start: first.start_byte(),
                end: first.start_byte(),
                replacement: format!("{mutex}.Lock(){nl}{ind}defer {mutex}.Unlock(){nl}{ind}"),
            }],
        });
    }
    let stmt = statement_to_wrap(cx, f, body, op)?;
    let ind = indentation(src, stmt.start_byte());
    let at = newline_after(src, stmt.end_byte())?;
    Ok(Fix {
        form: "lock-in-callback",
        title: format!("hold `{mutex}` around the write"),
        applicability: Applicability::Safe,
        edits: vec![
            Edit {
                start: stmt.start_byte(),
                end: stmt.start_byte(),
                replacement: format!("{mutex}.Lock(){nl}{ind}"),
            },
            Edit {
                start: at + 1,
                end: at + 1,
                replacement: format!("{ind}{mutex}.Unlock(){nl}"),
            },
        ],
    })
}

/// The statement of the literal `body` that Lock and Unlock go around: the write's own,
/// or, for a write inside a scan of the same map (`for k := range m { delete(m, k) }`),
/// the whole loop, since the scan reads the map too.
fn statement_to_wrap<'t>(
    cx: &RuleCtx<'t>,
    f: &FunctionModel,
    body: tree_sitter::Node<'t>,
    op: &MapOp,
) -> Result<tree_sitter::Node<'t>, String> {
    let scan = f.ops.iter().find(|r| {
        r.kind == crate::model::OpKind::Range
            && r.map == op.map
            && r.stmt_start <= op.start
            && op.end <= r.stmt_end
            && r.stmt_start >= body.start_byte()
            && r.stmt_end <= body.end_byte()
    });
    let (start, end) = scan.map_or((op.stmt_start, op.stmt_end), |r| (r.stmt_start, r.stmt_end));
    let mut stmt = node_at(cx.file, start, end).ok_or("the write's statement was not found")?;
    // An expression statement spans exactly its call: climb to the statement itself.
    while let Some(p) = stmt
        .parent()
        .filter(|p| p.start_byte() == stmt.start_byte() && p.end_byte() == stmt.end_byte())
    {
        stmt = p;
    }
    if stmt.parent().map(|p| p.kind_name()) != Some("statement_list") {
        return Err(
            "the write is not a statement of its own, so it cannot be wrapped in Lock and Unlock"
                .into(),
        );
    }
    Ok(stmt)
}

/// The newline ending the line of a statement that ends at `end`, below any comment that
/// ends the line: the unlock goes on the line after it. An error when other code follows
/// the statement on its line.
fn newline_after(src: &[u8], end: usize) -> Result<usize, String> {
    let mut at = end;
    while at < src.len() && (src[at] == b' ' || src[at] == b'\t') {
        at += 1;
    }
    if src[at..].starts_with(b"//") {
        at = line_end(src, at);
    }
    if src.get(at) == Some(&b'\r') {
        at += 1;
    }
    if src.get(at) != Some(&b'\n') {
        return Err("the write shares its line with other code".into());
    }
    Ok(at)
}

/// A write in a goroutine or timer callback started while the guard was held: the new
/// goroutine holds none of its creator's locks (Go fact 10).
fn check_goroutine(cx: &RuleCtx<'_>, f: &FunctionModel, op: &MapOp) -> Option<RawFinding> {
    let run = &op.runs[0];
    let Ctx::Goroutine { go } = run.ctx else {
        return None;
    };
    if run.owned {
        return None;
    }
    let info = &f.gos[go];
    let guard = cx.pkg.guard_for(op, f)?;
    let at_op = run.locks.get(&guard.mutex)?;
    if at_op.state != Lock::Unlocked {
        return None;
    }
    let creator_held = info
        .creator_locks
        .get(&guard.mutex)
        .is_some_and(|v| v.state.is_held());
    let in_loop = !info.loops.is_empty();
    let joined = f.joins.iter().any(|&j| j > info.stmt_end);
    // The creator holds the lock and waits for its one goroutine: the goroutine works on
    // its behalf, and no one else can take the lock meanwhile.
    if creator_held && joined && !in_loop {
        return None;
    }
    let mutex = mutex_text(cx, f, op, &guard)?;
    let what = cx.file.text(node_at(cx.file, op.start, op.end)?);
    let kind = match info.kind {
        crate::model::GoKind::GoStatement => "goroutine",
        crate::model::GoKind::AfterFunc => "timer callback",
        crate::model::GoKind::GroupGo => "goroutine",
    };
    let line = line_of(cx.file, info.stmt_start);
    let mut notes = vec![guard_note(op, &mutex, &guard)];
    notes.push(if creator_held {
        format!(
            "the {kind} started on line {line} runs on another goroutine, which holds none of the locks \
             held where it was started, even though it sits between `{mutex}.Lock()` and its unlock"
        )
    } else {
        format!("the {kind} started on line {line} never takes `{mutex}`")
    });
    if in_loop {
        notes.push(format!(
            "one {kind} is started per iteration: they write `{}` at the same time as each other",
            op.map_text
        ));
    }
    let (fix, no_fix_reason) = if creator_held && joined {
        (
            None,
            Some(format!(
                "the function holds `{mutex}` while it waits for the {kind}s, so locking inside them would \
                 deadlock: collect what they produce and write `{}` after the wait",
                op.map_text
            )),
        )
    } else {
        goroutine_fix(cx, f, op, info, &mutex)
    };
    let fix = only_safe_when_sure(fix, guard.confidence);
    Some(RawFinding {
        rule: ID,
        start: op.start,
        end: op.end,
        message: format!(
            "`{}` runs in a {kind} that does not hold `{mutex}`: the map write races with other goroutines",
            first_line(what)
        ),
        notes,
        confidence: guard.confidence,
        fix,
        no_fix_reason,
    })
}

/// The goroutine `info`'s function literal takes `mutex` (or why it cannot).
fn goroutine_fix(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    op: &MapOp,
    info: &GoInfo,
    mutex: &str,
) -> (Option<Fix>, Option<String>) {
    match info
        .literal
        .and_then(|(s, e)| node_at(cx.file, s, e))
        .and_then(|lit| lit.field("body"))
    {
        Some(body) => fix_or_reason(lock_in_literal(
            cx,
            f,
            body,
            op,
            mutex,
            line_ending(&cx.file.src),
        )),
        None => (
            None,
            Some("the goroutine's function is not a literal".to_string()),
        ),
    }
}

/// The `locked := true; defer func() { if locked { mu.Unlock() } }()` idiom: the flag says
/// at exit whether the lock is held, so the deferred write takes the lock only when it is
/// not. Needs the flag's closure registered before the write (so it runs after it).
fn flag_fix(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    op: &MapOp,
    defer: usize,
    mutex: &str,
) -> Option<Fix> {
    let info = &f.defers[defer];
    if info.closure.is_some() || !reassigned_after(f, op, info.stmt_end).is_empty() {
        return None;
    }
    let flag = f
        .defers
        .iter()
        .filter(|d| d.stmt_start < info.stmt_start && d.frame == info.frame)
        .find_map(|d| {
            let (s, e) = d.closure?;
            unlock_flag(cx, node_at(cx.file, s, e)?, mutex)
        })?;
    let src = &cx.file.src;
    let nl = line_ending(src);
    let ind = indentation(src, info.stmt_start);
    let call = std::str::from_utf8(&src[info.call_start..info.call_end]).ok()?;
    Some(Fix {
        form: "lock-unless-the-flag-says-held",
        title: format!("take `{mutex}` inside the deferred call when `{flag}` says it is not held"),
        applicability: Applicability::Review,
        edits: vec![Edit {
            start: info.stmt_start,
            end: info.stmt_end,
            replacement: format!(
                "defer func() {{{nl}{ind}\tif !{flag} {{{nl}{ind}\t\t{mutex}.Lock(){nl}{ind}\t\tdefer {mutex}.Unlock(){nl}{ind}\t}}{nl}{ind}\t{call}{nl}{ind}}}()"
            ),
        }],
    })
}

/// The condition, as Go source, that is true exactly on the runs where `mutex` is not held:
/// every unlocked run assumed one value of a branch condition and every held run the
/// other (see `model::interp::correlated`).
fn deciding_condition(op: &MapOp, mutex: &crate::model::place::MutexKey) -> Option<String> {
    let runs: Vec<(&crate::model::Path, Lock)> = op
        .runs
        .iter()
        .filter(|r| !r.owned)
        .filter_map(|r| Some((&r.path, r.locks.get(mutex)?.state)))
        .collect();
    let (first_path, _) = runs.iter().find(|(_, l)| *l == Lock::Unlocked)?;
    first_path.iter().find_map(|(key, value)| {
        let decides = runs.iter().all(|(path, lock)| {
            let assumed = path.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
            match lock {
                Lock::Unlocked => assumed == Some(*value),
                Lock::Locked | Lock::RLocked => assumed == Some(!*value),
                Lock::Unknown => false,
            }
        });
        decides.then(|| {
            if *value {
                key.clone()
            } else {
                format!("!{key}")
            }
        })
    })
}

/// `defer func() { if COND { mu.Lock(); defer mu.Unlock() }; call }()`: the lock taken on
/// the racing path only, where the function released it; elsewhere the caller's state
/// stands (locking there would deadlock if the caller holds it).
fn lock_when(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    op: &MapOp,
    defer: usize,
    mutex: &str,
    cond: &str,
) -> Result<Fix, String> {
    let info = &f.defers[defer];
    if info.closure.is_some() {
        return Err("the deferred call is a closure; where to take the lock inside it is for a person to decide".into());
    }
    if !reassigned_after(f, op, info.stmt_end).is_empty() {
        return Err("a variable the deferred call reads is assigned after the defer".into());
    }
    let src = &cx.file.src;
    let nl = line_ending(src);
    let ind = indentation(src, info.stmt_start);
    let call = std::str::from_utf8(&src[info.call_start..info.call_end])
        .map_err(|_| "the call is not UTF-8")?;
    Ok(Fix {
        form: "lock-on-the-paths-that-released",
        title: format!("take `{mutex}` inside the deferred call when `{cond}`, as the function released it"),
        applicability: Applicability::Review,
        edits: vec![Edit {
            start: info.stmt_start,
            end: info.stmt_end,
            replacement: format!(
                "defer func() {{{nl}{ind}\tif {cond} {{{nl}{ind}\t\t{mutex}.Lock(){nl}{ind}\t\tdefer {mutex}.Unlock(){nl}{ind}\t}}{nl}{ind}\t{call}{nl}{ind}}}()"
            ),
        }],
    })
}

/// `FLAG` when the literal's body is exactly `if FLAG { mutex.Unlock() }`.
fn unlock_flag(cx: &RuleCtx<'_>, lit: tree_sitter::Node<'_>, mutex: &str) -> Option<String> {
    let body = lit.field("body")?;
    let stmts: Vec<_> = block_statements(body);
    let [only] = stmts.as_slice() else {
        return None;
    };
    if only.kind_name() != "if_statement"
        || only.field("alternative").is_some()
        || only.field("initializer").is_some()
    {
        return None;
    }
    let cond = only.field("condition")?;
    if cond.kind_name() != "identifier" {
        return None;
    }
    let then = only.field("consequence")?;
    let inner: Vec<_> = block_statements(then);
    let [unlock] = inner.as_slice() else {
        return None;
    };
    (cx.file.text(*unlock) == format!("{mutex}.Unlock()")).then(|| cx.file.text(cond).to_string())
}

/// Paths disagree on whether the lock is held when the write runs (a lock taken or released
/// in a branch): the model cannot decide, so the finding is low confidence, hidden by
/// default, and has no fix.
fn undecided(
    cx: &RuleCtx<'_>,
    f: &FunctionModel,
    op: &MapOp,
    defer: usize,
    states: &[&crate::model::locks::LockVal],
    mutex: &str,
    mutex_key: &crate::model::place::MutexKey,
) -> Option<RawFinding> {
    use crate::model::locks::Cause;
    let joined = states
        .iter()
        .any(|v| v.state == Lock::Unknown && v.cause == Cause::Join);
    let function_locks = f
        .lock_calls
        .iter()
        .any(|c| c.mutex == *mutex_key && c.frame == f.defers[defer].frame);
    if !joined || !function_locks {
        return None;
    }
    let info = &f.defers[defer];
    let what = cx.file.text(node_at(cx.file, op.start, op.end)?);
    Some(RawFinding {
        rule: ID,
        start: info.stmt_start,
        end: info.stmt_end,
        message: format!(
            "deferred `{}` may run after `{mutex}` is released: paths disagree on whether it is held",
            first_line(what)
        ),
        notes: vec![format!(
            "`{mutex}` is locked or released inside a branch, so the model cannot tell whether it is held when the deferred write runs"
        )],
        confidence: Confidence::Low,
        fix: None,
        no_fix_reason: Some("the lock state at the write depends on the path".into()),
    })
}
