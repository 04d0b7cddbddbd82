//! Which mutex guards which map (Eraser's locksets, counted per function).
//!
//! Evidence, strongest first: an annotation on the field (`// guarded by mu`,
//! `+checklocks:mu`); else the functions that touch the map. For each function, every run
//! of its accesses is asked whether a mutex that could guard the map (a sibling field, an
//! embedded mutex, a package variable) is held there: held at all of them (exclusively,
//! or only shared), not held at one, or unknown. A mutex is the guard when it is held in
//! (nearly) every function that touches the map, *other than the one being judged*, with
//! no function's vote counted twice and none from code that owns the value (a fresh value
//! the function made; a test file). No evidence, no guard: a map that nothing
//! consistently locks is owned by one goroutine or out of scope, never "unlocked".

use std::collections::{BTreeMap, HashMap, HashSet};

use super::entry::Entries;
use crate::finding::Confidence;
use crate::model::decls::{Decls, Hint};
use crate::model::function::{Ctx, FunctionModel, MapOp, OpKind, RawFunction};
use crate::model::locks::Lock;
use crate::model::place::{MutexKey, Place, Root};

/// Which function: its file (in the package's order) and its start byte.
pub type FnId = (usize, usize);

/// Who votes for a guard: a function, or a function literal that runs on its own (a
/// goroutine, a stored callback), or, for a function's local map, a single operation
/// (every access of a local is in one function). A file and a start byte.
pub type Voter = (usize, usize);

