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

fn validator(schema: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(schema);
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

const SUPPRESSIONS: &str = r#"package cases

import "sync"

type T struct {
	mu sync.Mutex
	m  map[string]int // guarded by mu
}

func (t *T) A(k string) {
	t.mu.Lock()
	defer delete(t.m, k) //defuse:ignore deferred-write-unlocked the test says so
	defer t.mu.Unlock()
}

func (t *T) B(k string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, k) //defuse:ignore deferred-write-unlocked nothing to suppress here
}

func (t *T) C(k string) {
	//defuse:ignore no-such-rule
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m[k] = 1
}
"#;

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
            sources.insert(r.path.clone(), Arc::new(r.parsed.src.clone()));
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
