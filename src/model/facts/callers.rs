//! Unexported methods whose every call site in the package holds a mutex of the
//! receiver's type run with it held (Go fact 8).

use std::collections::HashMap;

use super::entry::Entries;
use crate::model::decls::Decls;
use crate::model::function::RawFunction;
use crate::model::locks::Lock;
use crate::model::place::{MutexKey, Root};

/// (receiver type, method) → the mutexes every caller holds.
pub type CallerHolds = HashMap<(String, String), Vec<MutexKey>>;

/// The caller facts, from each call site's lock states under its caller's own entry
/// states (`own`: without caller facts; one level of callers).
pub fn infer<'a, I>(functions: I, decls: &Decls, own: &Entries<'_>) -> CallerHolds
where
    I: IntoIterator<Item = &'a RawFunction> + Clone,
{
    let mut sites: HashMap<(String, String), Vec<Vec<MutexKey>>> = HashMap::new();
    for f in functions.clone() {
        if f.call_sites.is_empty() {
            continue;
        }
        let entry = own.of(f);
        for c in &f.call_sites {
            let held: Vec<MutexKey> = c
                .locks
                .iter()
                .filter(|(k, _)| matches!(&k.place().root, Root::Type(t) if *t == c.recv_type))
                .filter(|(k, v)| v.resolve(&entry.state(k)).state == Lock::Locked)
                .map(|(k, _)| k.clone())
                .collect();
            sites
                .entry((c.recv_type.clone(), c.method.clone()))
                .or_default()
                .push(held);
        }
    }
    let mut out = HashMap::new();
    for f in functions {
        let Some(recv) = &f.receiver_type else {
            continue;
        };
        if !f.name.starts_with(|c: char| c.is_lowercase()) || !decls.structs.contains_key(recv) {
            continue;
        }
        let Some(calls) = sites.get(&(recv.clone(), f.name.clone())) else {
            continue;
        };
        let mut common: Vec<MutexKey> = calls[0].clone();
        for c in &calls[1..] {
            common.retain(|k| c.contains(k));
        }
        if !common.is_empty() {
            out.insert((recv.clone(), f.name.clone()), common);
        }
    }
    out
}
