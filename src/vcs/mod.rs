//! git2: which files have uncommitted changes, which lines changed since a revision, and
//! commits on a branch built without touching the working tree. No network, no
//! working-tree writes. Knows nothing about Go.

mod branch;
mod changed;
mod dirty;
mod error;

use std::path::{Path, PathBuf};

pub use branch::{Author, BranchTarget, Committed, FileUpdate};
pub use changed::{changed_lines, filter_changed, filter_changed_rewrite, ChangedLines};
pub use dirty::{dirty_files, require_clean};
pub use error::VcsError;

/// A repository with a working tree, and that tree's root.
struct Repo {
    git: git2::Repository,
    /// The working tree's root, canonical.
    root: PathBuf,
}

impl Repo {
    /// The repository that holds the directory `dir`.
    fn discover(dir: &Path) -> Result<Repo, VcsError> {
        let abs = std::fs::canonicalize(dir).map_err(|e| io(dir, &e))?;
        let git =
            git2::Repository::discover(&abs).map_err(|_| VcsError::NotARepository(abs.clone()))?;
        let Some(workdir) = git.workdir() else {
            return Err(VcsError::Bare(abs));
        };
        let root = std::fs::canonicalize(workdir).map_err(|e| io(workdir, &e))?;
        Ok(Repo { git, root })
    }

    /// The commit `rev` names (`HEAD`, a branch, a tag, `origin/main`, `HEAD~2`, an id).
    fn commit(&self, rev: &str) -> Result<git2::Commit<'_>, VcsError> {
        let object = self
            .git
            .revparse_single(rev)
            .map_err(|e| VcsError::UnknownRevision {
                rev: rev.to_string(),
                message: e.message().to_string(),
            })?;
        object
            .peel_to_commit()
            .map_err(|_| VcsError::NotACommit(rev.to_string()))
    }
}

fn io(path: &Path, e: &std::io::Error) -> VcsError {
    VcsError::Io {
        path: path.to_path_buf(),
        message: crate::discover::io_message(e),
    }
}

/// A failure of git itself, in its words.
fn git_error(e: git2::Error) -> VcsError {
    VcsError::Git(e.message().to_string())
}

/// `path` (absolute, or relative to the current directory) relative to `root`, a
/// canonical working-tree root; `None` when it lies outside. The directories are
/// resolved, the last component is not: a symbolic link stays the link git tracks.
fn relative(root: &Path, path: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(path).ok()?;
    let abs = match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir).ok()?.join(name),
        _ => std::fs::canonicalize(&abs).ok()?,
    };
    abs.strip_prefix(root).ok().map(Path::to_path_buf)
}

/// A repository-relative path as git writes it: `/`-separated.
fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
