//! Ownership: a value the function allocates (a composite literal, `new`, `make`, a
//! constructor's or a copy method's result, a zero-value struct variable) is owned by the
//! function until it escapes: stored where another goroutine can reach it (a field, a
//! map, a package variable, another variable), sent on a channel, or captured by a
//! goroutine, a callback or a stored closure. A map inside an owned value cannot race:
//! no other goroutine can see it yet (RacerD's ownership; DESIGN.md section 2).
//!
//! Passing a value to a call does not count as an escape: the model cannot see what the
//! callee does, and reporting less is the side it errs on.

use tree_sitter::Node;

use super::Interp;
use crate::syntax::{named_children, NodeExt};

/// Method names whose result is a fresh copy of their receiver.
const COPY_METHODS: [&str; 8] = [
    "Clone", "DeepCopy", "Copy", "Snapshot", "clone", "deepCopy", "copy", "snapshot",
];

/// A function or method named like a constructor: its result is fresh.
fn constructor_name(name: &str) -> bool {
    let rest = name
        .strip_prefix("New")
        .or_else(|| name.strip_prefix("new"));
    rest.is_some_and(|r| r.is_empty() || r.starts_with(|c: char| c.is_uppercase()))
}

/// A method that fills a value it is handed with a copy (`in.DeepCopyInto(out)`): its
/// non-receiver parameters are the copy, owned by the call.
pub(super) fn copy_into_method(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("copyinto") || lower.contains("copyto") || lower.contains("cloneinto")
}

impl<'a> Interp<'a> {
    /// Whether `v` makes a value nobody else can see yet.
    pub(super) fn is_fresh_value(&self, v: Node<'_>) -> bool {
        let mut v = v;
        loop {
            match v.kind_name() {
                "parenthesized_expression" => match v.named_child(0) {
                    Some(inner) => v = inner,
                    None => return false,
                },
                "composite_literal" => return true,
                "unary_expression" if self.text(v).starts_with('&') => {
                    return v
                        .field("operand")
                        .is_some_and(|o| o.kind_name() == "composite_literal");
                }
                "call_expression" => {
                    let Some(func) = v.field("function") else {
                        return false;
                    };
                    let name = match func.kind_name() {
                        "identifier" => self.text(func),
                        "selector_expression" => {
                            func.field("field").map(|f| self.text(f)).unwrap_or("")
                        }
                        _ => return false,
                    };
                    let builtin = func.kind_name() == "identifier"
                        && matches!(name, "new" | "make")
                        && self.lookup(name).is_none()
                        && !self.decls.functions.contains(name);
                    return builtin
                        || constructor_name(name)
                        || (func.kind_name() == "selector_expression"
                            && COPY_METHODS.contains(&name));
                }
                _ => return false,
            }
        }
    }

    /// The identifiers whose *value* `e` uses (not a field or element of it): what
    /// storing `e` somewhere would share. Function literals are left out (their
    /// captures are handled where the literal goes).
    fn value_idents(&self, e: Node<'_>, out: &mut Vec<usize>) {
        match e.kind_name() {
            "identifier" => {
                if let Some(id) = self.lookup(self.text(e)) {
                    out.push(id);
                }
            }
            "parenthesized_expression" | "unary_expression" => {
                for c in named_children(e) {
                    self.value_idents(c, out);
                }
            }
            // `x.f`, `x[k]`, `f(x)`: a part of a value, or a callee's result.
            "selector_expression" | "index_expression" | "func_literal" => {}
            "call_expression" => {
                // `append(s, x)` stores `x` in what it returns.
                if let Some(f) = e.field("function") {
                    if self.text(f) == "append" {
                        if let Some(args) = e.field("arguments") {
                            for a in named_children(args) {
                                self.value_idents(a, out);
                            }
                        }
                    }
                }
            }
            _ => {
                for c in named_children(e) {
                    self.value_idents(c, out);
                }
            }
        }
    }

    fn escape(&mut self, ids: Vec<usize>) {
        for id in ids {
            self.model.bindings[id].escaped = true;
        }
    }

    /// `target = value`: the value escapes unless the target is a fresh local of its own
    /// (`_` discards it).
    pub(super) fn assigned(&mut self, target: Node<'_>, value: Node<'_>) {
        if target.kind_name() == "identifier" && self.text(target) == "_" {
            return;
        }
        let mut ids = Vec::new();
        self.value_idents(value, &mut ids);
        self.escape(ids);
    }

