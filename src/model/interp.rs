//! An abstract interpreter over a function's syntax tree: it walks statements in order,
//! tracks the state of every mutex along the paths (joining where paths meet), records
//! defers in registration order, and at every exit runs the deferred calls last-in,
//! first-out against the exit's lock state. Deferred closures are interpreted at exit
//! time, with the state they will really see (Go facts 1, 2, 3, 9).

use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

use super::decls::{hint_of_type, hint_of_value, Decls, Hint};
use super::function::*;
use super::locks::{join, Cause, Lock, LockVal, Locks};
use super::place::{Place, Root};
use crate::syntax::{named_children, ParsedFile};

/// Facts about the whole package the interpreter consults.
pub struct PackageView<'a> {
    pub decls: &'a Decls,
    /// (receiver type, method) → mutex keys every caller holds.
    pub caller_holds: &'a HashMap<(String, String), Vec<String>>,
}

#[derive(Clone)]
struct DeferRef {
    id: usize,
    maybe: bool,
}

#[derive(Clone)]
struct State {
    locks: Locks,
    defers: Vec<DeferRef>,
}

#[derive(Clone, Copy, PartialEq)]
enum Entry {
    TopLevel,
    Goroutine,
    Inherit,
    Unknown,
}

struct BreakCtx {
    label: Option<String>,
    is_loop: bool,
    breaks: Vec<State>,
    continues: Vec<State>,
}

struct Frame {
    start: usize,
    entry: Entry,
    exits: Vec<(usize, State)>,
    breaks: Vec<BreakCtx>,
    loops: Vec<LoopInfo>,
}

/// Internal per-defer data that the public [`DeferInfo`] does not carry.
struct DeferReg {
    scope: Vec<(String, usize)>,
    ctx_frame_entry: Entry,
}

/// Mutexes the function itself locks or only unlocks: from a first, probing pass.
#[derive(Default, Clone)]
struct Probe {
    locked: HashSet<String>,
    unlocked: HashSet<String>,
}

pub struct Interp<'a> {
    f: &'a ParsedFile,
    /// The function declaration: nodes are looked up below it rather than from the
    /// file's root, which in a file of many functions costs a walk over all of them.
    decl: Node<'a>,
    pkg: &'a PackageView<'a>,
    probe: Probe,
    probing: bool,
    model: FunctionModel,
    scope: Vec<(String, usize)>,
    frames: Vec<Frame>,
    ctx: Ctx,
    regs: Vec<DeferReg>,
    /// Mutex keys held on entry by convention (true) or by every caller (false), with the reason.
    held_on_entry: Vec<(String, &'static str, bool)>,
    /// Bound on nested literal interpretation, so hostile input cannot explode.
    budget: usize,
    /// Statements and expressions visited so far; past `max_steps` the function is
    /// given up (see [`step_budget`]).
    steps: usize,
    max_steps: usize,
    pending_label: Option<String>,
    loop_depth: usize,
    /// Scope length at the start of each open block: `:=` of a name declared at or above
    /// the innermost mark assigns instead of declaring.
    block_marks: Vec<usize>,
}

/// How many statements and expressions one function may take to interpret, counting
/// every pass over a loop body and every exit's deferred calls. Nested loops are walked
/// more than once and each exit runs the defers again, so hostile nesting (a few hundred
/// `for {` in a row) would otherwise take time polynomial in its depth with a high
/// power. A function past its budget is not modeled: it gets no findings rather than
/// guessed ones.
///
/// The budget grows with the function's size, so the work stays linear in the input.
/// Real code is far below it: the Go tree (GOROOT/src, generated files included) needs
/// at most 5.2 steps per byte and 105,000 steps for its largest function.
fn step_budget(decl: Node<'_>) -> usize {
    const PER_BYTE: usize = 16;
    const FLOOR: usize = 10_000;
    const CEILING: usize = 1_000_000;
    let bytes = decl.end_byte().saturating_sub(decl.start_byte());
    bytes
        .saturating_mul(PER_BYTE)
        .saturating_add(FLOOR)
        .min(CEILING)
}

const MUTEX_METHODS: [&str; 4] = ["Lock", "Unlock", "RLock", "RUnlock"];

/// Model one top-level function or method declaration.
pub fn model_function<'a>(
    f: &'a ParsedFile,
    pkg: &'a PackageView<'a>,
    decl: Node<'a>,
) -> Option<FunctionModel> {
    let body = decl.child_by_field_name("body")?;
    let max_steps = step_budget(decl);
    let mut probe_run = Interp::new(f, pkg, decl, Probe::default(), true);
    probe_run.max_steps = max_steps;
    probe_run.run_top(decl, body);
    if probe_run.steps > max_steps {
        return None;
    }
    let probe = probe_run.probe;
    let mut real = Interp::new(f, pkg, decl, probe, false);
    real.max_steps = max_steps;
    real.run_top(decl, body);
    if real.steps > max_steps {
        return None;
    }
    Some(real.model)
}

