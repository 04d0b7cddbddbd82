//! The GitHub Action: `action.yml` parsed and checked (every input used, every
//! `${{ inputs.* }}` declared, no expression pasted into shell code, every step output
//! produced by the step it names), and the scripts in `scripts/action/` run end to end
//! against git repositories made in temporary folders, with the `GITHUB_*` files and
//! `RUNNER_TEMP` pointed at temporary files and the defuse under test on PATH.
//!
//! A logging wrapper named `defuse` stands first on PATH: it records every command line the
//! scripts run and its exit code, then runs the real binary, so the tests see that each one
//! is a command the binary accepts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

use crate::support::{gofmt_l, hermetic, repo_root, BIN};

// ---------------------------------------------------------------------------------------
// action.yml

fn root() -> PathBuf {
    repo_root()
}

fn action() -> Yaml {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let mut docs = YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("action.yml is not valid YAML: {e}"));
    assert_eq!(docs.len(), 1, "action.yml must hold exactly one document");
    docs.remove(0)
}

fn as_str(y: &Yaml) -> &str {
    y.as_str()
        .unwrap_or_else(|| panic!("expected a string, found {y:?}"))
}

/// The keys of a mapping, as strings, in file order.
fn keys(y: &Yaml) -> Vec<String> {
    y.as_hash()
        .unwrap_or_else(|| panic!("expected a mapping, found {y:?}"))
        .keys()
        .map(|k| as_str(k).to_string())
        .collect()
}

/// A mapping of strings to strings (a step's `env:` or `with:`).
fn string_map(y: &Yaml) -> BTreeMap<String, String> {
    if y.is_badvalue() {
        return BTreeMap::new();
    }
    y.as_hash()
        .unwrap_or_else(|| panic!("expected a mapping, found {y:?}"))
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Yaml::String(s) => s.clone(),
                Yaml::Boolean(b) => b.to_string(),
                Yaml::Integer(i) => i.to_string(),
                other => panic!("expected a scalar for {k:?}, found {other:?}"),
            };
            (as_str(k).to_string(), v)
        })
        .collect()
}

fn steps(doc: &Yaml) -> Vec<&Yaml> {
    doc["runs"]["steps"]
        .as_vec()
        .expect("runs.steps is a list")
        .iter()
        .collect()
}

fn declared_inputs(doc: &Yaml) -> Vec<String> {
    keys(&doc["inputs"])
}

/// Every scalar string in a node, keys included (comments are not part of the tree).
fn strings(y: &Yaml, out: &mut Vec<String>) {
    match y {
        Yaml::String(s) => out.push(s.clone()),
        Yaml::Array(a) => a.iter().for_each(|v| strings(v, out)),
        Yaml::Hash(h) => h.iter().for_each(|(k, v)| {
            strings(k, out);
            strings(v, out);
        }),
        _ => {}
    }
}

/// The names after each `prefix` in `text`, e.g. `inputs.` -> `mode`, `fail-on-findings`.
fn names_after(text: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        out.push(name);
    }
    out
}

/// `steps.ID.outputs.NAME` references in `text`.
fn step_output_refs(text: &str) -> Vec<(String, String)> {
    let name = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (i, _) in text.match_indices("steps.") {
        if text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            continue;
        }
        let rest = &text[i + "steps.".len()..];
        let id = name(rest);
        if let Some(rest) = rest[id.len()..].strip_prefix(".outputs.") {
            out.push((id, name(rest)));
        }
    }
    out
}

fn scripts_dir() -> PathBuf {
    root().join("scripts/action")
}

fn script_text(name: &str) -> String {
    std::fs::read_to_string(scripts_dir().join(name))
        .unwrap_or_else(|e| panic!("scripts/action/{name}: {e}"))
}

fn script_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(scripts_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sh"))
        .collect();
    names.sort();
    names
}

/// The script a `run:` step runs: exactly `bash "$GITHUB_ACTION_PATH/scripts/action/X.sh"`.
fn run_script(run: &str) -> String {
    let run = run.trim();
    let name = run
        .strip_prefix("bash \"$GITHUB_ACTION_PATH/scripts/action/")
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or_else(|| {
            panic!("a run step must be one line, bash \"$GITHUB_ACTION_PATH/scripts/action/X.sh\", not {run:?}")
        });
    assert!(
        scripts_dir().join(name).is_file(),
        "run step calls {name}, which is not in scripts/action/"
    );
    name.to_string()
}

/// A script and the scripts it sources or runs through `$here/X.sh`, joined.
fn script_closure(name: &str) -> String {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_string()];
    let mut text = String::new();
    while let Some(n) = todo.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        let t = script_text(&n);
        for (i, _) in t.match_indices("$here/") {
            let rest = &t[i + "$here/".len()..];
            let callee: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if !callee.is_empty() && rest[callee.len()..].starts_with(".sh") {
                todo.push(format!("{callee}.sh"));
            }
        }
        text.push_str(&t);
        text.push('\n');
    }
    text
}

/// The outputs a script closure sets with `set_output NAME` or `set_output_multiline NAME`.
fn outputs_set(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for prefix in ["set_output ", "set_output_multiline "] {
        for n in names_after(text, prefix) {
            if !n.is_empty() {
                out.insert(n);
            }
        }
    }
    out
}

