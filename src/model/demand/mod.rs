//! Laziness as a demand of the one model: which functions of a package are parsed and
//! modeled, and which the rules judge. [`Demand::Everything`] parses and models every
//! function; a demand of candidates models only the functions the candidates' facts can
//! depend on, and gives the same facts for them.
//!
//! Findings can only be in the functions of a package that hold a candidate site (see
//! [`crate::prefilter`]), but they rest on facts about the whole package: its types and
//! variables, which mutex guards a map (from every access in the package), which methods
//! every caller calls with a lock held. This module gathers those facts from as little
//! as it can, and gets the same facts for the candidates' findings as a parse and model
//! of every function of every file:
//!
//! * every file gets a byte-level [`FileIndex`] and a parse of only its top-level `type`
//!   and `var` declarations: struct fields, mutexes and annotations, package variables
//!   (the model consults all of them, and they are a few percent of the bytes);
//! * a top-level function is parsed and modeled when it holds a candidate site, or when
//!   its text uses a name the candidates' facts depend on — only those names can bring
//!   a function's model into those facts:
//!   - the field or variable name of a map a candidate function operates on (guard
//!     evidence counts every access to that map in the package, and an access names
//!     it); for a function-local map, the function's start offset (the model keys
//!     locals by it);
//!   - a call of an unexported method modeled for its exact lock states (a candidate
//!     function, or one that accesses a candidate's map): the caller facts of a method
//!     come from its call sites, `x.m(…)`, so only that shape counts, not every use of
//!     the name (a field or a variable is often named as a method is);
//!   - the name of a mutex in the lock states of those accesses, when no modeled lock
//!     call shows yet that it is ever locked, or whether it is used as a read-write lock;
//! * a modeled function is parsed with what precedes it back to the previous function's
//!   signature (tree-sitter's included ranges keep every offset), so its doc comment
//!   reads as in the whole file; before it is modeled, every other function with the
//!   same receiver type and name gets its declaration parsed too: of two such
//!   declarations (one per build tag) the later one's doc comment decides whether the
//!   lock is held on entry, as it does when every file is parsed;
//! * the candidates are parsed into their file's tree, which the rules read; every other
//!   function is parsed in a batch of about 256 KB of source, modeled, and its tree
//!   dropped, keeping only what its declaration says (the conventions above): a tree
//!   takes some 50 bytes per byte of Go, and a package of 8 MB all of whose functions
//!   touch one map would otherwise hold 400 MB of trees. The batches of a round are
//!   read on the threads `--jobs` allows that no other package keeps busy
//!   ([`batches`]), and taken in order. A package whose candidates
//!   exceed [`TREE_BUDGET`] (thousands of tests that each defer a call of the package's
//!   code) models them in batches too, and parses each judged file again when the rules
//!   read it, with only the candidates still judged;
//! * a file with a `//defuse:ignore` directive is parsed and modeled whole;
//! * a candidate the prefilter found only by the name of a function it calls is judged
//!   only when its model confirms a call that can write (see
//!   [`confirm_calls_of_writers`]), and a callee is modeled for its summary only when
//!   its text can write, itself or through its own calls ([`MayWrite`]).
//!
//! `tests/prefilter.rs` checks that both demands give the same findings on the test data
//! and the Go tree, and the fuzz target on every input it makes. One known difference: in a file
//! tree-sitter cannot parse, an error can hide declarations from a full parse that the
//! parse of declarations alone still sees.

mod batches;
pub mod index;

use std::collections::{BTreeSet, HashMap, HashSet};

use memchr::memmem;

use super::decls::{self, Decls};
use super::facts::guards::declared_rw;
use super::facts::PackageFacts;
use super::function::Ctx;
use super::place::{MutexKey, Root};
use super::{model_some, FunctionModel, RawFunction, SourceUnit};
use crate::prefilter::Why;
use crate::rules::trigger::{Shape, Trigger};
use crate::syntax::{lex, named_children, parse_declarations, parse_only, NodeExt, ParsedFile};
use batches::{read_batches, BatchRead, Busy, Readers};
use index::FileIndex;

/// What the rules need of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileDemand {
    /// Nothing is judged in it: it only contributes facts.
    Facts,
    /// The functions holding these byte offsets are judged; an offset in no function
    /// makes the whole file judged. Each comes with the reason the prefilter gave.
    Sites(Vec<(usize, Why)>),
    /// Every function is judged, and the file is parsed whole.
    Whole,
}

impl FileDemand {
    /// From the prefilter's candidate sites of a file.
    pub fn from_sites(sites: Vec<(usize, crate::prefilter::Why)>) -> FileDemand {
        if sites.is_empty() {
            FileDemand::Facts
        } else if sites
            .iter()
            .any(|(_, why)| *why == crate::prefilter::Why::Directive)
        {
            FileDemand::Whole
        } else {
            FileDemand::Sites(sites)
        }
    }
}

/// What the rules need of a package: a [`FileDemand`] per file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Demand {
    /// Every function of every file is judged.
    Everything,
    /// Per file, in the order given.
    Files(Vec<FileDemand>),
    /// [`Demand::Files`], with the functions outside the candidates' trees parsed at most
    /// this many bytes of source at a time ([`BATCH_BYTES`] otherwise), and the
    /// candidates' bodies kept in their trees only up to as many ([`TREE_BUDGET`]): for
    /// the tests, whose packages are too small for two batches.
    FilesInBatches(Vec<FileDemand>, usize),
}

/// How a demand of candidates parses the functions outside the candidates' trees.
#[derive(Debug, Clone, Copy)]
struct Batches {
    /// Bytes of functions' source parsed at a time ([`BATCH_BYTES`]).
    bytes: usize,
    /// Bytes of candidates' bodies a package keeps in its files' trees ([`TREE_BUDGET`]).
    tree_budget: usize,
    /// Which threads read the batches ([`read_batches`]).
    readers: Readers,
}

const BATCHES: Batches = Batches {
    bytes: BATCH_BYTES,
    tree_budget: TREE_BUDGET,
    readers: Readers::Spare,
};

impl Demand {
    /// The per-file demands; `None` for [`Demand::Everything`].
    pub fn into_files(self) -> Option<Vec<FileDemand>> {
        self.into_files_in_batches().map(|(d, _)| d)
    }

