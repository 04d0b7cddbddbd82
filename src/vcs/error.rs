//! What can go wrong with git, typed, so that the command line can say what to do about
//! each ([`VcsError::help`]).

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VcsError {
    /// Any of the others, met while doing what `flag` asked for (`--changed-since`,
    /// `--branch`): the message names the flag.
    #[error("{flag}: {error}")]
    For {
        flag: &'static str,
        error: Box<VcsError>,
    },
    /// A path that cannot be resolved or read.
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
    #[error("{} is not in a git repository", .0.display())]
    NotARepository(PathBuf),
    #[error("{} is in a bare repository, which has no working tree", .0.display())]
    Bare(PathBuf),
    #[error("unknown revision `{rev}`: {message}")]
    UnknownRevision { rev: String, message: String },
    #[error("revision `{0}` does not name a commit")]
    NotACommit(String),
    #[error("--merge-base: HEAD does not name a commit: {0}")]
    NoHead(String),
    #[error("--merge-base: `{0}` and HEAD have no common ancestor")]
    NoMergeBase(String),
    #[error("--author `{given}`: {reason}")]
    BadAuthor { given: String, reason: String },
    #[error("--branch: `{0}` is not a valid branch name")]
    InvalidBranchName(String),
    #[error("branch `{0}` already exists")]
    BranchExists(String),
    #[error("branch `{name}` is checked out at {at}; defuse does not move a checked-out branch")]
    BranchCheckedOut { name: String, at: String },
    #[error("{path} is outside the repository at {}", root.display())]
    Outside { path: String, root: PathBuf },
    /// `--branch`: files whose working-tree text is not their text at the base commit.
    #[error(
        "--branch fixes the files as they are in {base}, but these differ in the working tree: {}",
        files.join(", ")
    )]
    Stale { base: String, files: Vec<String> },
    /// `fix --write`: files with uncommitted changes.
    #[error("these files have uncommitted changes: {}", paths(.0))]
    Dirty(Vec<PathBuf>),
    #[error("{path}: cannot read git status: {message}")]
    Status { path: PathBuf, message: String },
    #[error("cannot compare the working tree with `{rev}`: {message}")]
    Compare { rev: String, message: String },
    #[error("{path}: cannot diff: {message}")]
    Diff { path: String, message: String },
    #[error("cannot update branch `{name}`: {message}")]
    UpdateBranch { name: String, message: String },
    /// A failure of git itself (a corrupt object, a full disk), in git's words.
    #[error("{0}")]
    Git(String),
}

impl VcsError {
    /// `self` met while doing what `flag` asked for.
    pub(crate) fn during(self, flag: &'static str) -> VcsError {
        VcsError::For {
            flag,
            error: Box::new(self),
        }
    }

    /// What to do about it, in one line; `None` when the message says all there is.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            VcsError::For { flag, error } => return error.help_for(flag),
            VcsError::NotARepository(_) => "run defuse inside a git working tree".into(),
            VcsError::Bare(_) => {
                "run defuse in a working tree of it (`git worktree add DIR`)".into()
            }
            VcsError::UnknownRevision { .. } | VcsError::NotACommit(_) => {
                "name a commit, branch or tag this clone has; a shallow CI clone may lack it \
                 (fetch it, or check out with `fetch-depth: 0`)"
                    .into()
            }
            VcsError::NoMergeBase(_) => "a shallow clone cuts the history short: \
                 `git fetch --unshallow`, or check out with `fetch-depth: 0`"
                .into(),
            VcsError::BadAuthor { .. } => {
                "for example --author 'Ada Lovelace <ada@example.com>'".into()
            }
            VcsError::InvalidBranchName(_) => {
                "`git check-ref-format --branch NAME` says what git accepts".into()
            }
            VcsError::BranchExists(_) => {
                "pass --force to replace it, or name another branch".into()
            }
            VcsError::BranchCheckedOut { .. } => {
                "switch that working tree to another branch, or name another branch".into()
            }
            VcsError::Dirty(_) => "commit or stash them, or pass --allow-dirty".into(),
            VcsError::Stale { base, .. } => {
                format!("commit or stash the changes, or check out {base} first")
            }
            _ => return None,
        })
    }

    /// [`VcsError::help`] for an error met doing what `flag` asked for.
    fn help_for(&self, flag: &str) -> Option<String> {
        match self {
            VcsError::NotARepository(_) => Some(format!(
                "{flag} works on git history: run defuse inside a git working tree, \
                 or leave out {flag}"
            )),
            other => other.help(),
        }
    }
}

fn paths(list: &[PathBuf]) -> String {
    let names: Vec<String> = list.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_names_itself_in_the_message_and_the_help() {
        let e = VcsError::NotARepository("/tmp/x".into()).during("--changed-since");
        assert_eq!(
            e.to_string(),
            "--changed-since: /tmp/x is not in a git repository"
        );
        assert_eq!(
            e.help().unwrap(),
            "--changed-since works on git history: run defuse inside a git working tree, \
             or leave out --changed-since"
        );
        let e = VcsError::UnknownRevision {
            rev: "origin/main".into(),
            message: "revspec not found".into(),
        };
        assert!(e.help().unwrap().contains("fetch-depth: 0"));
        assert_eq!(e.clone().during("--branch").help(), e.help());
    }

    #[test]
    fn advice_moves_out_of_the_message_into_the_help() {
        let e = VcsError::BranchExists("defuse/fixes".into());
        assert_eq!(e.to_string(), "branch `defuse/fixes` already exists");
        assert!(e.help().unwrap().starts_with("pass --force"));
        let e = VcsError::Stale {
            base: "HEAD".into(),
            files: vec!["a.go (differs from HEAD)".into(), "b.go".into()],
        };
        assert_eq!(
            e.to_string(),
            "--branch fixes the files as they are in HEAD, but these differ in the working \
             tree: a.go (differs from HEAD), b.go"
        );
        assert_eq!(
            e.help().unwrap(),
            "commit or stash the changes, or check out HEAD first"
        );
        assert_eq!(VcsError::Git("disk full".into()).help(), None);
    }
}