/// Shell variables a text reads: `$NAME` and `${NAME...}`.
fn shell_vars(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for prefix in ["$", "${"] {
        let mut rest = text;
        while let Some(i) = rest.find(prefix) {
            rest = &rest[i + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

const EXPECTED_INPUTS: &[&str] = &[
    "mode",
    "paths",
    "rules",
    "ignore-rules",
    "format",
    "sarif-file",
    "changed-since",
    "review-fixes",
    "verify",
    "branch",
    "base",
    "pr-title",
    "token",
    "version",
    "fail-on-findings",
];

/// The inputs of the actions the composite uses, from their `action.yml` (see
/// shared/research/anchors.md section 4), and their outputs that steps may read.
fn known_action(uses: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match uses {
        "actions/cache@v4" => (
            &[
                "path",
                "key",
                "restore-keys",
                "upload-chunk-size",
                "enableCrossOsArchive",
                "fail-on-cache-miss",
                "lookup-only",
                "save-always",
            ],
            &["cache-hit"],
        ),
        "github/codeql-action/upload-sarif@v4" => (
            &[
                "sarif_file",
                "checkout_path",
                "ref",
                "sha",
                "category",
                "wait-for-processing",
                "token",
                "matrix",
            ],
            &["sarif-id"],
        ),
        "peter-evans/create-pull-request@v7" => (
            &[
                "token",
                "branch-token",
                "path",
                "add-paths",
                "commit-message",
                "committer",
                "author",
                "signoff",
                "branch",
                "delete-branch",
                "branch-suffix",
                "base",
                "push-to-fork",
                "sign-commits",
                "title",
                "body",
                "body-path",
                "labels",
                "assignees",
                "reviewers",
                "team-reviewers",
                "milestone",
                "draft",
                "maintainer-can-modify",
            ],
            &[
                "pull-request-number",
                "pull-request-url",
                "pull-request-operation",
                "pull-request-head-sha",
                "pull-request-branch",
            ],
        ),
        other => panic!("action.yml uses {other}, which this test does not know"),
    }
}

#[test]
fn action_yml_is_a_composite_action_with_the_documented_interface() {
    let doc = action();
    for k in keys(&doc) {
        assert!(
            [
                "name",
                "description",
                "author",
                "branding",
                "inputs",
                "outputs",
                "runs"
            ]
            .contains(&k.as_str()),
            "unexpected top-level key {k}"
        );
    }
    assert_eq!(as_str(&doc["name"]), "defuse");
    assert!(!as_str(&doc["description"]).is_empty());
    assert_eq!(as_str(&doc["runs"]["using"]), "composite");

    assert_eq!(declared_inputs(&doc), EXPECTED_INPUTS, "the inputs");
    for name in declared_inputs(&doc) {
        let input = &doc["inputs"][name.as_str()];
        for k in keys(input) {
            assert!(
                ["description", "required", "default", "deprecationMessage"].contains(&k.as_str()),
                "input {name}: unexpected key {k}"
            );
        }
        assert!(
            !as_str(&input["description"]).trim().is_empty(),
            "input {name} has no description"
        );
        // Defaults are strings: the runner hands inputs over as strings anyway, and
        // `true` unquoted would read as a YAML boolean.
        assert!(
            input["default"].as_str().is_some(),
            "input {name}: default must be a quoted string"
        );
    }
    let defaults: BTreeMap<String, String> = declared_inputs(&doc)
        .into_iter()
        .map(|n| {
            let d = as_str(&doc["inputs"][n.as_str()]["default"]).to_string();
            (n, d)
        })
        .collect();
    assert_eq!(defaults["mode"], "check");
    assert_eq!(defaults["paths"], "./...");
    assert_eq!(defaults["format"], "github");
    assert_eq!(defaults["sarif-file"], "defuse.sarif");
    assert_eq!(defaults["changed-since"], "");
    assert_eq!(defaults["review-fixes"], "false");
    assert_eq!(defaults["verify"], "auto");
    assert_eq!(defaults["branch"], "defuse/fixes");
    assert_eq!(defaults["base"], "");
    assert_eq!(defaults["token"], "${{ github.token }}");
    assert_eq!(defaults["version"], "auto");
    assert_eq!(defaults["fail-on-findings"], "true");

    assert_eq!(
        keys(&doc["outputs"]),
        ["findings", "pull-request-url", "sarif-file"],
        "the outputs"
    );

    let mut uses = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for step in steps(&doc) {
        let ks = keys(step);
        for k in &ks {
            assert!(
                [
                    "name",
                    "id",
                    "if",
                    "shell",
                    "env",
                    "run",
                    "uses",
                    "with",
                    "working-directory",
                    "continue-on-error"
                ]
                .contains(&k.as_str()),
                "step {:?}: unexpected key {k}",
                step["name"]
            );
        }
        assert!(!as_str(&step["name"]).is_empty(), "every step has a name");
        if let Some(id) = step["id"].as_str() {
            assert!(ids.insert(id.to_string()), "duplicate step id {id}");
        }
        match (step["run"].as_str(), step["uses"].as_str()) {
            (Some(run), None) => {
                assert_eq!(
                    step["shell"].as_str(),
                    Some("bash"),
                    "a composite run step needs `shell: bash`"
                );
                run_script(run);
            }
            (None, Some(u)) => {
                let (inputs, _) = known_action(u);
                for k in string_map(&step["with"]).keys() {
                    assert!(
                        inputs.contains(&k.as_str()),
                        "{u} has no input {k} (a typo would be silently ignored)"
                    );
                }
                uses.insert(u.to_string());
            }
            _ => panic!("a step has either run or uses: {step:?}"),
        }
    }
    assert_eq!(
        uses,
        BTreeSet::from([
            "actions/cache@v4".to_string(),
            "github/codeql-action/upload-sarif@v4".to_string(),
            "peter-evans/create-pull-request@v7".to_string(),
        ])
    );
}

#[test]
fn every_input_is_used_and_every_input_reference_is_declared() {
    let doc = action();
    let declared: BTreeSet<String> = declared_inputs(&doc).into_iter().collect();

    // (b) every `inputs.X` anywhere in the file names a declared input.
    let mut all = Vec::new();
    strings(&doc, &mut all);
    for s in &all {
        for name in names_after(s, "inputs.") {
            assert!(
                declared.contains(&name),
                "`inputs.{name}` in {s:?} is not a declared input"
            );
        }
    }

    // (a) every input is read by a step (env, with or if), and an input handed to a
    // script through `env:` is read by that script.
    let mut used = BTreeSet::new();
    let mut set_vars = BTreeSet::new();
    for step in steps(&doc) {
        let mut texts = Vec::new();
        strings(&step["if"], &mut texts);
        strings(&step["with"], &mut texts);
        for t in &texts {
            used.extend(names_after(t, "inputs."));
        }
        let env = string_map(&step["env"]);
        if let Some(run) = step["run"].as_str() {
            let script = run_script(run);
            let closure = script_closure(&script);
            let read = shell_vars(&closure);
            for (var, value) in &env {
                assert!(
                    read.contains(var),
                    "step {:?} sets {var} but {script} never reads it",
                    step["name"]
                );
                used.extend(names_after(value, "inputs."));
            }
            set_vars.extend(env.keys().cloned());
        } else {
            assert!(env.is_empty(), "env on a uses step is not read by anything");
        }
    }
    for name in &declared {
        assert!(
            used.contains(name),
            "input {name} is declared but never used"
        );
    }
    // ... and every DEFUSE_* variable a script reads is one a step sets (a typo in either
    // place would leave an input silently unused). DEFUSE_ACTION_JSON_TOOL is the tests';
    // DEFUSE_RELEASE_BASE_URL comes from the job's `env:` (a mirror of the releases) or
    // the tests.
    for name in script_names() {
        for var in shell_vars(&script_text(&name)) {
            if var.starts_with("DEFUSE_")
                && var != "DEFUSE_ACTION_JSON_TOOL"
                && var != "DEFUSE_RELEASE_BASE_URL"
            {
                assert!(
                    set_vars.contains(&var),
                    "scripts/action/{name} reads {var}, which no step sets"
                );
            }
        }
    }
}

#[test]
fn no_expression_is_pasted_into_shell_code() {
    // (c) `${{ inputs.* }}` (or any expression) inside a run body would be substituted into
    // the script's text before bash reads it: script injection. Inputs reach the scripts
    // through `env:` only.
    let doc = action();
    for step in steps(&doc) {
        if let Some(run) = step["run"].as_str() {
            assert!(
                !run.contains("${{"),
                "step {:?} pastes an expression into shell code: {run:?}",
                step["name"]
            );
        }
    }
    for name in script_names() {
        assert!(
            !script_text(&name).contains("${{"),
            "scripts/action/{name} holds a workflow expression"
        );
    }
}

#[test]
fn every_step_output_read_is_one_that_step_sets() {
    let doc = action();
    let mut earlier: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let check = |texts: &[String], earlier: &BTreeMap<String, BTreeSet<String>>, what: &str| {
        for t in texts {
            for (id, out) in step_output_refs(t) {
                let outs = earlier
                    .get(&id)
                    .unwrap_or_else(|| panic!("{what} reads steps.{id}, no earlier step"));
                assert!(
                    outs.contains(&out),
                    "{what} reads steps.{id}.outputs.{out}, which step {id} never sets ({outs:?})"
                );
            }
        }
    };
    for step in steps(&doc) {
        let mut texts = Vec::new();
        strings(&step["if"], &mut texts);
        strings(&step["with"], &mut texts);
        strings(&step["env"], &mut texts);
        check(&texts, &earlier, &format!("step {:?}", step["name"]));
        if let Some(id) = step["id"].as_str() {
            let outs = match (step["run"].as_str(), step["uses"].as_str()) {
                (Some(run), _) => outputs_set(&script_closure(&run_script(run))),
                (_, Some(u)) => known_action(u).1.iter().map(|s| s.to_string()).collect(),
                _ => unreachable!(),
            };
            earlier.insert(id.to_string(), outs);
        }
    }
    for name in keys(&doc["outputs"]) {
        let value = as_str(&doc["outputs"][name.as_str()]["value"]).to_string();
        assert_eq!(
            step_output_refs(&value).len(),
            1,
            "output {name} is one step output"
        );
        check(&[value], &earlier, &format!("output {name}"));
    }
}

// ---------------------------------------------------------------------------------------
// Running the scripts

const GO_MOD: &str = "module example.com/store\n\ngo 1.22\n";

/// The first commit: a store whose methods lock correctly; three of them make `s.mu`
/// the guard of `s.m` with high confidence, so the fix below is a safe one.
const STORE_V1: &str = include_str!("fixtures/action/store_v1.go");

/// The second commit adds `Drop`, whose deferred delete runs after the unlock
/// (`deferred-write-unlocked`, line 30).
const STORE_DROP: &str = include_str!("fixtures/action/drop.go.part");

/// A finding whose fix is marked `review` (`defer-in-loop-map-cleanup`).
const WORKER_GO: &str = include_str!("fixtures/action/worker.go");

/// git with an identity and a branch name of its own, whatever the machine's configuration.
fn git(dir: &Path, args: &[&str]) -> String {
    let own = [
        "-c",
        "user.name=defuse test",
        "-c",
        "user.email=test@defuse.invalid",
        "-c",
        "commit.gpgsign=false",
        "-c",
        "init.defaultBranch=main",
    ];
    crate::support::git(dir, &[&own[..], args].concat())
}

struct Fixture {
    _tmp: tempfile::TempDir,
    /// The checkout the action runs in.
    repo: PathBuf,
    /// Where the logging wrapper records the command lines.
    log: PathBuf,
    /// PATH entries: the wrapper, then the real binary's folder.
    shim: PathBuf,
    runner_temp: PathBuf,
    output: PathBuf,
    step_summary: PathBuf,
    github_path: PathBuf,
}

/// A git repository with a Go module: commit 1 without the hazard, commit 2 adds it.
fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("go.mod"), GO_MOD).unwrap();
    std::fs::write(repo.join("store.go"), STORE_V1).unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "store"]);
    std::fs::write(repo.join("store.go"), format!("{STORE_V1}{STORE_DROP}")).unwrap();
    git(&repo, &["commit", "-q", "-am", "Drop"]);

    let log = tmp.path().join("calls");
    let shim = tmp.path().join("shim");
    let runner_temp = tmp.path().join("runner-temp");
    for d in [&log, &shim, &runner_temp] {
        std::fs::create_dir_all(d).unwrap();
    }
    let real = BIN;
    let wrapper = format!(
        r#"#!/usr/bin/env bash
# Records the command line (NUL-separated), stderr and exit code, then exits as defuse did.
call=$(mktemp "{log}/callXXXXXX")
printf '%s\0' "$@" >"$call"
rc=0
"{real}" "$@" 2>"$call.err" || rc=$?
cat "$call.err" >&2
printf '%s' "$rc" >"$call.rc"
exit "$rc"
"#,
        log = log.display(),
    );
    let wrapper_path = shim.join("defuse");
    std::fs::write(&wrapper_path, wrapper).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper_path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    Fixture {
        output: tmp.path().join("github-output"),
        step_summary: tmp.path().join("step-summary.md"),
        github_path: tmp.path().join("github-path"),
        _tmp: tmp,
        repo,
        log,
        shim,
        runner_temp,
    }
}

