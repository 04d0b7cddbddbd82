//! Lines added or changed since a revision, for `--changed-since`: the tree of the
//! revision against the working tree as the index sees it, so committed, staged and
//! unstaged changes all count, and untracked files count whole.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use similar::{Algorithm, DiffOp};

use super::{git_error, relative, slash_path, Repo, VcsError};
use crate::finding::Finding;

/// The lines added or changed since a revision, per file of one repository.
pub struct ChangedLines {
    /// The working tree's root, canonical.
    root: PathBuf,
    /// By `/`-separated repository-relative path.
    files: HashMap<String, Lines>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Lines {
    /// A file that is new since the revision: added, untracked, or a link turned file.
    All,
    /// 1-based line ranges of the new text, sorted and disjoint.
    Ranges(Vec<Range<usize>>),
}

impl Lines {
    fn is_empty(&self) -> bool {
        matches!(self, Lines::Ranges(r) if r.is_empty())
    }

    fn contains(&self, line: usize) -> bool {
        match self {
            Lines::All => true,
            Lines::Ranges(r) => {
                let i = r.partition_point(|x| x.end <= line);
                r.get(i).is_some_and(|x| x.contains(&line))
            }
        }
    }
}

/// Lines changed since `rev` in the repository that holds the directory `start`; with `merge_base`,
/// since the merge base of `rev` and `HEAD` (what a pull request from `HEAD` into `rev`
/// changes, as `git diff rev...` shows it).
///
/// Ignored files are not part of the diff: their findings are never on changed lines.
/// A renamed file counts as deleted and added, so all of it is changed.
pub fn changed_lines(start: &Path, rev: &str, merge_base: bool) -> Result<ChangedLines, VcsError> {
    let repo = Repo::discover(start).map_err(|e| e.during("--changed-since"))?;
    let files = changed_files(&repo, rev, merge_base)?;
    Ok(ChangedLines {
        root: repo.root,
        files,
    })
}

/// The commit the changes are counted from: `rev`, or its merge base with `HEAD`.
fn base_commit<'r>(
    repo: &'r Repo,
    rev: &str,
    merge_base: bool,
) -> Result<git2::Commit<'r>, VcsError> {
    let since = repo.commit(rev)?;
    if !merge_base {
        return Ok(since);
    }
    let head = repo
        .git
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| VcsError::NoHead(e.message().to_string()))?;
    let id = repo
        .git
        .merge_base(since.id(), head.id())
        .map_err(|_| VcsError::NoMergeBase(rev.to_string()))?;
    repo.git.find_commit(id).map_err(git_error)
}

fn changed_files(
    repo: &Repo,
    rev: &str,
    merge_base: bool,
) -> Result<HashMap<String, Lines>, VcsError> {
    let tree = base_commit(repo, rev, merge_base)?
        .tree()
        .map_err(git_error)?;
    let mut opts = git2::DiffOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .context_lines(0)
        .interhunk_lines(0);
    let diff = repo
        .git
        .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts))
        .map_err(|e| VcsError::Compare {
            rev: rev.to_string(),
            message: e.message().to_string(),
        })?;
    let mut files = HashMap::new();
    for (i, delta) in diff.deltas().enumerate() {
        let Some(path) = delta.new_file().path() else {
            continue;
        };
        let path = slash_path(path);
        let lines = match delta.status() {
            git2::Delta::Deleted | git2::Delta::Unmodified | git2::Delta::Ignored => continue,
            git2::Delta::Added | git2::Delta::Untracked | git2::Delta::Typechange => Lines::All,
            _ => {
                let cannot_diff = |e: git2::Error| VcsError::Diff {
                    path: path.clone(),
                    message: e.message().to_string(),
                };
                let patch = git2::Patch::from_diff(&diff, i).map_err(cannot_diff)?;
                let Some(patch) = patch else { continue };
                let mut ranges = Vec::new();
                for h in 0..patch.num_hunks() {
                    let (hunk, _) = patch.hunk(h).map_err(cannot_diff)?;
                    // Without context lines, a hunk's new side is exactly its added lines;
                    // a pure deletion has none.
                    let start = hunk.new_start() as usize;
                    let len = hunk.new_lines() as usize;
                    if len > 0 {
                        ranges.push(start..start + len);
                    }
                }
                ranges.sort_by_key(|r| r.start);
                Lines::Ranges(ranges)
            }
        };
        files.insert(path, lines);
    }
    Ok(files)
}

