//! Expressions and calls: lock calls, calls that start goroutines or callbacks, calls
//! that join them, function literals (called here, passed as callbacks, or stored), and
//! the map operations (`delete`, `clear`, `len`, index reads and writes) they record.

use tree_sitter::Node;

use super::frames::state_after;
use super::{known, Entry, Interp, State};
use crate::model::decls::Hint;
use crate::model::function::*;
use crate::model::locks::{Cause, Held, HeldLocks, LockVal};
use crate::model::place::{MutexKey, Place, Root};
use crate::syntax::{named_children, NodeExt};

/// How many calls of closure variables a function runs inline: far more than real code
/// needs, few enough that closures calling closures stay within the step budget.
const MAX_CLOSURE_CALLS_RUN: usize = 64;

impl<'a> Interp<'a> {
    pub(super) fn exprs_in(&mut self, node: Node<'_>, st: &mut State, stmt: Node<'_>) {
        for c in named_children(node) {
            self.expr(c, st, stmt);
        }
    }

    /// Walk an expression for lock calls, map operations and function literals.
    pub(super) fn expr(&mut self, e: Node<'_>, st: &mut State, stmt: Node<'_>) {
        if !self.step() {
            return;
        }
        match e.kind_name() {
            "func_literal" => {
                // Not called here: stored, returned, or passed somewhere we cannot see.
                self.captured(e);
                let saved = self.ctx;
                self.ctx = Ctx::Stored;
                self.run_literal(e, HeldLocks::new(), Entry::Unknown);
                self.ctx = saved;
            }
            "call_expression" => self.call(e, st, stmt),
            "index_expression" => {
                if let Some(operand) = e.field("operand") {
                    self.expr(operand, st, stmt);
                    if let Some(idx) = e.field("index") {
                        self.expr(idx, st, stmt);
                    }
                    if let Some(p) = self.place(operand) {
                        if self.is_map(&p) {
                            let key = e.field("index");
                            self.record_op(OpKind::Read, e, operand, key, &p, st, stmt);
                        }
                    }
                }
            }
            "unary_expression" => {
                if self.text(e).starts_with("<-") {
                    self.model.joins.push(e.start_byte());
                }
                if self.text(e).starts_with('&') {
                    if let Some(o) = e.field("operand") {
                        if o.kind_name() == "identifier" {
                            if let Some(id) = self.lookup(self.text(o)) {
                                // Its address escapes: any later write may change it.
                                self.model.bindings[id].assigns.push(e.start_byte());
                            }
                        }
                    }
                }
                self.exprs_in(e, st, stmt);
            }
            "identifier"
            | "field_identifier"
            | "int_literal"
            | "interpreted_string_literal"
            | "raw_string_literal"
            | "true"
            | "false"
            | "nil" => {}
            _ => self.exprs_in(e, st, stmt),
        }
    }

