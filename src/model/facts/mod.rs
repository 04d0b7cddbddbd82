//! The package's facts, decided once over the models of its functions: the state each
//! mutex is in when a function is entered ([`entry`]), which methods every caller calls
//! with a lock held ([`callers`]), which mutex guards which map ([`guards`]). Then each
//! function's symbolic lock states resolve into the states the rules read.
//!
//! The order is the two rounds of Go fact 8, written once: entry states from what a
//! function does and says itself; caller facts from the call sites under those states;
//! entry states with the caller facts; guards from every access under those.

pub mod callers;
pub mod entry;
pub mod guards;
pub mod summaries;

use super::decls::Decls;
use super::function::{FunctionModel, RawFunction};
use super::locks::{self, Cause, Lock, LockVal, Locks};
use super::place::Place;
pub use callers::{CallerFacts, CallerHolds};
pub use entry::Entries;
pub use guards::{Guard, GuardEvidence};

/// What the rules know about the package beyond the function they judge.
pub struct PackageFacts {
    pub decls: Decls,
    /// What callers hold, and which functions run as goroutines.
    pub callers: CallerFacts,
    evidence: guards::Evidence,
    /// (receiver type or "", name) → the mutexes the function locks itself.
    takes: std::collections::HashMap<(String, String), Vec<super::place::MutexKey>>,
    /// What a call of each function writes.
    summaries: summaries::Summaries,
}

impl PackageFacts {
    /// Decide the facts from the models of the package's functions: every function
    /// whose accesses or call sites the facts depend on (all of them, or what a demand
    /// selected; see `super::demand`). `judged` says which functions the rules will judge:
    /// their own accesses are kept apart, so that a function never votes for the guard it
    /// is judged against.
    pub fn decide<'a, I>(
        decls: Decls,
        functions: I,
        judged: &dyn Fn(&RawFunction) -> bool,
    ) -> PackageFacts
    where
        I: IntoIterator<Item = &'a RawFunction> + Clone,
    {
        let callers = callers::infer(functions.clone(), &decls);
        let summaries = summaries::summarize(functions.clone());
        let mut takes: std::collections::HashMap<_, Vec<_>> = Default::default();
        for f in functions.clone() {
            let taken = takes.entry(f.key()).or_default();
            for c in f.lock_calls.iter().filter(|c| c.method.acquires()) {
                if !taken.contains(&c.mutex) {
                    taken.push(c.mutex.clone());
                }
            }
        }
        let entries = Entries::new(&decls, Some(&callers));
        let with_ids: Vec<(guards::FnId, &RawFunction)> = functions
            .into_iter()
            .map(|f| (guards::id_of(f), f))
            .collect();
        let evidence = guards::collect(
            with_ids.iter().copied(),
            &decls,
            &entries,
            &summaries,
            judged,
        );
        PackageFacts {
            decls,
            callers,
            evidence,
            takes,
            summaries,
        }
    }

    /// The mutexes the package's function `(recv, name)` locks itself; `None` when it was
    /// not modeled (declared elsewhere, or not needed by the demand).
    pub fn takes(&self, recv: &str, name: &str) -> Option<&[super::place::MutexKey]> {
        self.takes
            .get(&(recv.to_string(), name.to_string()))
            .map(Vec::as_slice)
    }

    /// The guard of `map` as the whole package shows it.
    pub fn guard_of(&self, map: &Place) -> Option<Guard> {
        self.evidence.guard_for(map, None)
    }

    /// The guard of the map `op` (of the function `judged`) operates on, as the package
    /// shows it outside the code being judged: a function never votes for its own guard
    /// (nor a goroutine's literal, nor, for a local map, the operation itself).
    pub fn guard_for(&self, op: &super::function::MapOp, judged: &FunctionModel) -> Option<Guard> {
        self.evidence
            .guard_for(&op.map, Some(guards::voter_of(judged, op)))
    }

    /// Every map some function touches, in a stable order.
    pub fn maps(&self) -> Vec<&Place> {
        self.evidence.maps()
    }

    pub fn entries(&self) -> Entries<'_> {
        Entries::new(&self.decls, Some(&self.callers))
    }

    /// The model of `f` the rules read: every lock state resolved with the function's
    /// entry states. In a function with `goto` the model does not follow the paths, so
    /// every state the rules see there is unknown.
    ///
    /// The writes its calls of the package's functions perform are operations of its own,
    /// at the call (with `via` naming the functions called).
    pub fn resolve(&self, f: &RawFunction) -> FunctionModel {
        let entries = self.entries();
        let entry = entries.of(f);
        let mut raw = f.clone();
        raw.call_writes = self.writes_through_calls(f);
        if f.has_goto {
            let unknown = LockVal::new(Lock::Unknown, Cause::Goto);
            return raw.map_locks(&mut |held| -> Locks {
                held.keys().map(|k| (k.clone(), unknown.clone())).collect()
            });
        }
        raw.map_locks(&mut |held| locks::resolve(held, &|k| entry.state(k)))
    }

    /// The map writes `f`'s calls perform in the package's code, one operation per call
    /// and map, a run per time the call runs.
    fn writes_through_calls(
        &self,
        f: &RawFunction,
    ) -> Vec<super::function::MapOp<locks::HeldLocks>> {
        use super::function::{MapOp, OpKind, OpRun};
        let mut out: Vec<MapOp<locks::HeldLocks>> = Vec::new();
        for c in &f.call_sites {
            let Some(writes) = self.summaries.get(&(c.recv_type.clone(), c.method.clone())) else {
                continue;
            };
            for w in writes {
                if summaries::owned_at(w, c) {
                    continue;
                }
                let at = summaries::at_call(w, c);
                // The map as the caller's receiver spells it, when it is the callee's own.
                let map_text = match (&at.map.root, at.map.fields.as_slice(), &c.recv_text) {
                    (super::place::Root::Type(t), [field], Some(recv)) if *t == c.recv_type => {
                        format!("{recv}.{field}")
                    }
                    _ => at.map_text.clone(),
                };
                let run = OpRun {
                    ctx: c.ctx,
                    path: Vec::new(),
                    owned: false,
                    locks: at.locks,
                };
                match out
                    .iter_mut()
                    .find(|o| o.start == c.byte && o.end == c.end && o.map == at.map)
                {
                    Some(o) => o.runs.push(run),
                    None => out.push(MapOp {
                        kind: OpKind::Write,
                        start: c.byte,
                        end: c.end,
                        stmt_start: c.byte,
                        stmt_end: c.end,
                        map: at.map,
                        map_text,
                        key_text: None,
                        idents: Vec::new(),
                        frame: f.start,
                        runs: vec![run],
                        via: at.through,
                    }),
                }
            }
        }
        out
    }
}
