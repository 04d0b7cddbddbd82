//! Correlated conditions: two `if`s in one block that test the same condition, unchanged in
//! between, take the same branch. `if !locked { mu.Lock() } … defer delete(m, k) … if
//! !locked { mu.Unlock() }` is one decision, not two: joining after the first `if` would
//! leave the lock "unknown" and hide that on the `!locked` path the deferred delete runs
//! after the unlock. The block is run once per value of the condition, each run carrying
//! the assumption in its state (`State::path`) to the `if`s that test it again and to the
//! deferred calls at its exits.
//!
//! A condition is stable when it names a variable or a field (`locked`, `c.shared`,
//! `!o.held`); any assignment to it drops the assumption. At most [`MAX_ASSUMED`]
//! conditions are assumed at once, so a function is run at most four times per block.

use tree_sitter::Node;

use super::{Interp, State};
use crate::model::locks::{Cause, Held, Lock, LockVal};
use crate::model::place::MutexKey;
use crate::syntax::{named_children, NodeExt};

const MAX_ASSUMED: usize = 2;

impl<'a> Interp<'a> {
    /// The condition of `if_stmt` as an assumption key: its stable text without a leading
    /// `!`, and the value that takes the `then` branch.
    pub(super) fn condition_key(&self, if_stmt: Node<'_>) -> Option<(String, bool)> {
        if if_stmt.kind_name() != "if_statement" || if_stmt.field("initializer").is_some() {
            return None;
        }
        let mut n = if_stmt.field("condition")?;
        let mut taken_when = true;
        loop {
            match n.kind_name() {
                "parenthesized_expression" => n = n.named_child(0)?,
                "unary_expression" if self.text(n).starts_with('!') => {
                    taken_when = !taken_when;
                    n = n.field("operand")?;
                }
                "identifier" | "selector_expression" if self.is_stable(n) => {
                    return Some((self.text(n).to_string(), taken_when));
                }
                _ => return None,
            }
        }
    }

    /// A variable or a chain of fields: reading it twice gives the same value unless
    /// something assigns it.
    fn is_stable(&self, n: Node<'_>) -> bool {
        match n.kind_name() {
            "identifier" => !matches!(self.text(n), "true" | "false" | "nil"),
            "selector_expression" => n.field("operand").is_some_and(|o| self.is_stable(o)),
            _ => false,
        }
    }

    /// Whether the `if` at `children[i]` starts a fork: its condition is tested again by a
    /// later `if` of the same block, and the path has room for one more assumption.
    pub(super) fn fork_key(&self, children: &[Node<'_>], i: usize, st: &State) -> Option<String> {
        let (key, _) = self.condition_key(children[i])?;
        if st.path.len() >= MAX_ASSUMED || st.path.iter().any(|(k, _)| *k == key) {
            return None;
        }
        children[i + 1..]
            .iter()
            .any(|c| self.condition_key(*c).is_some_and(|(k, _)| k == key))
            .then_some(key)
    }

    /// Runs `children[i..]` once per value of the condition `key`; the end states, one
    /// per path (`None` where a path ended in a return).
    pub(super) fn fork(
        &mut self,
        children: &[Node<'_>],
        i: usize,
        key: &str,
        st: State,
    ) -> Vec<Option<State>> {
        let mark = self.scope.len();
        let mut ends = Vec::new();
        let locked_by = self.branch_locks(children[i]);
        for value in [true, false] {
            self.scope.truncate(mark);
            let mut s = st.clone();
            s.path.push((key.to_string(), value));
            self.assume_held_elsewhere(children[i], &mut s, value, &locked_by);
            let mut cur = Some(s);
            for c in &children[i..] {
                if cur.is_none() {
                    break;
                }
                cur = self.stmt(*c, cur);
            }
            ends.push(cur);
        }
        ends
    }

    /// The mutexes each branch of `if_stmt` locks: (then, else).
    fn branch_locks(&self, if_stmt: Node<'_>) -> (Vec<MutexKey>, Vec<MutexKey>) {
        let locks = |b: Option<Node<'_>>| -> Vec<MutexKey> {
            let Some(b) = b else { return Vec::new() };
            crate::syntax::descendants(b, |n| n.kind_name() == "func_literal")
                .filter(|n| n.kind_name() == "call_expression")
                .filter_map(|c| self.mutex_call(c))
                .filter(|(_, m)| m.acquires())
                .map(|(k, _)| k)
                .collect()
        };
        (
            locks(if_stmt.field("consequence")),
            locks(if_stmt.field("alternative")),
        )
    }

    /// On the path whose branch does not take a mutex the other branch takes, the code
    /// relies on it being held already, or on nothing else reaching what it guards (`if
    /// !locked { mu.Lock() }`): it counts as held there, where the function has not
    /// touched it yet.
    fn assume_held_elsewhere(
        &self,
        if_stmt: Node<'_>,
        st: &mut State,
        value: bool,
        (then_locks, else_locks): &(Vec<MutexKey>, Vec<MutexKey>),
    ) {
        let Some((_, taken_when)) = self.condition_key(if_stmt) else {
            return;
        };
        let (taken, other) = if value == taken_when {
            (then_locks, else_locks)
        } else {
            (else_locks, then_locks)
        };
        for k in other.iter().filter(|k| !taken.contains(k)) {
            if st.locks.contains_key(k) {
                continue;
            }
            st.locks.insert(
                k.clone(),
                Held::Known(LockVal::new(
                    Lock::Locked,
                    Cause::Entry(
                        "on this path the function does not take it, as it does on the other side of the same condition: the condition says it is held, or not needed",
                    ),
                )),
            );
        }
    }

    /// `x = …`, `x++`: an assumption about `x` (or a field of it) no longer holds.
    pub(super) fn forget_assumptions(&self, node: Node<'_>, st: &mut State) {
        if st.path.is_empty() {
            return;
        }
        let targets: Vec<String> = match node.kind_name() {
            "assignment_statement" | "short_var_declaration" => node
                .field("left")
                .map(named_children)
                .unwrap_or_default()
                .into_iter()
                .map(|t| self.text(t).to_string())
                .collect(),
            "inc_dec_statement" => node
                .named_child(0)
                .map(|t| vec![self.text(t).to_string()])
                .unwrap_or_default(),
            _ => return,
        };
        st.path.retain(|(k, _)| {
            !targets
                .iter()
                .any(|t| k == t || k.starts_with(&format!("{t}.")))
        });
    }
}
