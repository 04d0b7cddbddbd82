//! `fix --branch`: a commit of the fixed files on top of a base commit, made from
//! blobs and trees alone. The working tree, the index, HEAD and the current branch are
//! never touched; only new objects and the branch's ref are written.
//!
//! The fixes are computed from the files as the scan read them, in the working tree.
//! So that the commit fixes the base commit's content and nothing else, every file to
//! change must hold in the working tree exactly the bytes of its blob at the base
//! commit; otherwise nothing is committed and the files are named.

use std::path::{Path, PathBuf};

use git2::build::TreeUpdateBuilder;
use git2::{FileMode, Oid, Signature};

use super::{git_error, relative, slash_path, Repo, VcsError};

/// A commit author given as `Name <email>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub email: String,
}

impl Author {
    pub fn parse(s: &str) -> Result<Author, VcsError> {
        let bad = |reason: String| VcsError::BadAuthor {
            given: s.to_string(),
            reason,
        };
        let expected = || bad("expected `Name <email>`".into());
        let body = s.trim().strip_suffix('>').ok_or_else(expected)?;
        let (name, email) = body.rsplit_once('<').ok_or_else(expected)?;
        let (name, email) = (name.trim(), email.trim());
        if name.is_empty() || email.is_empty() || email.contains(['<', '>']) {
            return Err(expected());
        }
        let author = Author {
            name: name.to_string(),
            email: email.to_string(),
        };
        author.signature().map_err(|e| bad(e.to_string()))?;
        Ok(author)
    }

    fn signature(&self) -> Result<Signature<'static>, VcsError> {
        Signature::now(&self.name, &self.email).map_err(git_error)
    }
}

/// One file to change: its path as the scan showed it, and its old and new bytes.
pub struct FileUpdate<'a> {
    pub path: &'a str,
    pub old: &'a [u8],
    pub new: &'a [u8],
}

/// A branch to commit to and the commit to build on, checked before any work is done.
pub struct BranchTarget {
    repo: Repo,
    name: String,
    /// The `--base` revision as given, for messages.
    base_rev: String,
    base: Oid,
    force: bool,
    author: Option<Author>,
}

/// What [`BranchTarget::commit`] made.
pub struct Committed {
    pub id: Oid,
    /// Neither `--author` nor git's `user.name`/`user.email` was set: the commit is
    /// by `defuse <defuse@localhost>`.
    pub fallback_signature: bool,
}

const FALLBACK_NAME: &str = "defuse";
const FALLBACK_EMAIL: &str = "defuse@localhost";

/// A file's new text and where it goes in the tree.
struct Change<'a> {
    /// `/`-separated, relative to the repository.
    rel: String,
    mode: FileMode,
    new: &'a [u8],
}

impl BranchTarget {
    /// The repository that holds the directory `start`, branch `name` (which must not exist unless
    /// `force`, and must not be checked out anywhere) and the base commit `base`.
    pub fn open(
        start: &Path,
        name: &str,
        base: &str,
        force: bool,
        author: Option<Author>,
    ) -> Result<BranchTarget, VcsError> {
        let repo = Repo::discover(start).map_err(|e| e.during("--branch"))?;
        if !git2::Branch::name_is_valid(name).unwrap_or(false) {
            return Err(VcsError::InvalidBranchName(name.to_string()));
        }
        let base_id = repo.commit(base)?.id();
        let refname = format!("refs/heads/{name}");
        if repo.git.find_reference(&refname).is_ok() {
            if !force {
                return Err(VcsError::BranchExists(name.to_string()));
            }
            if let Some(at) = checked_out_at(&repo.git, &refname) {
                return Err(VcsError::BranchCheckedOut {
                    name: name.to_string(),
                    at,
                });
            }
        }
        Ok(BranchTarget {
            repo,
            name: name.to_string(),
            base_rev: base.to_string(),
            base: base_id,
            force,
            author,
        })
    }

    /// Commit `files` on the branch with the base commit as the only parent. `None`
    /// when the files change nothing.
    pub fn commit(
        &self,
        files: &[FileUpdate],
        message: &str,
    ) -> Result<Option<Committed>, VcsError> {
        let git = &self.repo.git;
        let base = git.find_commit(self.base).map_err(git_error)?;
        let base_tree = base.tree().map_err(git_error)?;
        let changes = self.changes(files, &base_tree)?;
        let mut update = TreeUpdateBuilder::new();
        for c in &changes {
            let id = git.blob(c.new).map_err(git_error)?;
            update.upsert(c.rel.as_str(), id, c.mode);
        }
        let tree_id = update.create_updated(git, &base_tree).map_err(git_error)?;
        if tree_id == base_tree.id() {
            return Ok(None);
        }
        let tree = git.find_tree(tree_id).map_err(git_error)?;
        let (author, committer, fallback_signature) = self.signatures()?;
        let id = git
            .commit(None, &author, &committer, message, &tree, &[&base])
            .map_err(git_error)?;
        let refname = format!("refs/heads/{}", self.name);
        let log = format!("defuse fix --branch: from {}", self.base_rev);
        git.reference(&refname, id, self.force, &log)
            .map_err(|e| match e.code() {
                git2::ErrorCode::Exists => VcsError::BranchExists(self.name.clone()),
                _ => VcsError::UpdateBranch {
                    name: self.name.clone(),
                    message: e.message().to_string(),
                },
            })?;
        Ok(Some(Committed {
            id,
            fallback_signature,
        }))
    }

