//! actionlint on every workflow of the repository (`.github/workflows/*.yml`) and on every
//! workflow shown in the docs (the ```yaml blocks of README.md and docs/*.md), so that what
//! users copy is a workflow GitHub accepts.
//!
//! A block with `on:` and `jobs:` is linted as it is. A block that is a `jobs:` mapping
//! without `on:`, or a list of steps, is a piece of a workflow: it is linted inside a
//! minimal one (`on: workflow_dispatch`, one job). A block that does not parse as YAML is
//! linted as it is, so actionlint reports where. Other YAML (configuration files) is left
//! alone.
//!
//! actionlint is required, never skipped: `.ci/run` installs a pinned version and passes its
//! path in `DEFUSE_ACTIONLINT`; otherwise `actionlint` on PATH is used. Its shellcheck and
//! pyflakes passes are turned off so that the result does not depend on what else the
//! machine has installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

use crate::support::repo_root as root;

/// The actionlint to run, or a failure that says how to get it.
fn actionlint() -> PathBuf {
    let pinned = std::fs::read_to_string(root().join(".ci/run"))
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("ACTIONLINT_VERSION=").map(str::to_string))
        })
        .unwrap_or_else(|| "latest".to_string());
    let how = format!(
        "install it with `GOPROXY=https://proxy.golang.org go install \
         github.com/rhysd/actionlint/cmd/actionlint@{pinned}` and put it on PATH, or set \
         DEFUSE_ACTIONLINT to its path (`bash .ci/run` installs it and sets DEFUSE_ACTIONLINT)"
    );
    let candidates: Vec<PathBuf> = match std::env::var_os("DEFUSE_ACTIONLINT") {
        Some(p) if !p.is_empty() => vec![PathBuf::from(p)],
        _ => vec![
            PathBuf::from("actionlint"),
            root().join("target/tools/actionlint"),
        ],
    };
    for c in &candidates {
        if let Ok(out) = Command::new(c).arg("-version").output() {
            if out.status.success() {
                return c.clone();
            }
        }
    }
    panic!("actionlint is required for this test and was not found (tried {candidates:?}); {how}");
}

/// A fenced ```yaml (or ```yml) block: its first line's number in the file, and its text.
fn yaml_blocks(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String, String)> = None; // (line, fence, text)
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None => {
                let fence_len = trimmed.chars().take_while(|c| *c == '`').count();
                if fence_len >= 3 {
                    let info = trimmed[fence_len..].trim();
                    let lang = info.split_whitespace().next().unwrap_or("");
                    if lang == "yaml" || lang == "yml" {
                        current = Some((i + 2, "`".repeat(fence_len), String::new()));
                    }
                }
            }
            Some((start, fence, body)) => {
                if trimmed.starts_with(fence.as_str()) && trimmed.trim_end() == fence.as_str() {
                    out.push((*start, std::mem::take(body)));
                    current = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    assert!(current.is_none(), "an unclosed ```yaml block");
    out
}

enum Kind {
    Workflow,
    Jobs,
    Steps,
    Unparsable,
    Other,
}

fn kind(block: &str) -> Kind {
    let docs = match YamlLoader::load_from_str(block) {
        Ok(d) => d,
        Err(_) => return Kind::Unparsable,
    };
    let Some(doc) = docs.first() else {
        return Kind::Other;
    };
    match doc {
        Yaml::Hash(h) => {
            let has = |k: &str| h.contains_key(&Yaml::String(k.to_string()));
            match (has("on"), has("jobs")) {
                (true, true) => Kind::Workflow,
                (false, true) => Kind::Jobs,
                _ => Kind::Other,
            }
        }
        Yaml::Array(items)
            if !items.is_empty()
                && items.iter().all(|s| {
                    s.as_hash().is_some_and(|h| {
                        h.contains_key(&Yaml::String("uses".into()))
                            || h.contains_key(&Yaml::String("run".into()))
                    })
                }) =>
        {
            Kind::Steps
        }
        _ => Kind::Other,
    }
}

/// The docs with YAML blocks: README.md and every docs/*.md.
fn doc_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// Writes the docs' workflows into `dir` as `<doc>-L<line>[-<how>].yml`; returns their
/// paths and how many came from each doc.
fn extract_doc_workflows(dir: &Path) -> (Vec<PathBuf>, Vec<(String, usize)>) {
    let mut paths = Vec::new();
    let mut counts = Vec::new();
    for doc in doc_files() {
        let rel = doc
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&doc).unwrap();
        let mut n = 0;
        for (line, block) in yaml_blocks(&text) {
            let flat = rel.replace('/', "_");
            let (name, body) = match kind(&block) {
                Kind::Workflow | Kind::Unparsable => (format!("{flat}-L{line}.yml"), block),
                Kind::Jobs => (
                    format!("{flat}-L{line}-jobs-in-a-workflow.yml"),
                    format!("on: workflow_dispatch\n{block}"),
                ),
                Kind::Steps => {
                    let steps: String = block.lines().map(|l| format!("      {l}\n")).collect();
                    (
                        format!("{flat}-L{line}-steps-in-a-workflow.yml"),
                        format!(
                            "on: workflow_dispatch\njobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n{steps}"
                        ),
                    )
                }
                Kind::Other => continue,
            };
            let path = dir.join(name);
            std::fs::write(&path, body).unwrap();
            paths.push(path);
            n += 1;
        }
        counts.push((rel, n));
    }
    (paths, counts)
}

