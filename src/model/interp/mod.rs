//! An abstract interpreter over a function's syntax tree: it walks statements in order,
//! tracks the state of every mutex along the paths (joining where paths meet), records
//! defers in registration order, and at every exit runs the deferred calls last-in,
//! first-out against the exit's lock state. Deferred closures are interpreted at exit
//! time, with the state they will really see (Go facts 1, 2, 3, 9).
//!
//! Each function is interpreted once, without knowing its callers: a mutex it has not
//! touched is in its entry state, a symbol the package's facts resolve afterwards (see
//! [`super::locks::Held`] and `super::facts`).
//!
//! Split by concern, as rust-analyzer splits its type inference:
//! - [`scope`]: bindings, and what an expression denotes (places, type hints);
//! - [`frames`]: function bodies and literals as frames, exits, defers run LIFO,
//!   goroutines and callbacks, entry states and joins;
//! - [`stmts`]: statements, loops, switches, labels;
//! - [`exprs`]: expressions and calls, and the map operations they record;
//! - [`known`]: the table of functions whose meaning the model knows.

mod correlated;
mod exprs;
mod frames;
pub mod known;
mod ownership;
mod scope;
mod stmts;

use std::collections::HashMap;

use tree_sitter::Node;

use super::decls::Decls;
use super::function::*;
use super::locks::HeldLocks;
use crate::syntax::{NodeExt, ParsedFile};

#[derive(Clone)]
struct DeferRef {
    id: usize,
    maybe: bool,
}

#[derive(Clone)]
struct State {
    locks: HeldLocks,
    defers: Vec<DeferRef>,
    /// The branch conditions this path has assumed (see `stmts::correlated`).
    path: Path,
}

/// How a frame's code starts, which decides the state of a mutex it has not touched.
#[derive(Clone, Copy, PartialEq)]
enum Entry {
    /// The function itself: its entry state, a symbol until the package's facts say.
    TopLevel,
    /// A goroutine or callback on another goroutine: nothing is held.
    Goroutine,
    /// A literal that runs here and now (called in place, a deferred closure at exit):
    /// whatever the frame around it has.
    Inherit,
    /// A literal stored for later: the model does not know when it runs.
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
}

pub struct Interp<'a> {
    f: &'a ParsedFile,
    /// The function declaration: nodes are looked up below it rather than from the
    /// file's root, which in a file of many functions costs a walk over all of them.
    decl: Node<'a>,
    decls: &'a Decls,
    model: RawFunction,
    /// Where each operation recorded so far is in `model.ops`, by node and kind: a node
    /// seen again (another exit, another pass over a loop) is another run of it.
    op_index: HashMap<(usize, usize, OpKind), usize>,
    scope: Vec<(String, usize)>,
    frames: Vec<Frame>,
    ctx: Ctx,
    regs: Vec<DeferReg>,
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
    /// Fields replaced so far (`d.active = …`) and where: an alias taken before no longer
    /// names the field's map.
    place_assigns: Vec<(super::place::Place, usize)>,
    /// Variables bound to function literals, and those whose literal ran somewhere.
    closures: Vec<usize>,
    /// Runs and call sites owned because their value was handed to a goroutine, with the
    /// variable: settled once the whole function is seen.
    hand_off_runs: Vec<(usize, usize, usize)>,
    hand_off_sites: Vec<(usize, usize)>,
    closures_run: std::collections::HashSet<usize>,
    /// The function literals being run, innermost last, by start byte.
    running_literals: Vec<usize>,
    /// The path of the exit whose deferred calls are running.
    exit_path: Path,
    /// Calls of closure variables run inline so far (see `MAX_CLOSURE_CALLS_RUN`).
    closure_calls_run: usize,
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

/// Model one top-level function or method declaration, with symbolic entry states.
pub fn model_function(f: &ParsedFile, decls: &Decls, decl: Node<'_>) -> Option<RawFunction> {
    let body = decl.field("body")?;
    let mut run = Interp::new(f, decls, decl);
    run.max_steps = step_budget(decl);
    run.run_top(decl, body);
    if run.steps > run.max_steps {
        return None;
    }
    let mut model = run.model;
    model.shrink_to_fit();
    Some(model)
}

