//! Frames: a function body or function literal with its entry state, its exits, and the
//! deferred calls each exit runs last-in, first-out; goroutines and callbacks, which start
//! with nothing held; joins where paths meet.

use tree_sitter::Node;

use super::{find_ancestor, known, DeferRef, DeferReg, Entry, Frame, Interp, State};
use crate::model::function::*;
use crate::model::locks::{join, Cause, Held, HeldLocks, Lock, LockVal};
use crate::syntax::{named_children, NodeExt};

/// The state a mutex method leaves its mutex in.
pub(super) fn state_after(method: LockMethod) -> Lock {
    match method {
        LockMethod::Lock => Lock::Locked,
        LockMethod::RLock => Lock::RLocked,
        LockMethod::Unlock | LockMethod::RUnlock => Lock::Unlocked,
    }
}

impl<'a> Interp<'a> {
    /// The state of a mutex the code of the current frame has not touched: what its
    /// frame starts with, up to the function's own entry state, a symbol.
    pub(super) fn frame_entry(&self) -> Held {
        for frame in self.frames.iter().rev() {
            match frame.entry {
                Entry::Goroutine => {
                    return Held::Known(LockVal::new(
                        Lock::Unlocked,
                        Cause::Entry(crate::model::locks::GOROUTINE_ENTRY),
                    ))
                }
                Entry::Unknown => {
                    return Held::Known(LockVal::new(
                        Lock::Unknown,
                        Cause::Entry("the closure runs at a time the model does not know"),
                    ))
                }
                Entry::Inherit => continue,
                Entry::TopLevel => break,
            }
        }
        Held::Entry
    }

