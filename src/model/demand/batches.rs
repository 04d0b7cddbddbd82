//! Reading the functions a package's facts need a batch at a time
//! ([`super::BATCH_BYTES`] of source): each batch parsed into a tree of its own, modeled,
//! and its tree dropped, on the threads `--jobs` allows that no other package keeps busy.

use std::collections::{BTreeSet, HashMap};

use super::{function_chunks, functions_as_indexed, index::FileIndex, Slot, INLINE_NESTING};
use crate::model::decls::{self, Decls};
use crate::model::{model_some, RawFunction};
use crate::syntax::ParsedFile;

/// Which threads read a package's batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Readers {
    /// This one, and one more for each thread of the pool (`--jobs`) not busy with a
    /// package: `--jobs` bounds the threads at work.
    Spare,
    /// This one and one more, whenever there are two batches: for the tests, which
    /// should not depend on what the tests beside them keep busy.
    Two,
}

/// Threads at work on a package now: the pool's threads in [`super::analyze`] and the extra
/// readers of batches ([`read_batches`]).
static BUSY: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// One thread counted in [`BUSY`] while this lives.
pub(super) struct Busy;

impl Busy {
    pub(super) fn enter() -> Busy {
        BUSY.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Busy
    }

    /// Counted only when fewer than `limit` are.
    fn within(limit: usize) -> Option<Busy> {
        use std::sync::atomic::Ordering::SeqCst;
        BUSY.fetch_update(SeqCst, SeqCst, |n| (n < limit).then_some(n + 1))
            .ok()
            .map(|_| Busy)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        BUSY.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Parse and model the batches of every slot, `work` saying which (slot, its batches),
/// and give back what each batch read, per entry of `work`, in order (up to the first
/// batch of a slot that cannot be read, at least).
///
/// When there are two batches or more, on this thread and one more for each thread of
/// the pool (`--jobs`) not busy with a package ([`Readers`], [`BUSY`]): in a scan of many
/// packages, the last large one gets the cores the others are done with. The batches, in
/// order, are cut into one run of about equal bytes per thread, each run read on a
/// scoped thread of its own in copies of its files' bytes. A batch's models depend on its
/// bytes and the declarations only, so they are the same on whatever thread and in
/// whatever order batches are read; [`Slot::take_batches`] takes them in order. The
/// threads are not the pool's: a pool thread waiting on a task may take up another
/// package's analysis meanwhile, on top of this one's stack and memory. With no thread to
/// spare (`--jobs 1`), or on the deep thread (files nesting deeper than a worker's stack
/// allows; see `crate::engine`), the batches are read in turn, each file lending its
/// bytes.
pub(super) fn read_batches(
    slots: &mut [Slot],
    work: &[(usize, Vec<BTreeSet<usize>>)],
    decls: &Decls,
    nesting_limit: usize,
    readers: Readers,
) -> Vec<Vec<BatchRead>> {
    let items: Vec<(usize, &BTreeSet<usize>)> = work
        .iter()
        .enumerate()
        .flat_map(|(w, (_, batches))| batches.iter().map(move |b| (w, b)))
        .collect();
    // The extra readers, counted busy until they are done.
    let extra: Vec<Busy> = if items.len() < 2 || nesting_limit > INLINE_NESTING {
        Vec::new()
    } else {
        match readers {
            Readers::Two => vec![Busy::enter()],
            Readers::Spare => {
                let pool = rayon::current_num_threads();
                (1..pool.min(items.len()))
                    .map_while(|_| Busy::within(pool))
                    .collect()
            }
        }
    };
    let threads = 1 + extra.len();
    let mut out: Vec<Vec<BatchRead>> = work.iter().map(|_| Vec::new()).collect();
    if threads == 1 {
        for (w, (s, batches)) in work.iter().enumerate() {
            let slot = &mut slots[*s];
            for batch in batches {
                let read = read_batch(
                    &mut slot.file,
                    &slot.index,
                    &slot.candidates,
                    nesting_limit,
                    batch,
                    decls,
                );
                let failed = read.is_err();
                out[w].push(read);
                if failed {
                    break;
                }
            }
        }
        return out;
    }
    let slots: &[Slot] = slots;
    let bytes = |(w, batch): &(usize, &BTreeSet<usize>)| -> usize {
        let index = &slots[work[*w].0].index;
        batch
            .iter()
            .map(|&i| index.functions[i].close - index.functions[i].start)
            .sum()
    };
    let total: usize = items.iter().map(bytes).sum();
    let mut runs: Vec<&[(usize, &BTreeSet<usize>)]> = Vec::new();
    let (mut from, mut size) = (0, 0);
    for (k, item) in items.iter().enumerate() {
        size += bytes(item);
        let last_run = runs.len() + 1 == threads;
        if !last_run && size * threads >= total * (runs.len() + 1) {
            runs.push(&items[from..=k]);
            from = k + 1;
        }
    }
    if from < items.len() {
        runs.push(&items[from..]);
    }
    // A run reads its batches in a copy of each file it meets, made when it meets it.
    let read_run = |run: &[(usize, &BTreeSet<usize>)]| -> Vec<(usize, BatchRead)> {
        let mut copy: Option<(usize, ParsedFile)> = None;
        run.iter()
            .map(|&(w, batch)| {
                let s = work[w].0;
                if copy.as_ref().is_none_or(|(at, _)| *at != s) {
                    copy = Some((s, slots[s].file.copy_unparsed()));
                }
                let (_, file) = copy.as_mut().expect("made above");
                let slot = &slots[s];
                let read = read_batch(
                    file,
                    &slot.index,
                    &slot.candidates,
                    nesting_limit,
                    batch,
                    decls,
                );
                (w, read)
            })
            .collect()
    };
    let reads: Vec<(usize, BatchRead)> = std::thread::scope(|scope| {
        let others: Vec<_> = runs[1..]
            .iter()
            .map(|&run| {
                std::thread::Builder::new()
                    .name("defuse-batches".into())
                    .spawn_scoped(scope, move || read_run(run))
                    // No thread to be had (memory limits): read here, after the first run.
                    .map_err(|_| run)
            })
            .collect();
        let mut reads = read_run(runs[0]);
        for other in others {
            reads.extend(match other {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(run) => read_run(run),
            });
        }
        reads
    });
    for (w, read) in reads {
        out[w].push(read);
    }
    out
}

/// What one batch reads: the models of its functions by index (only the facts' share of
/// those not judged) and the conventions their declarations state; or, when it cannot be
/// read, whether that is for nesting too deep (else the file is to be parsed whole).
pub(super) type BatchRead = Result<(Vec<(usize, RawFunction)>, decls::FunctionConventions), bool>;

/// Parse the functions `batch` of `file` (lent its bytes) into a tree of their own, and
/// model them.
fn read_batch(
    file: &mut ParsedFile,
    index: &FileIndex,
    candidates: &BTreeSet<usize>,
    nesting_limit: usize,
    batch: &BTreeSet<usize>,
    decls: &Decls,
) -> BatchRead {
    let ranges = function_chunks(&file.src, index, batch, &BTreeSet::new(), Vec::new());
    let starts: HashMap<usize, usize> = batch
        .iter()
        .map(|&i| (index.functions[i].start, i))
        .collect();
    file.with_other_part(&ranges, |part| {
        if part.nesting_exceeds(nesting_limit).is_some() {
            return Err(true);
        }
        if !functions_as_indexed(part, index, batch) {
            return Err(false);
        }
        let models = model_some(part, decls, &|n| starts.contains_key(&n.start_byte()))
            .into_iter()
            .map(|mut m| {
                let i = starts[&m.start];
                if !candidates.contains(&i) {
                    m.keep_facts_only();
                }
                (i, m)
            })
            .collect();
        let conventions = decls::function_conventions(part, &|at| starts.contains_key(&at));
        Ok((models, conventions))
    })
}