#[test]
fn yaml_blocks_and_their_kinds() {
    let md = "text\n```yaml\non: push\njobs:\n  a:\n    runs-on: x\n```\n\n```yml\n- uses: a/b@v1\n```\n```toml\nx = 1\n```\n````yaml\nrepos:\n  - repo: x\n````\n```yaml\nrun: echo \"a: b\"\n```\n";
    let blocks = yaml_blocks(md);
    assert_eq!(blocks.len(), 4, "{blocks:?}");
    assert_eq!(blocks[0].0, 3, "the first line of the block");
    assert!(matches!(kind(&blocks[0].1), Kind::Workflow));
    assert!(matches!(kind(&blocks[1].1), Kind::Steps));
    assert!(matches!(kind(&blocks[2].1), Kind::Other));
    assert!(matches!(kind(&blocks[3].1), Kind::Unparsable));
    assert!(matches!(kind("jobs:\n  a: {}\n"), Kind::Jobs));
}

#[test]
fn every_workflow_in_the_repository_and_the_docs_passes_actionlint() {
    let actionlint = actionlint();
    let tmp = tempfile::tempdir().unwrap();
    let (doc_workflows, counts) = extract_doc_workflows(tmp.path());
    let action_doc = counts
        .iter()
        .find(|(d, _)| d == "docs/github-action.md")
        .map_or(0, |(_, n)| *n);
    assert!(
        action_doc >= 3,
        "docs/github-action.md should show at least three workflows, found {action_doc} ({counts:?})"
    );

    let mut repo_workflows: Vec<PathBuf> = std::fs::read_dir(root().join(".github/workflows"))
        .expect(".github/workflows")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    repo_workflows.sort();
    assert!(
        repo_workflows.iter().any(|p| p.ends_with("release.yml")),
        "{repo_workflows:?}"
    );

    let out = Command::new(&actionlint)
        .args(["-no-color", "-shellcheck=", "-pyflakes="])
        .args(&repo_workflows)
        .args(&doc_workflows)
        .current_dir(root())
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "actionlint found problems (docs' blocks are named <doc>-L<first line of the block>; \
         pieces of workflows were wrapped, which shifts their lines):\n{report}"
    );
    eprintln!(
        "actionlint passed on {} workflow files and {} workflows from the docs ({counts:?})",
        repo_workflows.len(),
        doc_workflows.len()
    );
}

/// upload-sarif v3 is deprecated: the action and every example use v4.
#[test]
fn upload_sarif_is_v4_everywhere() {
    let mut files = vec![root().join("action.yml")];
    files.extend(doc_files());
    if let Ok(dir) = std::fs::read_dir(root().join(".github/workflows")) {
        files.extend(dir.map(|e| e.unwrap().path()));
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            if let Some(at) = line.find("codeql-action/upload-sarif@") {
                let version = &line[at + "codeql-action/upload-sarif@".len()..];
                assert!(
                    version.starts_with("v4"),
                    "{}:{}: {line}",
                    f.display(),
                    i + 1
                );
            }
        }
    }
}
