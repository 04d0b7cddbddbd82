//! Statements: blocks and scopes, assignments and declarations, branches and loops (a
//! second pass over a loop body, so that later iterations see what earlier ones left),
//! switches and selects, labels, `break`, `continue`, `goto`, and the calls that end a
//! path.

use tree_sitter::Node;

use super::{descendants_of_kind, known, BreakCtx, Interp, State};
use crate::model::decls::Hint;
use crate::model::function::*;
use crate::model::locks::{Cause, Held, Lock, LockVal};
use crate::model::place::Root;
use crate::syntax::{named_children, NodeExt};

impl<'a> Interp<'a> {
    pub(super) fn block(&mut self, node: Node<'_>, state: Option<State>) -> Option<State> {
        let mark = self.scope.len();
        self.block_marks.push(mark);
        let mut st = state;
        let children = named_children(node);
        for (i, child) in children.iter().enumerate() {
            let Some(s) = st.take() else {
                break;
            };
            if let Some(key) = self.fork_key(&children, i, &s) {
                let ends = self.fork(&children, i, &key, s);
                // (tree-sitter-go wraps a block's statements in a `statement_list`.)
                let block = match node.kind_name() {
                    "statement_list" => node.parent(),
                    _ => Some(node),
                };
                let body_of = block.and_then(|b| b.parent()).map(|p| p.kind_name());
                if matches!(
                    body_of,
                    Some("function_declaration" | "method_declaration" | "func_literal")
                ) {
                    // The function's own body: each path leaves by an exit of its own, so
                    // its deferred calls run with the path's assumptions.
                    let exit = block.unwrap_or(node).end_byte().saturating_sub(1);
                    let frame = self.frames.last_mut().unwrap();
                    frame
                        .exits
                        .extend(ends.into_iter().flatten().map(|e| (exit, e)));
                } else {
                    st = self.join_all(ends.into_iter().flatten().collect());
                }
                break;
            }
            st = self.stmt(*child, Some(s));
        }
        self.block_marks.pop();
        self.scope.truncate(mark);
        st
    }

    /// A name declared in the innermost open block.
    pub(super) fn lookup_in_block(&self, name: &str) -> Option<usize> {
        let mark = self.block_marks.last().copied().unwrap_or(0);
        self.scope[mark..]
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }

