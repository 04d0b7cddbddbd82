//! Machine outputs are checked against their schemas: `--format json` against
//! docs/json-schema.json (ours), `--format sarif` against the OASIS SARIF 2.1.0 schema in
//! tests/schemas/. Both on the engine's real findings over testdata/, including
//! suppressed findings and the suppression meta rules, and on the command line's output.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::sync::Arc;

use defuse::engine::{analyze, RuleSelection, SourceUnit};
use defuse::finding::Finding;
use defuse::report::{self, FileProblem, Run};
use serde_json::Value;

use crate::support::{self, repo_root};

fn validator(schema: &str) -> jsonschema::Validator {
    let path = repo_root().join(schema);
    let schema: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{schema} does not compile: {e}"))
}

fn assert_valid(v: &jsonschema::Validator, doc: &str, what: &str) {
    let instance: Value = serde_json::from_str(doc).unwrap_or_else(|e| panic!("{what}: {e}"));
    let errors: Vec<String> = v
        .iter_errors(&instance)
        .take(20)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

const SUPPRESSIONS: &str = include_str!("fixtures/report_schemas/suppressions.go");

/// Findings and sources of every testdata package, plus a file of suppressions.
fn findings() -> (Vec<Finding>, HashMap<String, Arc<Vec<u8>>>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut packages: Vec<Vec<SourceUnit>> = vec![vec![SourceUnit {
        path: "suppress/ü, odd: name.go".into(),
        src: SUPPRESSIONS.as_bytes().to_vec(),
        per_iteration_loop_vars: true,
    }]];
    let mut dirs: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut units = Vec::new();
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "go"))
            .collect();
        files.sort();
        for f in files {
            units.push(SourceUnit {
                path: f
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap()
                    .display()
                    .to_string(),
                src: fs::read(&f).unwrap(),
                per_iteration_loop_vars: false,
            });
        }
        packages.push(units);
    }
    let mut findings = Vec::new();
    let mut sources = HashMap::new();
    for units in packages {
        for r in analyze(units, &RuleSelection::default()) {
            sources.insert(r.path.clone(), Arc::new(r.src.clone()));
            findings.extend(r.findings);
        }
    }
    defuse::finding::sort_findings(&mut findings);
    (findings, sources)
}