/// One defuse command line the scripts ran, as the logging wrapper recorded it.
struct Call {
    args: Vec<String>,
    code: i32,
    stderr: String,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    outputs: BTreeMap<String, String>,
    summary: String,
}

/// Parses a `GITHUB_OUTPUT` file as the runner does: `name=value` lines and
/// `name<<DELIMITER` blocks.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let eq = line.find('=');
        let heredoc = line.find("<<");
        let (name, value) = match (eq, heredoc) {
            (Some(e), h) if h.is_none_or(|h| e < h) => {
                (line[..e].to_string(), line[e + 1..].to_string())
            }
            (_, Some(h)) => {
                let delim = &line[h + 2..];
                let mut value = Vec::new();
                loop {
                    let l = lines
                        .next()
                        .unwrap_or_else(|| panic!("output {line:?} never closed"));
                    if l == delim {
                        break;
                    }
                    value.push(l);
                }
                (line[..h].to_string(), value.join("\n"))
            }
            _ => panic!("not an output line: {line:?}"),
        };
        assert!(
            out.insert(name.clone(), value).is_none(),
            "output {name} set twice"
        );
    }
    out
}

/// The step `env:` that action.yml gives the script of step `id`, with the runner's
/// substitution of `${{ inputs.X }}` done by hand: `inputs` where given, else the declared
/// defaults.
fn step_env(id: &str, inputs: &[(&str, &str)]) -> Vec<(String, String)> {
    let doc = action();
    let step = steps(&doc)
        .into_iter()
        .find(|s| s["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no step {id}"));
    for (name, _) in inputs {
        assert!(
            declared_inputs(&doc).iter().any(|d| d == name),
            "the test sets input {name}, which action.yml does not declare"
        );
    }
    string_map(&step["env"])
        .into_iter()
        .filter_map(|(var, value)| {
            let names = names_after(&value, "inputs.");
            if names.is_empty() {
                return None; // e.g. github.action_ref: the tests set those themselves
            }
            assert_eq!(
                value,
                format!("${{{{ inputs.{} }}}}", names[0]),
                "env {var}: one input, nothing else"
            );
            let name = names[0].as_str();
            let v = inputs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| as_str(&doc["inputs"][name]["default"]).to_string());
            Some((var, v))
        })
        .collect()
}