    /// Each file's place in the base tree, with its mode there. Every file must be a
    /// regular file of the base commit holding in the working tree the bytes it has
    /// there; the others are named in one error.
    fn changes<'a>(
        &self,
        files: &[FileUpdate<'a>],
        base_tree: &git2::Tree<'_>,
    ) -> Result<Vec<Change<'a>>, VcsError> {
        let mut changes = Vec::new();
        let mut stale = Vec::new();
        for f in files {
            let rel = relative(&self.repo.root, Path::new(f.path)).ok_or_else(|| {
                VcsError::Outside {
                    path: f.path.to_string(),
                    root: self.repo.root.clone(),
                }
                .during("--branch")
            })?;
            let rel = slash_path(&rel);
            let Ok(entry) = base_tree.get_path(Path::new(&rel)) else {
                stale.push(format!("{} (not in {})", f.path, self.base_rev));
                continue;
            };
            let mode = match entry.filemode() {
                0o100644 => FileMode::Blob,
                0o100755 => FileMode::BlobExecutable,
                _ => {
                    stale.push(format!(
                        "{} (not a regular file in {})",
                        f.path, self.base_rev
                    ));
                    continue;
                }
            };
            let blob = self.repo.git.find_blob(entry.id()).map_err(git_error)?;
            if blob.content() != f.old {
                stale.push(format!("{} (differs from {})", f.path, self.base_rev));
                continue;
            }
            changes.push(Change {
                rel,
                mode,
                new: f.new,
            });
        }
        if !stale.is_empty() {
            return Err(VcsError::Stale {
                base: self.base_rev.clone(),
                files: stale,
            });
        }
        Ok(changes)
    }

    /// Author and committer: `--author` for the author, git's configured identity for
    /// the committer (and the author without `--author`), each standing in for the
    /// other when only one exists, and `defuse <defuse@localhost>` when neither does.
    fn signatures(&self) -> Result<(Signature<'static>, Signature<'static>, bool), VcsError> {
        let configured = self.repo.git.signature().ok();
        let given = self.author.as_ref().map(Author::signature).transpose()?;
        Ok(match (given, configured) {
            (Some(a), Some(c)) => (a, c, false),
            (Some(a), None) => (a.clone(), a, false),
            (None, Some(c)) => (c.clone(), c, false),
            (None, None) => {
                let s = Signature::now(FALLBACK_NAME, FALLBACK_EMAIL).map_err(git_error)?;
                (s.clone(), s, true)
            }
        })
    }
}

/// The working tree where `refname` is checked out, in the main worktree or a linked one.
fn checked_out_at(git: &git2::Repository, refname: &str) -> Option<String> {
    let head_of = |r: &git2::Repository| {
        r.find_reference("HEAD")
            .ok()
            .and_then(|h| h.symbolic_target().map(str::to_string))
    };
    let main = git2::Repository::open(git.commondir()).ok()?;
    if head_of(&main).as_deref() == Some(refname) {
        let dir = main.workdir().unwrap_or(main.path());
        return Some(dir.components().collect::<PathBuf>().display().to_string());
    }
    let names = main.worktrees().ok()?;
    for name in names.iter().flatten() {
        let Ok(wt) = main.find_worktree(name) else {
            continue;
        };
        let Ok(r) = git2::Repository::open_from_worktree(&wt) else {
            continue;
        };
        if head_of(&r).as_deref() == Some(refname) {
            return Some(wt.path().display().to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_parse_as_git_writes_them() {
        assert_eq!(
            Author::parse("Ada Lovelace <ada@example.com>").unwrap(),
            Author {
                name: "Ada Lovelace".into(),
                email: "ada@example.com".into()
            }
        );
        for bad in [
            "Ada",
            "<ada@example.com>",
            "Ada <>",
            "Ada ada@example.com>",
            "Ada <a<b>",
        ] {
            assert!(Author::parse(bad).is_err(), "{bad}");
        }
    }
}
