//! git2: which files have uncommitted changes, which lines changed since a revision, and
//! commits on a branch built without touching the working tree. No network, no
//! working-tree writes. Knows nothing about Go.

mod branch;
mod changed;
mod dirty;

use std::path::{Path, PathBuf};

pub use branch::{Author, BranchTarget, Committed, FileUpdate};
pub use changed::{changed_lines, filter_changed, filter_changed_rewrite, ChangedLines};
pub use dirty::dirty_files;

/// A repository with a working tree, and that tree's root.
struct Repo {
    git: git2::Repository,
    /// The working tree's root, canonical.
    root: PathBuf,
}

impl Repo {
    /// The repository that holds the directory `dir`.
    fn discover(dir: &Path) -> Result<Repo, String> {
        let abs = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let git = git2::Repository::discover(&abs)
            .map_err(|_| format!("{} is not in a git repository", abs.display()))?;
        let Some(workdir) = git.workdir() else {
            return Err(format!(
                "{} is in a bare repository, which has no working tree",
                abs.display()
            ));
        };
        let root =
            std::fs::canonicalize(workdir).map_err(|e| format!("{}: {e}", workdir.display()))?;
        Ok(Repo { git, root })
    }

    /// The commit `rev` names (`HEAD`, a branch, a tag, `origin/main`, `HEAD~2`, an id).
    fn commit(&self, rev: &str) -> Result<git2::Commit<'_>, String> {
        let object = self
            .git
            .revparse_single(rev)
            .map_err(|e| format!("unknown revision `{rev}`: {}", e.message()))?;
        object
            .peel_to_commit()
            .map_err(|_| format!("revision `{rev}` does not name a commit"))
    }
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