impl<'a> Interp<'a> {
    fn new(
        f: &'a ParsedFile,
        pkg: &'a PackageView<'a>,
        decl: Node<'a>,
        probe: Probe,
        probing: bool,
    ) -> Self {
        let name = decl
            .child_by_field_name("name")
            .map(|n| f.text(n).to_string())
            .unwrap_or_default();
        let receiver = if decl.kind() == "method_declaration" {
            super::decls::receiver_type(f, decl).map(|(t, n)| (t, n.unwrap_or_default()))
        } else {
            None
        };
        let model = FunctionModel {
            start: decl.start_byte(),
            end: decl.end_byte(),
            name: name.clone(),
            receiver_type: receiver.as_ref().map(|r| r.0.clone()),
            ..Default::default()
        };
        let mut held_on_entry = Vec::new();
        let recv_ty = receiver.as_ref().map(|r| r.0.clone()).unwrap_or_default();
        if let Some(conv) = pkg
            .decls
            .held_on_entry
            .get(&(recv_ty.clone(), name.clone()))
        {
            let names: Vec<String> = if conv.mutexes.is_empty() {
                pkg.decls
                    .structs
                    .get(&recv_ty)
                    .map(|s| s.mutex_fields())
                    .unwrap_or_default()
            } else {
                conv.mutexes.clone()
            };
            for m in names {
                if !recv_ty.is_empty()
                    && pkg
                        .decls
                        .structs
                        .get(&recv_ty)
                        .is_some_and(|s| s.fields.contains_key(&m))
                {
                    held_on_entry.push((format!("{recv_ty}.{m}"), conv.reason, true));
                } else if pkg.decls.vars.contains_key(&m) {
                    held_on_entry.push((format!("pkg.{m}"), conv.reason, true));
                }
            }
            if !recv_ty.is_empty()
                && pkg
                    .decls
                    .structs
                    .get(&recv_ty)
                    .is_some_and(|s| s.embedded_mutex.is_some())
            {
                held_on_entry.push((recv_ty.clone(), conv.reason, true));
            }
        }
        if let Some(keys) = pkg.caller_holds.get(&(recv_ty, name)) {
            for k in keys {
                held_on_entry.push((k.clone(), "every caller in the package holds it", false));
            }
        }
        Interp {
            f,
            decl,
            pkg,
            probe,
            probing,
            model,
            scope: Vec::new(),
            frames: Vec::new(),
            ctx: Ctx::Immediate,
            regs: Vec::new(),
            held_on_entry,
            budget: 20_000,
            steps: 0,
            max_steps: usize::MAX,
            pending_label: None,
            loop_depth: 0,
            block_marks: Vec::new(),
        }
    }

    fn text(&self, n: Node<'_>) -> &'a str {
        crate::syntax::text(n, &self.f.src)
    }

    fn run_top(&mut self, decl: Node<'_>, body: Node<'_>) {
        if let Some(recv) = decl.child_by_field_name("receiver") {
            self.declare_params(recv, BindingKind::Receiver, decl.start_byte());
        }
        if let Some(params) = decl.child_by_field_name("parameters") {
            self.declare_params(params, BindingKind::Param, decl.start_byte());
        }
        if let Some(res) = decl.child_by_field_name("result") {
            if res.kind() == "parameter_list" {
                self.declare_params(res, BindingKind::NamedResult, decl.start_byte());
            }
        }
        let state = State {
            locks: Locks::new(),
            defers: Vec::new(),
        };
        self.run_frame(decl.start_byte(), body, state, Entry::TopLevel);
    }

    // ---------------------------------------------------------------- bindings

    fn declare(
        &mut self,
        name: &str,
        decl: usize,
        kind: BindingKind,
        hint: Hint,
        type_text: Option<String>,
    ) -> usize {
        let id = self.model.bindings.len();
        let frame = self
            .frames
            .last()
            .map(|f| f.start)
            .unwrap_or(self.model.start);
        self.model.bindings.push(Binding {
            name: name.to_string(),
            decl,
            kind,
            hint,
            type_text,
            assigns: Vec::new(),
            frame,
        });
        if name != "_" {
            self.scope.push((name.to_string(), id));
        }
        id
    }

    fn lookup(&self, name: &str) -> Option<usize> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }

    fn is_struct(&self, name: &str) -> bool {
        self.pkg.decls.structs.contains_key(name)
    }

    fn type_hint(&self, ty: Node<'_>) -> Hint {
        let structs = |n: &str| self.is_struct(n);
        hint_of_type(ty, &self.f.src, &structs)
    }

    fn value_hint(&self, v: Node<'_>) -> Hint {
        if v.kind() == "identifier" {
            if let Some(id) = self.lookup(self.text(v)) {
                return self.model.bindings[id].hint.clone();
            }
        }
        if let Some(place) = self.place(v) {
            if let Some(h) = self.place_hint(&place) {
                return h;
            }
        }
        let structs = |n: &str| self.is_struct(n);
        hint_of_value(v, &self.f.src, &structs)
    }

    fn declare_params(&mut self, list: Node<'_>, kind: BindingKind, frame_start: usize) {
        let _ = frame_start;
        for p in named_children(list) {
            if p.kind() != "parameter_declaration" && p.kind() != "variadic_parameter_declaration" {
                continue;
            }
            let ty = p.child_by_field_name("type");
            let hint = ty.map(|t| self.type_hint(t)).unwrap_or(Hint::Other);
            let type_text = ty.map(|t| {
                if p.kind() == "variadic_parameter_declaration" {
                    format!("...{}", self.text(t))
                } else {
                    self.text(t).to_string()
                }
            });
            let mut cursor = p.walk();
            let names: Vec<Node<'_>> = p.children_by_field_name("name", &mut cursor).collect();
            for n in names {
                let name = self.text(n).to_string();
                self.declare(&name, n.start_byte(), kind, hint.clone(), type_text.clone());
            }
        }
    }

    // ---------------------------------------------------------------- places