/// The voter an operation of `f` belongs to.
pub fn voter_of<L>(f: &FunctionModel<L>, op: &MapOp<L>) -> Voter {
    if matches!(op.map.root, Root::Local { .. }) {
        return (f.file, op.start);
    }
    match op.ctx() {
        Ctx::Goroutine { .. } | Ctx::Stored => (f.file, op.frame),
        _ => (f.file, f.start),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardEvidence {
    /// `// guarded by mu` or similar on the field's declaration, at this line.
    Annotation { line: usize },
    /// The mutex's own comment says it protects the field (by name, or as one of the
    /// fields after it), at the field's line; no function contradicts it.
    Comment { line: usize },
    /// Of the `functions` other functions that touch the map, `held` hold the mutex at
    /// every access, `against` write it at least once without it; `exclusive_writes` of
    /// them write it holding the mutex exclusively.
    Functions {
        held: usize,
        against: usize,
        functions: usize,
        exclusive_writes: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    pub mutex: MutexKey,
    pub evidence: GuardEvidence,
    /// Whether the mutex is a `sync.RWMutex`, when its declaration or use says.
    pub rw: Option<bool>,
    /// How sure the model is that this mutex guards the map (see [`confidence`]).
    pub confidence: Confidence,
}

/// What one function's accesses of a map say about one mutex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Held exclusively at every access.
    Exclusive,
    /// Held at every access, shared at some.
    Shared,
    /// Not held at some write.
    NotHeld,
    /// Not held at some read, and at no write: no vote either way.
    Reads,
    /// Neither: unknown at some access.
    Unknown,
}

/// One function's vote on one map.
#[derive(Debug, Clone)]
struct Vote {
    statuses: Vec<(MutexKey, Status)>,
    /// Writes the map, and whether each of those writes holds the mutex exclusively.
    exclusive_writes: Vec<MutexKey>,
}

/// The votes of the functions that touch each map.
#[derive(Debug, Default)]
pub struct Evidence {
    /// Map → mutex → counts over every function.
    totals: HashMap<Place, BTreeMap<MutexKey, Counts>>,
    /// Map → how many functions touch it.
    functions: HashMap<Place, usize>,
    /// The votes of judged functions, to take them back out when one is judged.
    votes: HashMap<(Place, Voter), Vote>,
    /// Annotations, and whether each mutex is a read-write one.
    annotated: HashMap<Place, Guard>,
    /// What mutexes' comments say they protect: the field's line and the mutex.
    grouped: HashMap<Place, (usize, MutexKey)>,
    rw: HashMap<MutexKey, bool>,
    /// Declaration lines of struct fields, for ties.
    lines: HashMap<(String, String), usize>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    held: usize,
    against: usize,
    unknown: usize,
    exclusive_writes: usize,
}

/// Collect the evidence of `functions` (with their ids) under their entry states;
/// `judged` says whose votes to keep apart, for [`Evidence::guard_for`].
pub fn collect<'a, I>(
    functions: I,
    decls: &Decls,
    entries: &Entries<'_>,
    summaries: &super::summaries::Summaries,
    judged: &dyn Fn(&RawFunction) -> bool,
) -> Evidence
where
    I: IntoIterator<Item = (FnId, &'a RawFunction)> + Clone,
{
    let mut ev = Evidence {
        annotated: annotations(decls),
        ..Evidence::default()
    };
    for (sname, s) in &decls.structs {
        for (fname, f) in &s.fields {
            ev.lines.insert((sname.clone(), fname.clone()), f.line);
            if let Some(m) = &f.grouped_guard {
                let place = Place {
                    root: Root::Type(sname.clone()),
                    fields: vec![fname.clone()],
                };
                ev.grouped
                    .insert(place, (f.line, MutexKey::of_struct(sname, Some(m))));
            }
        }
    }
    // The mutexes the package locks somewhere: only they can be guards.
    let mut mutexes: HashSet<&MutexKey> = HashSet::new();
    for (_, f) in functions.clone() {
        for c in &f.lock_calls {
            mutexes.insert(&c.mutex);
            if c.method.is_read() {
                ev.rw.insert(c.mutex.clone(), true);
            }
        }
    }
    for m in &mutexes {
        if let Some(rw) = declared_rw(decls, m) {
            ev.rw.insert((*m).clone(), rw);
        }
    }
    for (_, f) in functions {
        if f.in_test_file {
            continue;
        }
        let entry = entries.of(f);
        // (Map, voter) → its runs here: (write, mutex → state).
        let mut runs: HashMap<(Place, Voter), Vec<Run<'_>>> = HashMap::new();
        // An element of a map of maps counts as an access of the map, unless the
        // function also touches the map itself: then those accesses are its evidence,
        // and an inner map used after the unlock is an element that escaped the
        // critical section (a slip to report, not a vote against the guard).
        let direct: HashSet<Place> = f
            .ops
            .iter()
            .filter(|op| !op.map.is_opaque() && op.map.outermost_map() == op.map)
            .map(|op| op.map.clone())
            .collect();
        for op in &f.ops {
            if op.map.is_opaque() {
                continue;
            }
            let voter = voter_of(f, op);
            let map = op.map.outermost_map();
            if map != op.map && direct.contains(&map) {
                continue;
            }
            for run in &op.runs {
                // Deferred code is what the rules judge, and owned values nobody else
                // sees: neither is evidence.
                if matches!(run.ctx, Ctx::Deferred { .. }) || run.owned {
                    continue;
                }
                // A goroutine started while its creator held the mutex is the shape the
                // rules judge (it holds none of its creator's locks): no vote on that one.
                let creator = match run.ctx {
                    Ctx::Goroutine { go } => Some(&f.gos[go].creator_locks),
                    _ => None,
                };
                let creator_held = |mk: &MutexKey| {
                    creator
                        .and_then(|c| c.get(mk))
                        .is_some_and(|h| h.resolve(&entry.state(mk)).state.is_held())
                };
                // A local guard is a variable declared as a mutex.
                let mutex_var = |mk: &MutexKey| match mk.place().root {
                    Root::Local { binding, .. } => {
                        matches!(f.bindings[binding].hint, Hint::Mutex { .. })
                    }
                    _ => true,
                };
                let states = run
                    .locks
                    .iter()
                    .filter(|(mk, _)| mutexes.contains(mk) && map.may_be_guarded_by(mk))
                    .filter(|(mk, _)| mutex_var(mk))
                    .filter(|(mk, _)| !creator_held(mk))
                    .map(|(mk, held)| (mk, held.resolve(&entry.state(mk)).state))
                    .collect();
                runs.entry((map.clone(), voter))
                    .or_default()
                    .push((op.kind == OpKind::Write, states));
            }
        }
        // The writes its calls of the package's helpers perform, under its locks (a
        // `…Locked` helper called with the lock held votes for that lock).
        for c in f
            .call_sites
            .iter()
            .filter(|c| c.ctx == Ctx::Immediate && !c.spawned)
        {
            let Some(writes) = summaries.get(&(c.recv_type.clone(), c.method.clone())) else {
                continue;
            };
            for w in writes.iter().filter(|w| !super::summaries::owned_at(w, c)) {
                let at = super::summaries::at_call(w, c);
                let map = at.map.outermost_map();
                let states: Vec<(&MutexKey, Lock)> = at
                    .locks
                    .iter()
                    .filter(|(mk, _)| mutexes.contains(*mk) && map.may_be_guarded_by(mk))
                    .filter_map(|(mk, held)| {
                        let key = mutexes.get(mk)?;
                        Some((*key, held.resolve(&entry.state(mk)).state))
                    })
                    .collect();
                // Where the callee's own locking decides, the callee votes, not each caller.
                if states.is_empty() {
                    continue;
                }
                runs.entry((map, (f.file, f.start)))
                    .or_default()
                    .push((true, states));
            }
        }
        for ((map, voter), runs) in runs {
            let vote = vote(&runs);
            *ev.functions.entry(map.clone()).or_default() += 1;
            let totals = ev.totals.entry(map.clone()).or_default();
            add(totals, &vote, 1);
            if judged(f) {
                ev.votes.insert((map.clone(), voter), vote);
            }
        }
    }
    ev
}

/// One run of an access: whether it writes, and the state of each mutex it says
/// something about.
type Run<'a> = (bool, Vec<(&'a MutexKey, Lock)>);