    /// `ch <- value`.
    pub(super) fn sent(&mut self, value: Node<'_>) {
        let mut ids = Vec::new();
        self.value_idents(value, &mut ids);
        self.escape(ids);
    }

    /// Code handed to another goroutine or stored for later: every variable it names is
    /// shared from here on.
    pub(super) fn captured(&mut self, code: Node<'_>) {
        let mut ids = Vec::new();
        for n in std::iter::once(code).chain(crate::syntax::descendants(code, |_| false)) {
            if n.kind_name() == "identifier" {
                if let Some(id) = self.lookup(self.text(n)) {
                    ids.push(id);
                }
            }
        }
        self.escape(ids);
    }

    /// A fresh value captured by one goroutine (started outside any loop) is handed to it:
    /// owned there, shared with it everywhere else. A second capture shares it.
    pub(super) fn handed(&mut self, code: Node<'_>, go: usize) {
        let mut ids = Vec::new();
        for n in std::iter::once(code).chain(crate::syntax::descendants(code, |_| false)) {
            if n.kind_name() == "identifier" {
                if let Some(id) = self.lookup(self.text(n)) {
                    ids.push(id);
                }
            }
        }
        for id in ids {
            let b = &mut self.model.bindings[id];
            if b.fresh && !b.escaped && b.handed_to.is_none() {
                b.handed_to = Some(go);
            } else if b.handed_to != Some(go) {
                b.escaped = true;
            }
        }
    }

    /// The variable whose value the map expression `e` is reached through, when that value
    /// is owned here: a fresh value that has not escaped (or was handed to the goroutine
    /// this code runs in: see [`Self::settle_hand_offs`]).
    pub(super) fn owned_root_binding(&self, e: Node<'_>) -> Option<usize> {
        let mut e = e;
        loop {
            match e.kind_name() {
                "selector_expression" | "index_expression" => {
                    e = e.field("operand")?;
                }
                "parenthesized_expression" => e = e.named_child(0)?,
                "unary_expression" => e = e.field("operand")?,
                "identifier" => {
                    let id = self.lookup(self.text(e))?;
                    let b = &self.model.bindings[id];
                    let here = match (b.handed_to, self.ctx) {
                        (None, _) => true,
                        (Some(g), crate::model::function::Ctx::Goroutine { go }) => g == go,
                        (Some(_), _) => false,
                    };
                    return (b.fresh && !b.escaped && here).then_some(id);
                }
                _ => return None,
            }
        }
    }
}

impl<'a> Interp<'a> {
    /// After the function is interpreted: a value handed to a goroutine stays that
    /// goroutine's only if the creator never names it again after the `go` statement;
    /// else the goroutine's accesses race with the creator's, and are no longer owned.
    pub(super) fn settle_hand_offs(&mut self) {
        let mut shared: Vec<usize> = Vec::new();
        for (id, b) in self.model.bindings.iter().enumerate() {
            let Some(g) = b.handed_to else { continue };
            let Some(info) = self.model.gos.get(g) else {
                continue;
            };
            let (lit_start, lit_end) = info.literal.unwrap_or((info.stmt_start, info.stmt_end));
            // The code the variable is visible in: the function or literal declaring it.
            let scope_end = if b.frame == self.model.start {
                self.model.end
            } else {
                self.decl
                    .descendant_for_byte_range(b.frame, b.frame + 4)
                    .and_then(|n| super::find_ancestor(n, "func_literal"))
                    .map_or(self.model.end, |n| n.end_byte())
            };
            let later_use = crate::syntax::descendants(self.decl, |_| false).any(|n| {
                n.kind_name() == "identifier"
                    && n.start_byte() > info.stmt_end
                    && n.end_byte() <= scope_end
                    && !(n.start_byte() >= lit_start && n.end_byte() <= lit_end)
                    && self.text(n) == b.name
            });
            if later_use {
                shared.push(id);
            }
        }
        if shared.is_empty() {
            return;
        }
        for (op, run, binding) in std::mem::take(&mut self.hand_off_runs) {
            if shared.contains(&binding) {
                self.model.ops[op].runs[run].owned = false;
            }
        }
        for (site, binding) in std::mem::take(&mut self.hand_off_sites) {
            if shared.contains(&binding) {
                self.model.call_sites[site].recv_owned = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_and_copies() {
        assert!(constructor_name("NewTable"));
        assert!(constructor_name("newTable"));
        assert!(constructor_name("New"));
        assert!(!constructor_name("Newsletter"));
        assert!(!constructor_name("renew"));
        assert!(copy_into_method("DeepCopyInto"));
        assert!(!copy_into_method("Copy"));
    }
}
