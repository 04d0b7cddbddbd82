//! Fixes: merging edits, conflicts, fixed-point iteration, imports, indentation,
//! diffs and atomic writes. Nothing here knows which rule made an edit.

mod diff;
mod edits;
mod imports;
mod indent;
mod write;

pub use diff::{unified_diff, unified_diff_bytes};
pub use edits::{apply, merge, FixCandidate, Merged};
pub use imports::{ensure_import, ImportPlan};
pub use indent::{line_ending, line_indent, normalize_newlines, raw_string_ranges, reindent};
pub use write::{write_atomic, WriteError};
