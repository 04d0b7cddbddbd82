//! One line per finding, `path:line:col: rule: message`: the form compilers, `go vet` and
//! editors' error parsers (Vim's quickfix, Emacs' compilation mode) read.

use std::fmt::Write;

use super::Run;

pub fn render(run: &Run<'_>) -> String {
    let mut out = String::new();
    for f in run.shown() {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}: {}",
            f.path, f.span.start.line, f.span.start.column, f.rule, f.message
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Confidence, Finding, Position, Severity, Span, Suppression};

    fn finding(path: &str, line: usize, rule: &str) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::Error,
            confidence: Confidence::High,
            path: path.into(),
            span: Span {
                start: Position { line, column: 2 },
                end: Position { line, column: 9 },
                start_byte: 0,
                end_byte: 0,
            },
            message: "deferred `delete(c.m, k)` runs after `c.mu` is released".into(),
            notes: vec!["a note concise output leaves out".into()],
            fix: None,
            no_fix_reason: None,
            suppressed: None,
        }
    }

    #[test]
    fn one_line_per_shown_finding_and_nothing_else() {
        let mut hidden = finding("b.go", 3, "map-write-under-rlock");
        hidden.suppressed = Some(Suppression {
            line: 2,
            reason: "reviewed".into(),
        });
        let fs = [finding("a/c.go", 12, "deferred-write-unlocked"), hidden];
        let lookup = |_: &str| None;
        let run = Run {
            findings: &fs,
            problems: &[],
            files_scanned: 2,
            sources: &lookup,
        };
        assert_eq!(
            render(&run),
            "a/c.go:12:2: deferred-write-unlocked: deferred `delete(c.m, k)` runs after `c.mu` is released\n"
        );
    }
}