    pub(super) fn call(&mut self, call: Node<'_>, st: &mut State, stmt: Node<'_>) {
        let Some(func) = call.field("function") else {
            return;
        };
        let ftext = self.text(func);
        if func.kind_name() == "func_literal" {
            if let Some(args) = call.field("arguments") {
                self.exprs_in(args, st, stmt);
            }
            // Called right here: runs now, with the current locks.
            if let Some(after) = self.run_literal(func, st.locks.clone(), Entry::Inherit) {
                st.locks = after;
            }
            return;
        }
        // A variable bound to a literal: the literal runs here, within a budget per
        // function (closures calling closures could otherwise multiply the runs).
        if let Some(lit) = self
            .closure_of(func)
            .filter(|_| self.closure_calls_run < MAX_CLOSURE_CALLS_RUN)
        {
            self.closure_calls_run += 1;
            if let Some(args) = call.field("arguments") {
                self.exprs_in(args, st, stmt);
            }
            if let Some(id) = self.lookup(ftext) {
                self.closures_run.insert(id);
            }
            if let Some(after) = self.run_literal(lit, st.locks.clone(), Entry::Inherit) {
                st.locks = after;
            }
            return;
        }
        if let Some((mutex, method)) = self.mutex_call(call) {
            self.model.lock_calls.push(LockCall {
                mutex: mutex.clone(),
                method,
                start: call.start_byte(),
                end: call.end_byte(),
                deferred: false,
                frame: self.frame_start(),
            });
            st.locks.insert(
                mutex,
                Held::Known(LockVal::new(
                    state_after(method),
                    Cause::Call {
                        byte: call.start_byte(),
                        text: self.text(call).to_string(),
                    },
                )),
            );
            return;
        }
        let name = func.field("field").map(|f| self.text(f)).unwrap_or(ftext);
        if name == known::JOIN_METHOD {
            self.model.joins.push(call.start_byte());
        }
        let is_after_func = known::AFTER_FUNCS.contains(&ftext);
        let is_group_go = func.kind_name() == "selector_expression" && name == known::GROUP_GO;
        if is_after_func || is_group_go {
            let kind = if is_after_func {
                GoKind::AfterFunc
            } else {
                GoKind::GroupGo
            };
            self.go_call(call, kind, st, stmt);
            return;
        }
        // Calls of the package's functions and methods: what their callers hold.
        if let Some((recv_type, method)) = self.callee(func) {
            let recv_owned = self.recv_owned(func);
            let site = CallSite {
                recv_type,
                method,
                locks: st.locks.clone(),
                byte: call.start_byte(),
                end: call.end_byte(),
                spawned: false,
                ctx: self.ctx,
                untouched: self.frame_entry(),
                recv_text: self.recv_text(func),
                recv_owned,
            };
            self.model.call_sites.push(site);
        }
        if func.kind_name() != "func_literal" {
            self.expr(func, st, stmt);
        }
        self.record_call_ops(call, st, stmt);
        if let Some(args) = call.field("arguments") {
            for a in named_children(args) {
                if a.kind_name() == "func_literal" {
                    // A callback: assumed to run synchronously with the current locks
                    // (`sort.Slice`, `once.Do`); but the package's own function may take
                    // locks around it (`s.withLock(func() { … })`), which the model does
                    // not follow into: it runs at a state the model does not know.
                    let entry = if self.callee(func).is_some() {
                        self.captured(a);
                        Entry::Unknown
                    } else {
                        Entry::Inherit
                    };
                    let saved = self.ctx;
                    self.run_literal(a, st.locks.clone(), entry);
                    self.ctx = saved;
                } else if !(known::MAP_WRITE_BUILTINS.contains(&ftext)
                    && Some(a) == args.named_child(0))
                {
                    self.expr(a, st, stmt);
                }
            }
        }
    }

    /// The function or method of the package that `func` calls: `(receiver type, name)`,
    /// with "" for a function.
    pub(super) fn callee(&self, func: Node<'_>) -> Option<(String, String)> {
        match func.kind_name() {
            "selector_expression" => {
                let operand = func.field("operand")?;
                let name = self.text(func.field("field")?);
                match self.place(operand)? {
                    p if p.fields.is_empty() => match p.root {
                        Root::Type(t) => Some((t, name.to_string())),
                        _ => None,
                    },
                    _ => None,
                }
            }
            // Any name that is not a variable: a function of the package when one is
            // declared so (which the facts match by name), else harmless.
            "identifier" => {
                let name = self.text(func);
                let builtin =
                    known::BUILTINS.contains(&name) && !self.decls.functions.contains(name);
                (self.lookup(name).is_none() && !builtin).then(|| (String::new(), name.to_string()))
            }
            _ => None,
        }
    }

    /// `go s.run()`, `go worker(c)`: the callee starts on a goroutine of its own.
    pub(super) fn spawned_call(&mut self, call: Node<'_>, go: usize) {
        let Some(func) = call.field("function") else {
            return;
        };
        if let Some((recv_type, method)) = self.callee(func) {
            let recv_owned = self.recv_owned(func);
            let site = CallSite {
                recv_type,
                method,
                locks: HeldLocks::new(),
                byte: call.start_byte(),
                end: call.end_byte(),
                spawned: true,
                ctx: Ctx::Goroutine { go },
                untouched: crate::model::locks::Held::Known(LockVal::new(
                    crate::model::locks::Lock::Unlocked,
                    Cause::Entry(crate::model::locks::GOROUTINE_ENTRY),
                )),
                recv_text: self.recv_text(func),
                recv_owned,
            };
            self.model.call_sites.push(site);
        }
    }

