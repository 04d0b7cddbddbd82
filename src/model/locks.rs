//! The lock lattice: what the model knows about one mutex at one program point, and why.

use std::collections::BTreeMap;

/// The state of one mutex. `Unknown` is where paths disagree or nothing says; it never
/// produces a finding by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lock {
    Unlocked,
    Locked,
    RLocked,
    Unknown,
}

impl Lock {
    pub fn is_held(self) -> bool {
        matches!(self, Lock::Locked | Lock::RLocked)
    }
}

/// The entry reason of a goroutine's or timer callback's own frame.
pub const GOROUTINE_ENTRY: &str = "a new goroutine holds no locks";

/// What last set a mutex's state: the evidence a finding's notes cite.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cause {
    /// The state at function entry, with the reason ("the function locks it itself", ...).
    Entry(&'static str),
    /// An explicit call (`s.mu.Unlock()`) at this byte offset.
    Call { byte: usize, text: String },
    /// A deferred call or closure registered at this byte offset that ran before.
    Deferred { byte: usize, text: String },
    /// Paths disagree.
    Join,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LockVal {
    pub state: Lock,
    pub cause: Cause,
}

/// Mutex key → state. A mutex missing from the map is in its entry state, which the
/// interpreter fills in the first time it is asked.
impl LockVal {
    /// Unlocked because the code runs on a goroutine of its own, not because of an
    /// `Unlock` the function performs.
    pub fn is_goroutine_entry(&self) -> bool {
        matches!(self.cause, Cause::Entry(GOROUTINE_ENTRY))
    }
}

pub type Locks = BTreeMap<String, LockVal>;

pub fn join_val(a: &LockVal, b: &LockVal) -> LockVal {
    if a.state == b.state {
        a.clone()
    } else {
        LockVal {
            state: Lock::Unknown,
            cause: Cause::Join,
        }
    }
}

/// Join two lock maps; keys present in only one side join with `entry`.
pub fn join(a: &Locks, b: &Locks, entry: &dyn Fn(&str) -> LockVal) -> Locks {
    let mut out = Locks::new();
    for k in a.keys().chain(b.keys()) {
        if out.contains_key(k) {
            continue;
        }
        let va = a.get(k).cloned().unwrap_or_else(|| entry(k));
        let vb = b.get(k).cloned().unwrap_or_else(|| entry(k));
        out.insert(k.clone(), join_val(&va, &vb));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(state: Lock) -> LockVal {
        LockVal {
            state,
            cause: Cause::Entry("test"),
        }
    }

    #[test]
    fn disagreement_is_unknown() {
        assert_eq!(
            join_val(&v(Lock::Locked), &v(Lock::Unlocked)).state,
            Lock::Unknown
        );
        assert_eq!(
            join_val(&v(Lock::Locked), &v(Lock::Locked)).state,
            Lock::Locked
        );
    }

    #[test]
    fn missing_keys_join_with_entry_state() {
        let mut a = Locks::new();
        a.insert("S.mu".into(), v(Lock::Locked));
        let b = Locks::new();
        let j = join(&a, &b, &|_| v(Lock::Unlocked));
        assert_eq!(j["S.mu"].state, Lock::Unknown);
        let j = join(&a, &b, &|_| v(Lock::Locked));
        assert_eq!(j["S.mu"].state, Lock::Locked);
    }
}
