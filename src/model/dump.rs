//! A compact text of what the model concluded about a package, for snapshot tests of the
//! model alone (`tests/model.rs` over `testdata/model/`): a change of the model shows up
//! there without a rule in between.

use std::fmt::Write;

use super::function::{Ctx, FunctionModel, OpKind};
use super::locks::{Cause, Lock, LockVal, Locks};
use super::{analyze_package, Demand, Outcome, SourceUnit};
use crate::syntax::ParsedFile;

/// The model of the package made of `units`, every function modeled.
pub fn dump(units: Vec<SourceUnit>) -> String {
    let Outcome::Analyzed { facts, files } = analyze_package(units, Demand::Everything, 4_000)
    else {
        return "nests too deep\n".into();
    };
    let mut out = String::new();
    for map in facts.maps() {
        match facts.guard_of(map) {
            Some(g) => {
                let _ = writeln!(
                    out,
                    "guard {map} by {} ({:?}, {:?})",
                    g.mutex, g.evidence, g.confidence
                );
            }
            None => {
                let _ = writeln!(out, "no guard for {map}");
            }
        }
    }
    let mut spawned: Vec<_> = facts.callers.spawned.iter().collect();
    spawned.sort();
    for (recv, name) in spawned {
        let _ = writeln!(out, "goroutine runs {recv}.{name}");
    }
    let mut callers: Vec<_> = facts.callers.holds.iter().collect();
    callers.sort();
    for ((recv, name), held) in callers {
        let held: Vec<String> = held.iter().map(|m| m.to_string()).collect();
        let _ = writeln!(out, "callers of {recv}.{name} hold {}", held.join(", "));
    }
    for file in &files {
        for f in &file.functions(&facts) {
            out.push('\n');
            function(&mut out, &file.parsed, f);
        }
    }
    out
}

fn at(file: &ParsedFile, byte: usize) -> String {
    let p = file.lines.position(byte);
    format!("{}:{}", p.line, p.column)
}

fn state(v: &LockVal) -> String {
    let s = match v.state {
        Lock::Unlocked => "unlocked",
        Lock::Locked => "locked",
        Lock::RLocked => "rlocked",
        Lock::Unknown => "unknown",
    };
    let why = match &v.cause {
        Cause::Entry(reason) => format!("entry: {reason}"),
        Cause::Call { text, .. } => format!("by {text}"),
        Cause::Deferred { text, .. } => format!("by defer {text}"),
        Cause::Join => "paths disagree".into(),
        Cause::Goto => "goto".into(),
    };
    format!("{s} ({why})")
}

fn locks(out: &mut String, indent: &str, l: &Locks) {
    for (m, v) in l {
        let _ = writeln!(out, "{indent}{m}: {}", state(v));
    }
}

fn function(out: &mut String, file: &ParsedFile, f: &FunctionModel) {
    let recv = f
        .receiver_type
        .as_deref()
        .map(|r| format!("({r}) "))
        .unwrap_or_default();
    let _ = writeln!(out, "func {recv}{} @{}", f.name, at(file, f.start));
    if f.has_goto {
        let _ = writeln!(out, "  has goto");
    }
    for c in &f.lock_calls {
        let _ = writeln!(
            out,
            "  {}{}.{}() @{}",
            if c.deferred { "defer " } else { "" },
            c.mutex,
            c.method.name(),
            at(file, c.start)
        );
    }
    for (i, d) in f.defers.iter().enumerate() {
        let runs: Vec<String> = d
            .runs_at
            .iter()
            .map(|(e, maybe)| format!("exit {e}{}", if *maybe { "?" } else { "" }))
            .collect();
        let _ = writeln!(
            out,
            "  defer #{i} @{}{} runs at {}",
            at(file, d.stmt_start),
            if d.closure.is_some() { " closure" } else { "" },
            runs.join(", ")
        );
    }
    for (i, g) in f.gos.iter().enumerate() {
        let _ = writeln!(out, "  go #{i} @{} {:?}", at(file, g.stmt_start), g.kind);
        locks(out, "    creator holds ", &g.creator_locks);
    }
    for op in &f.ops {
        let kind = match op.kind {
            OpKind::Write => "write",
            OpKind::Read => "read",
            OpKind::Range => "range",
        };
        let _ = writeln!(
            out,
            "  {kind} {} ({}) @{}",
            op.map,
            op.map_text,
            at(file, op.start)
        );
        for run in &op.runs {
            let ctx = match run.ctx {
                Ctx::Immediate => "now".to_string(),
                Ctx::Deferred { defer, exit } => format!("defer #{defer} at exit {exit}"),
                Ctx::Goroutine { go } => format!("in go #{go}"),
                Ctx::Stored => "stored".to_string(),
            };
            let _ = writeln!(out, "    {ctx}");
            locks(out, "      ", &run.locks);
        }
    }
    for c in &f.call_sites {
        let callee = if c.recv_type.is_empty() {
            c.method.clone()
        } else {
            format!("{}.{}", c.recv_type, c.method)
        };
        let go = if c.spawned { "go " } else { "" };
        let _ = writeln!(out, "  call {go}{callee} @{}", at(file, c.byte));
        locks(out, "    ", &c.locks);
    }
    let exits: Vec<String> = f.exits.iter().map(|&e| at(file, e)).collect();
    let _ = writeln!(out, "  exits {}", exits.join(", "));
    if !f.joins.is_empty() {
        let joins: Vec<String> = f.joins.iter().map(|&j| at(file, j)).collect();
        let _ = writeln!(out, "  joins {}", joins.join(", "));
    }
}