    /// What a map or mutex expression denotes.
    fn place(&self, e: Node<'_>) -> Option<Place> {
        match e.kind() {
            "identifier" => {
                let name = self.text(e);
                if let Some(id) = self.lookup(name) {
                    let b = &self.model.bindings[id];
                    if let Hint::Struct(s) = &b.hint {
                        return Some(Place {
                            root: Root::Type(s.clone()),
                            fields: vec![],
                        });
                    }
                    return Some(Place {
                        root: Root::Local {
                            func: self.model.start,
                            binding: id,
                            name: name.to_string(),
                        },
                        fields: vec![],
                    });
                }
                if let Some(v) = self.pkg.decls.vars.get(name) {
                    if let Hint::Struct(s) = &v.hint {
                        return Some(Place {
                            root: Root::Type(s.clone()),
                            fields: vec![],
                        });
                    }
                    return Some(Place {
                        root: Root::Pkg(name.to_string()),
                        fields: vec![],
                    });
                }
                Some(Place {
                    root: Root::Opaque(name.to_string()),
                    fields: vec![],
                })
            }
            "selector_expression" => {
                let operand = e.child_by_field_name("operand")?;
                let field = self.text(e.child_by_field_name("field")?).to_string();
                let mut p = self.place(operand)?;
                if let Root::Opaque(t) = &p.root {
                    if p.fields.is_empty() && self.lookup(t).is_none() {
                        // `pkg.Var` of an imported package, or a name we cannot see.
                        return Some(Place {
                            root: Root::Opaque(self.text(e).to_string()),
                            fields: vec![],
                        });
                    }
                }
                p.fields.push(field);
                Some(self.normalize(p))
            }
            "parenthesized_expression" => self.place(e.named_child(0)?),
            "unary_expression" if self.text(e).starts_with('*') => {
                self.place(e.child_by_field_name("operand")?)
            }
            _ => Some(Place {
                root: Root::Opaque(self.text(e).to_string()),
                fields: vec![],
            }),
        }
    }

    /// Re-root `S.f.g` at `T.g` when `S.f` is a struct `T` of this package, so that the same
    /// field meets under one key whatever path reached it.
    fn normalize(&self, mut p: Place) -> Place {
        loop {
            let Root::Type(s) = &p.root else { return p };
            if p.fields.is_empty() {
                return p;
            }
            let Some(info) = self.pkg.decls.structs.get(s) else {
                return p;
            };
            let Some(field) = info.fields.get(&p.fields[0]) else {
                return p;
            };
            let Hint::Struct(t) = &field.hint else {
                return p;
            };
            p = Place {
                root: Root::Type(t.clone()),
                fields: p.fields[1..].to_vec(),
            };
        }
    }

    fn place_hint(&self, p: &Place) -> Option<Hint> {
        match (&p.root, p.fields.as_slice()) {
            (Root::Type(s), [f]) => self
                .pkg
                .decls
                .structs
                .get(s)?
                .fields
                .get(f)
                .map(|f| f.hint.clone()),
            (Root::Pkg(v), []) => self.pkg.decls.vars.get(v).map(|v| v.hint.clone()),
            (Root::Local { binding, .. }, []) => Some(self.model.bindings[*binding].hint.clone()),
            _ => None,
        }
    }

    fn is_map(&self, p: &Place) -> bool {
        self.place_hint(p) == Some(Hint::Map)
    }

    fn mutex_key_of_call(&self, call: Node<'_>) -> Option<(Place, &'static str)> {
        let func = call.child_by_field_name("function")?;
        if func.kind() != "selector_expression" {
            return None;
        }
        let args = call.child_by_field_name("arguments")?;
        if args.named_child_count() != 0 {
            return None;
        }
        let method = self.text(func.child_by_field_name("field")?);
        let m = MUTEX_METHODS.iter().find(|m| **m == method)?;
        let operand = func.child_by_field_name("operand")?;
        let place = self.place(operand)?;
        // `x.Lock()` on something that is not known to be a mutex still counts only when
        // its type is unknown to us; a struct without a mutex is not one.
        if let Some(Hint::Struct(s)) = self.place_hint(&place) {
            if self
                .pkg
                .decls
                .structs
                .get(&s)
                .is_some_and(|i| i.embedded_mutex.is_none())
            {
                return None;
            }
        }
        Some((place, m))
    }

    // ---------------------------------------------------------------- lock state

    fn entry_val(&self, key: &str) -> LockVal {
        for frame in self.frames.iter().rev() {
            match frame.entry {
                Entry::Goroutine => {
                    return LockVal {
                        state: Lock::Unlocked,
                        cause: Cause::Entry(super::locks::GOROUTINE_ENTRY),
                    }
                }
                Entry::Unknown => {
                    return LockVal {
                        state: Lock::Unknown,
                        cause: Cause::Entry("the closure runs at a time the model does not know"),
                    }
                }
                Entry::Inherit => continue,
                Entry::TopLevel => break,
            }
        }
        if let Some((_, reason, _)) = self
            .held_on_entry
            .iter()
            .find(|(k, _, strong)| k == key && *strong)
        {
            return LockVal {
                state: Lock::Locked,
                cause: Cause::Entry(reason),
            };
        }
        if !self.probe.locked.contains(key) {
            if let Some((_, reason, _)) = self.held_on_entry.iter().find(|(k, _, _)| k == key) {
                return LockVal {
                    state: Lock::Locked,
                    cause: Cause::Entry(reason),
                };
            }
        }
        if self.probe.locked.contains(key) {
            return LockVal {
                state: Lock::Unlocked,
                cause: Cause::Entry(
                    "the function takes the lock itself, so it does not hold it on entry",
                ),
            };
        }
        if self.probe.unlocked.contains(key) {
            return LockVal {
                state: Lock::Locked,
                cause: Cause::Entry(
                    "the function releases the lock without taking it: its caller holds it",
                ),
            };
        }
        if key.contains('@') && !key.contains('.') {
            // A mutex variable declared in this function starts unlocked.
            return LockVal {
                state: Lock::Unlocked,
                cause: Cause::Entry("a mutex declared in the function starts unlocked"),
            };
        }
        LockVal {
            state: Lock::Unknown,
            cause: Cause::Entry("nothing in the function says whether its caller holds the lock"),
        }
    }

