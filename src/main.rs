// The allocator: mimalloc, for Rust's allocations and tree-sitter's. The model allocates
// millions of small, short-lived values per large package, and glibc's malloc spent a
// fifth of a dense package's run in its free lists (malloc_consolidate, unlink_chunk); the
// release binaries for Linux are static musl builds, whose malloc is slower still.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    no_huge_pages();
    #[cfg(feature = "mimalloc")]
    use_mimalloc_for_tree_sitter();
    std::process::exit(defuse::cli::main());
}

#[cfg(feature = "mimalloc")]
/// Route tree-sitter's C allocations (parsers and trees, most of a run's memory) to
/// mimalloc too, before anything is parsed.
fn use_mimalloc_for_tree_sitter() {
    use libmimalloc_sys as mi;
    // SAFETY: called once, first thing in main, before any thread starts or any parse:
    // tree-sitter's allocator is a global it reads on each allocation, and every block
    // it frees was allocated by the functions given here.
    unsafe {
        tree_sitter::set_allocator(
            Some(mi::mi_malloc),
            Some(mi::mi_calloc),
            Some(mi::mi_realloc),
            Some(mi::mi_free),
        );
    }
}

/// No transparent huge pages for this process. mimalloc asks for them (`madvise`) on the
/// arena it reserves before `main`; the model's millions of small values and the trees
/// touch 2 MB pages sparsely, and they cost a fifth more resident memory (183 against
/// 160 MB on nats-server's `server` package, 215 against 202 MB on the dense 8 MB
/// package) and more kernel time zeroing them, for no gain in speed. The flag is read at
/// each page fault, so setting it now covers memory reserved earlier.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes integer arguments only and changes a
    // flag of this process; an error (an old kernel) leaves things as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
