//! Which files have uncommitted changes, for `fix --write`.

use std::path::{Path, PathBuf};

/// Files among `paths` that are modified, staged or untracked in their git repository.
/// Files outside any repository are not reported: there is nothing to compare with.
pub fn dirty_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut dirty = Vec::new();
    let mut repos: Vec<(PathBuf, git2::Repository)> = Vec::new();
    for p in paths {
        let abs = std::fs::canonicalize(p).map_err(|e| format!("{}: {e}", p.display()))?;
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
        let rel = abs
            .strip_prefix(root)
            .map_err(|_| format!("{} is outside its repository", p.display()))?;
        let status = repo
            .status_file(rel)
            .map_err(|e| format!("{}: cannot read git status: {}", p.display(), e.message()))?;
        if !(status.is_empty()
            || status == git2::Status::CURRENT
            || status.contains(git2::Status::IGNORED))
        {
            dirty.push(p.clone());
        }
    }
    Ok(dirty)
}
