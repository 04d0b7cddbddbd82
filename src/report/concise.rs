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
    use crate::finding::{Finding, Suppression};

    fn finding(path: &str, line: usize, rule: &str) -> Finding {
        Finding {
            notes: vec!["a note concise output leaves out".into()],
            ..Finding::example(rule, path, line)
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
            "a/c.go:12:2: deferred-write-unlocked: deferred `delete(m, k)` runs after `mu` is released\n"
        );
    }
}
