// The allocator: mimalloc, for Rust's allocations and tree-sitter's. The model allocates
// millions of small, short-lived values per large package, and glibc's malloc spent a
// fifth of a dense package's run in its free lists (malloc_consolidate, unlink_chunk); the
// release binaries for Linux are static musl builds, whose malloc is slower still.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
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