/// How the runs of one function's accesses of a map vote on each mutex.
fn vote(runs: &[Run<'_>]) -> Vote {
    let mut keys: Vec<&MutexKey> = runs
        .iter()
        .flat_map(|(_, s)| s.iter().map(|(k, _)| *k))
        .collect();
    keys.sort();
    keys.dedup();
    let mut statuses = Vec::new();
    let mut exclusive_writes = Vec::new();
    for k in keys {
        // The runs that say something about `k` (a goroutine's may not).
        let state = |s: &Vec<(&MutexKey, Lock)>| s.iter().find(|(m, _)| *m == k).map(|(_, l)| *l);
        let states: Vec<Lock> = runs.iter().filter_map(|(_, s)| state(s)).collect();
        let status = if states.iter().all(|s| *s == Lock::Locked) {
            Status::Exclusive
        } else if states.iter().all(|s| s.is_held()) {
            Status::Shared
        } else if runs
            .iter()
            .any(|(w, s)| *w && state(s) == Some(Lock::Unlocked))
        {
            // A write without it: the map is not guarded by it (or the function has a
            // bug). A read without it says less: unlocked reads of a guarded map are a
            // common slip (or follow a join), and they do not establish who writes.
            Status::NotHeld
        } else if states.contains(&Lock::Unknown) {
            Status::Unknown
        } else {
            Status::Reads
        };
        statuses.push((k.clone(), status));
        let writes: Vec<Lock> = runs
            .iter()
            .filter(|(w, _)| *w)
            .filter_map(|(_, s)| state(s))
            .collect();
        if !writes.is_empty() && writes.iter().all(|s| *s == Lock::Locked) {
            exclusive_writes.push(k.clone());
        }
    }
    Vote {
        statuses,
        exclusive_writes,
    }
}

fn add(totals: &mut BTreeMap<MutexKey, Counts>, vote: &Vote, sign: isize) {
    let bump = |n: &mut usize| *n = (*n as isize + sign).max(0) as usize;
    for (k, status) in &vote.statuses {
        let c = totals.entry(k.clone()).or_default();
        match status {
            Status::Exclusive | Status::Shared => bump(&mut c.held),
            Status::NotHeld => bump(&mut c.against),
            Status::Unknown => bump(&mut c.unknown),
            Status::Reads => {}
        }
    }
    for k in &vote.exclusive_writes {
        bump(&mut totals.entry(k.clone()).or_default().exclusive_writes);
    }
}

/// The confidence the evidence gives: high for an annotation, or a mutex held in every
/// one of at least three other functions with writes under its exclusive lock; medium
/// for evidence as consistent but thinner; low where some function touches the map
/// without it, or functions whose state is unknown outnumber those that hold it.
fn confidence(held: usize, against: usize, unknown: usize, exclusive_writes: usize) -> Confidence {
    if held >= 3 && against == 0 && exclusive_writes >= 1 {
        Confidence::High
    } else if against == 0 && held > unknown {
        Confidence::Medium
    } else {
        Confidence::Low
    }
}

impl Evidence {
    /// Every map some function touches, or an annotation names, sorted.
    pub fn maps(&self) -> Vec<&Place> {
        let mut maps: Vec<&Place> = self.totals.keys().chain(self.annotated.keys()).collect();
        maps.sort();
        maps.dedup();
        maps
    }

    /// The guard of `map` as the functions other than `judged` show it (annotations
    /// first); `None` when nothing consistently locks it.
    pub fn guard_for(&self, map: &Place, judged: Option<Voter>) -> Option<Guard> {
        let map = &map.outermost_map();
        if let Some(g) = self.annotated.get(map) {
            return Some(g.clone());
        }
        let mut totals = self.totals.get(map).cloned().unwrap_or_default();
        let mut functions = self.functions.get(map).copied().unwrap_or(0);
        if let Some(vote) = judged.and_then(|id| self.votes.get(&(map.clone(), id))) {
            add(&mut totals, vote, -1);
            functions = functions.saturating_sub(1);
        }
        let best = totals
            .iter()
            .filter(|(_, c)| c.held > 0)
            .max_by_key(|(k, c)| (c.held, std::cmp::Reverse(c.against), self.affinity(map, k)));
        // A mutex's comment says it protects the map: taken unless the code says
        // otherwise (another mutex held where this one never is, or writes without it).
        if let Some((line, gm)) = self.grouped.get(map) {
            let c = totals.get(gm).copied().unwrap_or_default();
            let contradicted = c.against > 0 || best.is_some_and(|(k, _)| k != gm && c.held == 0);
            if !contradicted {
                return Some(Guard {
                    mutex: gm.clone(),
                    evidence: GuardEvidence::Comment { line: *line },
                    rw: self.rw.get(gm).copied(),
                    confidence: if c.held >= 1 {
                        confidence(c.held, c.against, c.unknown, c.exclusive_writes)
                            .max(Confidence::Medium)
                    } else {
                        Confidence::Medium
                    },
                });
            }
        }
        let (mutex, c) = best?;
        // Held in (nearly) every function that touches it: one in five may not.
        if c.against * 4 > c.held {
            return None;
        }
        Some(Guard {
            mutex: mutex.clone(),
            evidence: GuardEvidence::Functions {
                held: c.held,
                against: c.against,
                functions,
                exclusive_writes: c.exclusive_writes,
            },
            rw: self.rw.get(mutex).copied(),
            confidence: confidence(c.held, c.against, c.unknown, c.exclusive_writes),
        })
    }

    /// Between mutexes held as often: the one named after the map (`itemsMu` for
    /// `items`), then the one declared nearest before it.
    fn affinity(&self, map: &Place, mutex: &MutexKey) -> (bool, std::cmp::Reverse<usize>) {
        let name = map.last_name().to_ascii_lowercase();
        let m = mutex.place().last_name().to_ascii_lowercase();
        let named = !name.is_empty() && m.starts_with(&name) && m != name;
        let distance = match (map.struct_field(), mutex.place().struct_field()) {
            (Some((s, f)), Some((t, g))) if s == t => {
                let (a, b) = (
                    self.lines.get(&(s.to_string(), f.to_string())),
                    self.lines.get(&(t.to_string(), g.to_string())),
                );
                match (a, b) {
                    (Some(a), Some(b)) if b <= a => a - b,
                    _ => usize::MAX,
                }
            }
            _ => usize::MAX,
        };
        (named, std::cmp::Reverse(distance))
    }
}

/// The guards the declarations state.
fn annotations(decls: &Decls) -> HashMap<Place, Guard> {
    let mut guards = HashMap::new();
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
                        confidence: Confidence::High,
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
                    confidence: Confidence::High,
                },
            );
        }
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

/// The id of a function: its file and start.
pub fn id_of<L>(f: &FunctionModel<L>) -> FnId {
    (f.file, f.start)
}
