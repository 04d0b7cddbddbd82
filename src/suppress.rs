//! `//defuse:ignore RULE[,RULE] reason` on the finding's line or alone on the line above.
//! A directive needs a reason (as staticcheck's `//lint:ignore` does), and one that
//! suppresses nothing is reported, so suppressions cannot rot silently.

use crate::finding::{Confidence, Finding, Severity, Suppression};
use crate::syntax::ParsedFile;

pub const UNUSED: &str = "unused-suppression";
pub const INVALID: &str = "invalid-suppression";
/// How every directive starts; a file without these bytes has none.
pub const PREFIX: &str = "//defuse:ignore";

#[derive(Debug, Clone)]
pub struct Directive {
    pub line: usize,
    /// The directive stands alone on its line, so it covers the next line.
    pub own_line: bool,
    pub rules: Vec<String>,
    pub reason: String,
    pub start: usize,
    pub end: usize,
}

pub fn directives(file: &ParsedFile) -> Vec<Directive> {
    let mut out = Vec::new();
    // Walking every node of the tree costs more than the search: most files have none.
    if memchr::memmem::find(&file.src, PREFIX.as_bytes()).is_none() {
        return out;
    }
    for node in crate::syntax::descendants(file.root(), |_| false) {
        if node.kind() != "comment" {
            continue;
        }
        let text = file.text(node);
        let Some(rest) = text.strip_prefix(PREFIX) else {
            continue;
        };
        if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
            continue;
        }
        let rest = rest.trim();
        let (rules, reason) = match rest.split_once(char::is_whitespace) {
            Some((r, reason)) => (r, reason.trim()),
            None => (rest, ""),
        };
        let line_start = file.src[..node.start_byte()]
            .iter()
            .rposition(|&b| b == b'\n')
            .map(|i| i + 1)
            .unwrap_or(0);
        let own_line = file.src[line_start..node.start_byte()]
            .iter()
            .all(|b| b.is_ascii_whitespace());
        out.push(Directive {
            line: file.lines.position(node.start_byte()).line,
            own_line,
            rules: rules
                .split(',')
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .collect(),
            reason: reason.to_string(),
            start: node.start_byte(),
            end: node.end_byte(),
        });
    }
    out
}

/// The rules about directives themselves, which `--ignore` takes like any other.
pub const META: [&str; 2] = [UNUSED, INVALID];

pub fn is_meta(rule: &str) -> bool {
    META.contains(&rule)
}

/// Mark suppressed findings and add findings for bad or unused directives. `ran`: the
/// rules this run ran; a directive is reported unused only when every rule it names ran,
/// since it may be there for a finding of a rule that did not.
pub fn apply(
    file: &ParsedFile,
    path: &str,
    known_rules: &[&str],
    ran: &[String],
    findings: &mut Vec<Finding>,
) {
    let dirs = directives(file);
    let mut extra = Vec::new();
    for d in &dirs {
        let mut problems = Vec::new();
        if d.rules.is_empty() {
            problems.push("names no rule".to_string());
        }
        for r in &d.rules {
            if !known_rules.contains(&r.as_str()) {
                problems.push(format!("names an unknown rule `{r}`"));
            }
        }
        if d.reason.is_empty() {
            problems
                .push("gives no reason (write `//defuse:ignore RULE why it is safe`)".to_string());
        }
        if !problems.is_empty() {
            extra.push(meta(
                file,
                path,
                d,
                INVALID,
                format!("this suppression {}", problems.join(" and ")),
            ));
            continue;
        }
        let mut used = false;
        for f in findings
            .iter_mut()
            .filter(|f| f.path == path && f.suppressed.is_none())
        {
            let covers =
                f.span.start.line == d.line || (d.own_line && f.span.start.line == d.line + 1);
            if covers && d.rules.contains(&f.rule) {
                f.suppressed = Some(Suppression {
                    line: d.line,
                    reason: d.reason.clone(),
                });
                used = true;
            }
        }
        let all_ran = d.rules.iter().all(|r| ran.contains(r));
        if !used && all_ran {
            extra.push(meta(
                file,
                path,
                d,
                UNUSED,
                format!(
                    "this suppression of {} suppresses nothing",
                    d.rules.join(", ")
                ),
            ));
        }
    }
    findings.extend(extra);
}

fn meta(file: &ParsedFile, path: &str, d: &Directive, rule: &str, message: String) -> Finding {
    Finding {
        rule: rule.to_string(),
        severity: Severity::Warning,
        confidence: Confidence::High,
        path: path.to_string(),
        span: file.lines.span(d.start, d.end),
        message,
        notes: vec![],
        fix: None,
        no_fix_reason: None,
        suppressed: None,
    }
}