    fn into_files_in_batches(self) -> Option<(Vec<FileDemand>, Batches)> {
        match self {
            Demand::Everything => None,
            Demand::Files(d) => Some((d, BATCHES)),
            Demand::FilesInBatches(d, bytes) => Some((
                d,
                Batches {
                    bytes,
                    tree_budget: bytes,
                    readers: Readers::Two,
                },
            )),
        }
    }

    /// The same demand, for other files.
    pub fn for_files(&self, files: Vec<FileDemand>) -> Demand {
        match self {
            Demand::Everything => Demand::Everything,
            Demand::Files(_) => Demand::Files(files),
            Demand::FilesInBatches(_, batch) => Demand::FilesInBatches(files, *batch),
        }
    }
}

/// How much of a file is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Depth {
    /// Its `type` and `var` declarations, and the selected functions with what precedes
    /// them up to the previous function's signature (see [`chunks`]).
    Parts,
    /// Every declaration, and the bodies of the selected functions.
    Declarations,
    /// All of it.
    Whole,
}

struct Slot {
    path: String,
    per_iteration_loop_vars: bool,
    index: FileIndex,
    file: ParsedFile,
    depth: Depth,
    /// The functions (indices into `index.functions`) whose bodies belong in `file`: the
    /// candidates (every function, once whole). The others selected later are parsed in
    /// batches of their own and modeled, and their trees dropped ([`read_batches`]).
    bodies: BTreeSet<usize>,
    /// The functions whose bodies are in `file` now.
    parsed: BTreeSet<usize>,
    /// The functions modeled from a batch, and what their declarations say.
    batched: BTreeSet<usize>,
    batched_conventions: decls::FunctionConventions,
    /// The functions to parse and model (a superset of `parsed` until the next parse).
    selected: BTreeSet<usize>,
    /// Functions whose declarations (not bodies) are wanted, and those parsed.
    declared: BTreeSet<usize>,
    parsed_declared: BTreeSet<usize>,
    /// The functions holding candidate sites.
    candidates: BTreeSet<usize>,
    /// The candidates' bodies are not in `file` (see [`TREE_BUDGET`]): the rules' tree is
    /// parsed when the file is judged ([`Slot::parse_for_judging`]).
    candidates_batched: bool,
    /// The candidates whose every site is a call, by name, of a function that writes a
    /// map: they stay candidates only if their models confirm such a call (see
    /// [`confirm_calls_of_writers`]). True where a site was in a read-locked function,
    /// where a call anywhere in it counts, not only in code that runs later.
    to_confirm: HashMap<usize, bool>,
    /// The functions whose caller facts matter, so whose call sites are all modeled: the
    /// candidates, and the functions accessing a map a candidate operates on.
    exact: BTreeSet<usize>,
    /// Functions modeled for their summaries (what a call of them writes), by how many
    /// calls away from a judged function they are (see `facts::summaries`).
    callees: HashMap<usize, usize>,
    /// It holds a candidate site.
    candidate: bool,
    /// Parsed and modeled whole: a suppression directive, or a parse of parts that
    /// could not be trusted (see [`Slot::settle`]).
    whole: bool,
    /// The models of the selected functions, by index; `None` for a function literal at
    /// the top level, which the model does not model.
    /// Boxed: a package can keep tens of thousands, and the map's free slots then cost a
    /// pointer each, not a model.
    models: HashMap<usize, Option<Box<RawFunction>>>,
    /// The parse nests deeper than `nesting_limit` (see [`Slot::check_nesting`]).
    too_deep: bool,
    nesting_limit: usize,
    /// At most this many bytes of functions' source in one batch ([`BATCH_BYTES`]).
    batch_bytes: usize,
}

/// Parse `src` as deep as `depth` says, with the bodies of the `selected` functions.
fn parse_slot(
    src: Vec<u8>,
    index: &FileIndex,
    selected: &BTreeSet<usize>,
    declared: &BTreeSet<usize>,
    depth: Depth,
) -> ParsedFile {
    match depth {
        Depth::Parts => {
            let ranges = chunks(&src, index, selected, declared);
            parse_only(src, &ranges)
        }
        Depth::Declarations => {
            let skipped: Vec<(usize, usize)> = index
                .functions
                .iter()
                .enumerate()
                .filter(|(i, _)| !selected.contains(i))
                .map(|(_, f)| (f.open, f.close))
                .collect();
            parse_declarations(src, &skipped)
        }
        Depth::Whole => crate::syntax::parse(src),
    }
}

/// The byte ranges to parse for the `type` and `var` declarations, the `selected`
/// functions and the declarations (without bodies) of the `declared` ones. Each comes
/// with everything from the previous function's signature on (that function's body left
/// out): its doc comment, and the node before it that ends the chain of comments
/// [`crate::model::decls`] reads as its doc, exactly as in the whole file. The first
/// function comes with everything before it.
fn chunks(
    src: &[u8],
    index: &FileIndex,
    selected: &BTreeSet<usize>,
    declared: &BTreeSet<usize>,
) -> Vec<(usize, usize)> {
    function_chunks(
        src,
        index,
        selected,
        declared,
        index.type_and_var_decls.clone(),
    )
}

