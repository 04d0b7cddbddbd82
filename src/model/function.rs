//! What the model knows about one function: its map operations with the lock state at
//! the moment each one runs, its defers and goroutines, its variables. Built by
//! [`super::interp`]; read by the rules.

use super::decls::Hint;
use super::locks::Locks;
use super::place::Place;

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

#[derive(Debug, Clone)]
pub struct MapOp {
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
    pub ctx: Ctx,
    pub locks: Locks,
    /// Start byte of the function or function literal whose body holds the operation.
    pub frame: usize,
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
pub struct DeferInfo {
    pub stmt_start: usize,
    pub stmt_end: usize,
    /// The deferred call expression.
    pub call_start: usize,
    pub call_end: usize,
    /// The function literal, when the defer runs a closure.
    pub closure: Option<(usize, usize)>,
    /// Loops between the defer and its function (innermost last).
    pub loops: Vec<LoopInfo>,
    pub locks_at_registration: Locks,
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
pub struct GoInfo {
    pub kind: GoKind,
    pub stmt_start: usize,
    pub stmt_end: usize,
    pub literal: Option<(usize, usize)>,
    pub body: Option<(usize, usize)>,
    pub creator_locks: Locks,
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
}

#[derive(Debug, Clone)]
pub struct CallSite {
    pub recv_type: String,
    pub method: String,
    pub locks: Locks,
    pub byte: usize,
}

#[derive(Debug, Clone)]
pub struct LockCall {
    pub mutex: Place,
    pub method: &'static str,
    pub start: usize,
    pub end: usize,
    pub deferred: bool,
    pub frame: usize,
}

#[derive(Debug, Clone, Default)]
pub struct FunctionModel {
    pub start: usize,
    pub end: usize,
    pub name: String,
    pub receiver_type: Option<String>,
    pub ops: Vec<MapOp>,
    pub defers: Vec<DeferInfo>,
    pub gos: Vec<GoInfo>,
    pub bindings: Vec<Binding>,
    pub call_sites: Vec<CallSite>,
    pub lock_calls: Vec<LockCall>,
    /// Byte offset of each exit (a `return`, a `panic`, or the end of the body), by id.
    pub exits: Vec<usize>,
    /// Receive operations and `Wait()` calls: the places a goroutine can be joined.
    pub joins: Vec<usize>,
    /// True where `goto` makes the path model unreliable.
    pub has_goto: bool,
}

impl FunctionModel {
    pub fn binding(&self, id: usize) -> &Binding {
        &self.bindings[id]
    }
}