    pub(super) fn join_states(&self, a: Option<State>, b: Option<State>) -> Option<State> {
        match (a, b) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => {
                let entry = self.frame_entry();
                let locks = join(&a.locks, &b.locks, &|_| entry.clone());
                let mut defers: Vec<DeferRef> = Vec::new();
                for d in a.defers.iter().chain(b.defers.iter()) {
                    if defers.iter().any(|x| x.id == d.id) {
                        continue;
                    }
                    let in_a = a.defers.iter().find(|x| x.id == d.id);
                    let in_b = b.defers.iter().find(|x| x.id == d.id);
                    let maybe = match (in_a, in_b) {
                        (Some(x), Some(y)) => x.maybe || y.maybe,
                        _ => true,
                    };
                    defers.push(DeferRef { id: d.id, maybe });
                }
                defers.sort_by_key(|d| self.model.defers[d.id].stmt_start);
                let path = a
                    .path
                    .iter()
                    .zip(&b.path)
                    .take_while(|(x, y)| x == y)
                    .map(|(x, _)| x.clone())
                    .collect();
                Some(State {
                    locks,
                    defers,
                    path,
                })
            }
        }
    }

    pub(super) fn join_all(&self, states: Vec<State>) -> Option<State> {
        states
            .into_iter()
            .fold(None, |acc, s| self.join_states(acc, Some(s)))
    }

    /// Interpret a function body as a frame; returns the lock state after it returned
    /// and its deferred calls ran (joined over its exits).
    pub(super) fn run_frame(
        &mut self,
        start: usize,
        body: Node<'_>,
        state: State,
        entry: Entry,
    ) -> Option<HeldLocks> {
        if self.budget == 0 {
            return None;
        }
        self.budget -= 1;
        self.frames.push(Frame {
            start,
            entry,
            exits: Vec::new(),
            breaks: Vec::new(),
            loops: Vec::new(),
        });
        let scope_mark = self.scope.len();
        let entry_state = State {
            locks: state.locks,
            defers: Vec::new(),
            path: state.path,
        };
        let end = self.block(body, Some(entry_state));
        if let Some(s) = end {
            let exit = body.end_byte().saturating_sub(1);
            self.frames.last_mut().unwrap().exits.push((exit, s));
        }
        self.scope.truncate(scope_mark);
        let frame = self.frames.pop().unwrap();
        // Defers run against each exit's state, last registered first.
        self.frames.push(Frame {
            start: frame.start,
            entry: frame.entry,
            exits: Vec::new(),
            breaks: Vec::new(),
            loops: Vec::new(),
        });
        let mut results = Vec::new();
        for (byte, exit_state) in frame.exits {
            let exit_id = self.model.exits.len();
            self.model.exits.push(byte);
            let mut locks = exit_state.locks;
            let saved_path = std::mem::replace(&mut self.exit_path, exit_state.path);
            for d in exit_state.defers.iter().rev() {
                self.model.defers[d.id].runs_at.push((exit_id, d.maybe));
                let after = self.run_defer(d.id, locks.clone(), exit_id);
                locks = if d.maybe {
                    let entry = self.frame_entry();
                    join(&locks, &after, &|_| entry.clone())
                } else {
                    after
                };
            }
            self.exit_path = saved_path;
            results.push(locks);
        }
        self.frames.pop();
        // Joined in the frame around: the frame itself is gone.
        let entry = self.frame_entry();
        let mut out: Option<HeldLocks> = None;
        for r in results {
            out = Some(match out {
                None => r,
                Some(o) => join(&o, &r, &|_| entry.clone()),
            });
        }
        out
    }

    pub(super) fn run_defer(&mut self, id: usize, mut locks: HeldLocks, exit: usize) -> HeldLocks {
        let info = self.model.defers[id].clone();
        let Some(call) = self
            .decl
            .descendant_for_byte_range(info.call_start, info.call_end)
        else {
            return locks;
        };
        let saved_scope = std::mem::replace(&mut self.scope, self.regs[id].scope.clone());
        let saved_ctx = self.ctx;
        self.ctx = match saved_ctx {
            Ctx::Stored => saved_ctx,
            _ => Ctx::Deferred { defer: id, exit },
        };
        let byte = info.stmt_start;
        let text = self.text(call).to_string();
        if let Some((lit_start, _)) = info.closure {
            let lit = self
                .decl
                .descendant_for_byte_range(lit_start, lit_start + 4);
            let lit = lit.and_then(|n| find_ancestor(n, "func_literal"));
            if let Some(lit) = lit {
                if let Some(body) = lit.field("body") {
                    let mark = self.scope.len();
                    if let Some(params) = lit.field("parameters") {
                        self.declare_params(params, BindingKind::Param);
                    }
                    let st = State {
                        locks: locks.clone(),
                        defers: Vec::new(),
                        path: self.exit_path.clone(),
                    };
                    if let Some(after) = self.run_frame(lit.start_byte(), body, st, Entry::Inherit)
                    {
                        locks = after;
                    }
                    self.scope.truncate(mark);
                }
            }
        } else if let Some((mutex, method)) = self.mutex_call(call) {
            locks.insert(
                mutex,
                Held::Known(LockVal::new(
                    state_after(method),
                    Cause::Deferred { byte, text },
                )),
            );
        } else {
            let st = State {
                locks: locks.clone(),
                defers: Vec::new(),
                path: self.exit_path.clone(),
            };
            let stmt = find_ancestor(call, "defer_statement").unwrap_or(call);
            self.record_call_ops(call, &st, stmt);
            self.deferred_call(call, &locks);
            let callee = call
                .field("function")
                .map(|f| self.text(f))
                .unwrap_or_default();
            // A helper that releases locks (`defer s.unlockAll()`) makes every state unknown.
            if known::releases_locks(callee) {
                for v in locks.iter_mut().map(|(_, v)| v) {
                    *v = Held::Known(LockVal::new(
                        Lock::Unknown,
                        Cause::Deferred {
                            byte,
                            text: text.clone(),
                        },
                    ));
                }
            }
        }
        self.ctx = saved_ctx;
        self.scope = saved_scope;
        locks
    }

    pub(super) fn defer_stmt(&mut self, node: Node<'_>, call: Node<'_>, st: &mut State) {
        let func = call.field("function");
        // `defer unlock()` of a variable bound to a literal runs that literal at exit.
        let closure_var = func.and_then(|f| self.closure_of(f));
        if let (Some(f), Some(_)) = (func, closure_var) {
            if let Some(id) = self.lookup(self.text(f)) {
                self.closures_run.insert(id);
            }
        }
        let closure = func
            .filter(|f| f.kind_name() == "func_literal")
            .or(closure_var);
        // Arguments (and the receiver) are evaluated now (Go fact 1).
        if let Some(args) = call.field("arguments") {
            self.exprs_in(args, st, node);
        }
        if closure.is_none() {
            if let Some(f) = func {
                if f.kind_name() == "selector_expression" {
                    if let Some(op) = f.field("operand") {
                        self.expr(op, st, node);
                    }
                }
            }
        }
        if let Some((mutex, method)) = self.mutex_call(call) {
            self.model.lock_calls.push(LockCall {
                mutex,
                method,
                start: call.start_byte(),
                end: call.end_byte(),
                deferred: true,
                frame: self.frame_start(),
            });
        }
        let frame = self.frames.last().unwrap();
        let id = self.model.defers.len();
        self.model.defers.push(DeferInfo {
            stmt_start: node.start_byte(),
            stmt_end: node.end_byte(),
            call_start: call.start_byte(),
            call_end: call.end_byte(),
            closure: closure.map(|c| (c.start_byte(), c.end_byte())),
            closure_var: closure_var.is_some(),
            loops: frame.loops.clone(),
            locks_at_registration: st.locks.clone(),
            frame: frame.start,
            runs_at: Vec::new(),
        });
        self.regs.push(DeferReg {
            scope: self.scope.clone(),
        });
        let in_loop = !frame.loops.is_empty();
        st.defers.push(DeferRef { id, maybe: in_loop });
    }

    pub(super) fn go_call(&mut self, call: Node<'_>, kind: GoKind, st: &mut State, stmt: Node<'_>) {
        let lit = match kind {
            GoKind::GoStatement => call.field("function"),
            _ => call
                .field("arguments")
                .and_then(|a| named_children(a).into_iter().last()),
        };
        // `go worker()` of a variable bound to a literal starts that literal.
        let var = lit.and_then(|l| self.closure_of(l));
        if let (Some(l), Some(_)) = (lit, var) {
            if let Some(id) = self.lookup(self.text(l)) {
                self.closures_run.insert(id);
            }
        }
        let lit = lit.filter(|n| n.kind_name() == "func_literal").or(var);
        if let Some(args) = call.field("arguments") {
            for a in named_children(args) {
                if Some(a) != lit {
                    self.expr(a, st, stmt);
                }
            }
        }
        let frame = self.frames.last().unwrap();
        let id = self.model.gos.len();
        self.model.gos.push(GoInfo {
            kind,
            stmt_start: stmt.start_byte(),
            stmt_end: stmt.end_byte(),
            literal: lit.map(|l| (l.start_byte(), l.end_byte())),
            body: lit
                .and_then(|l| l.field("body"))
                .map(|b| (b.start_byte(), b.end_byte())),
            creator_locks: st.locks.clone(),
            loops: frame.loops.clone(),
            frame: frame.start,
        });
        // Whatever the goroutine names is shared with it from here on; a fresh value
        // one goroutine takes (outside a loop) is that goroutine's.
        let in_loop = !self
            .frames
            .last()
            .map(|f| f.loops.is_empty())
            .unwrap_or(true);
        if in_loop || lit.is_none() && var.is_none() {
            self.captured(call);
        } else {
            self.handed(call, id);
        }
        if let Some(l) = var {
            self.captured(l);
        }
        match lit {
            Some(lit) => {
                let handed = self.handed_over(lit, &st.locks);
                let saved = self.ctx;
                self.ctx = Ctx::Goroutine { go: id };
                self.run_literal(lit, handed, Entry::Goroutine);
                self.ctx = saved;
            }
            // `go s.run()`: the method runs on a goroutine of its own, holding nothing.
            None if kind == GoKind::GoStatement => self.spawned_call(call, id),
            None => {}
        }
    }

    /// The mutexes a goroutine's literal unlocks that its creator holds: locked by the
    /// creator and released by the goroutine (Go mutexes are not owned by goroutines), so
    /// held while the goroutine runs up to its unlock.
    fn handed_over(&self, lit: Node<'_>, creator: &HeldLocks) -> HeldLocks {
        let mut handed = HeldLocks::new();
        let Some(body) = lit.field("body") else {
            return handed;
        };
        for call in crate::syntax::descendants(body, |n| n.kind_name() == "func_literal") {
            if call.kind_name() != "call_expression" {
                continue;
            }
            let Some((mutex, method)) = self.mutex_call(call) else {
                continue;
            };
            if method.acquires() {
                continue;
            }
            let held = creator
                .get(&mutex)
                .and_then(Held::known)
                .filter(|v| v.state.is_held());
            if let Some(v) = held {
                handed.insert(
                    mutex,
                    Held::Known(LockVal::new(
                        v.state,
                        Cause::Entry(
                            "its creator locked it and this goroutine unlocks it: it is held until then",
                        ),
                    )),
                );
            }
        }
        handed
    }

    pub(super) fn run_literal(
        &mut self,
        lit: Node<'_>,
        locks: HeldLocks,
        entry: Entry,
    ) -> Option<HeldLocks> {
        let body = lit.field("body")?;
        // A closure variable that calls itself (`walk = func(…) { … walk(…) }`): the
        // call inside it is a call of unknown effect, not a second run.
        if self.running_literals.contains(&lit.start_byte()) {
            return None;
        }
        self.running_literals.push(lit.start_byte());
        let mark = self.scope.len();
        if let Some(params) = lit.field("parameters") {
            self.declare_params(params, BindingKind::Param);
        }
        let st = State {
            locks,
            defers: Vec::new(),
            path: Path::new(),
        };
        let out = self.run_frame(lit.start_byte(), body, st, entry);
        self.scope.truncate(mark);
        self.running_literals.pop();
        out
    }
}