impl Fixture {
    fn path_var(&self, with_defuse: bool) -> String {
        let mut dirs = Vec::new();
        if with_defuse {
            dirs.push(self.shim.clone());
            dirs.push(Path::new(BIN).parent().unwrap().to_path_buf());
        }
        dirs.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        std::env::join_paths(dirs)
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    /// Runs scripts/action/`script` as step `id` of action.yml runs it.
    fn run_step(
        &self,
        id: &str,
        script: &str,
        inputs: &[(&str, &str)],
        extra_env: &[(&str, &str)],
        with_defuse: bool,
    ) -> Run {
        for f in [&self.output, &self.step_summary, &self.github_path] {
            std::fs::write(f, "").unwrap();
        }
        let mut cmd = Command::new("bash");
        hermetic(&mut cmd)
            .arg(scripts_dir().join(script))
            .current_dir(&self.repo)
            .env("PATH", self.path_var(with_defuse))
            .env("GITHUB_OUTPUT", &self.output)
            .env("GITHUB_STEP_SUMMARY", &self.step_summary)
            .env("GITHUB_PATH", &self.github_path)
            .env("GITHUB_ACTION_PATH", root())
            .env("RUNNER_TEMP", &self.runner_temp)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64");
        for (k, _) in std::env::vars() {
            if k.starts_with("DEFUSE_") {
                cmd.env_remove(k);
            }
        }
        for (k, v) in step_env(id, inputs) {
            cmd.env(k, v);
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        Run {
            code: out.status.code().expect("the script exited"),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            outputs: parse_outputs(&std::fs::read_to_string(&self.output).unwrap()),
            summary: std::fs::read_to_string(&self.step_summary).unwrap(),
        }
    }

    /// The action's main step (`run`) with these inputs.
    fn run(&self, inputs: &[(&str, &str)]) -> Run {
        self.run_step("run", "run.sh", inputs, &[], true)
    }

    /// The command lines recorded so far.
    fn calls(&self) -> Vec<Call> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(&self.log).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some() {
                continue; // callXXXXXX.rc, callXXXXXX.err
            }
            let args = std::fs::read(&p).unwrap();
            let args: Vec<String> = args
                .split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            let rc = std::fs::read_to_string(p.with_extension("rc"))
                .unwrap_or_else(|_| panic!("{args:?} left no exit code"));
            let err = std::fs::read_to_string(p.with_extension("err")).unwrap_or_default();
            out.push(Call {
                args,
                code: rc.trim().parse().unwrap(),
                stderr: err,
            });
        }
        out
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.repo.join(file)).unwrap()
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}\n--- outputs\n{:?}\n--- summary\n{}",
            self.code, self.stdout, self.stderr, self.outputs, self.summary
        )
    }
}

