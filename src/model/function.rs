//! What the model knows about one function: its map operations with the lock state at
//! the moment each one runs, its defers and goroutines, its variables. Built by
//! [`super::interp`] with symbolic entry states ([`HeldLocks`]), resolved by the package's
//! facts into the [`Locks`] the rules read.

use super::decls::Hint;
use super::locks::{HeldLocks, Locks};
use super::place::{MutexKey, Place, Root};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// `delete`, `clear`, `m[k] = v`, `m[k] op= v`, `m[k]++`.
    Write,
    /// `m[k]`, `v, ok := m[k]`.
    Read,
    /// `for k, v := range m`.
    Range,
}

/// When an operation runs relative to the statement that creates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ctx {
    /// In the function's own flow (or a callback assumed to run synchronously).
    Immediate,
    /// In a deferred call or closure, evaluated for the exit `exit`.
    Deferred { defer: usize, exit: usize },
    /// In a goroutine or timer callback started by `go` (index into `gos`).
    Goroutine { go: usize },
    /// In a function literal stored for later; the model does not know when it runs.
    Stored,
}

#[derive(Debug, Clone)]
pub struct IdentRef {
    pub name: String,
    pub binding: Option<usize>,
    pub in_key: bool,
}

/// One map operation of the function, with every time the model saw it run: once per
/// exit path for a deferred one, once per pass over a loop body.
#[derive(Debug, Clone)]
pub struct MapOp<L = Locks> {
    pub kind: OpKind,
    /// The operation's own node (the `delete` call, the assignment, the index expression).
    pub start: usize,
    pub end: usize,
    /// The innermost statement holding the operation.
    pub stmt_start: usize,
    pub stmt_end: usize,
    pub map: Place,
    pub map_text: String,
    pub key_text: Option<String>,
    pub idents: Vec<IdentRef>,
    /// Start byte of the function or function literal whose body holds the operation.
    pub frame: usize,
    /// Never empty. The context has the same kind in every run; only which defer, exit or
    /// goroutine differs.
    pub runs: Vec<OpRun<L>>,
    /// A write a call performs in the package's code it calls: the names called, the
    /// callee first (the operation's span is the call's).
    pub via: Vec<String>,
}

/// The branch conditions a path has assumed, in order: the condition as written (without
/// a leading `!`) and the value it has there. Two `if`s on the same unchanged condition
/// take the same branch (`if !locked { mu.Lock() } … if !locked { mu.Unlock() }`).
pub type Path = Vec<(String, bool)>;

#[derive(Debug, Clone)]
pub struct OpRun<L = Locks> {
    pub ctx: Ctx,
    /// The conditions assumed on the path of this run (empty where no branch was
    /// correlated).
    pub path: Path,
    /// The map is inside a value the function made and has not shared yet: no other
    /// goroutine can reach it (see `interp::ownership`).
    pub owned: bool,
    /// The mutexes the function has touched there, and every mutex that could guard the
    /// map (entry states included), so that rules need not know how entry states are
    /// decided.
    pub locks: L,
}

impl<L> MapOp<L> {
    /// The same operation with each run's lock states mapped by `f`.
    pub fn map_locks<M>(self, f: &mut dyn FnMut(&L) -> M) -> MapOp<M> {
        MapOp {
            kind: self.kind,
            start: self.start,
            end: self.end,
            stmt_start: self.stmt_start,
            stmt_end: self.stmt_end,
            map: self.map,
            map_text: self.map_text,
            key_text: self.key_text,
            idents: self.idents,
            frame: self.frame,
            via: self.via,
            runs: self
                .runs
                .into_iter()
                .map(|r| OpRun {
                    ctx: r.ctx,
                    path: r.path,
                    owned: r.owned,
                    locks: f(&r.locks),
                })
                .collect(),
        }
    }

    /// The context of its first run (all runs have the same kind of context).
    pub fn ctx(&self) -> Ctx {
        self.runs[0].ctx
    }

