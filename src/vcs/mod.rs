//! git2: which files have uncommitted changes, which lines changed since a revision, and
//! commits on a branch built without touching the working tree. No network, no
//! working-tree writes. Knows nothing about Go.

mod dirty;

pub use dirty::dirty_files;
