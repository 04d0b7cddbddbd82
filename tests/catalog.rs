//! The catalog's examples are executable: every `before` reports exactly its `lines`,
//! `defuse fix --review-fixes` turns it into exactly its `after`, fixing again changes
//! nothing, and every `ok` case is silent. The meta rules about suppression directives
//! too: a suppressed finding is not reported.

use defuse::catalog::everything as rules;
use defuse::engine::{analyze, RuleSelection, SourceUnit};
use defuse::fix::fix_package;
use defuse::fix::PlanOptions;

use crate::support::{defuse, example_per_iteration, repo_root};

fn run(code: &str, v: &Option<String>) -> Vec<defuse::engine::FileResult> {
    analyze(
        vec![SourceUnit {
            path: "example.go".into(),
            src: code.as_bytes().to_vec(),
            per_iteration_loop_vars: example_per_iteration(code, v),
        }],
        &RuleSelection::default(),
    )
}

fn fix(code: &str, v: &Option<String>) -> String {
    let results = run(code, v);
    let opts = PlanOptions {
        review: true,
        ..PlanOptions::default()
    };
    let fixes = fix_package(&results, &RuleSelection::default(), &opts);
    String::from_utf8(fixes[0].new.clone()).unwrap()
}

#[test]
fn examples_report_their_lines() {
    let mut problems = Vec::new();
    for r in rules() {
        for e in &r.examples {
            let results = run(&e.before, &e.go_version);
            let mut got: Vec<(usize, String)> = results[0]
                .findings
                .iter()
                .filter(|f| f.suppressed.is_none())
                .map(|f| (f.span.start.line, f.rule.clone()))
                .collect();
            got.sort();
            let mut want: Vec<(usize, String)> =
                e.lines.iter().map(|l| (*l, r.id.clone())).collect();
            want.sort();
            if got != want {
                problems.push(format!("{} / {}: want {want:?}, got {got:?}", r.id, e.name));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn examples_fix_to_their_after_and_stay_fixed() {
    let mut problems = Vec::new();
    for r in rules() {
        for e in &r.examples {
            let fixed = fix(&e.before, &e.go_version);
            match &e.after {
                Some(after) => {
                    if fixed != *after {
                        let diff = similar::TextDiff::from_lines(after.as_str(), fixed.as_str())
                            .unified_diff()
                            .header("catalog after", "defuse output")
                            .to_string();
                        problems.push(format!("{} / {}:\n{diff}", r.id, e.name));
                        continue;
                    }
                    let again = fix(after, &e.go_version);
                    if again != *after {
                        problems.push(format!(
                            "{} / {}: a second fix changes the result",
                            r.id, e.name
                        ));
                    }
                }
                None => {
                    if fixed != e.before {
                        problems.push(format!(
                            "{} / {}: has no `after` but defuse changed it",
                            r.id, e.name
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn ok_cases_are_silent() {
    let mut problems = Vec::new();
    for r in rules() {
        for ok in &r.ok {
            let results = run(&ok.code, &ok.go_version);
            for f in results[0]
                .findings
                .iter()
                .filter(|f| f.suppressed.is_none())
            {
                problems.push(format!(
                    "{} / {}: line {} [{}] {}",
                    r.id, ok.name, f.span.start.line, f.rule, f.message
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every fix a rule emits is a form its catalog declares, with the declared applicability
/// (or `review` where the form says when): on the catalog's examples and on all of
/// `testdata/`, at every confidence.
#[test]
fn fixes_are_the_forms_their_catalog_declares() {
    let out = defuse(
        &repo_root(),
        &[
            "check",
            "--format",
            "json",
            "--min-confidence",
            "low",
            "--quiet",
            "testdata",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut emitted: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["fix"].is_null())
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["fix"]["form"].as_str().unwrap().to_string(),
                f["fix"]["applicability"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for r in rules() {
        for e in &r.examples {
            for f in &run(&e.before, &e.go_version)[0].findings {
                if let Some(fix) = &f.fix {
                    let a = fix.applicability.as_str().to_string();
                    emitted.push((f.rule.clone(), fix.form.to_string(), a));
                }
            }
        }
    }
    assert!(emitted.len() > 50, "{}", emitted.len());
    let mut problems = Vec::new();
    for (rule, form, applicability) in &emitted {
        let Some(entry) = defuse::catalog::rule(rule) else {
            problems.push(format!("{rule}: not in the catalog"));
            continue;
        };
        match entry.fixes.iter().find(|f| f.name == *form) {
            None => problems.push(format!(
                "{rule}: emits form `{form}`, which its catalog does not declare"
            )),
            Some(declared) => {
                let ok = declared.applicability.as_str() == applicability
                    || (applicability == "review" && declared.review_when.is_some());
                if !ok {
                    problems.push(format!(
                        "{rule}: form `{form}` emitted as {applicability}; the catalog says {}",
                        declared.applicability_text()
                    ));
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // And every declared form is emitted somewhere, so the catalog says only what the
    // code does.
    for r in rules() {
        for f in &r.fixes {
            assert!(
                emitted
                    .iter()
                    .any(|(rule, form, _)| *rule == r.id && *form == f.name),
                "{}: form `{}` is declared but never emitted on testdata or the examples",
                r.id,
                f.name
            );
        }
    }
}