/// [`chunks`] without the `type` and `var` declarations: the ranges of the functions,
/// added to `ranges`.
fn function_chunks(
    src: &[u8],
    index: &FileIndex,
    selected: &BTreeSet<usize>,
    declared: &BTreeSet<usize>,
    mut ranges: Vec<(usize, usize)>,
) -> Vec<(usize, usize)> {
    for &i in selected.union(declared) {
        let f = index.functions[i];
        match i.checked_sub(1).map(|p| index.functions[p]) {
            None => ranges.push((0, f.open + 1)),
            Some(p) => {
                ranges.push((p.start, p.open + 1));
                ranges.push((p.close, f.open + 1));
            }
        }
        // With the rest of its line: the next declaration needs the newline before it.
        let end = memchr::memchr(b'\n', &src[f.close..]).map_or(src.len(), |n| f.close + n + 1);
        if selected.contains(&i) {
            ranges.push((f.open + 1, end));
        } else {
            ranges.push((f.close, end));
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

impl Slot {
    fn new(u: SourceUnit, demand: FileDemand, nesting_limit: usize, batch_bytes: usize) -> Slot {
        let index = index::index(&u.src);
        let mut candidates = BTreeSet::new();
        let candidate = demand != FileDemand::Facts;
        let mut whole = demand == FileDemand::Whole;
        // Per candidate: `Some(read_locked)` while every site is a call of a writer.
        let mut by_calls: HashMap<usize, Option<bool>> = HashMap::new();
        if let FileDemand::Sites(sites) = demand {
            for (at, why) in sites {
                // A site the index puts in no function: nothing is left to chance.
                whole |= index.function_at(at).is_none();
                if let Some(i) = index.function_at(at) {
                    candidates.insert(i);
                    let seen = by_calls.entry(i).or_insert(Some(false));
                    *seen = seen.and_then(|read_locked| match why {
                        Why::Trigger(Trigger::Later(_, Shape::CallsWriter, _)) => Some(read_locked),
                        Why::Trigger(Trigger::ReadLocked(Shape::CallsWriter)) => Some(true),
                        _ => None,
                    });
                }
            }
        }
        let to_confirm = by_calls
            .into_iter()
            .filter_map(|(i, c)| Some((i, c?)))
            .collect();
        let selected: BTreeSet<usize> = if whole {
            (0..index.functions.len()).collect()
        } else {
            candidates.clone()
        };
        let depth = if whole { Depth::Whole } else { Depth::Parts };
        // Parsed by `first_parse`, once the package has said whether the candidates'
        // bodies go in this tree.
        let file = ParsedFile::unparsed(u.src);
        Slot {
            path: u.path,
            per_iteration_loop_vars: u.per_iteration_loop_vars,
            file,
            index,
            depth,
            bodies: selected.clone(),
            parsed: selected.clone(),
            batched: BTreeSet::new(),
            batched_conventions: decls::FunctionConventions::default(),
            declared: BTreeSet::new(),
            parsed_declared: BTreeSet::new(),
            exact: selected.clone(),
            callees: HashMap::new(),
            candidates_batched: false,
            selected,
            candidates,
            to_confirm,
            candidate,
            whole,
            models: HashMap::new(),
            too_deep: false,
            nesting_limit,
            batch_bytes,
        }
    }

    /// Bytes of source of the candidates' bodies.
    fn candidate_bytes(&self) -> usize {
        self.candidates
            .iter()
            .map(|&i| self.index.functions[i].close - self.index.functions[i].start)
            .sum()
    }

    /// The first parse: the `type` and `var` declarations, and the candidates' bodies
    /// when `with_candidates` (else they are modeled in batches like the other functions,
    /// and parsed again, a file at a time, when the file is judged: see
    /// [`AnalyzedFile::parse_for_judging`]).
    fn first_parse(&mut self, with_candidates: bool) {
        if !self.whole && !with_candidates {
            self.bodies.clear();
            self.candidates_batched = true;
        }
        let src = std::mem::take(&mut self.file.src);
        self.file = parse_slot(src, &self.index, &self.bodies, &BTreeSet::new(), self.depth);
        self.parsed = self.bodies.clone();
        self.settle();
        self.check_nesting();
    }

    /// How the rules' tree of a judged file is parsed when the slot's tree does not hold
    /// the candidates' bodies: the tree the slot would have had with them.
    fn parse_for_judging(&self) -> Option<ParseForJudging> {
        if !self.candidate || self.whole || !self.candidates_batched {
            return None;
        }
        // Only the candidates still judged: the rules read no other function's body.
        let judged = &self.candidates;
        Some(match self.depth {
            Depth::Parts => ParseForJudging::Only(chunks(
                &self.file.src,
                &self.index,
                judged,
                &self.parsed_declared,
            )),
            Depth::Declarations => ParseForJudging::Skipping(
                self.index
                    .functions
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !judged.contains(i))
                    .map(|(_, f)| (f.open, f.close))
                    .collect(),
            ),
            Depth::Whole => return None,
        })
    }

    /// `fns`, functions whose bodies are not in `file`, in batches of about `batch_bytes`
    /// of source: each batch is parsed into a tree of its own, modeled, and its tree
    /// dropped ([`read_batches`]), so that the memory of the trees follows the batch, not
    /// the package.
    fn batches(&self, fns: &[usize]) -> Vec<BTreeSet<usize>> {
        let mut batches: Vec<BTreeSet<usize>> = Vec::new();
        let mut size = self.batch_bytes;
        for &i in fns {
            let f = self.index.functions[i];
            if size >= self.batch_bytes {
                batches.push(BTreeSet::new());
                size = 0;
            }
            size += f.close - f.start;
            batches.last_mut().expect("pushed").insert(i);
        }
        batches
    }

    /// Take in what [`read_batches`] read of `batches`, in order. A batch is trusted as
    /// the slot's own parse is ([`Slot::settle`]): one that tree-sitter could not read,
    /// or whose functions are not where the index says, makes the slot whole, to be
    /// modeled in the next round; one nesting too deep leaves its functions unmodeled and
    /// the slot `too_deep`. What was read after it is dropped.
    fn take_batches(
        &mut self,
        batches: Vec<BTreeSet<usize>>,
        reads: Vec<BatchRead>,
        place: &dyn Fn(RawFunction) -> RawFunction,
    ) {
        for (batch, read) in batches.into_iter().zip(reads) {
            let (models, conventions) = match read {
                Ok(read) => read,
                Err(too_deep) => {
                    self.too_deep = too_deep;
                    if !too_deep {
                        self.go_whole();
                        self.check_nesting();
                    }
                    return;
                }
            };
            for (i, m) in models {
                self.models.insert(i, Some(Box::new(place(m))));
            }
            for &i in &batch {
                self.models.entry(i).or_insert(None);
            }
            self.batched_conventions.extend(conventions);
            self.batched.extend(batch);
        }
    }

    /// After each parse: whether it nests deeper than the model's recursion may follow
    /// on this thread (tree-sitter's parse is iterative, the walks after it are not).
    fn check_nesting(&mut self) {
        self.too_deep = self.file.nesting_exceeds(self.nesting_limit).is_some();
    }

    fn into_unit(mut self) -> SourceUnit {
        SourceUnit {
            src: std::mem::take(&mut self.file.src),
            path: self.path,
            per_iteration_loop_vars: self.per_iteration_loop_vars,
        }
    }

    /// Parse again, at least as deep as `depth`, when that or the selection adds anything.
    fn reparse(&mut self, depth: Depth) {
        if self.depth == Depth::Whole {
            // The tree holds every function already: more of them selected needs no
            // parse.
            self.parsed = self.selected.clone();
            self.parsed_declared = self.declared.clone();
            return;
        }
        let depth = depth.max(self.depth);
        if depth == self.depth
            && self.parsed == self.bodies
            && self.parsed_declared == self.declared
        {
            return;
        }
        let file = std::mem::replace(&mut self.file, ParsedFile::empty());
        self.file = if depth == Depth::Parts && self.depth == Depth::Parts {
            // More functions, the same bytes: the parse so far is reused.
            let ranges = chunks(&file.src, &self.index, &self.bodies, &self.declared);
            file.reparse_only(&ranges)
        } else {
            parse_slot(file.src, &self.index, &self.bodies, &self.declared, depth)
        };
        self.depth = depth;
        self.parsed = self.bodies.clone();
        self.parsed_declared = self.declared.clone();
        self.settle();
        self.check_nesting();
    }

    /// Parse the whole file, and model all of it, when a parse of parts is not sure to
    /// be right: tree-sitter could not read it, or a function the byte index found is
    /// not the declaration the tree has there. Exactness never rests on the index alone.
    fn settle(&mut self) {
        if self.whole && self.parsed.len() == self.index.functions.len() {
            return;
        }
        let sure = functions_as_indexed(&self.file, &self.index, &self.parsed);
        if sure && !self.whole {
            return;
        }
        self.go_whole();
    }

    /// Parse the whole file, to model all of it again.
    fn go_whole(&mut self) {
        self.whole = true;
        self.models.clear();
        self.batched.clear();
        self.batched_conventions = decls::FunctionConventions::default();
        self.selected = (0..self.index.functions.len()).collect();
        self.bodies = self.selected.clone();
        let src = std::mem::take(&mut self.file.src);
        self.file = parse_slot(
            src,
            &self.index,
            &BTreeSet::new(),
            &BTreeSet::new(),
            Depth::Whole,
        );
        self.depth = Depth::Whole;
        self.parsed = self.selected.clone();
    }

    /// Whether the parse read every byte of the file, so that its syntax errors are
    /// the file's: a parse of parts whose ranges cover it all is one.
    fn parsed_every_byte(&self) -> bool {
        match self.depth {
            Depth::Whole => true,
            Depth::Declarations => false,
            Depth::Parts => {
                let bodies: BTreeSet<usize> = self.parsed.union(&self.batched).copied().collect();
                let ranges = chunks(&self.file.src, &self.index, &bodies, &self.parsed_declared);
                ranges == [(0, self.file.src.len())]
            }
        }
    }

    fn functions(&self) -> impl Iterator<Item = &RawFunction> {
        self.models.values().filter_map(|m| m.as_deref())
    }

    fn exact_functions(&self) -> impl Iterator<Item = &RawFunction> {
        self.models
            .iter()
            .filter(|(i, _)| self.whole || self.exact.contains(i))
            .filter_map(|(_, m)| m.as_deref())
    }

    fn candidate_functions(&self) -> impl Iterator<Item = &RawFunction> {
        self.models
            .iter()
            .filter(|(i, _)| self.is_judged(**i))
            .filter_map(|(_, m)| m.as_deref())
    }

    fn is_judged(&self, i: usize) -> bool {
        self.candidate && (self.whole || self.candidates.contains(&i))
    }

    /// The models of the judged functions, taken out of the slot (the others are dropped).
    fn take_candidate_functions(&mut self) -> Vec<RawFunction> {
        let models = std::mem::take(&mut self.models);
        let mut out: Vec<RawFunction> = models
            .into_iter()
            .filter(|(i, _)| self.is_judged(*i))
            .filter_map(|(_, m)| m.map(|m| *m))
            .collect();
        out.sort_by_key(|f| f.start);
        out
    }
}

/// Whether a parse of parts can be trusted for the functions `fns` it holds: tree-sitter
/// read it without errors, and no declaration starting where one of them does ends
/// elsewhere than the index says.
fn functions_as_indexed(file: &ParsedFile, index: &FileIndex, fns: &BTreeSet<usize>) -> bool {
    !file.has_syntax_errors() && {
        let ends: HashMap<usize, usize> = named_children(file.root())
            .into_iter()
            .filter(|n| matches!(n.kind_name(), "function_declaration" | "method_declaration"))
            .map(|n| (n.start_byte(), n.end_byte()))
            .collect();
        fns.iter().all(|&i| {
            let f = index.functions[i];
            ends.get(&f.start).is_none_or(|&end| end == f.close + 1)
        })
    }
}

/// Source bytes of candidates' bodies a package keeps parsed in its files' trees from the
/// first parse to the rules (some 50 MB of trees). Beyond it, as in a package of thousands
/// of tests that each defer a call of the package's code, the candidates are modeled in
/// batches and each file is parsed again when it is judged: twice the parse of the
/// candidates, for memory that stays that of a batch.
const TREE_BUDGET: usize = 1 << 20;

/// Source bytes of the functions parsed in one batch ([`read_batches`]): a tree
/// takes some 50 bytes per byte of Go, so a batch's tree stays near 12 MB.
const BATCH_BYTES: usize = 1 << 18;

/// Files nesting at most this deep are analyzed on the caller's thread: the walk needs
/// well under 2 MiB of stack there (the least a Rust thread gets), in debug builds too.
/// A package with a deeper file needs a thread with a larger stack (see
/// `crate::engine`).
pub const INLINE_NESTING: usize = 200;

/// One file of a package after the analysis.
pub struct AnalyzedFile {
    pub path: String,
    pub per_iteration_loop_vars: bool,
    /// What was parsed of it: the whole file, or the parts the analysis needed (every
    /// judged function among them); byte offsets are the file's.
    pub parsed: ParsedFile,
    /// Whether the rules judge functions of this file.
    pub judged: bool,
    /// The models of its judged functions, in order, as modeled: the rules read them
    /// resolved with the package's facts ([`AnalyzedFile::functions`]), one file at a
    /// time, so that the resolved models of a package with thousands of judged tests
    /// never all live at once.
    raw: Vec<RawFunction>,
    /// Every byte of it parsed: whole, or in parts that cover it all.
    pub whole: bool,
    /// `parsed` does not hold the judged functions: how to parse it again for the rules
    /// ([`AnalyzedFile::parse_for_judging`]).
    parse_for_judging: Option<ParseForJudging>,
}

/// The ranges of a parse for the rules, of a file whose judged functions were modeled
/// from batches.
enum ParseForJudging {
    /// Only these ranges ([`parse_only`]).
    Only(Vec<(usize, usize)>),
    /// All but these ranges ([`parse_declarations`]).
    Skipping(Vec<(usize, usize)>),
}

impl AnalyzedFile {
    /// The models of its judged functions, resolved with the package's facts, in order.
    pub fn functions(&self, facts: &PackageFacts) -> Vec<FunctionModel> {
        self.raw.iter().map(|f| facts.resolve(f)).collect()
    }

    /// Make `parsed` hold the judged functions, parsing the file again when its tree was
    /// kept small (see [`TREE_BUDGET`]): called for one file at a time, as it is judged.
    pub fn parse_for_judging(&mut self) {
        let Some(how) = self.parse_for_judging.take() else {
            return;
        };
        let src = std::mem::take(&mut self.parsed.src);
        self.parsed = match how {
            ParseForJudging::Only(ranges) => parse_only(src, &ranges),
            ParseForJudging::Skipping(ranges) => parse_declarations(src, &ranges),
        };
    }
}

/// What [`analyze`] found.
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    Analyzed {
        facts: PackageFacts,
        files: Vec<AnalyzedFile>,
    },
    /// A parse nests deeper than the limit given: nothing was analyzed; the files come
    /// back for an analysis on a thread with a larger stack.
    TooDeep(Vec<SourceUnit>),
}

/// Analyze the files of one package (one directory, one package clause) as `demand`
/// says: parse and model what the judged functions' facts need, decide the facts, and
/// resolve the judged functions.
pub fn analyze(units: Vec<SourceUnit>, demand: Demand, nesting_limit: usize) -> Outcome {
    let _busy = Busy::enter();
    let n = units.len();
    let (demands, batches) = demand
        .into_files_in_batches()
        .unwrap_or_else(|| (vec![FileDemand::Whole; n], BATCHES));
    let mut slots: Vec<Slot> = units
        .into_iter()
        .zip(demands)
        .map(|(u, d)| Slot::new(u, d, nesting_limit, batches.bytes))
        .collect();
    let with_candidates =
        slots.iter().map(Slot::candidate_bytes).sum::<usize>() <= batches.tree_budget;
    for slot in &mut slots {
        slot.first_parse(with_candidates);
    }
    if slots.iter().any(|s| s.too_deep) {
        return Outcome::TooDeep(slots.into_iter().map(Slot::into_unit).collect());
    }

    // Types and variables are complete from the first parse on; functions' conventions
    // grow with the functions parsed.
    let mut kept: Option<Decls> = None;
    let decls = loop {
        declare_same_names(&mut slots);
        if slots.iter().any(|s| s.too_deep) {
            return Outcome::TooDeep(slots.into_iter().map(Slot::into_unit).collect());
        }
        let files: Vec<&ParsedFile> = slots.iter().map(|s| &s.file).collect();
        let decls = match kept.take() {
            None => {
                let mut d = decls::collect(&files);
                // What functions return, from the byte index of every file. Only names
                // of which some declaration returns a struct of the package are kept
                // (with all their declarations, which `result_of` weighs): for any other
                // name it says nothing, and a dense package has one such name per
                // function.
                let returned: Vec<(&[u8], &[u8], &[u8])> = slots
                    .iter()
                    .flat_map(|slot| {
                        let src = &slot.file.src[..];
                        slot.index.functions.iter().filter_map(move |f| {
                            Some((
                                slot.index.name_of(src, f)?,
                                slot.index.receiver_of(src, f)?,
                                slot.index.result_type_of(src, f)?,
                            ))
                        })
                    })
                    .collect();
                let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                let of_struct: HashSet<&[u8]> = returned
                    .iter()
                    .filter(|(_, _, ty)| {
                        matches!(
                            d.named(&String::from_utf8_lossy(ty)),
                            decls::Hint::Struct(_)
                        )
                    })
                    .map(|(name, _, _)| *name)
                    .collect();
                for (name, recv, ty) in returned {
                    if of_struct.contains(name) {
                        d.results
                            .entry(text(name))
                            .or_default()
                            .insert((text(recv), text(ty)));
                    }
                }
                d
            }
            Some(mut d) => {
                refresh_functions(&mut d, &slots);
                d
            }
        };
        let mut decls = decls;
        let mut went_whole = false;
        // Which slots have functions to read in batches, and in which batches: read for
        // all slots at once, on the threads no other package keeps busy (`read_batches`).
        let mut work: Vec<(usize, Vec<BTreeSet<usize>>)> = Vec::new();
        for (file, slot) in slots.iter_mut().enumerate() {
            let place = placer(file, &slot.path);
            if slot.whole {
                // Every declaration in the tree, keyed past the index's functions.
                if slot.models.is_empty() {
                    let all = model_some(&slot.file, &decls, &|_| true);
                    for (k, m) in all.into_iter().enumerate() {
                        slot.models.insert(usize::MAX - k, Some(Box::new(place(m))));
                    }
                }
                continue;
            }
            let (new, batched): (Vec<usize>, Vec<usize>) = slot
                .selected
                .iter()
                .filter(|i| !slot.models.contains_key(i))
                .partition(|i| slot.parsed.contains(i));
            let new: HashMap<usize, usize> = new
                .into_iter()
                .map(|i| (slot.index.functions[i].start, i))
                .collect();
            if !new.is_empty() {
                for m in model_some(&slot.file, &decls, &|n| new.contains_key(&n.start_byte())) {
                    let i = new[&m.start];
                    slot.models.insert(i, Some(Box::new(place(m))));
                }
                for i in new.into_values() {
                    slot.models.entry(i).or_insert(None);
                }
            }
            if !batched.is_empty() {
                work.push((file, slot.batches(&batched)));
            }
        }
        let reads = read_batches(&mut slots, &work, &decls, nesting_limit, batches.readers);
        for ((file, its_batches), reads) in work.into_iter().zip(reads) {
            let slot = &mut slots[file];
            let place = placer(file, &slot.path);
            slot.take_batches(its_batches, reads, &place);
            went_whole |= slot.whole;
        }
        if slots.iter().any(|s| s.too_deep) {
            return Outcome::TooDeep(slots.into_iter().map(Slot::into_unit).collect());
        }
        confirm_calls_of_writers(&mut slots);
        // A slot made whole by a batch is modeled in the next round, once the conventions
        // are read from its whole tree.
        if !select_wanted(&mut slots, &decls) && !went_whole {
            // What the last batches' declarations say.
            refresh_functions(&mut decls, &slots);
            break decls;
        }
        kept = Some(decls);
    };

    let modeled: Vec<&RawFunction> = slots.iter().flat_map(Slot::functions).collect();
    let judged: HashSet<(usize, usize)> = slots
        .iter()
        .flat_map(Slot::candidate_functions)
        .map(|f| (f.file, f.start))
        .collect();
    let facts = PackageFacts::decide(decls, modeled.iter().copied(), &|f| {
        judged.contains(&(f.file, f.start))
    });
    let files = slots
        .into_iter()
        .map(|mut slot| {
            let raw = slot.take_candidate_functions();
            let whole = slot.parsed_every_byte();
            AnalyzedFile {
                parse_for_judging: slot.parse_for_judging(),
                path: slot.path,
                per_iteration_loop_vars: slot.per_iteration_loop_vars,
                judged: slot.candidate,
                raw,
                whole,
                parsed: slot.file,
            }
        })
        .collect();
    Outcome::Analyzed { facts, files }
}

/// What marks a model as one of file `file` of the package, at `path`.
fn placer(file: usize, path: &str) -> impl Fn(RawFunction) -> RawFunction {
    let in_test_file = path.ends_with("_test.go");
    move |mut m| {
        m.file = file;
        m.in_test_file = in_test_file;
        m
    }
}

/// [`decls::refresh_functions`] from the slots' trees and what their batches said.
fn refresh_functions(decls: &mut Decls, slots: &[Slot]) {
    let files: Vec<&ParsedFile> = slots.iter().map(|s| &s.file).collect();
    let batched: Vec<&decls::FunctionConventions> =
        slots.iter().map(|s| &s.batched_conventions).collect();
    decls::refresh_functions(decls, &files, &batched);
}

/// Before the selected functions are modeled: parse the declarations of every file that
/// may declare a function named as one of them, so that the lock-held-on-entry
/// conventions are read from the same declarations as when every file is parsed.
fn declare_same_names(slots: &mut [Slot]) {
    let mut keys: HashSet<u64> = HashSet::new();
    for slot in slots.iter() {
        if slot.whole {
            // From the tree: the index may have missed one.
            let f = &slot.file;
            for decl in named_children(f.root()) {
                let recv = match decl.kind_name() {
                    "function_declaration" => String::new(),
                    "method_declaration" => decls::receiver_type(f, decl)
                        .map(|r| r.0)
                        .unwrap_or_default(),
                    _ => continue,
                };
                if let Some(n) = decl.field("name") {
                    keys.insert(index::func_key(&recv, f.text(n)));
                }
            }
        } else {
            keys.extend(slot.selected.iter().map(|&i| slot.index.functions[i].key));
        }
    }
    keys.remove(&0);
    // A function named like a builtin (`delete`) changes what a call of that name means
    // (the model reads `Decls::functions` for those names only): its declaration is read
    // from the first round on, wherever it is, so every function is modeled knowing it.
    for b in super::interp::known::BUILTINS {
        keys.insert(index::func_key("", b));
    }
    for slot in slots.iter_mut() {
        let mut all = false;
        for &key in &keys {
            let (with_body, bodiless) = slot.index.declarations_of_key(key);
            slot.declared
                .extend(with_body.into_iter().filter(|i| !slot.selected.contains(i)));
            all |= bodiless;
        }
        slot.reparse(if all {
            Depth::Declarations
        } else {
            Depth::Parts
        });
    }
}

/// Select the functions not modeled yet that the candidates' facts depend on (see the
/// module documentation); whether there were any.
fn select_wanted(slots: &mut [Slot], decls: &Decls) -> bool {
    // Maps the candidate functions operate on: their names (a field is named after a
    // `.`), and the starts of the functions whose local maps they are.
    // The functions the judged ones call, up to the depth summaries follow: what they
    // write is written at the call. Their maps join the candidates' maps below.
    let mut callee_keys: HashMap<u64, usize> = HashMap::new();
    for slot in slots.iter() {
        for (i, m) in &slot.models {
            let Some(f) = m else { continue };
            let depth = if slot.candidate && (slot.whole || slot.candidates.contains(i)) {
                0
            } else {
                match slot.callees.get(i) {
                    Some(&d) => d,
                    None => continue,
                }
            };
            // A summary follows DEPTH calls below the function called: from the judged
            // function (depth 0), functions down to depth DEPTH + 1.
            if depth > super::facts::summaries::DEPTH {
                continue;
            }
            for c in &f.call_sites {
                // A summary follows only the calls its function makes itself, now (see
                // `facts::summaries`); a judged function's calls are summarized wherever
                // they run.
                if depth > 0 && (c.spawned || c.ctx != Ctx::Immediate) {
                    continue;
                }
                let key = index::func_key(&c.recv_type, &c.method);
                let d = callee_keys.entry(key).or_insert(depth + 1);
                *d = (*d).min(depth + 1);
            }
        }
    }
    // By the outermost map: an element of a map of maps is guarded, and so selected, as
    // the map is.
    let mut map_keys: HashSet<super::place::Place> = HashSet::new();
    let mut map_fields: HashSet<String> = HashSet::new();
    let mut map_vars: HashSet<String> = HashSet::new();
    let mut local_funcs: HashSet<usize> = HashSet::new();
    let callee_functions = slots.iter().flat_map(|s| {
        s.models
            .iter()
            .filter(|(i, _)| s.callees.contains_key(i))
            .filter_map(|(_, m)| m.as_deref())
    });
    for op in slots
        .iter()
        .flat_map(|s| s.candidate_functions())
        .chain(callee_functions)
        .flat_map(|f| &f.ops)
    {
        let map = op.map.outermost_map();
        map_keys.insert(map.clone());
        match (&map.root, map.fields.last()) {
            (Root::Local { func, .. }, _) => {
                local_funcs.insert(*func);
            }
            (Root::Opaque(_), _) => {}
            (_, Some(field)) => {
                map_fields.insert(field.clone());
            }
            // A package variable; or a struct value itself, which Go cannot write as a
            // map: searched by its type's name all the same.
            (Root::Type(name) | Root::Pkg(name), None) => {
                map_vars.insert(name.clone());
            }
        }
    }
    // Unexported methods of the package's structs: their call sites, `x.m(…)`, give
    // their caller facts. Only the calls: a method's name is often a field's or a
    // variable's too (`typ` in go/types).
    let mut methods: HashSet<String> = HashSet::new();
    let mut selectors: HashSet<String> = HashSet::new();
    let mut vars: HashSet<String> = HashSet::new();
    for f in slots.iter().flat_map(Slot::exact_functions) {
        let of_struct = f
            .receiver_type
            .as_ref()
            .is_some_and(|r| decls.structs.contains_key(r));
        if of_struct && f.name.starts_with(|c: char| c.is_lowercase()) {
            methods.insert(f.name.clone());
        }
    }
    // Mutexes in the lock states of accesses to those maps, where the modeled lock calls
    // do not show yet whether one is ever locked, or used as a read-write lock.
    let mut locked: HashSet<&MutexKey> = HashSet::new();
    let mut read_locked: HashSet<&MutexKey> = HashSet::new();
    for c in slots
        .iter()
        .flat_map(|s| s.functions())
        .flat_map(|f| &f.lock_calls)
    {
        locked.insert(&c.mutex);
        if c.method.is_read() {
            read_locked.insert(&c.mutex);
        }
    }
    for op in slots
        .iter()
        .flat_map(|s| s.exact_functions())
        .flat_map(|f| &f.ops)
    {
        if !map_keys.contains(&op.map.outermost_map()) {
            continue;
        }
        for mutex in op.runs.iter().flat_map(|r| r.locks.keys()) {
            let settled = locked.contains(mutex)
                && (read_locked.contains(mutex) || declared_rw(decls, mutex).is_some());
            let place = mutex.place();
            if settled || place.is_opaque() || matches!(place.root, Root::Local { .. }) {
                continue;
            }
            match (&place.root, place.fields.last()) {
                (Root::Pkg(name), None) => {
                    vars.insert(name.clone());
                }
                (_, Some(name)) => {
                    selectors.insert(name.clone());
                }
                // An embedded mutex: `x.Lock()` names only the method.
                (_, None) => {
                    for m in super::LockMethod::ALL {
                        selectors.insert(m.name().to_string());
                    }
                }
            }
        }
    }

    // The functions whose calls write those maps in a way that depends on the caller's
    // locks: each caller of one votes on the map's guard (see `facts::guards`), so its
    // call sites are selected like accesses.
    let modeled: Vec<&RawFunction> = slots.iter().flat_map(Slot::functions).collect();
    let writers: Vec<(String, String)> =
        super::facts::summaries::summarize(modeled.iter().copied())
            .into_iter()
            .filter(|(_, writes)| {
                writes.iter().any(|w| {
                    map_keys.contains(&w.map.outermost_map())
                        && w.locks.iter().any(|(_, held)| held.known().is_none())
                })
            })
            .map(|(key, _)| key)
            .collect();

    // Callees worth modeling: those that can have a summary at their depth.
    let mut may_write = MayWrite::new(slots);
    let mut callees: Vec<(usize, usize, usize)> = Vec::new();
    for (s, slot) in slots.iter().enumerate().filter(|(_, s)| !s.whole) {
        for (&key, &depth) in &callee_keys {
            for i in slot.index.declarations_of_key(key).0 {
                let known = slot.callees.get(&i).is_some_and(|&d| d <= depth);
                let levels = super::facts::summaries::DEPTH + 1 - depth;
                if !known && may_write.can(s, i, levels) {
                    callees.push((s, i, depth));
                }
            }
        }
    }
    let mut any = !callees.is_empty();
    for (s, i, depth) in callees {
        slots[s].callees.insert(i, depth);
        slots[s].selected.insert(i);
    }
    for slot in slots.iter_mut().filter(|s| !s.whole) {
        let mut hits: Vec<usize> = Vec::new();
        let mut accessor_hits: Vec<usize> = Vec::new();
        for w in &map_fields {
            if slot.index.uses_selector(w) {
                accessor_hits.extend(word_hits(&slot.file.src, w));
            }
        }
        for w in &map_vars {
            if slot.index.uses_word(w) {
                accessor_hits.extend(word_hits(&slot.file.src, w));
            }
        }
        for f in &slot.index.functions {
            if local_funcs.contains(&f.start) {
                accessor_hits.push(f.start);
            }
        }
        for w in &methods {
            if slot.index.uses_selector(w) {
                let src = &slot.file.src;
                hits.extend(
                    word_hits(src, w).filter(|&at| lex::is_selector_call(src, at, w.len())),
                );
            }
        }
        for w in &selectors {
            if slot.index.uses_selector(w) {
                hits.extend(word_hits(&slot.file.src, w));
            }
        }
        for w in &vars {
            if slot.index.uses_word(w) {
                hits.extend(word_hits(&slot.file.src, w));
            }
        }
        for (recv, name) in &writers {
            if !slot.index.uses_word(name) {
                continue;
            }
            let src = &slot.file.src;
            accessor_hits.extend(word_hits(src, name).filter(|&at| {
                if recv.is_empty() {
                    lex::is_call(src, at, name.len())
                } else {
                    lex::is_selector_call(src, at, name.len())
                }
            }));
        }
        for at in accessor_hits {
            if let Some(i) = slot.index.function_at(at) {
                // Selected anew, or modeled before for its call sites only.
                any |= slot.selected.insert(i) | slot.exact.insert(i);
            }
        }
        for at in hits {
            if let Some(i) = slot.index.function_at(at) {
                any |= slot.selected.insert(i);
            }
        }
    }
    any
}

/// The prefilter matches a call of a writer by its name alone: `defer conn.Close()`
/// counts wherever some `Close` of the package writes a map. Once modeled, a candidate
/// knows what it calls (`CallSite`'s receiver type and name, the key a summary is found
/// by), so a candidate whose every site was such a call stays one only if a call of it
/// (in code that runs later, or anywhere when it was found in a read-locked function)
/// can reach a function of the package with a summary ([`MayWrite`]). Without one, no
/// call of it performs a write (`facts::PackageFacts::resolve` adds writes only through
/// summaries), and its trigger cannot hold: it is judged no further, and none of its
/// facts are gathered.
fn confirm_calls_of_writers(slots: &mut [Slot]) {
    let mut dropped: Vec<(usize, usize)> = Vec::new();
    let mut may_write = MayWrite::new(slots);
    for (s, slot) in slots.iter().enumerate().filter(|(_, s)| !s.whole) {
        for (&i, &anywhere) in &slot.to_confirm {
            let Some(Some(f)) = slot.models.get(&i) else {
                continue;
            };
            let confirmed = f
                .call_sites
                .iter()
                .filter(|c| anywhere || c.spawned || c.ctx != Ctx::Immediate)
                .any(|c| {
                    let key = index::func_key(&c.recv_type, &c.method);
                    (0..slots.len()).any(|s2| {
                        slots[s2]
                            .index
                            .declarations_of_key(key)
                            .0
                            .into_iter()
                            .any(|i2| may_write.can(s2, i2, super::facts::summaries::DEPTH))
                    })
                });
            if !confirmed {
                dropped.push((s, i));
            }
        }
    }
    for slot in slots.iter_mut() {
        slot.to_confirm.clear();
    }
    for (s, i) in dropped {
        slots[s].candidates.remove(&i);
        slots[s].exact.remove(&i);
    }
}

/// Which functions of a package can have a summary (what a call of them writes, see
/// `facts::summaries`) that follows `levels` more calls: a function whose text holds a
/// map write's shape, or that calls, by name, one that can with a level fewer. A
/// necessary condition from bytes, so a callee that fails it needs no model: its summary
/// would be empty.
/// Function name → (file, index) of each function declared under it.
type FunctionsByName<'a> = HashMap<&'a [u8], Vec<(usize, usize)>>;

struct MayWrite<'a> {
    slots: &'a [Slot],
    /// Every declared function by name: (file, index). Built when a call is first
    /// followed: most callees write themselves, or are asked about with no level left.
    by_name: Option<FunctionsByName<'a>>,
    known: HashMap<(usize, usize, usize), bool>,
}