    pub(super) fn stmt(&mut self, node: Node<'_>, state: Option<State>) -> Option<State> {
        let mut st = state?;
        if !self.step() {
            return None;
        }
        self.forget_assumptions(node, &mut st);
        match node.kind_name() {
            "block" | "statement_list" => self.block(node, Some(st)),
            "comment" | "empty_statement" | "type_declaration" | "const_declaration" => Some(st),
            "expression_statement" => {
                let e = node.named_child(0)?;
                if self.exit_call(e) == Some(known::Exit::RunsDefers) {
                    self.expr(e, &mut st, node);
                    self.frames
                        .last_mut()
                        .unwrap()
                        .exits
                        .push((node.start_byte(), st));
                    return None;
                }
                if self.exit_call(e) == Some(known::Exit::SkipsDefers) {
                    return None;
                }
                self.expr(e, &mut st, node);
                Some(st)
            }
            "send_statement" => {
                self.exprs_in(node, &mut st, node);
                if let Some(v) = node.field("value") {
                    self.sent(v);
                }
                Some(st)
            }
            "inc_statement" | "dec_statement" => {
                if let Some(target) = node.named_child(0) {
                    self.write_target(target, &mut st, node);
                }
                Some(st)
            }
            "assignment_statement" => {
                let right = node.field("right");
                if let Some(right) = right {
                    self.exprs_in(right, &mut st, node);
                }
                if let Some(left) = node.field("left") {
                    let targets = named_children(left);
                    let values: Vec<Node<'_>> = right.map(named_children).unwrap_or_default();
                    if targets.len() == values.len() {
                        for (t, v) in targets.iter().zip(&values) {
                            self.assigned(*t, *v);
                        }
                    }
                    for target in targets {
                        self.write_target(target, &mut st, node);
                    }
                }
                Some(st)
            }
            "short_var_declaration" => {
                let right = node.field("right");
                let values: Vec<Node<'_>> = right.map(named_children).unwrap_or_default();
                let left_count = node
                    .field("left")
                    .map(|l| named_children(l).len())
                    .unwrap_or(0);
                // `name := func() { … }`: the literal runs where the variable is called
                // (`name()`, `defer name()`, `go name()`), not here.
                let closure_decl = values.len() == left_count;
                for v in &values {
                    if closure_decl && v.kind_name() == "func_literal" {
                        continue;
                    }
                    self.expr(*v, &mut st, node);
                }
                if let Some(left) = node.field("left") {
                    let names = named_children(left);
                    let single = values.len() == names.len();
                    for (i, n) in names.iter().enumerate() {
                        let name = self.text(*n).to_string();
                        if single {
                            self.assigned(*n, values[i]);
                        }
                        // `a, err := f()` assigns `err` when this block declared it already.
                        if let Some(id) = self.lookup_in_block(&name) {
                            self.model.bindings[id].assigns.push(node.start_byte());
                            continue;
                        }
                        // `v, ok := m[k]`: `v` is the element, as in `v := m[k]`.
                        let comma_ok = names.len() == 2
                            && values.len() == 1
                            && values[0].kind_name() == "index_expression";
                        let element = (i == 0 && comma_ok).then(|| values[0]);
                        // `s, cleanup := newServer(t)`: `s` is the call's first result.
                        let first_result = i == 0
                            && values.len() == 1
                            && values[0].kind_name() == "call_expression";
                        let hint = if single {
                            self.value_hint(values[i])
                        } else if let Some(v) = element.or(first_result.then(|| values[0])) {
                            self.value_hint(v)
                        } else {
                            Hint::Other
                        };
                        let type_text = if single {
                            self.made_chan(values[i])
                        } else {
                            None
                        };
                        let id = self.declare(
                            &name,
                            n.start_byte(),
                            BindingKind::Local,
                            hint,
                            type_text,
                        );
                        self.model.bindings[id].fresh = single && self.is_fresh_value(values[i]);
                        if let Some(v) = element {
                            self.model.bindings[id].alias = self.map_alias(v);
                        }
                        if single {
                            self.model.bindings[id].alias = self.map_alias(values[i]);
                            if values[i].kind_name() == "func_literal" {
                                self.model.bindings[id].closure =
                                    Some((values[i].start_byte(), values[i].end_byte()));
                                self.closures.push(id);
                            }
                        }
                    }
                }
                Some(st)
            }
            "var_declaration" => {
                for spec in descendants_of_kind(node, "var_spec") {
                    let value = spec.field("value");
                    if let Some(v) = value {
                        self.exprs_in(v, &mut st, node);
                    }
                    let ty = spec.field("type");
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
                        let value = (values.len() == names.len()).then(|| values[i]);
                        if let Some(v) = value {
                            self.assigned(*n, v);
                        }
                        // `var t T` of a struct type is a zero value of its own.
                        let fresh = match value {
                            Some(v) => self.is_fresh_value(v),
                            None => {
                                matches!(hint, Hint::Struct(_))
                                    && ty.is_some_and(|t| t.kind_name() == "type_identifier")
                            }
                        };
                        let id = self.declare(
                            &name,
                            n.start_byte(),
                            BindingKind::Local,
                            hint,
                            type_text,
                        );
                        self.model.bindings[id].fresh = fresh;
                        if let Some(v) = value {
                            self.model.bindings[id].alias = self.map_alias(v);
                        }
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
                if let Some(init) = node.field("initializer") {
                    st = self.stmt(init, Some(st))?;
                }
                if let Some(cond) = node.field("condition") {
                    self.expr(cond, &mut st, node);
                }
                // A condition this path has assumed takes its branch only.
                let assumed = self.condition_key(node).and_then(|(k, taken_when)| {
                    let (_, v) = st.path.iter().find(|(x, _)| *x == k)?;
                    Some(*v == taken_when)
                });
                if let Some(then_taken) = assumed {
                    let out = if then_taken {
                        node.field("consequence")
                            .and_then(|b| self.block(b, Some(st)))
                    } else {
                        match node.field("alternative") {
                            Some(alt) => self.stmt(alt, Some(st)),
                            None => Some(st),
                        }
                    };
                    self.scope.truncate(mark);
                    return out;
                }
                let then = node
                    .field("consequence")
                    .and_then(|b| self.block(b, Some(st.clone())));
                let other = match node.field("alternative") {
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
                let label = node.field("label").map(|l| self.text(l).to_string());
                let inner = named_children(node)
                    .into_iter()
                    .find(|c| c.kind_name() != "label_name")?;
                if self.model.has_goto {
                    // A goto can jump here from anywhere: nothing is known.
                    for v in st.locks.iter_mut().map(|(_, v)| v) {
                        *v = Held::Known(LockVal::new(Lock::Unknown, Cause::Join));
                    }
                }
                if inner.kind_name() == "for_statement" {
                    self.pending_label = label;
                }
                self.stmt(inner, Some(st))
            }
            "break_statement" | "continue_statement" => {
                let label = node.named_child(0).map(|l| self.text(l).to_string());
                let is_break = node.kind_name() == "break_statement";
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

    /// How the call `e` ends its path, if it does.
    pub(super) fn exit_call(&self, e: Node<'_>) -> Option<known::Exit> {
        if e.kind_name() != "call_expression" {
            return None;
        }
        known::exit_call(self.text(e.field("function")?))
    }

    pub(super) fn for_stmt(&mut self, node: Node<'_>, mut st: State) -> Option<State> {
        let mark = self.scope.len();
        let label = self.pending_label.take();
        let mut vars = Vec::new();
        let mut unbounded = true;
        let mut has_exit_condition = false;
        self.block_marks.push(mark);
        let body = node.field("body")?;
        for clause in named_children(node) {
            match clause.kind_name() {
                "for_clause" => {
                    if let Some(init) = clause.field("initializer") {
                        let before = self.model.bindings.len();
                        st = self.stmt(init, Some(st))?;
                        for id in before..self.model.bindings.len() {
                            self.model.bindings[id].kind = BindingKind::LoopVar;
                            vars.push(id);
                        }
                    }
                    if let Some(cond) = clause.field("condition") {
                        self.expr(cond, &mut st, node);
                        unbounded = false;
                        has_exit_condition = true;
                    }
                    // A three-clause loop without a condition is still unbounded.
                }
                "range_clause" => {
                    let right = clause.field("right");
                    let mut channel = false;
                    // `for _, inner := range s.byKey` over a map of maps: the value is an
                    // element of the guarded map.
                    let mut elements = None;
                    if let Some(r) = right {
                        self.expr(r, &mut st, node);
                        if let Some(p) = self.place(r) {
                            if self.is_map(&p) {
                                self.record_op(OpKind::Range, r, r, None, &p, &st, node);
                                if self.elem_hint(&p) == Some(Hint::Map) && !p.is_opaque() {
                                    let mut inner = p.clone();
                                    inner.fields.push(crate::model::place::ELEM.to_string());
                                    elements = Some(inner);
                                }
                            }
                        }
                        channel = self.looks_like_channel(r);
                        // Ranging over a channel waits for whoever closes it.
                        if channel {
                            self.model.joins.push(r.start_byte());
                        }
                    }
                    unbounded = channel;
                    has_exit_condition = true;
                    if let Some(left) = clause.field("left") {
                        let is_define = crate::syntax::children(clause)
                            .iter()
                            .any(|c| c.kind_name() == ":=");
                        for (i, n) in named_children(left).into_iter().enumerate() {
                            if is_define && n.kind_name() == "identifier" {
                                let name = self.text(n).to_string();
                                let value = i == 1 && elements.is_some();
                                let id = self.declare(
                                    &name,
                                    n.start_byte(),
                                    BindingKind::LoopVar,
                                    if value { Hint::Map } else { Hint::Other },
                                    None,
                                );
                                if value {
                                    self.model.bindings[id].alias = elements.clone();
                                }
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
    pub(super) fn made_chan(&self, v: Node<'_>) -> Option<String> {
        if v.kind_name() != "call_expression" || self.text(v.field("function")?) != "make" {
            return None;
        }
        let ty = v.field("arguments")?.named_child(0)?;
        (ty.kind_name() == "channel_type").then(|| self.text(ty).to_string())
    }

    pub(super) fn looks_like_channel(&self, e: Node<'_>) -> bool {
        if e.kind_name() == "identifier" {
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
                if let Some(f) = self.decls.structs.get(s).and_then(|i| i.fields.get(field)) {
                    return f.is_chan;
                }
            }
        }
        false
    }

    pub(super) fn switch_stmt(&mut self, node: Node<'_>, mut st: State) -> Option<State> {
        let mark = self.scope.len();
        if let Some(init) = node.field("initializer") {
            st = self.stmt(init, Some(st))?;
        }
        if let Some(v) = node.field("value") {
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
            let kind = case.kind_name();
            if !matches!(
                kind,
                "expression_case" | "type_case" | "default_case" | "communication_case"
            ) {
                continue;
            }
            has_default |= kind == "default_case";
            let mut cs = st.clone();
            let cmark = self.scope.len();
            if let Some(v) = case.field("value") {
                self.expr(v, &mut cs, case);
            }
            if let Some(comm) = case.field("communication") {
                if let Some(s) = self.stmt(comm, Some(cs.clone())) {
                    cs = s;
                }
            }
            let mut s = Some(cs);
            for child in named_children(case) {
                if child.kind_name() == "statement_list" {
                    s = self.block(child, s);
                }
            }
            self.scope.truncate(cmark);
            ends.extend(s);
        }
        // A select without default blocks until a case runs; a switch without default can
        // run no case at all.
        if !has_default && node.kind_name() != "select_statement" {
            ends.push(st);
        }
        let ctx = self.frames.last_mut().unwrap().breaks.pop().unwrap();
        ends.extend(ctx.breaks);
        self.scope.truncate(mark);
        self.join_all(ends)
    }
}
