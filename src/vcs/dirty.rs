//! Which files have uncommitted changes, for `fix --write`.

use std::path::{Path, PathBuf};

use super::{io, VcsError};

/// [`dirty_files`], as an error naming them when there are any.
pub fn require_clean(paths: &[PathBuf]) -> Result<(), VcsError> {
    let dirty = dirty_files(paths)?;
    if dirty.is_empty() {
        Ok(())
    } else {
        Err(VcsError::Dirty(dirty))
    }
}

/// Files among `paths` that are modified, staged or untracked in their git repository.
/// Files outside any repository are not reported: there is nothing to compare with.
pub fn dirty_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, VcsError> {
    let mut dirty = Vec::new();
    let mut repos: Vec<(PathBuf, git2::Repository)> = Vec::new();
    for p in paths {
        let abs = std::fs::canonicalize(p).map_err(|e| io(p, &e))?;
        let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        let repo_idx = match repos.iter().position(|(root, _)| dir.starts_with(root)) {
            Some(i) => Some(i),
            None => match git2::Repository::discover(&dir) {
                Ok(r) => match r
                    .workdir()
                    .map(|w| std::fs::canonicalize(w).unwrap_or(w.to_path_buf()))
                {
                    Some(root) => {
                        repos.push((root, r));
                        Some(repos.len() - 1)
                    }
                    None => None,
                },
                Err(_) => None,
            },
        };
        let Some(i) = repo_idx else { continue };
        let (root, repo) = &repos[i];
        let rel = abs.strip_prefix(root).map_err(|_| VcsError::Outside {
            path: p.display().to_string(),
            root: root.clone(),
        })?;
        let status = repo.status_file(rel).map_err(|e| VcsError::Status {
            path: p.clone(),
            message: e.message().to_string(),
        })?;
        if !(status.is_empty()
            || status == git2::Status::CURRENT
            || status.contains(git2::Status::IGNORED))
        {
            dirty.push(p.clone());
        }
    }
    Ok(dirty)
}