#[test]
fn check_github_annotates_and_exits_per_fail_on_findings() {
    let fx = fixture();
    let r = fx.run(&[]);
    assert_eq!(
        r.code, 1,
        "findings with fail-on-findings true (the default): {r:?}"
    );
    assert!(
        r.stdout
            .contains("::error file=store.go,line=30,endLine=30,col=2,endColumn=22,title=deferred-write-unlocked::"),
        "{r:?}"
    );
    assert_eq!(
        r.outputs.get("findings").map(String::as_str),
        Some("1"),
        "{r:?}"
    );
    assert!(!r.outputs.contains_key("sarif-file"), "{r:?}");
    assert!(r.summary.starts_with("### defuse: 1 finding\n"), "{r:?}");
    assert!(
        r.summary.contains("| [`deferred-write-unlocked`](https://")
            && r.summary.contains(") | 1 |"),
        "a row per rule with a link to its docs: {r:?}"
    );
    assert!(
        r.summary
            .contains("- `store.go:30:2` error `deferred-write-unlocked`: "),
        "{r:?}"
    );

    let r = fx.run(&[("fail-on-findings", "false")]);
    assert_eq!(r.code, 0, "findings with fail-on-findings false: {r:?}");
    assert!(r.stdout.contains("::error file=store.go,line=30,"), "{r:?}");
    assert_eq!(r.outputs["findings"], "1");

    // Inputs are case-insensitive where GitHub's are: `True`, `GitHub`.
    let r = fx.run(&[
        ("fail-on-findings", "True"),
        ("format", "GitHub"),
        ("mode", "Check"),
    ]);
    assert_eq!(r.code, 1, "{r:?}");

    // No findings: exit 0 whatever fail-on-findings says.
    let r = fx.run(&[("ignore-rules", "deferred-write-unlocked")]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.outputs["findings"], "0");
    assert!(!r.stdout.contains("::error file="), "{r:?}");
    assert!(r.summary.starts_with("### defuse: no findings\n"), "{r:?}");
}

#[test]
fn check_changed_since_reports_only_changed_lines() {
    let fx = fixture();
    let r = fx.run(&[("changed-since", "HEAD~1")]);
    assert_eq!(r.code, 1, "Drop came in the last commit: {r:?}");
    assert_eq!(r.outputs["findings"], "1");
    assert!(
        r.summary.contains("only lines changed since `HEAD~1`"),
        "{r:?}"
    );

    let r = fx.run(&[("changed-since", "HEAD")]);
    assert_eq!(r.code, 0, "nothing changed since HEAD: {r:?}");
    assert_eq!(r.outputs["findings"], "0");

    // An edit in the working tree counts, as on a runner that generated code.
    std::fs::write(
        fx.repo.join("store.go"),
        format!("{STORE_V1}{STORE_DROP}").replace("delete(s.m, k)", "delete(s.m, k+\"\")"),
    )
    .unwrap();
    let r = fx.run(&[("changed-since", "HEAD")]);
    assert_eq!(r.code, 1, "{r:?}");
    for Call { args, .. } in fx.calls() {
        if args[0] == "check" && args.iter().any(|a| a == "--changed-since=HEAD") {
            assert!(args.contains(&"--merge-base".to_string()), "{args:?}");
        }
    }
}

