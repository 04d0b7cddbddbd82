//! The git workflows of the command line: `--changed-since` for `check` and `fix`.
//! The git work itself is in [`crate::vcs`].

use clap::Args;

#[derive(Args, Debug, Clone, Default)]
pub struct ChangedArgs {
    /// Only findings that start on a line added or changed since REV (a commit, branch or
    /// tag), as the working tree stands: committed, staged, unstaged, or in an untracked file.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// With --changed-since: since the merge base of REV and HEAD, as `git diff REV...`
    /// (what a pull request into REV changes).
    #[arg(long, requires = "changed_since")]
    pub merge_base: bool,
}