    fn join_states(&self, a: Option<State>, b: Option<State>) -> Option<State> {
        match (a, b) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => {
                let locks = join(&a.locks, &b.locks, &|k| self.entry_val(k));
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
                Some(State { locks, defers })
            }
        }
    }

    fn join_all(&self, states: Vec<State>) -> Option<State> {
        states
            .into_iter()
            .fold(None, |acc, s| self.join_states(acc, Some(s)))
    }

    // ---------------------------------------------------------------- frames

    /// Interpret a function body as a frame; returns the lock state after it returned
    /// and its deferred calls ran (joined over its exits).
    fn run_frame(
        &mut self,
        start: usize,
        body: Node<'_>,
        state: State,
        entry: Entry,
    ) -> Option<Locks> {
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
            for d in exit_state.defers.iter().rev() {
                self.model.defers[d.id].runs_at.push((exit_id, d.maybe));
                let after = self.run_defer(d.id, locks.clone(), exit_id);
                locks = if d.maybe {
                    join(&locks, &after, &|k| self.entry_val(k))
                } else {
                    after
                };
            }
            results.push(locks);
        }
        self.frames.pop();
        let mut out: Option<Locks> = None;
        for r in results {
            out = Some(match out {
                None => r,
                Some(o) => join(&o, &r, &|k| self.entry_val(k)),
            });
        }
        out
    }

    fn run_defer(&mut self, id: usize, mut locks: Locks, exit: usize) -> Locks {
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
                if let Some(body) = lit.child_by_field_name("body") {
                    let mark = self.scope.len();
                    if let Some(params) = lit.child_by_field_name("parameters") {
                        self.declare_params(params, BindingKind::Param, lit.start_byte());
                    }
                    let _ = self.regs[id].ctx_frame_entry;
                    let st = State {
                        locks: locks.clone(),
                        defers: Vec::new(),
                    };
                    if let Some(after) = self.run_frame(lit.start_byte(), body, st, Entry::Inherit)
                    {
                        locks = after;
                    }
                    self.scope.truncate(mark);
                }
            }
        } else if let Some((place, method)) = self.mutex_key_of_call(call) {
            let state = match method {
                "Lock" => Lock::Locked,
                "RLock" => Lock::RLocked,
                _ => Lock::Unlocked,
            };
            locks.insert(
                place.key(),
                LockVal {
                    state,
                    cause: Cause::Deferred { byte, text },
                },
            );
        } else {
            let st = State {
                locks: locks.clone(),
                defers: Vec::new(),
            };
            let stmt = find_ancestor(call, "defer_statement").unwrap_or(call);
            self.record_call_ops(call, &st, stmt);
            let callee = call
                .child_by_field_name("function")
                .map(|f| self.text(f).to_ascii_lowercase())
                .unwrap_or_default();
            // A helper that releases locks (`defer s.unlockAll()`) makes every state unknown.
            if callee.contains("unlock") || callee.contains("release") {
                for v in locks.values_mut() {
                    *v = LockVal {
                        state: Lock::Unknown,
                        cause: Cause::Deferred {
                            byte,
                            text: text.clone(),
                        },
                    };
                }
            }
        }
        self.ctx = saved_ctx;
        self.scope = saved_scope;
        locks
    }

    // ---------------------------------------------------------------- statements

    fn block(&mut self, node: Node<'_>, state: Option<State>) -> Option<State> {
        let mark = self.scope.len();
        self.block_marks.push(mark);
        let mut st = state;
        for child in named_children(node) {
            if st.is_none() {
                break;
            }
            st = self.stmt(child, st);
        }
        self.block_marks.pop();
        self.scope.truncate(mark);
        st
    }

    /// A name declared in the innermost open block.
    fn lookup_in_block(&self, name: &str) -> Option<usize> {
        let mark = self.block_marks.last().copied().unwrap_or(0);
        self.scope[mark..]
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }

    /// Count one step; false once the function has used up its budget.
    fn step(&mut self) -> bool {
        self.steps += 1;
        self.steps <= self.max_steps
    }

    fn stmt(&mut self, node: Node<'_>, state: Option<State>) -> Option<State> {
        let mut st = state?;
        if !self.step() {
            return None;
        }
        match node.kind() {
            "block" | "statement_list" => self.block(node, Some(st)),
            "comment" | "empty_statement" | "type_declaration" | "const_declaration" => Some(st),
            "expression_statement" => {
                let e = node.named_child(0)?;
                if self.is_exit_call(e) == Some(true) {
                    self.expr(e, &mut st, node);
                    self.frames
                        .last_mut()
                        .unwrap()
                        .exits
                        .push((node.start_byte(), st));
                    return None;
                }
                if self.is_exit_call(e) == Some(false) {
                    return None;
                }
                self.expr(e, &mut st, node);
                Some(st)
            }
            "send_statement" => {
                self.exprs_in(node, &mut st, node);
                Some(st)
            }
            "inc_statement" | "dec_statement" => {
                if let Some(target) = node.named_child(0) {
                    self.write_target(target, &mut st, node);
                }
                Some(st)
            }
            "assignment_statement" => {
                if let Some(right) = node.child_by_field_name("right") {
                    self.exprs_in(right, &mut st, node);
                }
                if let Some(left) = node.child_by_field_name("left") {
                    for target in named_children(left) {
                        self.write_target(target, &mut st, node);
                    }
                }
                Some(st)
            }
            "short_var_declaration" => {
                let right = node.child_by_field_name("right");
                if let Some(r) = right {
                    self.exprs_in(r, &mut st, node);
                }
                let values: Vec<Node<'_>> = right.map(named_children).unwrap_or_default();
                if let Some(left) = node.child_by_field_name("left") {
                    let names = named_children(left);
                    let single = values.len() == names.len();
                    for (i, n) in names.iter().enumerate() {
                        let name = self.text(*n).to_string();
                        // `a, err := f()` assigns `err` when this block declared it already.
                        if let Some(id) = self.lookup_in_block(&name) {
                            self.model.bindings[id].assigns.push(node.start_byte());
                            continue;
                        }
                        let hint = if single {
                            self.value_hint(values[i])
                        } else {
                            Hint::Other
                        };
                        let type_text = if single {
                            self.made_chan(values[i])
                        } else {
                            None
                        };
                        self.declare(&name, n.start_byte(), BindingKind::Local, hint, type_text);
                    }
                }
                Some(st)
            }
            "var_declaration" => {
                for spec in descendants_of_kind(node, "var_spec") {
                    let value = spec.child_by_field_name("value");
                    if let Some(v) = value {
                        self.exprs_in(v, &mut st, node);
                    }
                    let ty = spec.child_by_field_name("type");
                    let values: Vec<Node<'_>> = value.map(named_children).unwrap_or_default();
                    let mut cursor = spec.walk();
                    let names: Vec<Node<'_>> =
                        spec.children_by_field_name("name", &mut cursor).collect();
                    for (i, n) in names.iter().enumerate() {
                        let hint = match ty {
                            Some(t) => self.type_hint(t),
                            None if values.len() == names.len() => self.value_hint(values[i]),
                            None => Hint::Other,
                        };
                        let name = self.text(*n).to_string();
                        let type_text = ty.map(|t| self.text(t).to_string());
                        self.declare(&name, n.start_byte(), BindingKind::Local, hint, type_text);
                    }
                }
                Some(st)
            }
            "return_statement" => {
                self.exprs_in(node, &mut st, node);
                self.frames
                    .last_mut()
                    .unwrap()
                    .exits
                    .push((node.start_byte(), st));
                None
            }
            "go_statement" => {
                let call = node.named_child(0)?;
                self.go_call(call, GoKind::GoStatement, &mut st, node);
                Some(st)
            }
            "defer_statement" => {
                let call = node.named_child(0)?;
                self.defer_stmt(node, call, &mut st);
                Some(st)
            }
            "if_statement" => {
                let mark = self.scope.len();
                if let Some(init) = node.child_by_field_name("initializer") {
                    st = self.stmt(init, Some(st))?;
                }
                if let Some(cond) = node.child_by_field_name("condition") {
                    self.expr(cond, &mut st, node);
                }
                let then = node
                    .child_by_field_name("consequence")
                    .and_then(|b| self.block(b, Some(st.clone())));
                let other = match node.child_by_field_name("alternative") {
                    Some(alt) => self.stmt(alt, Some(st)),
                    None => Some(st),
                };
                self.scope.truncate(mark);
                self.join_states(then, other)
            }
            "for_statement" => self.for_stmt(node, st),
            "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
                self.switch_stmt(node, st)
            }
            "labeled_statement" => {
                let label = node
                    .child_by_field_name("label")
                    .map(|l| self.text(l).to_string());
                let inner = named_children(node)
                    .into_iter()
                    .find(|c| c.kind() != "label_name")?;
                if self.model.has_goto {
                    // A goto can jump here from anywhere: nothing is known.
                    for v in st.locks.values_mut() {
                        v.state = Lock::Unknown;
                        v.cause = Cause::Join;
                    }
                }
                if inner.kind() == "for_statement" {
                    self.pending_label = label;
                }
                self.stmt(inner, Some(st))
            }
            "break_statement" | "continue_statement" => {
                let label = node.named_child(0).map(|l| self.text(l).to_string());
                let is_break = node.kind() == "break_statement";
                let frame = self.frames.last_mut().unwrap();
                let target = frame.breaks.iter_mut().rev().find(|b| match &label {
                    Some(l) => b.label.as_deref() == Some(l.as_str()),
                    None => b.is_loop || is_break,
                });
                if let Some(t) = target {
                    if is_break {
                        t.breaks.push(st);
                    } else {
                        t.continues.push(st);
                    }
                }
                None
            }
            "goto_statement" => {
                self.model.has_goto = true;
                None
            }
            "fallthrough_statement" => Some(st),
            _ => {
                self.exprs_in(node, &mut st, node);
                Some(st)
            }
        }
    }

    /// `Some(true)`: the call ends the path and runs the defers (`panic`, `t.Fatal`);
    /// `Some(false)`: it ends the path without running them (`os.Exit`, `log.Fatal`).
    fn is_exit_call(&self, e: Node<'_>) -> Option<bool> {
        if e.kind() != "call_expression" {
            return None;
        }
        let func = self.text(e.child_by_field_name("function")?);
        match func {
            "panic" | "runtime.Goexit" => Some(true),
            "os.Exit" | "log.Fatal" | "log.Fatalf" | "log.Fatalln" => Some(false),
            _ if func.ends_with(".Fatal")
                || func.ends_with(".Fatalf")
                || func.ends_with(".FailNow") =>
            {
                Some(true)
            }
            _ => None,
        }
    }

    fn for_stmt(&mut self, node: Node<'_>, mut st: State) -> Option<State> {
        let mark = self.scope.len();
        let label = self.pending_label.take();
        let mut vars = Vec::new();
        let mut unbounded = true;
        let mut has_exit_condition = false;
        self.block_marks.push(mark);
        let body = node.child_by_field_name("body")?;
        for clause in named_children(node) {
            match clause.kind() {
                "for_clause" => {
                    if let Some(init) = clause.child_by_field_name("initializer") {
                        let before = self.model.bindings.len();
                        st = self.stmt(init, Some(st))?;
                        for id in before..self.model.bindings.len() {
                            self.model.bindings[id].kind = BindingKind::LoopVar;
                            vars.push(id);
                        }
                    }
                    if let Some(cond) = clause.child_by_field_name("condition") {
                        self.expr(cond, &mut st, node);
                        unbounded = false;
                        has_exit_condition = true;
                    }
                    // A three-clause loop without a condition is still unbounded.
                }
                "range_clause" => {
                    let right = clause.child_by_field_name("right");
                    let mut channel = false;
                    if let Some(r) = right {
                        self.expr(r, &mut st, node);
                        if let Some(p) = self.place(r) {
                            if self.is_map(&p) {
                                self.record_op(OpKind::Range, r, r, None, &p, &st, node);
                            }
                        }
                        channel = self.looks_like_channel(r);
                    }
                    unbounded = channel;
                    has_exit_condition = true;
                    if let Some(left) = clause.child_by_field_name("left") {
                        let is_define = crate::syntax::children(clause)
                            .iter()
                            .any(|c| c.kind() == ":=");
                        for n in named_children(left) {
                            if is_define && n.kind() == "identifier" {
                                let name = self.text(n).to_string();
                                let id = self.declare(
                                    &name,
                                    n.start_byte(),
                                    BindingKind::LoopVar,
                                    Hint::Other,
                                    None,
                                );
                                vars.push(id);
                            } else {
                                self.write_target(n, &mut st, node);
                            }
                        }
                    }
                }
                "block" => {}
                _ => {
                    // `for cond {}`: bounded by nothing the model can see.
                    self.expr(clause, &mut st, node);
                    has_exit_condition = true;
                }
            }
        }
        let info = LoopInfo {
            start: node.start_byte(),
            end: node.end_byte(),
            body_start: body.start_byte(),
            body_end: body.end_byte(),
            unbounded,
            vars,
        };
        let frame = self.frames.last_mut().unwrap();
        frame.loops.push(info);
        frame.breaks.push(BreakCtx {
            label,
            is_loop: true,
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        let first_end = self.block(body, Some(st.clone()));
        // A second pass starts from what the first iteration left behind, so that exits in
        // later iterations see the defers earlier iterations registered. Nested loops
        // beyond a few levels keep one pass, which bounds the work.
        let body_end = if self.loop_depth < 3 {
            let ctx = self.frames.last().unwrap().breaks.last().unwrap();
            let mut again = vec![st.clone()];
            again.extend(first_end.clone());
            again.extend(ctx.continues.iter().cloned());
            let entry2 = self.join_all(again);
            self.loop_depth += 1;
            let end2 = self.block(body, entry2);
            self.loop_depth -= 1;
            self.join_states(first_end, end2)
        } else {
            first_end
        };
        let frame = self.frames.last_mut().unwrap();
        frame.loops.pop();
        let ctx = frame.breaks.pop().unwrap();
        if !has_exit_condition && ctx.breaks.is_empty() {
            // A loop nothing leaves ends only in a panic (or the process exiting); deferred
            // calls still run on a panic, with the state an iteration leaves behind.
            if let Some(s) = body_end.clone() {
                frame.exits.push((node.end_byte().saturating_sub(1), s));
            }
        }
        let mut states = ctx.breaks;
        if has_exit_condition {
            states.push(st);
            states.extend(body_end);
            states.extend(ctx.continues);
        }
        self.scope.truncate(mark);
        self.block_marks.pop();
        self.join_all(states)
    }

    /// The channel type of `make(chan T, …)`, which is what a `:=` declares.
    fn made_chan(&self, v: Node<'_>) -> Option<String> {
        if v.kind() != "call_expression" || self.text(v.child_by_field_name("function")?) != "make"
        {
            return None;
        }
        let ty = v.child_by_field_name("arguments")?.named_child(0)?;
        (ty.kind() == "channel_type").then(|| self.text(ty).to_string())
    }

    fn looks_like_channel(&self, e: Node<'_>) -> bool {
        if e.kind() == "identifier" {
            if let Some(id) = self.lookup(self.text(e)) {
                if let Some(t) = &self.model.bindings[id].type_text {
                    return t.starts_with("chan") || t.starts_with("<-chan");
                }
            }
        }
        // Only what the code states: a declared channel type, or a struct field declared
        // as one. A name that merely sounds like a channel proves nothing.
        if let Some(p) = self.place(e) {
            if let (Root::Type(s), [field]) = (&p.root, p.fields.as_slice()) {
                if let Some(f) = self
                    .pkg
                    .decls
                    .structs
                    .get(s)
                    .and_then(|i| i.fields.get(field))
                {
                    return f.is_chan;
                }
            }
        }
        false
    }

    fn switch_stmt(&mut self, node: Node<'_>, mut st: State) -> Option<State> {
        let mark = self.scope.len();
        if let Some(init) = node.child_by_field_name("initializer") {
            st = self.stmt(init, Some(st))?;
        }
        if let Some(v) = node.child_by_field_name("value") {
            self.expr(v, &mut st, node);
        }
        let label = self.pending_label.take();
        self.frames.last_mut().unwrap().breaks.push(BreakCtx {
            label,
            is_loop: false,
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        let mut ends = Vec::new();
        let mut has_default = false;
        for case in named_children(node) {
            let kind = case.kind();
            if !matches!(
                kind,
                "expression_case" | "type_case" | "default_case" | "communication_case"
            ) {
                continue;
            }
            has_default |= kind == "default_case";
            let mut cs = st.clone();
            let cmark = self.scope.len();
            if let Some(v) = case.child_by_field_name("value") {
                self.expr(v, &mut cs, case);
            }
            if let Some(comm) = case.child_by_field_name("communication") {
                if let Some(s) = self.stmt(comm, Some(cs.clone())) {
                    cs = s;
                }
            }
            let mut s = Some(cs);
            for child in named_children(case) {
                if child.kind() == "statement_list" {
                    s = self.block(child, s);
                }
            }
            self.scope.truncate(cmark);
            ends.extend(s);
        }
        // A select without default blocks until a case runs; a switch without default can
        // run no case at all.
        if !has_default && node.kind() != "select_statement" {
            ends.push(st);
        }
        let ctx = self.frames.last_mut().unwrap().breaks.pop().unwrap();
        ends.extend(ctx.breaks);
        self.scope.truncate(mark);
        self.join_all(ends)
    }

    // ---------------------------------------------------------------- defers and goroutines

    fn defer_stmt(&mut self, node: Node<'_>, call: Node<'_>, st: &mut State) {
        let func = call.child_by_field_name("function");
        let closure = func.filter(|f| f.kind() == "func_literal");
        // Arguments (and the receiver) are evaluated now (Go fact 1).
        if let Some(args) = call.child_by_field_name("arguments") {
            self.exprs_in(args, st, node);
        }
        if closure.is_none() {
            if let Some(f) = func {
                if f.kind() == "selector_expression" {
                    if let Some(op) = f.child_by_field_name("operand") {
                        self.expr(op, st, node);
                    }
                }
            }
        }
        if let Some((place, method)) = self.mutex_key_of_call(call) {
            self.model.lock_calls.push(LockCall {
                mutex: place,
                method,
                start: call.start_byte(),
                end: call.end_byte(),
                deferred: true,
                frame: self.frames.last().map(|f| f.start).unwrap_or(0),
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
            loops: frame.loops.clone(),
            locks_at_registration: st.locks.clone(),
            frame: frame.start,
            runs_at: Vec::new(),
        });
        self.regs.push(DeferReg {
            scope: self.scope.clone(),
            ctx_frame_entry: frame.entry,
        });
        let in_loop = !frame.loops.is_empty();
        st.defers.push(DeferRef { id, maybe: in_loop });
    }

    fn go_call(&mut self, call: Node<'_>, kind: GoKind, st: &mut State, stmt: Node<'_>) {
        let lit = match kind {
            GoKind::GoStatement => call.child_by_field_name("function"),
            _ => call
                .child_by_field_name("arguments")
                .and_then(|a| named_children(a).into_iter().last()),
        }
        .filter(|n| n.kind() == "func_literal");
        if let Some(args) = call.child_by_field_name("arguments") {
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
                .and_then(|l| l.child_by_field_name("body"))
                .map(|b| (b.start_byte(), b.end_byte())),
            creator_locks: st.locks.clone(),
            loops: frame.loops.clone(),
            frame: frame.start,
        });
        if let Some(lit) = lit {
            let saved = self.ctx;
            self.ctx = Ctx::Goroutine { go: id };
            self.run_literal(lit, Locks::new(), Entry::Goroutine);
            self.ctx = saved;
        }
    }

    fn run_literal(&mut self, lit: Node<'_>, locks: Locks, entry: Entry) -> Option<Locks> {
        let body = lit.child_by_field_name("body")?;
        let mark = self.scope.len();
        if let Some(params) = lit.child_by_field_name("parameters") {
            self.declare_params(params, BindingKind::Param, lit.start_byte());
        }
        let st = State {
            locks,
            defers: Vec::new(),
        };
        let out = self.run_frame(lit.start_byte(), body, st, entry);
        self.scope.truncate(mark);
        out
    }

    // ---------------------------------------------------------------- expressions

    fn exprs_in(&mut self, node: Node<'_>, st: &mut State, stmt: Node<'_>) {
        for c in named_children(node) {
            self.expr(c, st, stmt);
        }
    }

    /// Walk an expression for lock calls, map operations and function literals.
    fn expr(&mut self, e: Node<'_>, st: &mut State, stmt: Node<'_>) {
        if !self.step() {
            return;
        }
        match e.kind() {
            "func_literal" => {
                // Not called here: stored, returned, or passed somewhere we cannot see.
                let saved = self.ctx;
                self.ctx = Ctx::Stored;
                self.run_literal(e, Locks::new(), Entry::Unknown);
                self.ctx = saved;
            }
            "call_expression" => self.call(e, st, stmt),
            "index_expression" => {
                if let Some(operand) = e.child_by_field_name("operand") {
                    self.expr(operand, st, stmt);
                    if let Some(idx) = e.child_by_field_name("index") {
                        self.expr(idx, st, stmt);
                    }
                    if let Some(p) = self.place(operand) {
                        if self.is_map(&p) {
                            let key = e.child_by_field_name("index");
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
                    if let Some(o) = e.child_by_field_name("operand") {
                        if o.kind() == "identifier" {
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

    fn call(&mut self, call: Node<'_>, st: &mut State, stmt: Node<'_>) {
        let Some(func) = call.child_by_field_name("function") else {
            return;
        };
        let ftext = self.text(func);
        if func.kind() == "func_literal" {
            if let Some(args) = call.child_by_field_name("arguments") {
                self.exprs_in(args, st, stmt);
            }
            // Called right here: runs now, with the current locks.
            if let Some(after) = self.run_literal(func, st.locks.clone(), Entry::Inherit) {
                st.locks = after;
            }
            return;
        }
        if let Some((place, method)) = self.mutex_key_of_call(call) {
            let key = place.key();
            let frame_start = self.frames.last().map(|f| f.start).unwrap_or(0);
            if self.probing && frame_start == self.model.start {
                match method {
                    "Lock" | "RLock" => {
                        self.probe.locked.insert(key.clone());
                    }
                    _ => {
                        self.probe.unlocked.insert(key.clone());
                    }
                }
            }
            self.model.lock_calls.push(LockCall {
                mutex: place,
                method,
                start: call.start_byte(),
                end: call.end_byte(),
                deferred: false,
                frame: frame_start,
            });
            let state = match method {
                "Lock" => Lock::Locked,
                "RLock" => Lock::RLocked,
                _ => Lock::Unlocked,
            };
            st.locks.insert(
                key,
                LockVal {
                    state,
                    cause: Cause::Call {
                        byte: call.start_byte(),
                        text: self.text(call).to_string(),
                    },
                },
            );
            return;
        }
        let name = func
            .child_by_field_name("field")
            .map(|f| self.text(f))
            .unwrap_or(ftext);
        if name == "Wait" {
            self.model.joins.push(call.start_byte());
        }
        let is_after_func = matches!(ftext, "time.AfterFunc" | "context.AfterFunc");
        let is_group_go = func.kind() == "selector_expression" && name == "Go";
        if is_after_func || is_group_go {
            let kind = if is_after_func {
                GoKind::AfterFunc
            } else {
                GoKind::GroupGo
            };
            self.go_call(call, kind, st, stmt);
            return;
        }
        // Method calls on a typed receiver: call sites for the "every caller holds it" facts.
        if func.kind() == "selector_expression" && self.ctx == Ctx::Immediate {
            if let Some(operand) = func.child_by_field_name("operand") {
                if let Some(p) = self.place(operand) {
                    if let (Root::Type(t), true) = (&p.root, p.fields.is_empty()) {
                        self.model.call_sites.push(CallSite {
                            recv_type: t.clone(),
                            method: name.to_string(),
                            locks: st.locks.clone(),
                            byte: call.start_byte(),
                        });
                    }
                }
            }
        }
        if func.kind() != "func_literal" {
            self.expr(func, st, stmt);
        }
        self.record_call_ops(call, st, stmt);
        if let Some(args) = call.child_by_field_name("arguments") {
            for a in named_children(args) {
                if a.kind() == "func_literal" {
                    // A callback: assumed to run synchronously with the current locks.
                    let saved = self.ctx;
                    self.run_literal(a, st.locks.clone(), Entry::Inherit);
                    self.ctx = saved;
                } else if !(matches!(ftext, "delete" | "clear") && Some(a) == args.named_child(0)) {
                    self.expr(a, st, stmt);
                }
            }
        }
    }

    /// `delete(m, k)` and `clear(m)` as map writes; `len(m)` as a read.
    fn record_call_ops(&mut self, call: Node<'_>, st: &State, stmt: Node<'_>) {
        let Some(func) = call.child_by_field_name("function") else {
            return;
        };
        let ftext = self.text(func);
        if ftext == "len" && self.lookup("len").is_none() {
            if let Some(arg) = call
                .child_by_field_name("arguments")
                .and_then(|a| a.named_child(0))
            {
                if let Some(p) = self.place(arg) {
                    if self.is_map(&p) {
                        self.record_op(OpKind::Read, call, arg, None, &p, st, stmt);
                    }
                }
            }
            return;
        }
        if !matches!(ftext, "delete" | "clear") || self.lookup(ftext).is_some() {
            return;
        }
        let Some(args) = call.child_by_field_name("arguments") else {
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
    fn write_target(&mut self, target: Node<'_>, st: &mut State, stmt: Node<'_>) {
        match target.kind() {
            "index_expression" => {
                let Some(operand) = target.child_by_field_name("operand") else {
                    return;
                };
                let key = target.child_by_field_name("index");
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
            _ => self.expr(target, st, stmt),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn record_op(
        &mut self,
        kind: OpKind,
        node: Node<'_>,
        map: Node<'_>,
        key: Option<Node<'_>>,
        place: &Place,
        st: &State,
        stmt: Node<'_>,
    ) {
        if self.probing {
            return;
        }
        let mut idents = Vec::new();
        for (n, in_key) in std::iter::once((map, false)).chain(key.map(|k| (k, true))) {
            let mut ids = vec![n];
            ids.extend(crate::syntax::descendants(n, |x| {
                x.kind() == "func_literal"
            }));
            for i in ids {
                if i.kind() == "identifier" {
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
        let mut locks = st.locks.clone();
        for k in self.candidate_guards(place) {
            if let std::collections::btree_map::Entry::Vacant(slot) = locks.entry(k) {
                let v = self.entry_val(slot.key());
                slot.insert(v);
            }
        }
        let frame = self.frames.last().map(|f| f.start).unwrap_or(0);
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
            ctx: self.ctx,
            locks,
            frame,
        });
    }

    /// Mutex keys that could guard `place`, so that each operation records their state
    /// (entry states included) and rules need not know how entry states are decided.
    fn candidate_guards(&self, place: &Place) -> Vec<String> {
        let mut out = Vec::new();
        let parent = place.parent();
        match (&place.root, &parent) {
            (Root::Type(s), Some(p)) if p.fields.is_empty() => {
                if let Some(info) = self.pkg.decls.structs.get(s) {
                    for m in info.mutex_fields() {
                        out.push(format!("{s}.{m}"));
                    }
                    if info.embedded_mutex.is_some() {
                        out.push(s.clone());
                    }
                }
            }
            (Root::Pkg(_), None) => {
                for (name, v) in &self.pkg.decls.vars {
                    if matches!(v.hint, Hint::Mutex { .. }) {
                        out.push(format!("pkg.{name}"));
                    }
                }
            }
            _ => {}
        }
        out.sort();
        out
    }
}

fn find_ancestor<'t>(mut n: Node<'t>, kind: &str) -> Option<Node<'t>> {
    loop {
        if n.kind() == kind {
            return Some(n);
        }
        n = n.parent()?;
    }
}

fn descendants_of_kind<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    crate::syntax::descendants(node, |n| n.kind() == "func_literal")
        .filter(|n| n.kind() == kind)
        .collect()
}
