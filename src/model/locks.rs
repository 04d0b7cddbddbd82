//! The lock lattice: what the model knows about one mutex at one program point, and why.
//!
//! A function is interpreted once, before anything is known about its callers: a mutex
//! the function has not touched yet is in its *entry* state, which stays a symbol
//! ([`Held::Entry`]) until the package's facts decide it (the function's own locking, its
//! name or doc comment, what every caller holds; see `facts::entry`). Resolving the
//! symbols gives the [`LockVal`]s the rules read.

use super::place::MutexKey;

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
    /// The function has a `goto`: the model does not follow its paths.
    Goto,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LockVal {
    pub state: Lock,
    pub cause: Cause,
}

impl LockVal {
    pub fn new(state: Lock, cause: Cause) -> LockVal {
        LockVal { state, cause }
    }

    /// Unlocked because the code runs on a goroutine of its own, not because of an
    /// `Unlock` the function performs.
    pub fn is_goroutine_entry(&self) -> bool {
        matches!(self.cause, Cause::Entry(GOROUTINE_ENTRY))
    }
}

/// Mutex → value, sorted by mutex: a sorted vector, not a `BTreeMap`, since a function
/// holds a few mutexes at most and the model keeps one state per operation, defer and
/// call site: a `BTreeMap`'s first node has room for eleven entries, which made each
/// copy of a one-mutex state cost over a kilobyte (most of the model's memory on dense
/// code).
pub type LockMap<V> = litemap::LiteMap<MutexKey, V>;

/// Mutex → resolved state, as the rules read it.
pub type Locks = LockMap<LockVal>;