    /// `defer s.cleanup(k)`: a call of the package's code at an exit, with that exit's
    /// locks.
    pub(super) fn deferred_call(&mut self, call: Node<'_>, locks: &HeldLocks) {
        let Some(func) = call.field("function") else {
            return;
        };
        if let Some((recv_type, method)) = self.callee(func) {
            let recv_owned = self.recv_owned(func);
            let site = CallSite {
                recv_type,
                method,
                locks: locks.clone(),
                byte: call.start_byte(),
                end: call.end_byte(),
                spawned: false,
                ctx: self.ctx,
                untouched: self.frame_entry(),
                recv_text: self.recv_text(func),
                recv_owned,
            };
            self.model.call_sites.push(site);
        }
    }

    /// Whether a method call's receiver is a value the function owns (noting a value
    /// handed to a goroutine, settled later).
    fn recv_owned(&mut self, func: Node<'_>) -> bool {
        let owner = (func.kind_name() == "selector_expression")
            .then(|| func.field("operand"))
            .flatten()
            .and_then(|o| self.owned_root_binding(o));
        if let Some(b) = owner.filter(|&b| self.model.bindings[b].handed_to.is_some()) {
            self.hand_off_sites.push((self.model.call_sites.len(), b));
        }
        owner.is_some()
    }

    /// The receiver of a method call as written.
    fn recv_text(&self, func: Node<'_>) -> Option<String> {
        (func.kind_name() == "selector_expression")
            .then(|| func.field("operand"))
            .flatten()
            .map(|o| self.text(o).to_string())
    }

    /// `delete(m, k)` and `clear(m)` as map writes; `len(m)` as a read.
    pub(super) fn record_call_ops(&mut self, call: Node<'_>, st: &State, stmt: Node<'_>) {
        let Some(func) = call.field("function") else {
            return;
        };
        let ftext = self.text(func);
        // A package that declares its own `delete` or `len` calls that, not the builtin.
        let builtin = self.lookup(ftext).is_none() && !self.decls.functions.contains(ftext);
        if ftext == known::MAP_LEN && builtin {
            if let Some(arg) = call.field("arguments").and_then(|a| a.named_child(0)) {
                if let Some(p) = self.place(arg) {
                    if self.is_map(&p) {
                        self.record_op(OpKind::Read, call, arg, None, &p, st, stmt);
                    }
                }
            }
            return;
        }
        if !known::MAP_WRITE_BUILTINS.contains(&ftext) || !builtin {
            return;
        }
        let Some(args) = call.field("arguments") else {
            return;
        };
        let items = named_children(args);
        let Some(m) = items.first().copied() else {
            return;
        };
        let Some(p) = self.place(m) else { return };
        if ftext == "clear" && !self.is_map(&p) {
            return;
        }
        let key = if ftext == "delete" {
            items.get(1).copied()
        } else {
            None
        };
        self.record_op(OpKind::Write, call, m, key, &p, st, stmt);
    }

    /// The target of an assignment or `++`: a map write when it is `m[k]`, a variable
    /// reassignment when it is a name.
    pub(super) fn write_target(&mut self, target: Node<'_>, st: &mut State, stmt: Node<'_>) {
        match target.kind_name() {
            "index_expression" => {
                let Some(operand) = target.field("operand") else {
                    return;
                };
                let key = target.field("index");
                self.expr(operand, st, stmt);
                if let Some(k) = key {
                    self.expr(k, st, stmt);
                }
                if let Some(p) = self.place(operand) {
                    if self.is_map(&p) {
                        self.record_op(OpKind::Write, stmt, operand, key, &p, st, stmt);
                    }
                }
            }
            "identifier" => {
                if let Some(id) = self.lookup(self.text(target)) {
                    self.model.bindings[id].assigns.push(stmt.start_byte());
                }
            }
            "selector_expression" => {
                if let Some(p) = self.place(target) {
                    self.place_assigns.push((p, stmt.start_byte()));
                }
                self.expr(target, st, stmt);
            }
            _ => self.expr(target, st, stmt),
        }
    }

