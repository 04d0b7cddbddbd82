//! Output formats. Each takes the findings of a run and knows nothing about how they
//! were made.

pub mod concise;
pub mod github;
pub mod json;
pub mod pr_body;
pub mod sarif;
pub mod statistics;
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

/// `s` as a sentence: capitalized and closed with a period, for readers (GitHub among
/// them) that show messages as prose.
pub(crate) fn sentence(s: &str) -> String {
    let s = s.trim();
    let mut c = s.chars();
    let mut out: String = match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}
