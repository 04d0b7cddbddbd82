//! Output formats. Each takes the findings of a run and knows nothing about how they
//! were made.

pub mod json;
pub mod sarif;
pub mod text;

use crate::finding::Finding;

/// Problems with inputs that did not stop the run: unreadable files, syntax errors.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileProblem {
    pub path: String,
    pub message: String,
}

/// Everything a report shows.
pub struct Run<'a> {
    pub findings: &'a [Finding],
    pub problems: &'a [FileProblem],
    pub files_scanned: usize,
    /// File contents by path, for snippets.
    pub sources: &'a dyn Fn(&str) -> Option<std::sync::Arc<Vec<u8>>>,
}

impl Run<'_> {
    pub fn shown(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }
}
