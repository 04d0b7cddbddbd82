//! Which mutex guards which map. Evidence, strongest first: an annotation on the field; accesses of the same field
//! under the same struct's mutex elsewhere in the package. No evidence, no guard.

use std::collections::{BTreeMap, HashMap};

use super::entry::Entries;
use crate::model::decls::{Decls, Hint};
use crate::model::function::{Ctx, RawFunction};
use crate::model::locks::Lock;
use crate::model::place::{MutexKey, Place, Root};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardEvidence {
    /// `// guarded by mu` or similar on the field's declaration, at this line.
    Annotation { line: usize },
    /// `locked` of `total` accesses in the package hold the mutex.
    Accesses { locked: usize, total: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    pub mutex: MutexKey,
    pub evidence: GuardEvidence,
    /// Whether the mutex is a `sync.RWMutex`, when its declaration says.
    pub rw: Option<bool>,
}

/// The guards of the package's maps, from the accesses of `functions` under their
/// entry states.
pub fn infer<'a, I>(functions: I, decls: &Decls, entries: &Entries<'_>) -> HashMap<Place, Guard>
where
    I: IntoIterator<Item = &'a RawFunction> + Clone,
{
    let mut guards = HashMap::new();
    // Annotations first: they are what the author said.
    for (sname, s) in &decls.structs {
        for (fname, f) in &s.fields {
            if let Some(m) = &f.annotated_guard {
                let rw = s.fields.get(m).and_then(|mf| match mf.hint {
                    Hint::Mutex { rw } => Some(rw),
                    _ => None,
                });
                guards.insert(
                    Place {
                        root: Root::Type(sname.clone()),
                        fields: vec![fname.clone()],
                    },
                    Guard {
                        mutex: MutexKey::of_struct(sname, Some(m)),
                        evidence: GuardEvidence::Annotation { line: f.line },
                        rw,
                    },
                );
            }
        }
    }
    for (vname, v) in &decls.vars {
        if let Some(m) = &v.annotated_guard {
            guards.insert(
                Place::root(Root::Pkg(vname.clone())),
                Guard {
                    mutex: MutexKey::package_var(m),
                    evidence: GuardEvidence::Annotation { line: 0 },
                    rw: None,
                },
            );
        }
    }
    // Then what the code does: count accesses made with each related mutex held.
    let mut mutexes: std::collections::HashSet<&MutexKey> = std::collections::HashSet::new();
    let mut rw_used: HashMap<&MutexKey, bool> = HashMap::new();
    for f in functions.clone() {
        for c in &f.lock_calls {
            mutexes.insert(&c.mutex);
            if c.method.is_read() {
                rw_used.insert(&c.mutex, true);
            }
        }
    }
    // map → (mutex → locked count), and total definite accesses.
    let mut locked: BTreeMap<&Place, BTreeMap<&MutexKey, usize>> = BTreeMap::new();
    let mut unlocked: BTreeMap<&Place, BTreeMap<&MutexKey, usize>> = BTreeMap::new();
    let mut totals: BTreeMap<&Place, usize> = BTreeMap::new();
    for f in functions.clone() {
        let entry = entries.of(f);
        for op in &f.ops {
            if matches!(op.map.root, Root::Opaque(_)) {
                continue;
            }
            for run in &op.runs {
                // Deferred operations are what the rules judge: they are not evidence.
                if matches!(run.ctx, Ctx::Stored | Ctx::Deferred { .. }) {
                    continue;
                }
                *totals.entry(&op.map).or_default() += 1;
                for (mk, held) in &run.locks {
                    if !mutexes.contains(mk) || !op.map.may_be_guarded_by(mk) {
                        continue;
                    }
                    let val = held.resolve(&entry.state(mk));
                    match val.state {
                        Lock::Locked | Lock::RLocked => {
                            *locked.entry(&op.map).or_default().entry(mk).or_default() += 1;
                        }
                        Lock::Unlocked if !val.is_goroutine_entry() => {
                            *unlocked.entry(&op.map).or_default().entry(mk).or_default() += 1;
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    for (map, per_mutex) in locked {
        if guards.contains_key(map) {
            continue;
        }
        let best = per_mutex
            .iter()
            .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)));
        let Some((&mutex, &n)) = best else { continue };
        let against = unlocked
            .get(map)
            .and_then(|m| m.get(mutex))
            .copied()
            .unwrap_or(0);
        // More accesses under the lock than definitely without it.
        if n == 0 || against > n {
            continue;
        }
        let rw = declared_rw(decls, mutex).or_else(|| rw_used.get(mutex).copied());
        guards.insert(
            map.clone(),
            Guard {
                mutex: mutex.clone(),
                evidence: GuardEvidence::Accesses {
                    locked: n,
                    total: totals.get(map).copied().unwrap_or(n),
                },
                rw,
            },
        );
    }
    guards
}

/// Whether the mutex is declared as a `sync.RWMutex` (`Some(true)`) or a `sync.Mutex`.
pub fn declared_rw(decls: &Decls, mutex: &MutexKey) -> Option<bool> {
    let hint = match (&mutex.place().root, mutex.place().fields.as_slice()) {
        (Root::Pkg(v), []) => &decls.vars.get(v)?.hint,
        (Root::Type(s), [f]) => &decls.structs.get(s)?.fields.get(f)?.hint,
        _ => return None,
    };
    match hint {
        Hint::Mutex { rw } => Some(*rw),
        _ => None,
    }
}
