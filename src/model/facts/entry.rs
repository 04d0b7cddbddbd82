//! The state of each mutex when a function is entered (Go fact 8), strongest evidence
//! first: a convention (a name ending in `Locked`, a doc comment saying the lock must be
//! held); a `go` statement that starts the function (a new goroutine holds nothing); what
//! every caller holds, unless the function takes the lock itself; the function's own
//! calls (it locks the mutex: not held on entry; it only unlocks it: held); a mutex
//! variable of its own starts unlocked; an exported function, which callers outside the
//! package call without the package's unexported mutexes. Nothing else is known.

use super::callers::CallerFacts;
use crate::model::decls::Decls;
use crate::model::function::FunctionModel;
use crate::model::locks::{Cause, Lock, LockVal};
use crate::model::place::MutexKey;

/// The entry facts of a package: conventions, and caller facts once they are known.
pub struct Entries<'a> {
    decls: &'a Decls,
    callers: Option<&'a CallerFacts>,
}

/// One function's entry states.
pub struct FunctionEntry<'a> {
    /// Held by convention: strong, it wins over the function's own locking.
    conventions: Vec<(MutexKey, &'static str)>,
    /// Held by every caller: weak, the function's own locking wins.
    callers: &'a [MutexKey],
    locks_itself: Vec<&'a MutexKey>,
    unlocks_itself: Vec<&'a MutexKey>,
    /// Started by a `go` statement somewhere.
    spawned: bool,
    /// A `Test*`, `Benchmark*` or `Fuzz*` function of a test file.
    test_entry: bool,
    /// Exported, outside a test file: callable from outside the package.
    exported: bool,
    decls: &'a Decls,
}

const NO_CALLERS: &[MutexKey] = &[];

impl<'a> Entries<'a> {
    pub fn new(decls: &'a Decls, callers: Option<&'a CallerFacts>) -> Self {
        Entries { decls, callers }
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
        let key = (recv, name);
        let callers = self
            .callers
            .and_then(|c| c.holds.get(&key))
            .map(Vec::as_slice)
            .unwrap_or(NO_CALLERS);
        // The testing framework calls a test holding none of the package's locks.
        let test_entry = f.in_test_file
            && key.0.is_empty()
            && ["Test", "Benchmark", "Fuzz"].iter().any(|p| {
                key.1
                    .strip_prefix(p)
                    .is_some_and(|r| !r.starts_with(char::is_lowercase))
            });
        let spawned = self.callers.is_some_and(|c| c.spawned.contains(&key));
        let exported = !f.in_test_file && key.1.starts_with(|c: char| c.is_uppercase());
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
            spawned,
            test_entry,
            exported,
            decls: self.decls,
        }
    }
}

impl FunctionEntry<'_> {
    /// The mutexes a convention or every caller says are held on entry (each still
    /// subject to [`Self::state`]): those a function can hold without naming them.
    pub fn said_held(&self) -> impl Iterator<Item = &MutexKey> {
        self.conventions
            .iter()
            .map(|(k, _)| k)
            .chain(self.callers.iter())
    }

    /// The state of `mutex` on entry, with the reason.
    pub fn state(&self, mutex: &MutexKey) -> LockVal {
        let held = |reason| LockVal::new(Lock::Locked, Cause::Entry(reason));
        if let Some((_, reason)) = self.conventions.iter().find(|(k, _)| k == mutex) {
            return held(reason);
        }
        if self.test_entry {
            return LockVal::new(
                Lock::Unlocked,
                Cause::Entry(
                    "the testing framework calls a test holding none of the package's locks",
                ),
            );
        }
        if self.spawned {
            return LockVal::new(
                Lock::Unlocked,
                Cause::Entry("a `go` statement starts it: a new goroutine holds no locks"),
            );
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
        if self.exported && unexported(self.decls, mutex) {
            return LockVal::new(
                Lock::Unlocked,
                Cause::Entry(
                    "it is exported, and callers outside the package cannot hold an unexported mutex",
                ),
            );
        }
        LockVal::new(
            Lock::Unknown,
            Cause::Entry("nothing in the function says whether its caller holds the lock"),
        )
    }
}

/// A mutex code outside the package cannot name: an unexported field or package variable.
fn unexported(decls: &Decls, mutex: &MutexKey) -> bool {
    use crate::model::place::Root;
    let place = mutex.place();
    let lower = |n: &str| n.starts_with(|c: char| c.is_lowercase() || c == '_');
    match (&place.root, place.fields.as_slice()) {
        (Root::Type(s), [f]) => decls.structs.contains_key(s) && lower(f),
        (Root::Pkg(v), []) => lower(v),
        _ => false,
    }
}