    /// Whether it runs in the deferred call registered as `defers[id]`.
    pub fn deferred_by(&self, id: usize) -> bool {
        self.runs
            .iter()
            .any(|r| matches!(r.ctx, Ctx::Deferred { defer, .. } if defer == id))
    }
}

#[derive(Debug, Clone)]
pub struct LoopInfo {
    pub start: usize,
    pub end: usize,
    pub body_start: usize,
    pub body_end: usize,
    /// `for {}`, `for cond {}`, or `range` over a channel: no bound on the iterations.
    pub unbounded: bool,
    /// Variables the `for` or `range` clause declares.
    pub vars: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct DeferInfo<L = Locks> {
    pub stmt_start: usize,
    pub stmt_end: usize,
    /// The deferred call expression.
    pub call_start: usize,
    pub call_end: usize,
    /// The function literal, when the defer runs a closure.
    pub closure: Option<(usize, usize)>,
    /// That literal is a variable's (`defer unlock()`), declared elsewhere.
    pub closure_var: bool,
    /// Loops between the defer and its function (innermost last).
    pub loops: Vec<LoopInfo>,
    pub locks_at_registration: L,
    pub frame: usize,
    /// Exits (by id) on whose path this defer was registered, with "maybe" when only
    /// some paths to that exit register it.
    pub runs_at: Vec<(usize, bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoKind {
    GoStatement,
    /// `time.AfterFunc`, `context.AfterFunc`: a callback on another goroutine.
    AfterFunc,
    /// `g.Go(func() …)` (errgroup, `sync.WaitGroup.Go`).
    GroupGo,
}

#[derive(Debug, Clone)]
pub struct GoInfo<L = Locks> {
    pub kind: GoKind,
    pub stmt_start: usize,
    pub stmt_end: usize,
    pub literal: Option<(usize, usize)>,
    pub body: Option<(usize, usize)>,
    pub creator_locks: L,
    pub loops: Vec<LoopInfo>,
    pub frame: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingKind {
    Receiver,
    Param,
    NamedResult,
    Local,
    LoopVar,
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub name: String,
    pub decl: usize,
    pub kind: BindingKind,
    pub hint: Hint,
    /// The declared type as written, when the declaration says it.
    pub type_text: Option<String>,
    /// Byte offsets of assignments after the declaration (`x = …`, `x++`, `x, y = …`).
    pub assigns: Vec<usize>,
    /// Start byte of the function or literal that declares it.
    pub frame: usize,
    /// It holds a value the function made (see `interp::ownership`).
    pub fresh: bool,
    /// That value has escaped by now (during interpretation: by the point interpreted).
    pub escaped: bool,
    /// The one goroutine it was handed to (captured by a `go` statement outside any
    /// loop, and not shared otherwise): owned there, shared with it everywhere else.
    pub handed_to: Option<usize>,
    /// The map of the package it was bound to (`cache := d.active`), if any.
    pub alias: Option<Place>,
    /// The function literal it was declared with (`unlock := func() { … }`): a call of
    /// the variable runs it there.
    pub closure: Option<(usize, usize)>,
}

/// A call of a function or method of the package: what its callers hold comes from here.
#[derive(Debug, Clone)]
pub struct CallSite<L = Locks> {
    /// The receiver's type, or "" for a function.
    pub recv_type: String,
    pub method: String,
    pub locks: L,
    pub byte: usize,
    pub end: usize,
    /// `go x.m()`: the callee runs on a goroutine of its own, holding nothing.
    pub spawned: bool,
    /// When the call runs: now, in a deferred call at an exit, in a goroutine.
    pub ctx: Ctx,
    /// The state of a mutex `locks` does not name: the entry state of the code the call
    /// is in (a goroutine's frame holds nothing).
    pub untouched: super::locks::Held,
    /// The receiver as the call writes it (`c` in `c.flush()`).
    pub recv_text: Option<String>,
    /// The receiver is a value the caller made and has not shared: what the method
    /// writes of it is no one else's (see `interp::ownership`).
    pub recv_owned: bool,
}

/// `Lock`, `Unlock`, `RLock`, `RUnlock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockMethod {
    Lock,
    Unlock,
    RLock,
    RUnlock,
}

impl LockMethod {
    pub const ALL: [LockMethod; 4] = [
        LockMethod::Lock,
        LockMethod::Unlock,
        LockMethod::RLock,
        LockMethod::RUnlock,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LockMethod::Lock => "Lock",
            LockMethod::Unlock => "Unlock",
            LockMethod::RLock => "RLock",
            LockMethod::RUnlock => "RUnlock",
        }
    }

    pub fn from_name(name: &str) -> Option<LockMethod> {
        LockMethod::ALL.into_iter().find(|m| m.name() == name)
    }

    /// `Lock` and `RLock`.
    pub fn acquires(self) -> bool {
        matches!(self, LockMethod::Lock | LockMethod::RLock)
    }

    /// `RLock` and `RUnlock`: only a `sync.RWMutex` has them.
    pub fn is_read(self) -> bool {
        matches!(self, LockMethod::RLock | LockMethod::RUnlock)
    }
}

#[derive(Debug, Clone)]
pub struct LockCall {
    pub mutex: MutexKey,
    pub method: LockMethod,
    pub start: usize,
    pub end: usize,
    pub deferred: bool,
    pub frame: usize,
}

#[derive(Debug, Clone)]
pub struct FunctionModel<L = Locks> {
    pub start: usize,
    pub end: usize,
    pub name: String,
    pub receiver_type: Option<String>,
    pub ops: Vec<MapOp<L>>,
    /// The map writes its calls of the package's functions perform, at each call (see
    /// `facts::summaries`); filled when the function is resolved.
    pub call_writes: Vec<MapOp<L>>,
    pub defers: Vec<DeferInfo<L>>,
    pub gos: Vec<GoInfo<L>>,
    pub bindings: Vec<Binding>,
    pub call_sites: Vec<CallSite<L>>,
    pub lock_calls: Vec<LockCall>,
    /// Byte offset of each exit (a `return`, a `panic`, or the end of the body), by id.
    pub exits: Vec<usize>,
    /// Receive operations and `Wait()` calls: the places a goroutine can be joined.
    pub joins: Vec<usize>,
    /// True where `goto` makes the path model unreliable: the lock states the rules read
    /// are then all unknown (see `facts::resolve`).
    pub has_goto: bool,
    /// Declared in a `_test.go` file: its accesses are not evidence of a guard.
    pub in_test_file: bool,
    /// Which file of the package declares it (in the order the package's files were
    /// given): with `start`, what tells functions apart.
    pub file: usize,
}

/// A function as the interpreter leaves it: lock states still symbolic.
pub type RawFunction = FunctionModel<HeldLocks>;

impl<L> FunctionModel<L> {
    pub fn new(start: usize, end: usize, name: String, receiver_type: Option<String>) -> Self {
        FunctionModel {
            start,
            end,
            name,
            receiver_type,
            ops: Vec::new(),
            call_writes: Vec::new(),
            defers: Vec::new(),
            gos: Vec::new(),
            bindings: Vec::new(),
            call_sites: Vec::new(),
            lock_calls: Vec::new(),
            exits: Vec::new(),
            joins: Vec::new(),
            has_goto: false,
            in_test_file: false,
            file: 0,
        }
    }

    /// Give back the room its lists grew into: a package keeps every model until its
    /// facts are decided, and a list's first growth reserves four elements, so a small
    /// function's one operation, one defer and one binding took three times their size.
    pub fn shrink_to_fit(&mut self) {
        self.ops.shrink_to_fit();
        for op in &mut self.ops {
            op.runs.shrink_to_fit();
        }
        self.call_writes.shrink_to_fit();
        self.defers.shrink_to_fit();
        self.gos.shrink_to_fit();
        self.bindings.shrink_to_fit();
        self.call_sites.shrink_to_fit();
        self.lock_calls.shrink_to_fit();
        self.exits.shrink_to_fit();
        self.joins.shrink_to_fit();
    }

    pub fn binding(&self, id: usize) -> &Binding {
        &self.bindings[id]
    }

    /// `(receiver type or "", name)`: how conventions and caller facts name it.
    pub fn key(&self) -> (String, String) {
        (
            self.receiver_type.clone().unwrap_or_default(),
            self.name.clone(),
        )
    }

    /// Mutexes the function's own body (not its function literals) locks and unlocks by
    /// explicit calls: what says how it expects them on entry.
    pub fn own_lock_calls(&self) -> impl Iterator<Item = &LockCall> {
        self.lock_calls
            .iter()
            .filter(move |c| !c.deferred && c.frame == self.start)
    }

    /// The same function with every lock state mapped by `f`.
    pub fn map_locks<M>(self, f: &mut dyn FnMut(&L) -> M) -> FunctionModel<M> {
        FunctionModel {
            start: self.start,
            end: self.end,
            name: self.name,
            receiver_type: self.receiver_type,
            ops: self.ops.into_iter().map(|op| op.map_locks(f)).collect(),
            call_writes: self
                .call_writes
                .into_iter()
                .map(|op| op.map_locks(f))
                .collect(),
            defers: self
                .defers
                .into_iter()
                .map(|d| DeferInfo {
                    locks_at_registration: f(&d.locks_at_registration),
                    stmt_start: d.stmt_start,
                    stmt_end: d.stmt_end,
                    call_start: d.call_start,
                    call_end: d.call_end,
                    closure: d.closure,
                    closure_var: d.closure_var,
                    loops: d.loops,
                    frame: d.frame,
                    runs_at: d.runs_at,
                })
                .collect(),
            gos: self
                .gos
                .into_iter()
                .map(|g| GoInfo {
                    creator_locks: f(&g.creator_locks),
                    kind: g.kind,
                    stmt_start: g.stmt_start,
                    stmt_end: g.stmt_end,
                    literal: g.literal,
                    body: g.body,
                    loops: g.loops,
                    frame: g.frame,
                })
                .collect(),
            bindings: self.bindings,
            call_sites: self
                .call_sites
                .into_iter()
                .map(|c| CallSite {
                    locks: f(&c.locks),
                    recv_type: c.recv_type,
                    method: c.method,
                    byte: c.byte,
                    end: c.end,
                    spawned: c.spawned,
                    ctx: c.ctx,
                    untouched: c.untouched,
                    recv_text: c.recv_text,
                    recv_owned: c.recv_owned,
                })
                .collect(),
            lock_calls: self.lock_calls,
            exits: self.exits,
            joins: self.joins,
            has_goto: self.has_goto,
            in_test_file: self.in_test_file,
            file: self.file,
        }
    }
}

impl RawFunction {
    /// Drop what only the rules read, from a function modeled for the package's facts
    /// alone, never judged (`model::demand` keeps thousands of them in a large package):
    /// its defers, exits and joins, its operations' key and identifier texts, and what
    /// its bindings say beyond their hints (`facts::guards` asks whether a local is a
    /// mutex).
    pub fn keep_facts_only(&mut self) {
        self.defers = Vec::new();
        self.exits = Vec::new();
        self.joins = Vec::new();
        for op in &mut self.ops {
            op.idents = Vec::new();
            op.key_text = None;
        }
        let local_mutex = |m: &MutexKey| matches!(m.place().root, Root::Local { .. });
        let any_local_mutex = self.lock_calls.iter().any(|c| local_mutex(&c.mutex))
            || self
                .ops
                .iter()
                .flat_map(|op| &op.runs)
                .any(|r| r.locks.keys().any(local_mutex))
            || self
                .call_sites
                .iter()
                .any(|c| c.locks.keys().any(local_mutex))
            || self
                .gos
                .iter()
                .any(|g| g.creator_locks.keys().any(local_mutex));
        if !any_local_mutex {
            self.bindings = Vec::new();
        }
        for b in &mut self.bindings {
            b.name = String::new();
            b.type_text = None;
            b.assigns = Vec::new();
            b.alias = None;
        }
    }
}
