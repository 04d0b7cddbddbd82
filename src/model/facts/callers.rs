//! What callers hold (Go fact 8): an unexported function or method whose every call site
//! in the package holds a mutex runs with it held. Call sites are judged under their own
//! function's entry states, which may come from its callers in turn: the facts are
//! iterated over the package's call graph until they settle, so a `…Locked` helper called
//! only from functions that are themselves called with the lock held is seen as such.
//! A function started as a goroutine (`go s.run()`) holds nothing there. Call sites in
//! test files do not count.

use std::collections::{HashMap, HashSet};

use super::entry::Entries;
use crate::model::decls::Decls;
use crate::model::function::RawFunction;
use crate::model::locks::Lock;
use crate::model::place::{MutexKey, Root};

/// (receiver type or "", name) → the mutexes every caller holds.
pub type CallerHolds = HashMap<(String, String), Vec<MutexKey>>;

/// What the package's call sites say about the functions they call.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CallerFacts {
    pub holds: CallerHolds,
    /// Functions some `go` statement starts: they run on a goroutine of their own.
    pub spawned: HashSet<(String, String)>,
}

/// Rounds over the call graph before the facts are taken as settled: each round adds one
/// level of callers; real code settles in two or three.
const MAX_ROUNDS: usize = 8;

/// The caller facts of the package's functions.
pub fn infer<'a, I>(functions: I, decls: &Decls) -> CallerFacts
where
    I: IntoIterator<Item = &'a RawFunction> + Clone,
{
    let mut spawned = HashSet::new();
    for f in functions.clone() {
        for c in f.call_sites.iter().filter(|c| c.spawned) {
            spawned.insert((c.recv_type.clone(), c.method.clone()));
        }
    }
    let mut facts = CallerFacts {
        holds: CallerHolds::new(),
        spawned,
    };
    for _ in 0..MAX_ROUNDS {
        let entries = Entries::new(decls, Some(&facts));
        let holds = one_round(functions.clone(), decls, &entries);
        if holds == facts.holds {
            break;
        }
        facts.holds = holds;
    }
    facts
}

/// The caller facts under `entries`: one more level of callers than those give.
fn one_round<'a, I>(functions: I, decls: &Decls, entries: &Entries<'_>) -> CallerHolds
where
    I: IntoIterator<Item = &'a RawFunction> + Clone,
{
    let mut sites: HashMap<(&str, &str), Vec<Vec<MutexKey>>> = HashMap::new();
    for f in functions.clone() {
        // A test calls helpers directly on values it made and alone holds
        // (`c := NewClient(); c.filterLocked(x)`): that says nothing about the
        // package's own calling convention.
        if f.call_sites.is_empty() || f.in_test_file {
            continue;
        }
        let entry = entries.of(f);
        for c in &f.call_sites {
            let mut held: Vec<MutexKey> = c
                .locks
                .iter()
                .filter(|(k, _)| matches!(k.place().root, Root::Type(_) | Root::Pkg(_)))
                .filter(|(k, v)| v.resolve(&entry.state(k)).state == Lock::Locked)
                .map(|(k, _)| k.clone())
                .collect();
            // A mutex the function never names keeps its entry state: a helper that
            // only calls the next helper passes its callers' lock down.
            for k in entry.said_held() {
                if !c.locks.contains_key(k)
                    && !held.contains(k)
                    && c.untouched.resolve(&entry.state(k)).state == Lock::Locked
                {
                    held.push(k.clone());
                }
            }
            sites
                .entry((&c.recv_type, &c.method))
                .or_default()
                .push(held);
        }
    }
    let mut out = CallerHolds::new();
    for f in functions {
        // Exported functions are called from outside the package too.
        if !f.name.starts_with(|c: char| c.is_lowercase()) {
            continue;
        }
        let recv = f.receiver_type.clone().unwrap_or_default();
        if !recv.is_empty() && !decls.structs.contains_key(&recv) {
            continue;
        }
        let Some(calls) = sites.get(&(recv.as_str(), f.name.as_str())) else {
            continue;
        };
        let mut common: Vec<MutexKey> = calls[0].clone();
        for c in &calls[1..] {
            common.retain(|k| c.contains(k));
        }
        if !common.is_empty() {
            out.insert((recv, f.name.clone()), common);
        }
    }
    out
}