fn with_run<T>(f: impl FnOnce(&Run<'_>) -> T) -> T {
    let (findings, sources) = findings();
    let rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    for want in ["unused-suppression", "invalid-suppression"] {
        assert!(
            rules.contains(&want),
            "the sample reports {want}: {rules:?}"
        );
    }
    assert!(findings.iter().any(|f| f.suppressed.is_some()));
    assert!(findings.iter().any(|f| f.fix.is_some()));
    let problems = vec![FileProblem {
        path: "broken.go".into(),
        message: "syntax error at 1:1".into(),
    }];
    let lookup = |p: &str| sources.get(p).cloned();
    let run = Run {
        findings: &findings,
        problems: &problems,
        files_scanned: sources.len(),
        sources: &lookup,
    };
    f(&run)
}

#[test]
fn json_output_matches_its_documented_schema() {
    let out = with_run(report::json::render);
    assert_valid(&validator("docs/json-schema.json"), &out, "json");
}

#[test]
fn json_schema_is_not_vacuous() {
    let v = validator("docs/json-schema.json");
    let out = with_run(report::json::render);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let mut bad = doc.clone();
    bad["findings"][0]["severity"] = "fatal".into();
    assert!(!v.is_valid(&bad));
    let mut bad = doc.clone();
    bad["findings"][0]
        .as_object_mut()
        .unwrap()
        .remove("no_fix_reason");
    assert!(!v.is_valid(&bad));
    let mut bad = doc;
    bad["summary"]["extra"] = 1.into();
    assert!(!v.is_valid(&bad));
}

#[test]
fn sarif_output_matches_the_oasis_schema() {
    let out = with_run(|run| {
        report::sarif::render(
            run,
            &report::sarif::Options {
                root: Path::new(env!("CARGO_MANIFEST_DIR")),
                execution_successful: false,
                automation_id: Some("defuse/test/"),
            },
        )
    });
    assert_valid(&validator("tests/schemas/sarif-2.1.0.json"), &out, "sarif");
}

// The command line: the same outputs, as `defuse check --format ...` prints them.

/// `defuse ARGS` in `dir`: its exit code, stdout and stderr.
fn defuse(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = support::defuse(dir, args);
    (
        support::code(&out),
        support::stdout(&out),
        support::stderr(&out),
    )
}

#[test]
fn cli_sarif_and_json_over_testdata_match_their_schemas() {
    let args = ["check", "--include-testdata", "testdata"];
    let (code, sarif, err) = defuse(&repo_root(), &[&args[..], &["--format", "sarif"]].concat());
    assert_eq!(code, 1, "{err}");
    assert_valid(
        &validator("tests/schemas/sarif-2.1.0.json"),
        &sarif,
        "cli sarif",
    );
    let v: Value = serde_json::from_str(&sarif).unwrap();
    assert!(!v["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], true);

    let (code, json, err) = defuse(&repo_root(), &[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 1, "{err}");
    assert_valid(&validator("docs/json-schema.json"), &json, "cli json");
}

#[test]
fn cli_github_annotations_are_capped_commands() {
    let (code, out, err) = defuse(
        &repo_root(),
        &[
            "check",
            "--include-testdata",
            "--format",
            "github",
            "testdata",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
    let count = |p: &str| out.lines().filter(|l| l.starts_with(p)).count();
    assert!(
        count("::error ") <= 10 && count("::warning ") <= 10,
        "{out}"
    );
    assert!(out
        .lines()
        .last()
        .unwrap()
        .contains("more findings are not annotated"));
}

#[test]
fn cli_sarif_columns_and_uris_for_non_ascii_text_and_odd_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pkg, v2: ü");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("go.mod"), "module example.com/p\n\ngo 1.22\n").unwrap();
    let src = "package p\n\nimport \"sync\"\n\ntype T struct {\n\tmu sync.Mutex\n\tm  map[string]int // guarded by mu\n}\n\nfunc (t *T) A(k string) {\n\tt.mu.Lock()\n\t_ = \"héllo😀\"; defer delete(t.m, k)\n\tdefer t.mu.Unlock()\n}\n";
    fs::write(dir.join("a.go"), src).unwrap();
    let (code, sarif, err) = defuse(tmp.path(), &["check", "--format", "sarif"]);
    assert_eq!(code, 1, "{err}\n{sarif}");
    assert_valid(
        &validator("tests/schemas/sarif-2.1.0.json"),
        &sarif,
        "sarif",
    );
    let v: Value = serde_json::from_str(&sarif).unwrap();
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "deferred-write-unlocked");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "pkg%2C%20v2%3A%20%C3%BC/a.go"
    );
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let line = src.lines().nth(11).unwrap();
    let byte_col = line.find("defer").unwrap() + 1;
    let utf16_col = line[..byte_col - 1].encode_utf16().count() + 1;
    assert_eq!(
        (byte_col, utf16_col),
        (20, 17),
        "é and 😀 take 6 bytes, 3 UTF-16 units"
    );
    assert_eq!(loc["region"]["startLine"], 12);
    assert_eq!(loc["region"]["startColumn"], utf16_col);
    let root = v["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
}

#[test]
fn cli_rules_refuses_the_finding_formats() {
    let (code, _, err) = defuse(&repo_root(), &["rules", "--format", "sarif"]);
    assert_eq!(code, 2);
    assert!(err.contains("possible values: text, json"), "{err}");
    let (code, out, _) = defuse(&repo_root(), &["rules", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(out.starts_with('['));
}

fn copy_case(to: &Path) {
    let from = repo_root().join("testdata/deferred-write-unlocked");
    for e in fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        // The package's own files; its subpackages are other cases.
        if p.is_file() {
            fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn cli_fix_writes_a_pr_body_in_diff_and_write_mode() {
    let tmp = tempfile::tempdir().unwrap();
    copy_case(tmp.path());
    let before = fs::read(tmp.path().join("positive.go")).unwrap();

    let (code, diff, err) = defuse(tmp.path(), &["fix", "--pr-body", "body.md", "."]);
    assert!(code == 0 || code == 1, "{err}");
    assert!(diff.starts_with("diff --git"), "{diff}");
    assert_eq!(fs::read(tmp.path().join("positive.go")).unwrap(), before);
    let body = fs::read_to_string(tmp.path().join("body.md")).unwrap();
    assert!(body.starts_with("## defuse: "), "{body}");
    assert!(body.contains("#### `positive.go`"), "{body}");
    assert!(body.contains("```sh\ndefuse fix .\n```"), "{body}");
    assert!(body.len() <= defuse::report::pr_body::MAX_BODY);

    let (code, _, err) = defuse(
        tmp.path(),
        &[
            "fix",
            "--write",
            "--allow-dirty",
            "--pr-body",
            "written.md",
            ".",
        ],
    );
    assert!(code == 0 || code == 1, "{err}");
    assert_ne!(fs::read(tmp.path().join("positive.go")).unwrap(), before);
    let written = fs::read_to_string(tmp.path().join("written.md")).unwrap();
    let summary = |b: &str| b.lines().next().unwrap().to_string();
    assert_eq!(summary(&written), summary(&body));
}

#[test]
fn cli_fix_reports_an_unwritable_pr_body() {
    let tmp = tempfile::tempdir().unwrap();
    copy_case(tmp.path());
    let (code, _, err) = defuse(
        tmp.path(),
        &["fix", "--pr-body", "no/such/dir/body.md", "."],
    );
    assert_eq!(code, 2);
    assert!(err.contains("cannot write the pull-request body"), "{err}");
}
