//! What a function writes when it is called, as compositional analyzers summarize a
//! callee: every write of a map of the package (a field, a package variable) it performs
//! in its own flow, or through the package's functions it calls, with the lock state
//! there in terms of its entry state. Applied at a call site, a summary gives the writes
//! the call performs under the locks held at the call (`PackageFacts::resolve`): a helper
//! that writes a map, called under a read lock or from a deferred call or goroutine that
//! holds nothing, is a write there.

use std::collections::{HashMap, HashSet};

use crate::model::function::{CallSite, Ctx, OpKind, RawFunction};
use crate::model::locks::{join_held, HeldLocks};
use crate::model::place::{Place, Root};

/// One map write a call performs.
#[derive(Debug, Clone)]
pub struct Write {
    pub map: Place,
    /// The map as the function that writes it spells it.
    pub map_text: String,
    /// The lock states there, in terms of the summarized function's entry.
    pub locks: HeldLocks,
    /// The functions called to get there, the summarized function's callee first; empty
    /// for its own writes.
    pub through: Vec<String>,
}

/// (receiver type or "", name) → what a call of it writes.
pub type Summaries = HashMap<(String, String), Vec<Write>>;

/// How many levels of calls a summary follows, and how many writes it keeps: enough for
/// the helpers real fixes moved a lock into, bounded for any call graph.
pub const DEPTH: usize = 3;
const MAX_WRITES: usize = 16;

/// The summaries of `functions`.
pub fn summarize<'a, I>(functions: I) -> Summaries
where
    I: IntoIterator<Item = &'a RawFunction> + Clone,
{
    let mut out = Summaries::new();
    for f in functions.clone() {
        let own = own_writes(f);
        if !own.is_empty() {
            out.entry(f.key()).or_default().extend(own);
        }
    }
    // Round `level` carries to the callers the writes that are `level` calls away: those
    // the round before added (or the functions' own, first). A write fewer calls away was
    // carried in its own round, and carrying it again would only make what the caller
    // has already, or what its cap refused.
    for level in 0..DEPTH {
        // Most calls are of functions that write nothing (the standard library, loggers):
        // a look at the callee's name spares building a key for them.
        let callees: HashSet<&str> = out
            .iter()
            .filter(|(_, ws)| ws.iter().any(|w| w.through.len() == level))
            .map(|((_, name), _)| name.as_str())
            .collect();
        let mut additions: Vec<((String, String), Vec<Write>)> = Vec::new();
        for f in functions.clone() {
            let mut added: Vec<Write> = Vec::new();
            for c in &f.call_sites {
                if c.ctx != Ctx::Immediate || c.spawned || !callees.contains(c.method.as_str()) {
                    continue;
                }
                for w in out
                    .get(&(c.recv_type.clone(), c.method.clone()))
                    .into_iter()
                    .flatten()
                {
                    if w.through.len() != level || owned_at(w, c) {
                        continue;
                    }
                    added.push(at_call(w, c));
                }
            }
            if !added.is_empty() {
                additions.push((f.key(), added));
            }
        }
        if additions.is_empty() {
            break;
        }
        // Applied after the round, so that each round adds exactly one level of calls.
        for (key, added) in additions {
            let entry = out.entry(key).or_default();
            for w in added {
                let known = entry
                    .iter()
                    .any(|e| e.map == w.map && e.through == w.through);
                if !known && entry.len() < MAX_WRITES {
                    entry.push(w);
                }
            }
        }
    }
    out.retain(|_, ws| !ws.is_empty());
    out
}

/// The function's own writes of maps of the package, in its own flow (not its deferred
/// calls or goroutines, which run apart from the caller), joined over their runs.
fn own_writes(f: &RawFunction) -> Vec<Write> {
    let mut out = Vec::new();
    for op in &f.ops {
        if op.kind != OpKind::Write || !matches!(op.map.root, Root::Type(_) | Root::Pkg(_)) {
            continue;
        }
        let runs: Vec<&HeldLocks> = op
            .runs
            .iter()
            .filter(|r| r.ctx == Ctx::Immediate && !r.owned)
            .map(|r| &r.locks)
            .collect();
        let Some((first, rest)) = runs.split_first() else {
            continue;
        };
        let mut locks = (*first).clone();
        for r in rest {
            for (k, v) in r.iter() {
                let joined = match locks.get(k) {
                    Some(w) => join_held(w, v),
                    None => v.clone(),
                };
                locks.insert(k.clone(), joined);
            }
        }
        out.push(Write {
            map: op.map.clone(),
            map_text: op.map_text.clone(),
            locks,
            through: Vec::new(),
        });
    }
    out
}

/// The call writes the map in a value its caller owns: a field of a receiver the caller
/// made and has not shared.
pub fn owned_at(w: &Write, c: &CallSite<HeldLocks>) -> bool {
    c.recv_owned && matches!(&w.map.root, Root::Type(t) if *t == c.recv_type)
}

/// A callee's write as the call `c` performs it: its lock states in terms of the
/// caller's entry, the callee's name in front of the chain. Only the states that depend
/// on the call are kept: where the callee's own locking decides (it takes the lock, or
/// releases it), the callee is judged, not each of its callers.
pub fn at_call(w: &Write, c: &CallSite<HeldLocks>) -> Write {
    let locks = w
        .locks
        .iter()
        .filter(|(_, v)| v.known().is_none())
        .map(|(k, v)| {
            let at = c
                .locks
                .get(k)
                .cloned()
                .unwrap_or_else(|| c.untouched.clone());
            (k.clone(), v.compose(&at))
        })
        .collect();
    let mut through = vec![c.method.clone()];
    through.extend(w.through.iter().cloned());
    Write {
        map: w.map.clone(),
        map_text: w.map_text.clone(),
        locks,
        through,
    }
}
