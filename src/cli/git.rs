//! The git workflows of the command line: `--changed-since` for `check` and `fix`, and
//! `fix --branch`. The git work itself is in [`crate::vcs`].

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use super::args::BranchArgs;
use super::error::CliError;
use crate::fix::FileFix;
use crate::vcs::{Author, BranchTarget, FileUpdate};

/// Everything `--branch` needs that can go wrong, checked before the scan.
pub fn open_branch(
    a: &BranchArgs,
    name: &str,
    paths: &[PathBuf],
) -> Result<BranchTarget, CliError> {
    let author = a.author.as_deref().map(Author::parse).transpose()?;
    BranchTarget::open(
        &super::setup::start_dir(paths),
        name,
        &a.base,
        a.force,
        author,
    )
    .map_err(CliError::from)
}

/// Commit the changed files on the branch and print the commit id; `Ok(false)` when
/// there was nothing to commit.
pub fn commit_branch(
    target: &BranchTarget,
    a: &BranchArgs,
    changed: &[&FileFix],
    quiet: bool,
) -> Result<bool, CliError> {
    let files: Vec<FileUpdate> = changed
        .iter()
        .map(|f| FileUpdate {
            path: &f.path,
            old: &f.old,
            new: &f.new,
        })
        .collect();
    let message = commit_message(changed, a.message.as_deref(), &command_line());
    let Some(done) = target.commit(&files, &message)? else {
        return Ok(false);
    };
    if done.fallback_signature && !quiet {
        anstream::eprintln!(
            "defuse: note: neither --author nor git's user.name and user.email are set; \
             committing as defuse <defuse@localhost>"
        );
    }
    // The commit is made: a closed stdout does not undo it.
    let _ = writeln!(anstream::stdout(), "{}", done.id);
    Ok(true)
}

/// The first line (`subject`, or a count of the fixes), the fixes per rule, and the
/// command and version that make the same commit again.
fn commit_message(changed: &[&FileFix], subject: Option<&str>, command: &str) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let fixed: usize = changed.iter().map(|f| f.applied.len()).sum();
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in changed {
        let mut rules: Vec<&str> = f.applied.iter().map(|x| x.rule.as_str()).collect();
        for r in &rules {
            per_rule.entry(r).or_default().0 += 1;
        }
        rules.sort_unstable();
        rules.dedup();
        for r in rules {
            per_rule.entry(r).or_default().1 += 1;
        }
    }
    let mut m = match subject {
        Some(s) => s.trim_end().to_string(),
        None => format!(
            "defuse: fix {} in {}",
            plural(fixed, "hazard", "hazards"),
            plural(changed.len(), "file", "files")
        ),
    };
    m.push_str("\n\n");
    for (rule, (n, files)) in &per_rule {
        m.push_str(&format!(
            "- {rule}: {} in {}\n",
            plural(*n, "fix", "fixes"),
            plural(*files, "file", "files")
        ));
    }
    m.push_str(&format!(
        "\nMade by defuse {}:\n\n    {command}\n",
        env!("CARGO_PKG_VERSION")
    ));
    m
}

/// This process's command line, as a shell would take it back, starting with `defuse`.
fn command_line() -> String {
    std::iter::once("defuse".to_string())
        .chain(
            std::env::args_os()
                .skip(1)
                .map(|a| shell_quote(&a.to_string_lossy())),
        )
        .collect::<Vec<_>>()
        .join(" ")
}

fn shell_quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./=:,@%+".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Finding;

    fn file(path: &str, rules: &[&str]) -> FileFix {
        FileFix {
            path: path.into(),
            old: b"a".to_vec(),
            new: b"b".to_vec(),
            applied: rules
                .iter()
                .map(|r| Finding::example(r, "a.go", 1))
                .collect(),
            skipped: vec![],
            withheld: None,
        }
    }

    #[test]
    fn message_counts_fixes_per_rule_and_names_the_command() {
        let a = file(
            "a.go",
            &["deferred-write-unlocked", "deferred-write-unlocked"],
        );
        let b = file(
            "b/b.go",
            &["map-write-under-rlock", "deferred-write-unlocked"],
        );
        let m = commit_message(&[&a, &b], None, "defuse fix --branch x");
        assert_eq!(
            m,
            format!(
                "defuse: fix 4 hazards in 2 files\n\n\
                 - deferred-write-unlocked: 3 fixes in 2 files\n\
                 - map-write-under-rlock: 1 fix in 1 file\n\n\
                 Made by defuse {}:\n\n    defuse fix --branch x\n",
                env!("CARGO_PKG_VERSION")
            )
        );
        let m = commit_message(&[&a], Some("Fix the cache\n"), "defuse");
        assert!(m.starts_with("Fix the cache\n\n- deferred-write-unlocked: 2 fixes in 1 file\n"));
    }

    #[test]
    fn arguments_are_quoted_only_when_a_shell_needs_it() {
        assert_eq!(
            shell_quote("--branch=defuse/fixes"),
            "--branch=defuse/fixes"
        );
        assert_eq!(shell_quote("./..."), "./...");
        assert_eq!(shell_quote("it's here"), r"'it'\''s here'");
        assert_eq!(shell_quote(""), "''");
    }
}
