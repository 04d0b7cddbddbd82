//! Which mutex guards which map, and which methods every caller calls with a lock held.
//! Evidence, strongest first: an annotation on the field; accesses of the same field
//! under the same struct's mutex elsewhere in the package. No evidence, no guard.

use std::collections::{BTreeMap, HashMap};

use super::decls::Decls;
use super::function::{Ctx, FunctionModel};
use super::locks::Lock;
use super::place::{Place, Root};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardEvidence {
    /// `// guarded by mu` or similar on the field's declaration, at this line.
    Annotation { line: usize },
    /// `locked` of `total` accesses in the package hold the mutex.
    Accesses { locked: usize, total: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    /// The mutex's key (`Cache.mu`, `pkg.mu`).
    pub mutex: String,
    pub evidence: GuardEvidence,
    /// Whether the mutex is a `sync.RWMutex`, when its declaration says.
    pub rw: Option<bool>,
}

pub fn infer_guards<'a, I>(functions: I, decls: &Decls) -> HashMap<String, Guard>
where
    I: IntoIterator<Item = &'a FunctionModel> + Clone,
{
    let mut guards = HashMap::new();
    // Annotations first: they are what the author said.
    for (sname, s) in &decls.structs {
        for (fname, f) in &s.fields {
            if let Some(m) = &f.annotated_guard {
                let rw = s.fields.get(m).and_then(|mf| match mf.hint {
                    super::decls::Hint::Mutex { rw } => Some(rw),
                    _ => None,
                });
                guards.insert(
                    format!("{sname}.{fname}"),
                    Guard {
                        mutex: format!("{sname}.{m}"),
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
                format!("pkg.{vname}"),
                Guard {
                    mutex: format!("pkg.{m}"),
                    evidence: GuardEvidence::Annotation { line: 0 },
                    rw: None,
                },
            );
        }
    }
    // Then what the code does: count accesses made with each related mutex held.
    let mut mutex_places: HashMap<String, Place> = HashMap::new();
    let mut rw_used: HashMap<String, bool> = HashMap::new();
    for f in functions.clone() {
        for c in &f.lock_calls {
            mutex_places.insert(c.mutex.key(), c.mutex.clone());
            if c.method.starts_with('R') {
                rw_used.insert(c.mutex.key(), true);
            }
        }
    }
    // map key → (mutex key → locked count), and total definite accesses.
    let mut locked: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut unlocked: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    for f in functions.clone() {
        for op in &f.ops {
            if matches!(op.ctx, Ctx::Stored) || matches!(op.map.root, Root::Opaque(_)) {
                continue;
            }
            // Deferred operations are what the rules judge: they are not evidence.
            if matches!(op.ctx, Ctx::Deferred { .. }) {
                continue;
            }
            let key = op.map.key();
            *totals.entry(key.clone()).or_default() += 1;
            for (mk, val) in &op.locks {
                let Some(mp) = mutex_places.get(mk) else {
                    continue;
                };
                if !op.map.may_be_guarded_by(mp) {
                    continue;
                }
                match val.state {
                    Lock::Locked | Lock::RLocked => {
                        *locked
                            .entry(key.clone())
                            .or_default()
                            .entry(mk.clone())
                            .or_default() += 1;
                    }
                    Lock::Unlocked if !val.is_goroutine_entry() => {
                        *unlocked
                            .entry(key.clone())
                            .or_default()
                            .entry(mk.clone())
                            .or_default() += 1;
                    }
                    _ => {}
                }
            }
        }
    }
    for (map_key, per_mutex) in locked {
        if guards.contains_key(&map_key) {
            continue;
        }
        let best = per_mutex
            .iter()
            .max_by_key(|(k, n)| (**n, std::cmp::Reverse((*k).clone())));
        let Some((mutex, &n)) = best else { continue };
        let against = unlocked
            .get(&map_key)
            .and_then(|m| m.get(mutex))
            .copied()
            .unwrap_or(0);
        // More accesses under the lock than definitely without it.
        if n == 0 || against > n {
            continue;
        }
        let rw = declared_rw(decls, mutex).or_else(|| rw_used.get(mutex).copied());
        guards.insert(
            map_key.clone(),
            Guard {
                mutex: mutex.clone(),
                evidence: GuardEvidence::Accesses {
                    locked: n,
                    total: totals.get(&map_key).copied().unwrap_or(n),
                },
                rw,
            },
        );
    }
    guards
}

pub(crate) fn declared_rw(decls: &Decls, mutex_key: &str) -> Option<bool> {
    let (s, f) = mutex_key.split_once('.')?;
    if s == "pkg" {
        return match decls.vars.get(f)?.hint {
            super::decls::Hint::Mutex { rw } => Some(rw),
            _ => None,
        };
    }
    match decls.structs.get(s)?.fields.get(f)?.hint {
        super::decls::Hint::Mutex { rw } => Some(rw),
        _ => None,
    }
}

/// Unexported methods whose every call site in the package holds a mutex of the
/// receiver's type run with it held (Go fact 8).
pub fn infer_caller_holds<'a, I>(
    functions: I,
    decls: &Decls,
) -> HashMap<(String, String), Vec<String>>
where
    I: IntoIterator<Item = &'a FunctionModel> + Clone,
{
    let mut sites: HashMap<(String, String), Vec<Vec<String>>> = HashMap::new();
    for f in functions.clone() {
        for c in &f.call_sites {
            let held: Vec<String> = c
                .locks
                .iter()
                .filter(|(k, v)| {
                    v.state == Lock::Locked
                        && (k.starts_with(&format!("{}.", c.recv_type)) || **k == c.recv_type)
                })
                .map(|(k, _)| k.clone())
                .collect();
            sites
                .entry((c.recv_type.clone(), c.method.clone()))
                .or_default()
                .push(held);
        }
    }
    let mut out = HashMap::new();
    for f in functions.clone() {
        let Some(recv) = &f.receiver_type else {
            continue;
        };
        if !f.name.starts_with(|c: char| c.is_lowercase()) || !decls.structs.contains_key(recv) {
            continue;
        }
        let Some(calls) = sites.get(&(recv.clone(), f.name.clone())) else {
            continue;
        };
        let mut common: Vec<String> = calls[0].clone();
        for c in &calls[1..] {
            common.retain(|k| c.contains(k));
        }
        if !common.is_empty() {
            out.insert((recv.clone(), f.name.clone()), common);
        }
    }
    out
}
