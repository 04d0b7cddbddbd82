//! The command line as a user meets it: exit codes, messages, suppression, configuration.

use std::path::Path;
use std::process::Output;

use crate::support::{defuse, git, init_repo, repo_root, stderr, stdout, write};

const GUARDED: &str = include_str!("fixtures/cli/guarded.go");

#[test]
fn check_examples_reports_with_snippets_and_exits_1() {
    let o = defuse(&repo_root(), &["check", "testdata/examples"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("error[deferred-write-unlocked]"), "{out}");
    assert!(out.contains("--> testdata/examples/store.go:66:2"), "{out}");
    assert!(out.contains("defer delete(s.sessions, id)"), "{out}");
    assert!(out.contains("^^^^"), "{out}");
    assert!(
        out.contains("= note: `s.mu` is released by `defer s.mu.Unlock()` on line 67"),
        "{out}"
    );
    let err = stderr(&o);
    assert!(err.contains("scanned 5 files in "), "{err}");
    assert!(err.trim_end().ends_with("s: 7 findings"), "{err}");
    assert!(!out.contains("scanned"), "one summary, on stderr: {out}");
}

#[test]
fn safe_tree_exits_0() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "go.mod", "module example.com/safe\n\ngo 1.22\n");
    write(
        tmp.path(),
        "safe.go",
        GUARDED.replace(
            "defer delete(c.items, k)\n\tdefer c.mu.Unlock()",
            "defer c.mu.Unlock()\n\tdefer delete(c.items, k)",
        ),
    );
    let o = defuse(tmp.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("scanned 1 file in "), "{}", stderr(&o));
    assert!(
        stderr(&o).trim_end().ends_with(": no findings"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_path_exits_2_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let o = defuse(tmp.path(), &["check", "no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no/such/dir: no such file or directory"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_rule_is_a_usage_error() {
    let o = defuse(
        &repo_root(),
        &["check", "--select", "no-such-rule", "testdata/examples"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown rule `no-such-rule`"),
        "{}",
        stderr(&o)
    );
    let o = defuse(&repo_root(), &["explain", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
    let o = defuse(&repo_root(), &["explain", "map-write-under-lock"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `map-write-under-rlock`?"),
        "{}",
        stderr(&o)
    );
    let o = defuse(
        &repo_root(),
        &["check", "--ignore", "unused-supression", "."],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `unused-suppression`?"),
        "{}",
        stderr(&o)
    );
    let o = defuse(&repo_root(), &["check", "--bogus-flag"]);
    assert_eq!(o.status.code(), Some(2));
}

/// A mistyped rule gets its message and, on a line of its own, the rule meant.
#[test]
fn an_unknown_rule_gets_a_help_line_with_the_rule_meant() {
    let o = defuse(
        &repo_root(),
        &[
            "check",
            "--select",
            "map-write-under-lock",
            "testdata/examples",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "defuse: error: unknown rule `map-write-under-lock`\n  \
         help: did you mean `map-write-under-rlock`? `defuse rules` lists the rules\n"
    );
    let o = defuse(&repo_root(), &["explain", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "defuse: error: unknown rule `no-such-rule`\n  help: `defuse rules` lists the rules\n"
    );
}

/// The git mistakes people make most come with what to do about them.
#[test]
fn git_mistakes_get_a_help_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "go.mod", "module example.com/s\n\ngo 1.22\n");
    write(tmp.path(), "a.go", GUARDED);
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    let o = defuse(tmp.path(), &["check", "--changed-since", "main", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "defuse: error: --changed-since: {} is not in a git repository\n  \
             help: --changed-since works on git history: run defuse inside a git working \
             tree, or leave out --changed-since\n",
            dir.display()
        )
    );
    init_repo(tmp.path());
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "-m", "init"]);
    let o = defuse(
        tmp.path(),
        &["check", "--changed-since", "origin/main", "."],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with("defuse: error: unknown revision `origin/main`: "),
        "{err}"
    );
    assert!(
        err.contains("\n  help: ") && err.contains("fetch-depth: 0"),
        "{err}"
    );
    write(
        tmp.path(),
        "a.go",
        GUARDED.replace("package", "// edited\npackage"),
    );
    let o = defuse(tmp.path(), &["fix", "--write", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "defuse: error: these files have uncommitted changes: a.go\n  \
         help: commit or stash them, or pass --allow-dirty\n"
    );
}

#[test]
fn rules_lists_seven_and_two_meta_and_explain_prints_rationale_and_examples() {
    let o = defuse(&repo_root(), &["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let listed = stdout(&o);
    assert_eq!(listed.lines().count(), 9, "{listed}");
    let last: Vec<&str> = listed.lines().skip(7).collect();
    assert!(last[0].starts_with("invalid-suppression "), "{last:?}");
    assert!(last[1].starts_with("unused-suppression "), "{last:?}");
    let o = defuse(&repo_root(), &["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let kinds: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "analysis").count(), 7);
    assert_eq!(kinds.iter().filter(|k| **k == "meta").count(), 2);
    let o = defuse(&repo_root(), &["explain", "--full", "unused-suppression"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("Example: the-code-was-fixed"),
        "{}",
        stdout(&o)
    );
    // Short by default: what it finds, its fixes, where the rest is.
    let o = defuse(&repo_root(), &["explain", "deferred-write-unlocked"]);
    assert_eq!(o.status.code(), Some(0));
    let short = stdout(&o);
    assert!(short.lines().count() < 25, "{short}");
    assert!(
        short.contains("lock-in-deferred-closure (safe; review when"),
        "{short}"
    );
    assert!(
        short.contains("defuse explain --full deferred-write-unlocked"),
        "{short}"
    );
    assert!(
        short.contains("docs/rules/deferred-write-unlocked.md"),
        "{short}"
    );
    assert!(!short.contains("Example: "), "{short}");
    let o = defuse(
        &repo_root(),
        &["explain", "--full", "deferred-write-unlocked"],
    );
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let rule = defuse::catalog::rule("deferred-write-unlocked").unwrap();
    assert!(
        out.contains(rule.rationale.lines().next().unwrap()),
        "{out}"
    );
    assert!(out.contains("Example: "), "{out}");
    assert!(out.contains("After `defuse fix`:"), "{out}");
    assert!(out.contains("Not reported: "), "{out}");
}

#[test]
fn select_and_ignore_choose_rules() {
    let root = repo_root();
    let o = defuse(
        &root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "map-write-under-rlock",
            "testdata/examples",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["map-write-under-rlock"]);
    let o = defuse(
        &root,
        &[
            "check",
            "--format",
            "json",
            "--ignore",
            "deferred-write-unlocked",
            "testdata/examples",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "deferred-write-unlocked"));
    assert_eq!(v["findings"].as_array().unwrap().len(), 5);
}

#[test]
fn suppression_needs_a_reason_and_must_suppress_something() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "go.mod", "module example.com/s\n\ngo 1.22\n");
    // A reasoned suppression on the line above hides the finding.
    write(
        tmp.path(),
        "a.go",
        GUARDED.replace(
            "\tdefer delete(c.items, k)\n",
            "\t//defuse:ignore deferred-write-unlocked Drop is only called from tests\n\tdefer delete(c.items, k)\n",
        ),
    );
    let o = defuse(tmp.path(), &["check", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(
        v["findings"][0]["suppressed"]["reason"],
        "Drop is only called from tests"
    );

    // Without a reason: the finding stays suppressed only if valid; a reason-less directive
    // is itself reported, and the finding shows.
    write(
        tmp.path(),
        "a.go",
        GUARDED.replace(
            "\tdefer delete(c.items, k)\n",
            "\tdefer delete(c.items, k) //defuse:ignore deferred-write-unlocked\n",
        ),
    );
    let o = defuse(tmp.path(), &["check", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"invalid-suppression"), "{rules:?}");
    assert!(rules.contains(&"deferred-write-unlocked"), "{rules:?}");

    // A directive that suppresses nothing is reported.
    write(
        tmp.path(),
        "a.go",
        GUARDED.replace(
            "func (c *Cache) Put(",
            "//defuse:ignore map-write-under-rlock not needed any more\nfunc (c *Cache) Put(",
        ),
    );
    let o = defuse(tmp.path(), &["check", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"unused-suppression"), "{rules:?}");
}

#[test]
fn syntax_errors_keep_findings_elsewhere_and_withhold_fixes() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "go.mod", "module example.com/s\n\ngo 1.22\n");
    let broken = format!("{GUARDED}\nfunc broken() {{\n\tx := \n}}\n");
    write(tmp.path(), "a.go", &broken);
    let o = defuse(tmp.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("error[deferred-write-unlocked]"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("a.go: has syntax errors at line"),
        "{}",
        stdout(&o)
    );
    let o = defuse(tmp.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("fixes are withheld"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("a.go")).unwrap(),
        broken,
        "a broken file is never rewritten"
    );
}

#[test]
fn config_errors_name_the_file_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "go.mod", "module example.com/s\n\ngo 1.22\n");
    write(tmp.path(), "a.go", GUARDED);
    write(tmp.path(), "defuse.toml", "[rules]\nselekt = [\"x\"]\n");
    let o = defuse(tmp.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("defuse.toml") && err.contains("selekt"),
        "{err}"
    );
    assert!(err.ends_with("\n  help: did you mean `select`?\n"), "{err}");

    write(
        tmp.path(),
        "defuse.toml",
        "[rules]\nignore = [\"deferred-write-unlocked\"]\n",
    );
    let o = defuse(tmp.path(), &["check", "."]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "config ignore applies: {}",
        stdout(&o)
    );
}

#[test]
fn fix_write_applies_and_second_run_is_clean() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "go.mod", "module example.com/s\n\ngo 1.22\n");
    write(tmp.path(), "a.go", GUARDED);
    let o = defuse(tmp.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fixed = std::fs::read_to_string(tmp.path().join("a.go")).unwrap();
    assert!(fixed.contains("\tdefer func() {\n\t\tc.mu.Lock()\n\t\tdefer c.mu.Unlock()\n\t\tdelete(c.items, k)\n\t}()\n"), "{fixed}");
    let o = defuse(tmp.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = defuse(tmp.path(), &["fix", "."]);
    assert!(o.stdout.is_empty());
}

#[test]
fn json_output_is_versioned() {
    let o = defuse(
        &repo_root(),
        &["check", "--format", "json", "testdata/examples"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["summary"]["findings"], 7);
    let f = &v["findings"][0];
    for key in [
        "rule",
        "severity",
        "confidence",
        "path",
        "start",
        "end",
        "message",
        "notes",
        "fix",
        "docs_url",
    ] {
        assert!(f.get(key).is_some(), "missing {key} in {f}");
    }
}

#[test]
fn undecided_lock_state_is_low_confidence_and_hidden_by_default() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "go.mod", "module example.com/s\n\ngo 1.22\n");
    let src = GUARDED.replace(
        "func (c *Cache) Drop(k string) {\n\tc.mu.Lock()\n\tdefer delete(c.items, k)\n\tdefer c.mu.Unlock()\n}",
        "func (c *Cache) Drop(k string, fast bool) {\n\tif fast {\n\t\tc.mu.Lock()\n\t\tdefer c.mu.Unlock()\n\t}\n\tdefer delete(c.items, k)\n}",
    );
    assert!(src.contains("fast bool"));
    write(tmp.path(), "a.go", &src);
    let o = defuse(tmp.path(), &["check", "."]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "hidden by default: {}",
        stdout(&o)
    );
    let o = defuse(tmp.path(), &["check", "--min-confidence", "low", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("[low confidence]"), "{}", stdout(&o));
    assert!(stdout(&o).contains("paths disagree"), "{}", stdout(&o));
}

/// A directive is reported unused only when this run could have shown what it
/// suppresses: its rule ran, and a finding at a confidence the run hides still counts.
/// The meta rules can be ignored by name.
#[test]
fn suppressions_of_rules_that_did_not_run_or_of_hidden_findings_are_not_unused() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "go.mod", "module example.com/s\n\ngo 1.22\n");
    // A low-confidence finding (a bounded loop), suppressed.
    write(
        tmp.path(),
        "batch.go",
        "package s\n\nimport \"strings\"\n\nfunc MarkBatch(held map[string]bool, line string, work func()) {\n\tbatch := strings.Fields(line)\n\tfor _, key := range batch {\n\t\theld[key] = true\n\t\t//defuse:ignore defer-in-loop-map-cleanup the batch is small and bounded\n\t\tdefer delete(held, key)\n\t}\n\twork()\n}\n",
    );
    let low = defuse(
        tmp.path(),
        &["check", "--format", "json", "--min-confidence", "low", "."],
    );
    let v: serde_json::Value = serde_json::from_slice(&low.stdout).unwrap();
    assert_eq!(v["summary"]["suppressed"], 1, "{}", stdout(&low));
    // The default run hides the finding: the directive is not unused for that.
    let default = defuse(tmp.path(), &["check", "--format", "json", "."]);
    assert_eq!(default.status.code(), Some(0), "{}", stdout(&default));
    let v: serde_json::Value = serde_json::from_slice(&default.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");

    // A run that selects another rule does not report it unused either.
    let other = defuse(
        tmp.path(),
        &[
            "check",
            "--select",
            "map-write-under-rlock",
            "--min-confidence",
            "low",
            ".",
        ],
    );
    assert_eq!(other.status.code(), Some(0), "{}", stdout(&other));

    // A directive for a rule that ran and found nothing is unused, unless that meta
    // rule is ignored.
    write(
        tmp.path(),
        "batch.go",
        "package s\n\n//defuse:ignore deferred-write-unlocked nothing here\nfunc Nothing() {}\n",
    );
    let unused = defuse(tmp.path(), &["check", "--format", "json", "."]);
    assert_eq!(unused.status.code(), Some(1), "{}", stdout(&unused));
    assert!(stdout(&unused).contains("unused-suppression"));
    let ignored = defuse(
        tmp.path(),
        &["check", "--ignore", "unused-suppression", "."],
    );
    assert_eq!(ignored.status.code(), Some(0), "{}", stdout(&ignored));
}

/// A comment a person reads as a suppression but defuse would not (a space after `//`,
/// another case) is reported as malformed, never silently ignored, even in a file with
/// nothing else to report.
#[test]
fn near_miss_suppressions_are_reported_as_malformed() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "go.mod", "module example.com/s\n\ngo 1.22\n");
    for comment in [
        "// defuse:ignore deferred-write-unlocked Drop is only called from tests",
        "//Defuse:Ignore deferred-write-unlocked Drop is only called from tests",
    ] {
        write(
            tmp.path(),
            "a.go",
            GUARDED.replace(
                "\tdefer delete(c.items, k)\n",
                &format!("\t{comment}\n\tdefer delete(c.items, k)\n"),
            ),
        );
        let o = defuse(tmp.path(), &["check", "--format", "json", "."]);
        assert_eq!(o.status.code(), Some(1), "{comment}: {}", stdout(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let rules: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert!(
            rules.contains(&"invalid-suppression"),
            "{comment}: {rules:?}"
        );
        // Not read as a suppression: the finding shows.
        assert!(
            rules.contains(&"deferred-write-unlocked"),
            "{comment}: {rules:?}"
        );
    }
    // Alone in a file that holds nothing else to report.
    write(
        tmp.path(),
        "a.go",
        "package s\n\n// defuse:ignore deferred-write-unlocked old\nfunc F() {}\n",
    );
    let o = defuse(tmp.path(), &["check", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("invalid-suppression"), "{}", stdout(&o));
}

#[test]
fn concise_prints_one_compiler_style_line_per_finding() {
    let root = &repo_root();
    let o = defuse(root, &["check", "--format", "concise", "testdata/examples"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 7, "{out}");
    for l in &lines {
        let mut parts = l.splitn(5, ':');
        let (path, line, col, rule) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        assert!(
            path.starts_with("testdata/examples/") && path.ends_with(".go"),
            "{l}"
        );
        assert!(
            line.parse::<usize>().is_ok() && col.parse::<usize>().is_ok(),
            "{l}"
        );
        assert!(
            rule.starts_with(' ') && !rule.contains(' ') || rule.trim().contains('-'),
            "{l}"
        );
    }
    assert!(out.contains(
        "testdata/examples/store.go:66:2: deferred-write-unlocked: deferred `delete(s.sessions, id)` runs after `s.mu` is released"
    ), "{out}");
}

#[test]
fn several_outputs_in_one_run_each_where_it_was_asked() {
    let root = &repo_root();
    let tmp = tempfile::tempdir().unwrap();
    let sarif = tmp.path().join("out/defuse.sarif");
    std::fs::create_dir_all(sarif.parent().unwrap()).unwrap();
    let json = tmp.path().join("defuse.json");
    let spec = |f: &str, p: &Path| format!("{f}={}", p.display());
    let o = defuse(
        root,
        &[
            "check",
            "testdata/examples",
            "--output",
            &spec("sarif", &sarif),
            "--output",
            "github",
            "--output",
            &spec("json", &json),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let annotations = stdout(&o)
        .lines()
        .filter(|l| l.starts_with("::error file=") || l.starts_with("::warning file="))
        .count();
    assert_eq!(annotations, 7, "{}", stdout(&o));
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(s["runs"][0]["results"].as_array().unwrap().len(), 7);
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(j["findings"].as_array().unwrap().len(), 7, "{j}");
    // Two reports on stdout would interleave; a format without a file is stdout.
    let o = defuse(
        root,
        &[
            "check",
            "testdata/examples",
            "--output",
            "github",
            "--output",
            "text",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("more than one --output goes to stdout"),
        "{}",
        stderr(&o)
    );
    let o = defuse(
        root,
        &["check", "testdata/examples", "--output", "xml=a.xml"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown format `xml`"),
        "{}",
        stderr(&o)
    );
    // A file that cannot be written is an error naming it, exit 2.
    let bad = tmp.path().join("no/such/dir/x.sarif");
    let o = defuse(
        root,
        &[
            "check",
            "testdata/examples",
            "--output",
            &spec("sarif", &bad),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("x.sarif"), "{}", stderr(&o));
}

#[test]
fn exit_zero_keeps_findings_but_not_errors_from_the_exit_code() {
    let root = &repo_root();
    let o = defuse(root, &["check", "--exit-zero", "testdata/examples"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("error[deferred-write-unlocked]"));
    let o = defuse(root, &["fix", "--exit-zero", "testdata/examples"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = defuse(
        root,
        &["check", "--exit-zero", "testdata/examples", "no/such/dir"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn statistics_count_findings_and_fixes_per_rule() {
    let root = &repo_root();
    let o = defuse(root, &["check", "--statistics", "testdata/examples"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 5, "{out}");
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["2", "deferred-write-unlocked", "2", "safe", "fixes"]),
        "{out}"
    );
    let o = defuse(
        root,
        &[
            "check",
            "--statistics",
            "--format",
            "json",
            "testdata/examples",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let total: u64 = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["findings"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 7, "{v}");
    let o = defuse(
        root,
        &[
            "check",
            "--statistics",
            "--format",
            "sarif",
            "testdata/examples",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// `//defuse:file-ignore RULE reason` covers the whole file, `all` every rule; both need a
/// reason, and neither is reported unused by a run that did not run what they name.
#[test]
fn file_wide_and_all_rule_suppressions() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "go.mod", "module example.com/s\n\ngo 1.22\n");
    let rules_of = |o: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["suppressed"].is_null())
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    for (directive, hides) in [
        (
            "//defuse:file-ignore deferred-write-unlocked shutdown path only",
            true,
        ),
        ("//defuse:file-ignore all shutdown path only", true),
        (
            "//defuse:file-ignore map-write-under-rlock other rule",
            false,
        ),
    ] {
        // The directive far from the finding, at the top of the file.
        write(tmp.path(), "a.go", format!("{directive}\n\n{GUARDED}"));
        let o = defuse(tmp.path(), &["check", "--format", "json", "."]);
        let rules = rules_of(&o);
        if hides {
            assert_eq!(o.status.code(), Some(0), "{directive}: {rules:?}");
            assert!(rules.is_empty(), "{directive}: {rules:?}");
        } else {
            assert_eq!(
                rules,
                ["unused-suppression", "deferred-write-unlocked"],
                "{directive}"
            );
        }
    }
    // `all` for a line covers every rule there.
    write(
        tmp.path(),
        "a.go",
        GUARDED.replace(
            "\tdefer delete(c.items, k)\n",
            "\tdefer delete(c.items, k) //defuse:ignore all reviewed in #12\n",
        ),
    );
    let o = defuse(tmp.path(), &["check", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(0), "{:?}", rules_of(&o));

    // A file-wide `all` that suppresses nothing is unused only when every rule ran.
    write(
        tmp.path(),
        "a.go",
        "//defuse:file-ignore all generated by hand\n\npackage s\n\nfunc F() {}\n",
    );
    let o = defuse(tmp.path(), &["check", "--format", "json", "."]);
    assert_eq!(rules_of(&o), ["unused-suppression"]);
    let o = defuse(
        tmp.path(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "map-write-under-rlock",
            ".",
        ],
    );
    assert_eq!(rules_of(&o), Vec::<String>::new());

    // Without a reason, `all` beside a rule, or a near miss: malformed.
    for bad in [
        "//defuse:file-ignore all",
        "//defuse:file-ignore all,deferred-write-unlocked why",
        "// defuse:file-ignore all why",
        "//Defuse:File-Ignore all why",
    ] {
        write(tmp.path(), "a.go", format!("{bad}\n\n{GUARDED}"));
        let o = defuse(tmp.path(), &["check", "--format", "json", "."]);
        assert_eq!(
            rules_of(&o),
            ["invalid-suppression", "deferred-write-unlocked"],
            "{bad}"
        );
    }
}

/// A `//defuse:file-ignore` does not take a line directive's finding and leave it
/// reported as unused, wherever it stands in the file: line directives are applied first.
#[test]
fn a_file_wide_suppression_leaves_a_line_one_in_use() {
    let tmp = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(repo_root().join("testdata/examples/store.go")).unwrap();
    let lines: Vec<&str> = src.lines().collect();
    assert!(
        lines[65].contains("defer delete(s.sessions, id)"),
        "{}",
        lines[65]
    );
    let file_wide = "//defuse:file-ignore all the store is being rewritten (#12)";
    for at_top in [true, false] {
        let mut out: Vec<String> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if i == 65 {
                out.push(
                    "\t//defuse:ignore deferred-write-unlocked Logout is serialized by the caller"
                        .into(),
                );
            }
            out.push(l.to_string());
            if at_top && l.starts_with("package ") {
                out.push(format!("\n{file_wide}"));
            }
        }
        if !at_top {
            out.push(file_wide.into());
        }
        write(tmp.path(), "go.mod", "module example.com/s\n\ngo 1.22\n");
        write(tmp.path(), "store.go", &(out.join("\n") + "\n"));
        let o = defuse(tmp.path(), &["check", "--format", "concise", "."]);
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
        assert_eq!(stdout(&o), "");
    }
}

/// A text report written to a file is plain text, whatever `--color` says: colors are
/// for a terminal.
#[test]
fn a_text_report_to_a_file_has_no_color_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("report.txt");
    let spec = format!("text={}", file.display());
    let o = defuse(
        &repo_root(),
        &[
            "check",
            "testdata/examples",
            "--color",
            "always",
            "--output",
            &spec,
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("error[deferred-write-unlocked]"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
}