/// A state during interpretation: known, the function's entry state, or, where paths
/// that disagree met, what it is for each entry state the function may have.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Held {
    Known(LockVal),
    /// Whatever the mutex was when the function was entered.
    Entry,
    /// Indexed by the entry state ([`state_index`]): the outcome for that entry state.
    /// Joins only ever keep one side's value or make it unknown, so every outcome is the
    /// entry value itself or a known one, and this table is exact.
    ByEntry(Box<[Outcome; 4]>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Outcome {
    Entry,
    Known(LockVal),
}

const STATES: [Lock; 4] = [Lock::Unlocked, Lock::Locked, Lock::RLocked, Lock::Unknown];

fn state_index(s: Lock) -> usize {
    match s {
        Lock::Unlocked => 0,
        Lock::Locked => 1,
        Lock::RLocked => 2,
        Lock::Unknown => 3,
    }
}

/// Mutex → state during interpretation; a mutex missing is in its frame's entry state.
pub type HeldLocks = LockMap<Held>;

pub fn join_val(a: &LockVal, b: &LockVal) -> LockVal {
    if a.state == b.state {
        a.clone()
    } else {
        LockVal::new(Lock::Unknown, Cause::Join)
    }
}

impl Held {
    fn outcome(&self, entry: Lock) -> Outcome {
        match self {
            Held::Known(v) => Outcome::Known(v.clone()),
            Held::Entry => Outcome::Entry,
            Held::ByEntry(t) => t[state_index(entry)].clone(),
        }
    }

    fn from_outcomes(t: [Outcome; 4]) -> Held {
        if t.iter().all(|o| *o == Outcome::Entry) {
            return Held::Entry;
        }
        if let Outcome::Known(v) = &t[0] {
            if t.iter().all(|o| matches!(o, Outcome::Known(w) if w == v)) {
                return Held::Known(v.clone());
            }
        }
        Held::ByEntry(Box::new(t))
    }

    /// The state once the function's entry state `entry` is known.
    pub fn resolve(&self, entry: &LockVal) -> LockVal {
        match self.outcome(entry.state) {
            Outcome::Entry => entry.clone(),
            Outcome::Known(v) => v,
        }
    }

    /// The state of a callee's mutex (`self`, symbolic in the callee's entry state) at a
    /// call where that entry state is `at_call` (symbolic in the caller's): the state in
    /// terms of the caller's entry.
    pub fn compose(&self, at_call: &Held) -> Held {
        if let Held::Known(v) = self {
            return Held::Known(v.clone());
        }
        if let Held::Entry = self {
            return at_call.clone();
        }
        let t = STATES.map(|s| {
            let entry = at_call.outcome(s);
            let state = match &entry {
                Outcome::Entry => s,
                Outcome::Known(v) => v.state,
            };
            match self.outcome(state) {
                Outcome::Entry => entry,
                known => known,
            }
        });
        Held::from_outcomes(t)
    }

    /// The state, when it does not depend on the entry state.
    pub fn known(&self) -> Option<&LockVal> {
        match self {
            Held::Known(v) => Some(v),
            _ => None,
        }
    }
}

/// The join of two states where paths meet: equal states stay (the first path's cause),
/// different ones are unknown; for symbols, so for every entry state they may take.
pub fn join_held(a: &Held, b: &Held) -> Held {
    if let (Held::Known(x), Held::Known(y)) = (a, b) {
        return Held::Known(join_val(x, y));
    }
    if let (Held::Entry, Held::Entry) = (a, b) {
        return Held::Entry;
    }
    let t = STATES.map(|s| {
        let (oa, ob) = (a.outcome(s), b.outcome(s));
        let state = |o: &Outcome| match o {
            Outcome::Entry => s,
            Outcome::Known(v) => v.state,
        };
        if state(&oa) == state(&ob) {
            oa
        } else {
            Outcome::Known(LockVal::new(Lock::Unknown, Cause::Join))
        }
    });
    Held::from_outcomes(t)
}

/// Join two lock maps; keys present in only one side join with `entry`.
pub fn join(a: &HeldLocks, b: &HeldLocks, entry: &dyn Fn(&MutexKey) -> Held) -> HeldLocks {
    let mut out = HeldLocks::new();
    for k in a.keys().chain(b.keys()) {
        if out.contains_key(k) {
            continue;
        }
        let va = a.get(k).cloned().unwrap_or_else(|| entry(k));
        let vb = b.get(k).cloned().unwrap_or_else(|| entry(k));
        out.insert(k.clone(), join_held(&va, &vb));
    }
    out
}

/// Resolve every state of `locks` with the entry states `entry` gives.
pub fn resolve(locks: &HeldLocks, entry: &dyn Fn(&MutexKey) -> LockVal) -> Locks {
    locks
        .iter()
        .map(|(k, v)| (k.clone(), v.resolve(&entry(k))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(state: Lock) -> LockVal {
        LockVal::new(state, Cause::Entry("test"))
    }

    fn call(state: Lock) -> LockVal {
        LockVal::new(
            state,
            Cause::Call {
                byte: 1,
                text: "mu.Unlock()".into(),
            },
        )
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
        let key = MutexKey::of_struct("S", Some("mu"));
        let mut a = HeldLocks::new();
        a.insert(key.clone(), Held::Known(v(Lock::Locked)));
        let b = HeldLocks::new();
        let j = join(&a, &b, &|_| Held::Known(v(Lock::Unlocked)));
        assert_eq!(
            j[&key],
            Held::Known(LockVal::new(Lock::Unknown, Cause::Join))
        );
        let j = join(&a, &b, &|_| Held::Known(v(Lock::Locked)));
        assert_eq!(j[&key].known().unwrap().state, Lock::Locked);
    }

    /// A callee's state composed with the state at the call resolves as resolving the
    /// callee's state with the resolved state at the call.
    #[test]
    fn composition_resolves_as_resolving_twice() {
        let states = [Lock::Unlocked, Lock::Locked, Lock::RLocked, Lock::Unknown];
        let mut values: Vec<Held> = vec![Held::Entry];
        for s in states {
            values.push(Held::Known(call(s)));
        }
        let mut more = Vec::new();
        for a in &values {
            for b in &values {
                more.push(join_held(a, b));
            }
        }
        values.extend(more);
        for entry_state in states {
            let entry = v(entry_state);
            for callee in &values {
                for at_call in &values {
                    let composed = callee.compose(at_call).resolve(&entry);
                    let twice = callee.resolve(&at_call.resolve(&entry));
                    assert_eq!(
                        composed, twice,
                        "{callee:?} at {at_call:?}, entry {entry:?}"
                    );
                }
            }
        }
    }

    /// Joining symbols and resolving them later gives what joining the resolved states
    /// gives, cause included, for every entry state: one interpretation serves every
    /// set of caller facts.
    #[test]
    fn a_symbolic_join_resolves_as_the_join_of_the_resolved_states() {
        let states = [Lock::Unlocked, Lock::Locked, Lock::RLocked, Lock::Unknown];
        let mut values: Vec<Held> = vec![Held::Entry];
        for s in states {
            values.push(Held::Known(call(s)));
        }
        // Joins of joins too.
        let mut more = Vec::new();
        for a in &values {
            for b in &values {
                more.push(join_held(a, b));
            }
        }
        values.extend(more);
        for entry_state in states {
            let entry = v(entry_state);
            for a in &values {
                for b in &values {
                    let symbolic = join_held(a, b).resolve(&entry);
                    let concrete = join_val(&a.resolve(&entry), &b.resolve(&entry));
                    assert_eq!(symbolic, concrete, "{a:?} ⊔ {b:?} at entry {entry:?}");
                }
            }
        }
    }
}