impl<'a> Interp<'a> {
    fn new(f: &'a ParsedFile, decls: &'a Decls, decl: Node<'a>) -> Self {
        let name = decl
            .field("name")
            .map(|n| f.text(n).to_string())
            .unwrap_or_default();
        let receiver = if decl.kind_name() == "method_declaration" {
            super::decls::receiver_type(f, decl).map(|(t, _)| t)
        } else {
            None
        };
        Interp {
            f,
            decl,
            decls,
            model: FunctionModel::new(decl.start_byte(), decl.end_byte(), name, receiver),
            op_index: HashMap::new(),
            scope: Vec::new(),
            frames: Vec::new(),
            ctx: Ctx::Immediate,
            regs: Vec::new(),
            budget: 20_000,
            steps: 0,
            max_steps: usize::MAX,
            pending_label: None,
            loop_depth: 0,
            block_marks: Vec::new(),
            place_assigns: Vec::new(),
            closures: Vec::new(),
            hand_off_runs: Vec::new(),
            hand_off_sites: Vec::new(),
            closures_run: std::collections::HashSet::new(),
            running_literals: Vec::new(),
            exit_path: Path::new(),
            closure_calls_run: 0,
        }
    }

    fn text(&self, n: Node<'_>) -> &'a str {
        crate::syntax::text(n, &self.f.src)
    }

    fn run_top(&mut self, decl: Node<'_>, body: Node<'_>) {
        if let Some(recv) = decl.field("receiver") {
            self.declare_params(recv, BindingKind::Receiver);
        }
        if let Some(params) = decl.field("parameters") {
            let before = self.model.bindings.len();
            self.declare_params(params, BindingKind::Param);
            // `in.DeepCopyInto(out)`: the parameters are the copy being filled.
            if decl.kind_name() == "method_declaration"
                && ownership::copy_into_method(&self.model.name)
            {
                for b in &mut self.model.bindings[before..] {
                    b.fresh = true;
                }
            }
        }
        if let Some(res) = decl.field("result") {
            if res.kind_name() == "parameter_list" {
                self.declare_params(res, BindingKind::NamedResult);
            }
        }
        let state = State {
            locks: HeldLocks::new(),
            defers: Vec::new(),
            path: Path::new(),
        };
        self.run_frame(decl.start_byte(), body, state, Entry::TopLevel);
        self.settle_hand_offs();
        // Literals bound to variables that nothing here called: handed elsewhere, so
        // stored for a time the model does not know.
        for id in std::mem::take(&mut self.closures) {
            if self.closures_run.contains(&id) {
                continue;
            }
            let Some((start, end)) = self.model.bindings[id].closure else {
                continue;
            };
            let Some(lit) = self.decl.descendant_for_byte_range(start, end) else {
                continue;
            };
            if lit.kind_name() != "func_literal" {
                continue;
            }
            let saved = self.ctx;
            self.ctx = Ctx::Stored;
            self.run_literal(lit, HeldLocks::new(), Entry::Unknown);
            self.ctx = saved;
        }
    }

    /// Count one step; false once the function has used up its budget.
    fn step(&mut self) -> bool {
        self.steps += 1;
        self.steps <= self.max_steps
    }

    /// The start of the innermost frame: the function or literal whose code runs.
    fn frame_start(&self) -> usize {
        self.frames.last().map(|f| f.start).unwrap_or(0)
    }
}

fn find_ancestor<'t>(mut n: Node<'t>, kind: &str) -> Option<Node<'t>> {
    loop {
        if n.kind_name() == kind {
            return Some(n);
        }
        n = n.parent()?;
    }
}

fn descendants_of_kind<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    crate::syntax::descendants(node, |n| n.kind_name() == "func_literal")
        .filter(|n| n.kind_name() == kind)
        .collect()
}
