//! Fixes: merging edits, conflicts, fixed-point iteration, imports, indentation,
//! diffs and atomic writes. Nothing here knows which rule made an edit.

mod edits;

pub use edits::{apply, merge, FixCandidate, Merged};