impl ChangedLines {
    /// The changed lines of `path` (absolute, or relative to the current directory);
    /// `None` when nothing in it changed or it lies outside the repository.
    fn lines(&self, path: &str) -> Option<&Lines> {
        let rel = relative(&self.root, Path::new(path))?;
        self.files.get(&slash_path(&rel))
    }
}

impl ChangedLines {
    /// The directories (absolute, canonical) holding a Go file with changed lines: the
    /// packages a scan for findings on changed lines needs to analyze.
    pub fn go_dirs(&self) -> std::collections::HashSet<PathBuf> {
        self.files
            .iter()
            .filter(|(path, lines)| path.ends_with(".go") && !lines.is_empty())
            .map(|(path, _)| {
                let file = self.root.join(path);
                file.parent().unwrap_or(&self.root).to_path_buf()
            })
            .collect()
    }
}

/// The findings that start on a line added or changed since the revision.
pub fn filter_changed(findings: Vec<Finding>, changed: &ChangedLines) -> Vec<Finding> {
    let mut by_path: HashMap<String, Option<&Lines>> = HashMap::new();
    findings
        .into_iter()
        .filter(|f| {
            let lines = *by_path
                .entry(f.path.clone())
                .or_insert_with(|| changed.lines(&f.path));
            lines.is_some_and(|l| l.contains(f.span.start.line))
        })
        .collect()
}

/// [`filter_changed`] for the findings of one file on `current`, a rewrite (by fixes)
/// of `original`, the file's text in the working tree. A line of `current` that the
/// rewrite kept counts as changed when its line in `original` does; a line the
/// rewrite made counts as changed, since only fixes of changed lines are applied.
pub fn filter_changed_rewrite(
    findings: Vec<Finding>,
    changed: &ChangedLines,
    original: &[u8],
    current: &[u8],
) -> Vec<Finding> {
    if original == current {
        return filter_changed(findings, changed);
    }
    let Some(first) = findings.first() else {
        return findings;
    };
    let Some(lines) = changed.lines(&first.path) else {
        return Vec::new();
    };
    let to_original = line_origins(original, current);
    findings
        .into_iter()
        .filter(|f| {
            match to_original.get(f.span.start.line.wrapping_sub(1)) {
                Some(Some(old)) => lines.contains(old + 1),
                // Made by the rewrite, or past the end (the last line without a newline).
                _ => true,
            }
        })
        .collect()
}

/// For each line of `new`, its 0-based line in `old` when the diff keeps it.
fn line_origins(old: &[u8], new: &[u8]) -> Vec<Option<usize>> {
    fn split(s: &[u8]) -> Vec<&[u8]> {
        s.split_inclusive(|&b| b == b'\n').collect()
    }
    let (old_lines, new_lines) = (split(old), split(new));
    let mut origin = vec![None; new_lines.len()];
    for op in similar::capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                origin[new_index + k] = Some(old_index + k);
            }
        }
    }
    origin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_contain_their_lines_only() {
        let l = Lines::Ranges(vec![3..5, 9..10]);
        let got: Vec<usize> = (1..12).filter(|&n| l.contains(n)).collect();
        assert_eq!(got, vec![3, 4, 9]);
        assert!(Lines::All.contains(1_000));
        assert!(!Lines::Ranges(vec![]).contains(1));
    }

    #[test]
    fn kept_lines_map_back_and_new_lines_do_not() {
        let old = b"a\nb\nc\nd\n";
        let new = b"a\nB1\nB2\nc\nd\n";
        assert_eq!(
            line_origins(old, new),
            vec![Some(0), None, None, Some(2), Some(3)]
        );
    }
}
