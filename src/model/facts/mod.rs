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

use std::collections::HashMap;

use super::decls::Decls;
use super::function::{FunctionModel, RawFunction};
use super::locks::{self, Cause, Lock, LockVal, Locks};
use super::place::Place;
pub use callers::CallerHolds;
pub use entry::Entries;
pub use guards::{Guard, GuardEvidence};

/// What the rules know about the package beyond the function they judge.
pub struct PackageFacts {
    pub decls: Decls,
    /// The guard of each map that has one.
    pub guards: HashMap<Place, Guard>,
    /// (receiver type, method) → the mutexes every caller holds.
    pub caller_holds: CallerHolds,
}

impl PackageFacts {
    /// Decide the facts from the models of the package's functions: every function
    /// whose accesses or call sites the facts depend on (all of them, or what a demand
    /// selected; see `super::demand`).
    pub fn decide<'a, I>(decls: Decls, functions: I) -> PackageFacts
    where
        I: IntoIterator<Item = &'a RawFunction> + Clone,
    {
        let own = Entries::new(&decls, None);
        let caller_holds = callers::infer(functions.clone(), &decls, &own);
        let entries = Entries::new(&decls, Some(&caller_holds));
        let guards = guards::infer(functions, &decls, &entries);
        PackageFacts {
            decls,
            guards,
            caller_holds,
        }
    }

    pub fn guard_of(&self, map: &Place) -> Option<&Guard> {
        self.guards.get(map)
    }

    pub fn entries(&self) -> Entries<'_> {
        Entries::new(&self.decls, Some(&self.caller_holds))
    }

    /// The model of `f` the rules read: every lock state resolved with the function's
    /// entry states. In a function with `goto` the model does not follow the paths, so
    /// every state the rules see there is unknown.
    pub fn resolve(&self, f: &RawFunction) -> FunctionModel {
        let entries = self.entries();
        let entry = entries.of(f);
        if f.has_goto {
            let unknown = LockVal::new(Lock::Unknown, Cause::Goto);
            return f.clone().map_locks(&mut |held| -> Locks {
                held.keys().map(|k| (k.clone(), unknown.clone())).collect()
            });
        }
        f.clone()
            .map_locks(&mut |held| locks::resolve(held, &|k| entry.state(k)))
    }
}
