//! Machine output with a versioned schema: docs/json-schema.json describes it, and a test
//! validates real output against it. Bump SCHEMA_VERSION on any incompatible change.

use serde::Serialize;
use std::collections::BTreeMap;

use super::{FileProblem, Run};
use crate::finding::{Applicability, Confidence, Edit, Severity};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    problems: &'a [FileProblem],
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Pos {
    line: usize,
    column: usize,
    byte: usize,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    form: &'a str,
    title: &'a str,
    applicability: Applicability,
    edits: &'a [Edit],
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    line: usize,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    confidence: Confidence,
    path: &'a str,
    start: Pos,
    end: Pos,
    message: &'a str,
    notes: &'a [String],
    fix: Option<JsonFix<'a>>,
    no_fix_reason: Option<&'a str>,
    suppressed: Option<JsonSuppression<'a>>,
    docs_url: Option<String>,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    findings: usize,
    suppressed: usize,
    by_rule: BTreeMap<String, usize>,
}

pub fn render(run: &Run<'_>) -> String {
    let mut by_rule = BTreeMap::new();
    let mut suppressed = 0;
    for f in run.findings {
        if f.suppressed.is_some() {
            suppressed += 1;
        } else {
            *by_rule.entry(f.rule.clone()).or_insert(0) += 1;
        }
    }
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "defuse",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: run
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: &f.rule,
                severity: f.severity,
                confidence: f.confidence,
                path: &f.path,
                start: Pos {
                    line: f.span.start.line,
                    column: f.span.start.column,
                    byte: f.span.start_byte,
                },
                end: Pos {
                    line: f.span.end.line,
                    column: f.span.end.column,
                    byte: f.span.end_byte,
                },
                message: &f.message,
                notes: &f.notes,
                fix: f.fix.as_ref().map(|x| JsonFix {
                    form: x.form,
                    title: &x.title,
                    applicability: x.applicability,
                    edits: &x.edits,
                }),
                no_fix_reason: f.no_fix_reason.as_deref(),
                suppressed: f.suppressed.as_ref().map(|s| JsonSuppression {
                    line: s.line,
                    reason: &s.reason,
                }),
                docs_url: crate::catalog::rule(&f.rule).map(|r| r.docs_url()),
            })
            .collect(),
        problems: run.problems,
        summary: Summary {
            files_scanned: run.files_scanned,
            findings: run.findings.len() - suppressed,
            suppressed,
            by_rule,
        },
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("findings serialize");
    s.push('\n');
    s
}