    /// The map of the package that `value` denotes, for a local bound to it: a field or
    /// package variable that is a map, or an element of a map of maps.
    pub(super) fn map_alias(&self, value: Node<'_>) -> Option<crate::model::place::Place> {
        let p = self.place(value)?;
        if p.is_opaque() || matches!(p.root, Root::Local { .. }) || !self.is_map(&p) {
            return None;
        }
        Some(p)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn record_op(
        &mut self,
        kind: OpKind,
        node: Node<'_>,
        map: Node<'_>,
        key: Option<Node<'_>>,
        place: &Place,
        st: &State,
        stmt: Node<'_>,
    ) {
        let mut locks = st.locks.clone();
        for k in self.candidate_guards(place) {
            if let litemap::Entry::Vacant(slot) = locks.entry(k) {
                slot.insert(self.frame_entry());
            }
        }
        let owner = self.owned_root_binding(map);
        let run = OpRun {
            ctx: self.ctx,
            path: st.path.clone(),
            owned: owner.is_some(),
            locks,
        };
        let at = (node.start_byte(), node.end_byte(), kind);
        let handed = owner.filter(|&b| self.model.bindings[b].handed_to.is_some());
        if let Some(&i) = self.op_index.get(&at) {
            if let Some(b) = handed {
                self.hand_off_runs
                    .push((i, self.model.ops[i].runs.len(), b));
            }
            self.model.ops[i].runs.push(run);
            return;
        }
        if let Some(b) = handed {
            self.hand_off_runs.push((self.model.ops.len(), 0, b));
        }
        let mut idents = Vec::new();
        for (n, in_key) in std::iter::once((map, false)).chain(key.map(|k| (k, true))) {
            let mut ids = vec![n];
            ids.extend(crate::syntax::descendants(n, |x| {
                x.kind_name() == "func_literal"
            }));
            for i in ids {
                if i.kind_name() == "identifier" {
                    let name = self.text(i).to_string();
                    let binding = self.lookup(&name);
                    idents.push(IdentRef {
                        name,
                        binding,
                        in_key,
                    });
                }
            }
        }
        self.op_index.insert(at, self.model.ops.len());
        let frame = self.frame_start();
        self.model.ops.push(MapOp {
            kind,
            start: node.start_byte(),
            end: node.end_byte(),
            stmt_start: stmt.start_byte(),
            stmt_end: stmt.end_byte(),
            map: place.clone(),
            map_text: self.text(map).to_string(),
            key_text: key.map(|k| self.text(k).to_string()),
            idents,
            frame,
            runs: vec![run],
            via: Vec::new(),
        });
    }

    /// Mutexes that could guard `place`, so that each operation records their state
    /// (entry states included) and rules need not know how entry states are decided.
    pub(super) fn candidate_guards(&self, place: &Place) -> Vec<MutexKey> {
        let mut out = Vec::new();
        // An element of a map of maps is guarded as the map is; a map nested in a struct
        // field, by the outer struct's mutexes.
        let place = &place.outermost_map();
        let parent = place.parent();
        match (&place.root, &parent) {
            (Root::Type(s), Some(_)) => {
                if let Some(info) = self.decls.structs.get(s) {
                    for m in info.mutex_fields() {
                        out.push(MutexKey::of_struct(s, Some(&m)));
                    }
                    if info.embedded_mutex.is_some() {
                        out.push(MutexKey::of_struct(s, None));
                    }
                }
            }
            (Root::Pkg(_), None) => {
                for name in &self.decls.package_mutexes {
                    out.push(MutexKey::package_var(name));
                }
            }
            // A local map: the mutex variables the function declares before it.
            (Root::Local { func, .. }, None) => {
                for &(ref name, id) in &self.scope {
                    if matches!(self.model.bindings[id].hint, Hint::Mutex { .. }) {
                        out.push(MutexKey(Place::root(Root::Local {
                            func: *func,
                            binding: id,
                            name: name.clone(),
                        })));
                    }
                }
            }
            _ => {}
        }
        out.sort();
        out
    }
}
