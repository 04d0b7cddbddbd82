//! `check --statistics`: how many findings each rule has and how many of them a fix
//! covers, for a first look at a large tree (ruff's `--statistics`).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::Run;
use crate::finding::Applicability;

#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub findings: usize,
    pub safe_fixes: usize,
    pub review_fixes: usize,
}

/// Rules with at least one shown finding, the most frequent first (ties by id).
pub fn count(run: &Run<'_>) -> Vec<RuleCount> {
    let mut by_rule: BTreeMap<&str, RuleCount> = BTreeMap::new();
    for f in run.shown() {
        let c = by_rule.entry(&f.rule).or_insert_with(|| RuleCount {
            rule: f.rule.clone(),
            ..RuleCount::default()
        });
        c.findings += 1;
        match f.fix.as_ref().map(|x| x.applicability) {
            Some(Applicability::Safe) => c.safe_fixes += 1,
            Some(Applicability::Review) => c.review_fixes += 1,
            None => {}
        }
    }
    let mut counts: Vec<RuleCount> = by_rule.into_values().collect();
    counts.sort_by(|a, b| b.findings.cmp(&a.findings).then(a.rule.cmp(&b.rule)));
    counts
}

pub fn render_text(run: &Run<'_>) -> String {
    let counts = count(run);
    let width = counts.iter().map(|c| c.rule.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in &counts {
        let mut fixes = Vec::new();
        if c.safe_fixes > 0 {
            fixes.push(format!("{} safe fix{}", c.safe_fixes, plural(c.safe_fixes)));
        }
        if c.review_fixes > 0 {
            fixes.push(format!(
                "{} review fix{}",
                c.review_fixes,
                plural(c.review_fixes)
            ));
        }
        let _ = writeln!(
            out,
            "{:>5}  {:<width$}  {}",
            c.findings,
            c.rule,
            if fixes.is_empty() {
                "no fix".to_string()
            } else {
                fixes.join(", ")
            }
        );
    }
    out
}

pub fn render_json(run: &Run<'_>) -> String {
    let mut s = serde_json::to_string_pretty(&count(run)).expect("counts serialize");
    s.push('\n');
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "es"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Fix};

    fn finding(rule: &str, fix: Option<Applicability>) -> Finding {
        Finding {
            fix: fix.map(|applicability| Fix {
                form: "test-form",
                title: String::new(),
                applicability,
                edits: vec![],
            }),
            ..Finding::example(rule, "a.go", 1)
        }
    }

    #[test]
    fn counts_per_rule_most_frequent_first_with_fixes_by_applicability() {
        let fs = [
            finding("map-write-under-rlock", Some(Applicability::Safe)),
            finding("deferred-write-unlocked", Some(Applicability::Safe)),
            finding("map-write-under-rlock", Some(Applicability::Review)),
            finding("map-write-under-rlock", None),
        ];
        let lookup = |_: &str| None;
        let run = Run {
            findings: &fs,
            problems: &[],
            files_scanned: 1,
            sources: &lookup,
        };
        assert_eq!(
            render_text(&run),
            "    3  map-write-under-rlock    1 safe fix, 1 review fix\n    1  deferred-write-unlocked  1 safe fix\n"
        );
        let json: serde_json::Value = serde_json::from_str(&render_json(&run)).unwrap();
        assert_eq!(json[0]["rule"], "map-write-under-rlock");
        assert_eq!(json[0]["findings"], 3);
        assert_eq!(json[1]["safe_fixes"], 1);
    }
}