#[test]
fn check_sarif_writes_a_valid_sarif_file() {
    let fx = fixture();
    let r = fx.run(&[("format", "sarif"), ("sarif-file", "reports/defuse.sarif")]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.outputs["sarif-file"], "reports/defuse.sarif", "{r:?}");
    assert_eq!(r.outputs["findings"], "1");
    assert!(
        !r.stdout.contains("::error file="),
        "no annotations in sarif mode: {r:?}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&fx.read("reports/defuse.sarif")).expect("the SARIF file is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif"));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif}");
    assert_eq!(results[0]["ruleId"], "deferred-write-unlocked");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        30
    );

    // The default file name, and no failure with fail-on-findings false.
    let r = fx.run(&[("format", "sarif"), ("fail-on-findings", "false")]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.outputs["sarif-file"], "defuse.sarif");
    let sarif: serde_json::Value = serde_json::from_str(&fx.read("defuse.sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");

    // A clean tree still gets a SARIF file (code scanning then closes old alerts).
    let r = fx.run(&[("format", "sarif"), ("rules", "map-write-under-rlock")]);
    assert_eq!(r.code, 0, "{r:?}");
    let sarif: serde_json::Value = serde_json::from_str(&fx.read("defuse.sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn errors_exit_2_whatever_fail_on_findings_says() {
    let fx = fixture();
    for inputs in [
        vec![("rules", "no-such-rule"), ("fail-on-findings", "false")],
        vec![("paths", "no/such/dir"), ("fail-on-findings", "false")],
        vec![
            ("rules", "no-such-rule"),
            ("format", "sarif"),
            ("fail-on-findings", "false"),
        ],
        vec![
            ("changed-since", "no-such-rev"),
            ("fail-on-findings", "false"),
        ],
        vec![("mode", "scan")],
        vec![("format", "pdf")],
        vec![("fail-on-findings", "maybe")],
        vec![("mode", "fix"), ("verify", "sometimes")],
        vec![("mode", "fix"), ("review-fixes", "yes")],
        vec![("mode", "fix"), ("rules", "no-such-rule")],
    ] {
        let r = fx.run(&inputs);
        assert_eq!(r.code, 2, "{inputs:?}: {r:?}");
        assert!(
            r.stderr.contains("::error title=defuse action::"),
            "{inputs:?}: an error annotation: {r:?}"
        );
        assert!(
            !r.outputs.contains_key("sarif-file"),
            "{inputs:?}: no SARIF to upload after an error: {r:?}"
        );
        assert_eq!(
            fx.read("store.go"),
            format!("{STORE_V1}{STORE_DROP}"),
            "{inputs:?}"
        );
    }

    // No defuse on PATH.
    let r = fx.run_step("run", "run.sh", &[], &[], false);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no defuse on PATH"), "{r:?}");
}

#[test]
fn fix_rewrites_the_checkout_and_writes_the_pull_request_body() {
    let fx = fixture();
    let r = fx.run(&[("mode", "fix")]);
    assert_eq!(r.code, 0, "{r:?}");
    let store = fx.read("store.go");
    assert!(
        store.contains(
            "defer func() {\n\t\ts.mu.Lock()\n\t\tdefer s.mu.Unlock()\n\t\tdelete(s.m, k)\n\t}()"
        ),
        "{store}"
    );
    assert_eq!(gofmt_l(&fx.repo), "", "the rewritten file is gofmt-clean");
    // create-pull-request commits whatever changed in the checkout: only the fix.
    assert_eq!(git(&fx.repo, &["status", "--porcelain"]), " M store.go\n");

    let body_path = fx.runner_temp.join("defuse-pr.md");
    assert_eq!(r.outputs["pr-body"], body_path.to_string_lossy(), "{r:?}");
    let body = std::fs::read_to_string(&body_path).unwrap();
    assert!(body.contains("deferred-write-unlocked"), "{body}");
    assert!(body.contains("store.go"), "{body}");
    assert!(body.len() <= 65_536);
    assert_eq!(r.outputs["findings"], "1");
    assert_eq!(
        r.outputs["pr-title"],
        "defuse: fix hazards where defer meets maps"
    );
    let msg = &r.outputs["commit-message"];
    assert!(
        msg.starts_with("defuse: fix hazards where defer meets maps\n\n"),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("defuse {}", env!("CARGO_PKG_VERSION"))),
        "{msg}"
    );
    assert!(
        r.summary.contains(body.trim_end()),
        "the body is the step summary: {r:?}"
    );

    // verify: auto with Go on PATH type-checks the fixes.
    let fixes: Vec<_> = fx
        .calls()
        .into_iter()
        .filter(|c| c.args[0] == "fix")
        .collect();
    assert_eq!(fixes.len(), 1);
    let args = &fixes[0].args;
    for flag in ["--write", "--allow-dirty", "--verify"] {
        assert!(args.contains(&flag.to_string()), "{args:?}");
    }
    assert!(!args.contains(&"--review-fixes".to_string()), "{args:?}");
    assert!(
        args.contains(&format!("--pr-body={}", body_path.display())),
        "{args:?}"
    );

    // A second run finds nothing left: exit 0, findings 0, a body that says so.
    let r = fx.run(&[("mode", "fix"), ("pr-title", "Fix defer hazards\nnow")]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.outputs["findings"], "0");
    assert_eq!(r.outputs["pr-title"], "Fix defer hazards now", "one line");
    assert!(r.outputs["commit-message"].starts_with("Fix defer hazards now\n"));
    assert!(std::fs::read_to_string(&body_path)
        .unwrap()
        .contains("0 fixes"));
}

#[test]
fn fix_tolerates_findings_without_a_fix_and_lists_them() {
    let fx = fixture();
    std::fs::write(fx.repo.join("worker.go"), WORKER_GO).unwrap();
    git(&fx.repo, &["add", "worker.go"]);
    git(&fx.repo, &["commit", "-q", "-m", "worker"]);

    let r = fx.run(&[("mode", "fix"), ("verify", "false")]);
    assert_eq!(
        r.code, 0,
        "defuse fix exits 1, the step does not fail: {r:?}"
    );
    assert!(
        fx.calls().iter().any(|c| c.args[0] == "fix"
            && c.code == 1
            && !c.args.contains(&"--verify".to_string())),
        "defuse fix ran without --verify and exited 1"
    );
    assert_eq!(r.outputs["findings"], "2");
    assert_eq!(
        fx.read("worker.go"),
        WORKER_GO,
        "a review fix is not applied"
    );
    assert_ne!(fx.read("store.go"), format!("{STORE_V1}{STORE_DROP}"));
    let body = std::fs::read_to_string(&r.outputs["pr-body"]).unwrap();
    assert!(body.contains("Not fixed"), "{body}");
    assert!(body.contains("defer-in-loop-map-cleanup"), "{body}");

    // review-fixes: true applies it.
    git(&fx.repo, &["checkout", "-q", "--", "."]);
    let r = fx.run(&[("mode", "fix"), ("review-fixes", "true")]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_ne!(fx.read("worker.go"), WORKER_GO);
    assert_eq!(gofmt_l(&fx.repo), "");
}

/// (d) Every command line the scripts can produce, run against the repository: each
/// combination of the options the inputs switch on, in both modes. The binary must accept
/// every one (exit 0 or 1, no usage error), and every defuse option written in the scripts
/// must show up in some recorded command line.
#[test]
fn every_command_line_the_scripts_produce_is_accepted() {
    let mut combos: Vec<Vec<(&str, &str)>> = Vec::new();
    for rules in ["", "deferred-write-unlocked, map-write-under-rlock"] {
        for ignore in ["", "deferred-loopvar-capture"] {
            for since in ["", "HEAD~1"] {
                let filter = vec![
                    ("rules", rules),
                    ("ignore-rules", ignore),
                    ("changed-since", since),
                    ("fail-on-findings", "false"),
                ];
                for format in ["github", "sarif"] {
                    let mut c = filter.clone();
                    c.extend([("mode", "check"), ("format", format)]);
                    combos.push(c);
                }
                for review in ["false", "true"] {
                    for verify in ["true", "false"] {
                        let mut c = filter.clone();
                        c.extend([
                            ("mode", "fix"),
                            ("review-fixes", review),
                            ("verify", verify),
                            ("paths", "store.go\n."),
                        ]);
                        combos.push(c);
                    }
                }
            }
        }
    }
    // Each combination on its own copy of the repository, a few at a time.
    type Inputs<'a> = Vec<(&'a str, &'a str)>;
    let results: Vec<(Inputs, Run, Vec<Call>)> = std::thread::scope(|s| {
        let chunks: Vec<_> = combos.chunks(combos.len().div_ceil(4)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|c| {
                            let fx = fixture();
                            let r = fx.run(c);
                            let calls = fx.calls();
                            (c.clone(), r, calls)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });

    let mut flags_seen = BTreeSet::new();
    let mut subcommands = BTreeSet::new();
    for (inputs, r, calls) in &results {
        assert_eq!(r.code, 0, "{inputs:?}: {r:?}");
        assert!(!calls.is_empty(), "{inputs:?}: defuse never ran");
        for Call {
            args,
            code: rc,
            stderr: err,
        } in calls
        {
            assert!(
                *rc == 0 || *rc == 1,
                "{inputs:?}: `defuse {}` exited {rc}: {err}",
                args.join(" ")
            );
            assert!(
                !err.contains("Usage:") && !err.contains("unexpected argument"),
                "{inputs:?}: {args:?}: {err}"
            );
            subcommands.insert(args[0].clone());
            for a in args {
                if a == "--" {
                    break;
                }
                if a.starts_with("--") {
                    flags_seen.insert(a.split('=').next().unwrap().to_string());
                }
            }
        }
    }
    assert_eq!(
        subcommands,
        BTreeSet::from(["check".into(), "fix".into(), "--version".into()])
    );

    // The defuse options the scripts write. Options of other tools in the scripts are
    // listed here by hand: jq's, cargo's and scripts/install.sh's.
    let others = [
        "--arg",
        "--argjson",
        "--path",
        "--locked",
        "--force",
        "--root",
        "--to",
        "--base-url",
    ];
    let mut written = BTreeSet::new();
    for name in script_names() {
        let text = script_text(&name);
        for (i, _) in text.match_indices("--") {
            let rest = &text[i..];
            let flag: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let prev = text[..i].chars().next_back();
            if flag.chars().nth(2).is_some_and(|c| c.is_ascii_lowercase())
                && prev.is_none_or(|c| !c.is_ascii_alphanumeric() && c != '-')
                && !others.contains(&flag.as_str())
            {
                written.insert(flag);
            }
        }
    }
    let missing: Vec<_> = written.difference(&flags_seen).collect();
    assert!(
        missing.is_empty(),
        "options in scripts/action/ that no recorded command line used: {missing:?} (seen {flags_seen:?})"
    );
    let unexpected: Vec<_> = flags_seen.difference(&written).collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");
}

#[test]
fn the_jq_and_python_summaries_are_the_same() {
    let fx = fixture();
    // Findings of two rules, a suppressed one, and a file with a syntax error.
    std::fs::write(fx.repo.join("worker.go"), WORKER_GO).unwrap();
    std::fs::write(
        fx.repo.join("other.go"),
        "package store\n\nimport \"sync\"\n\ntype T struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}\n\nfunc (t *T) Put(k string) {\n\tt.mu.Lock()\n\tdefer t.mu.Unlock()\n\tt.m[k] = 1\n}\n\nfunc (t *T) Drop(k string) {\n\tt.mu.Lock()\n\t//defuse:ignore deferred-write-unlocked the map is private | never shared\n\tdefer delete(t.m, k)\n\tdefer t.mu.Unlock()\n}\n",
    )
    .unwrap();
    std::fs::write(fx.repo.join("broken.go"), "package store\n\nfunc f( {\n").unwrap();

    let tools: Vec<&str> = ["jq", "python3"]
        .into_iter()
        .filter(|t| Command::new(t).arg("--version").output().is_ok())
        .collect();
    assert!(
        tools.contains(&"python3"),
        "python3 is required for this test"
    );
    if !tools.contains(&"jq") {
        eprintln!("note: jq is not installed; only the python3 summary is checked");
    }
    let mut summaries = Vec::new();
    for tool in &tools {
        let r = fx.run_step(
            "run",
            "run.sh",
            &[("fail-on-findings", "false")],
            &[("DEFUSE_ACTION_JSON_TOOL", tool)],
            true,
        );
        assert_eq!(r.code, 0, "{tool}: {r:?}");
        assert_eq!(r.outputs["findings"], "2", "{tool}: {r:?}");
        summaries.push((tool, r.summary));
    }
    let (_, first) = &summaries[0];
    assert!(first.starts_with("### defuse: 2 findings\n\n"), "{first}");
    assert!(first.contains("; 1 suppressed."), "{first}");
    assert!(first.contains("Problems:\n\n- `broken.go`: "), "{first}");
    assert!(
        first.contains("| [`defer-in-loop-map-cleanup`]("),
        "{first}"
    );
    for (tool, s) in &summaries[1..] {
        assert_eq!(s, first, "{tool} and {} differ", summaries[0].0);
    }

    let r = fx.run_step(
        "run",
        "run.sh",
        &[],
        &[("DEFUSE_ACTION_JSON_TOOL", "ruby")],
        true,
    );
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn install_uses_the_defuse_on_path_or_a_cached_build() {
    let fx = fixture();
    let r = fx.run_step(
        "install",
        "install.sh",
        &[("version", "installed")],
        &[],
        true,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains(&format!("defuse {}", env!("CARGO_PKG_VERSION"))),
        "{r:?}"
    );

    let r = fx.run_step(
        "install",
        "install.sh",
        &[("version", "installed")],
        &[],
        false,
    );
    assert_eq!(r.code, 2, "{r:?}");
    let r = fx.run_step("install", "install.sh", &[("version", "1.2.3")], &[], true);
    assert_eq!(r.code, 2, "{r:?}");

    // version: source with the binary the cache step restored: no build (no cargo on
    // PATH), and its folder goes to GITHUB_PATH.
    let bin = fx.runner_temp.join("defuse/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(BIN, bin.join("defuse")).unwrap();
    let r = fx.run_step(
        "install",
        "install.sh",
        &[],
        &[("PATH", "/usr/bin:/bin")],
        false,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("using the cached build"), "{r:?}");
    assert_eq!(
        std::fs::read_to_string(&fx.github_path).unwrap(),
        format!("{}\n", bin.display())
    );
}

#[test]
fn the_cache_key_follows_the_source() {
    let fx = fixture();
    let action_src = fx.runner_temp.join("action");
    std::fs::create_dir_all(action_src.join("src")).unwrap();
    std::fs::write(action_src.join("Cargo.toml"), "[package]\n").unwrap();
    std::fs::write(action_src.join("src/main.rs"), "fn main() {}\n").unwrap();
    let key = |env: &[(&str, &str)]| {
        let mut e = vec![("GITHUB_ACTION_PATH", action_src.to_str().unwrap())];
        e.extend_from_slice(env);
        let r = fx.run_step("key", "cache-key.sh", &[], &e, true);
        assert_eq!(r.code, 0, "{r:?}");
        r.outputs["key"].clone()
    };
    let k1 = key(&[("DEFUSE_ACTION_REF", "v1")]);
    let hash = k1.strip_prefix("defuse-Linux-X64-v1-").expect(&k1);
    assert_eq!(hash.len(), 16);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{k1}");
    assert_eq!(key(&[("DEFUSE_ACTION_REF", "v1")]), k1, "stable");
    assert!(key(&[]).starts_with("defuse-Linux-X64-local-"), "no ref");
    assert!(
        !key(&[("DEFUSE_ACTION_REF", "a,b c")]).contains([',', ' ']),
        "cache keys take no commas"
    );
    std::fs::write(action_src.join("src/main.rs"), "fn main() { }\n").unwrap();
    assert_ne!(key(&[("DEFUSE_ACTION_REF", "v1")]), k1, "a source change");
}

/// `version: auto`: a release tag gets its release binary (checksum verified, on PATH, no
/// cargo needed); any other ref, or a tag without a release, falls through to the source
/// build; a bad checksum fails the step instead of falling back.
#[cfg(unix)]
#[test]
fn auto_installs_the_release_of_a_tag_and_builds_from_source_otherwise() {
    let fx = fixture();
    let base = fx.runner_temp.parent().unwrap().join("releases");
    let dist =
        crate::release_fixture::make_release(&base, "v9.9.9", "#!/bin/sh\necho 'defuse 9.9.9'\n");
    let url = format!("file://{}", base.display());
    let release = |inputs: &[(&str, &str)], r: &str| {
        fx.run_step(
            "release",
            "release.sh",
            inputs,
            &[("DEFUSE_ACTION_REF", r), ("DEFUSE_RELEASE_BASE_URL", &url)],
            false,
        )
    };
    let github_path = || std::fs::read_to_string(&fx.github_path).unwrap();

    let r = release(&[], "v9.9.9");
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.outputs["installed"], "true", "{r:?}");
    let bin = fx.runner_temp.join("defuse-release/bin");
    assert!(bin.join("defuse").is_file(), "{r:?}");
    assert_eq!(github_path(), format!("{}\n", bin.display()));

    // The install step then takes that binary; no cargo on PATH, no cached build.
    let r = fx.run_step(
        "install",
        "install.sh",
        &[],
        &[
            ("DEFUSE_RELEASE_INSTALLED", "true"),
            ("PATH", "/usr/bin:/bin"),
        ],
        false,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("defuse 9.9.9"), "{r:?}");
    assert!(r.stdout.contains("using the release binary"), "{r:?}");
    assert_eq!(github_path(), "", "the release step put it on PATH already");

    // Branches, commits, a local action (no ref) and tags without a release: source.
    for r in [
        "main",
        "0123456789abcdef0123456789abcdef01234567",
        "",
        "v9.9.8",
        "v1",
    ] {
        let run = release(&[], r);
        assert_eq!(run.code, 0, "{r}: {run:?}");
        assert_eq!(run.outputs["installed"], "false", "{r}: {run:?}");
        assert!(
            run.stdout.contains("building defuse from source"),
            "{r}: {run:?}"
        );
        assert_eq!(github_path(), "", "{r}");
    }
    // Other versions: the step does nothing (action.yml skips it anyway).
    for v in ["source", "installed"] {
        let run = release(&[("version", v)], "v9.9.9");
        assert_eq!(run.code, 0, "{v}: {run:?}");
        assert_eq!(run.outputs["installed"], "false", "{v}: {run:?}");
    }

    // A checksum mismatch is an error, not a reason to build something else.
    let sums = dist.join("SHA256SUMS");
    let text = std::fs::read_to_string(&sums).unwrap();
    let corrupted: String = text
        .lines()
        .map(|l| match l.strip_prefix('0') {
            Some(rest) => format!("1{rest}\n"),
            None => format!("0{}\n", &l[1..]),
        })
        .collect();
    std::fs::write(&sums, corrupted).unwrap();
    std::fs::remove_dir_all(&bin).unwrap();
    let r = release(&[], "v9.9.9");
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("checksum mismatch"), "{r:?}");
    assert!(r.stderr.contains("::error"), "{r:?}");
    assert!(!r.outputs.contains_key("installed"), "{r:?}");
    assert!(!bin.join("defuse").exists());
}