impl<'a> MayWrite<'a> {
    fn new(slots: &'a [Slot]) -> MayWrite<'a> {
        MayWrite {
            slots,
            by_name: None,
            known: HashMap::new(),
        }
    }

    /// The functions declared under `name`.
    fn named(&mut self, name: &[u8]) -> Vec<(usize, usize)> {
        let slots = self.slots;
        let by_name = self.by_name.get_or_insert_with(|| {
            let mut by_name = FunctionsByName::new();
            for (s, slot) in slots.iter().enumerate() {
                for (i, f) in slot.index.functions.iter().enumerate() {
                    if let Some(name) = slot.index.name_of(&slot.file.src, f) {
                        by_name.entry(name).or_default().push((s, i));
                    }
                }
            }
            by_name
        });
        by_name.get(name).cloned().unwrap_or_default()
    }

    fn can(&mut self, s: usize, i: usize, levels: usize) -> bool {
        if let Some(&known) = self.known.get(&(s, i, levels)) {
            return known;
        }
        let src = &self.slots[s].file.src;
        let f = self.slots[s].index.functions[i];
        let body = &src[f.open..(f.close + 1).min(src.len())];
        let can = super::shapes::has_write_shape(body)
            || (levels > 0
                && super::shapes::called_names(body).any(|name| {
                    self.named(name)
                        .into_iter()
                        .any(|(s2, i2)| self.can(s2, i2, levels - 1))
                }));
        self.known.insert((s, i, levels), can);
        can
    }
}

/// Where `word` occurs as a whole word in `src` (comments and strings included).
fn word_hits<'a>(src: &'a [u8], word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let w = word.as_bytes();
    memmem::find_iter(src, w).filter(move |&at| {
        let before = at.checked_sub(1).map(|i| src[i]);
        let after = src.get(at + w.len()).copied();
        let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        !before.is_some_and(word_byte) && !after.is_some_and(word_byte)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(src: &str) -> Vec<usize> {
        let sites = crate::prefilter::candidate_sites(src.as_bytes(), false);
        let unit = SourceUnit {
            path: "p.go".into(),
            src: src.as_bytes().to_vec(),
            per_iteration_loop_vars: true,
        };
        let demand = Demand::Files(vec![FileDemand::from_sites(sites)]);
        let Outcome::Analyzed { files, .. } = analyze(vec![unit], demand, INLINE_NESTING) else {
            panic!("not deep");
        };
        files[0].raw.iter().map(|f| f.start).collect()
    }

    #[test]
    fn a_call_of_a_writer_by_name_only_is_judged_no_further() {
        let src = "package p\n\nimport \"net\"\n\ntype cache struct{ m map[string]int }\n\nfunc (c *cache) Close() { delete(c.m, \"k\") }\n\nfunc dial(conn net.Conn) {\n\tdefer conn.Close()\n}\n\nfunc (c *cache) use() {\n\tdefer c.Close()\n}\n";
        let use_start = src.find("func (c *cache) use").unwrap();
        // Both defers name a `Close` that writes a map; only the cache's is that one.
        assert_eq!(
            crate::prefilter::candidate_sites(src.as_bytes(), false).len(),
            2
        );
        assert_eq!(judged(src), [use_start]);
    }

    /// A batch that tree-sitter cannot read makes its file whole, as a parse of parts
    /// always did: the file's functions are then modeled from the whole tree, and the
    /// syntax error is the file's.
    #[test]
    fn a_batch_with_a_syntax_error_makes_its_file_whole() {
        let candidate = "package p

import \"sync\"

type S struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}

func (s *S) Drop(k string) {
	s.mu.Lock()
	s.mu.Unlock()
	defer delete(s.m, k)
}
";
        // An accessor of `s.m` (selected once `Drop` is modeled) with a broken statement.
        let accessor = "package p

func (s *S) Get(k string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[k] +
}
";
        let units = || {
            [("a.go", candidate), ("b.go", accessor)]
                .iter()
                .map(|(path, src)| SourceUnit {
                    path: path.to_string(),
                    src: src.as_bytes().to_vec(),
                    per_iteration_loop_vars: true,
                })
                .collect::<Vec<_>>()
        };
        let files: Vec<(&[u8], bool)> =
            vec![(candidate.as_bytes(), false), (accessor.as_bytes(), false)];
        let demands: Vec<FileDemand> = crate::prefilter::package_candidate_sites(&files)
            .into_iter()
            .map(FileDemand::from_sites)
            .collect();
        assert_eq!(demands[1], FileDemand::Facts);
        for demand in [
            Demand::Files(demands.clone()),
            Demand::FilesInBatches(demands.clone(), 1),
        ] {
            let Outcome::Analyzed { files, .. } = analyze(units(), demand, INLINE_NESTING) else {
                panic!("not deep");
            };
            assert!(files[1].whole, "the accessor's file is parsed whole");
            assert!(files[1].parsed.has_syntax_errors());
            assert_eq!(files[0].raw.len(), 1, "Drop is judged");
        }
    }
}
