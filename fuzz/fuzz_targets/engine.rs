//! One Go file of arbitrary bytes through the engine: parse, analyze, fix (review fixes
//! included). The checks are shared with `tests/fuzz_corpus.rs`, which runs them over
//! the seed corpus and mutations of it in `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    defuse::fuzzing::check_engine(data);
});
