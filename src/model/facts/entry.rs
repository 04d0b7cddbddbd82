//! The state of each mutex when a function is entered (Go fact 8), strongest evidence
//! first: a convention (a name ending in `Locked`, a doc comment saying the lock must be
//! held); what every caller holds, unless the function takes the lock itself; the
//! function's own calls (it locks the mutex: not held on entry; it only unlocks it: held);
//! a mutex variable of its own starts unlocked. Nothing else is known.

use super::callers::CallerHolds;
use crate::model::decls::Decls;
use crate::model::function::FunctionModel;
use crate::model::locks::{Cause, Lock, LockVal};
use crate::model::place::MutexKey;

/// The entry facts of a package: conventions, and caller facts once they are known.
pub struct Entries<'a> {
    decls: &'a Decls,
    caller_holds: Option<&'a CallerHolds>,
}

/// One function's entry states.
pub struct FunctionEntry<'a> {
    /// Held by convention: strong, it wins over the function's own locking.
    conventions: Vec<(MutexKey, &'static str)>,
    /// Held by every caller: weak, the function's own locking wins.
    callers: &'a [MutexKey],
    locks_itself: Vec<&'a MutexKey>,
    unlocks_itself: Vec<&'a MutexKey>,
}

const NO_CALLERS: &[MutexKey] = &[];

impl<'a> Entries<'a> {
    pub fn new(decls: &'a Decls, caller_holds: Option<&'a CallerHolds>) -> Self {
        Entries {
            decls,
            caller_holds,
        }
    }

    pub fn of<'f, L>(&self, f: &'f FunctionModel<L>) -> FunctionEntry<'f>
    where
        'a: 'f,
    {
        let (recv, name) = f.key();
        let mut conventions = Vec::new();
        if let Some(conv) = self.decls.held_on_entry.get(&(recv.clone(), name.clone())) {
            let s = self.decls.structs.get(&recv);
            let names: Vec<String> = if conv.mutexes.is_empty() {
                s.map(|s| s.mutex_fields()).unwrap_or_default()
            } else {
                conv.mutexes.clone()
            };
            for m in names {
                if !recv.is_empty() && s.is_some_and(|s| s.fields.contains_key(&m)) {
                    conventions.push((MutexKey::of_struct(&recv, Some(&m)), conv.reason));
                } else if self.decls.vars.contains_key(&m) {
                    conventions.push((MutexKey::package_var(&m), conv.reason));
                }
            }
            if !recv.is_empty() && s.is_some_and(|s| s.embedded_mutex.is_some()) {
                conventions.push((MutexKey::of_struct(&recv, None), conv.reason));
            }
        }
        let callers = self
            .caller_holds
            .and_then(|c| c.get(&(recv, name)))
            .map(Vec::as_slice)
            .unwrap_or(NO_CALLERS);
        let mut locks_itself = Vec::new();
        let mut unlocks_itself = Vec::new();
        for c in f.own_lock_calls() {
            if c.method.acquires() {
                locks_itself.push(&c.mutex);
            } else {
                unlocks_itself.push(&c.mutex);
            }
        }
        FunctionEntry {
            conventions,
            callers,
            locks_itself,
            unlocks_itself,
        }
    }
}

impl FunctionEntry<'_> {
    /// The state of `mutex` on entry, with the reason.
    pub fn state(&self, mutex: &MutexKey) -> LockVal {
        let held = |reason| LockVal::new(Lock::Locked, Cause::Entry(reason));
        if let Some((_, reason)) = self.conventions.iter().find(|(k, _)| k == mutex) {
            return held(reason);
        }
        let locks_itself = self.locks_itself.contains(&mutex);
        if !locks_itself && self.callers.contains(mutex) {
            return held("every caller in the package holds it");
        }
        if locks_itself {
            return LockVal::new(
                Lock::Unlocked,
                Cause::Entry("the function takes the lock itself, so it does not hold it on entry"),
            );
        }
        if self.unlocks_itself.contains(&mutex) {
            return held("the function releases the lock without taking it: its caller holds it");
        }
        if mutex.is_local_variable() {
            return LockVal::new(
                Lock::Unlocked,
                Cause::Entry("a mutex declared in the function starts unlocked"),
            );
        }
        LockVal::new(
            Lock::Unknown,
            Cause::Entry("nothing in the function says whether its caller holds the lock"),
        )
    }
}
