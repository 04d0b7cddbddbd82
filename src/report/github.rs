//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per
//! finding, which the runner turns into annotations on the pull request's diff.
//!
//! GitHub shows at most 10 error and 10 warning annotations per step (and we assume the
//! same of notices); the rest are dropped without a word. So each level stops at its cap
//! and one closing `::notice::` says how many findings were left out and where to see
//! them. Suppressed findings are not annotated.

use std::fmt::Write;

use super::{sentence, Run};
use crate::finding::{Finding, Severity};
use crate::syntax::lines::utf16_column;

/// Annotations GitHub displays per level and step.
pub const MAX_PER_LEVEL: usize = 10;

/// Escape the message part (after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`...): also `:` and `,`, which separate
/// the properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// The path GitHub matches against the repository: forward slashes, no leading `./`.
fn annotation_path(path: &str) -> String {
    let p = path.replace('\\', "/");
    let mut p = p.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.to_string()
}

fn message(f: &Finding) -> String {
    let mut m = sentence(&f.message);
    for n in &f.notes {
        m.push('\n');
        m.push_str(&sentence(n));
    }
    match (&f.fix, &f.no_fix_reason) {
        (Some(fix), _) => {
            let _ = write!(
                m,
                "\nFix ({}): {}",
                fix.applicability.as_str(),
                sentence(&fix.title)
            );
        }
        (None, Some(why)) => {
            let _ = write!(m, "\nNo fix: {}", sentence(why));
        }
        (None, None) => {}
    }
    if let Some(r) = crate::catalog::rule(&f.rule) {
        let _ = write!(m, "\nSee {}", r.docs_url());
    }
    m
}

fn annotation(f: &Finding, src: Option<&[u8]>) -> String {
    let mut props = format!(
        "file={},line={},endLine={}",
        escape_property(&annotation_path(&f.path)),
        f.span.start.line,
        f.span.end.line
    );
    // GitHub takes columns only for single-line annotations. They count characters
    // (UTF-16 code units) as its web pages do, so byte columns are converted.
    if f.span.start.line == f.span.end.line {
        let (c, c2) = match src {
            Some(src) => (
                utf16_column(src, f.span.start_byte),
                utf16_column(src, f.span.end_byte),
            ),
            None => (f.span.start.column, f.span.end.column),
        };
        let _ = write!(props, ",col={c},endColumn={c2}");
    }
    let _ = write!(props, ",title={}", escape_property(&f.rule));
    format!(
        "::{} {}::{}\n",
        command(f.severity),
        props,
        escape_data(&message(f))
    )
}

pub fn render(run: &Run<'_>) -> String {
    // Findings first, then files that could not be analyzed, as warnings: the user
    // should know that findings there may be missing.
    let mut items: Vec<(Severity, String)> = run
        .shown()
        .map(|f| {
            let src = (run.sources)(&f.path);
            (
                f.severity,
                annotation(f, src.as_deref().map(|v| v.as_slice())),
            )
        })
        .collect();
    items.extend(run.problems.iter().map(|p| {
        (
            Severity::Warning,
            format!(
                "::warning file={},title={}::{}\n",
                escape_property(&annotation_path(&p.path)),
                escape_property("defuse: file not analyzed"),
                escape_data(&sentence(&p.message))
            ),
        )
    }));

    let total = |s: Severity| items.iter().filter(|(l, _)| *l == s).count();
    let overflows = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .any(|s| total(s) > MAX_PER_LEVEL);
    // The closing notice is a notice too: keep a slot for it.
    let cap = |s: Severity| match s {
        Severity::Info if overflows => MAX_PER_LEVEL - 1,
        _ => MAX_PER_LEVEL,
    };
    let mut out = String::new();
    let mut emitted = [0usize; 3];
    let mut hidden = [0usize; 3];
    for (level, line) in &items {
        let i = *level as usize;
        if emitted[i] < cap(*level) {
            emitted[i] += 1;
            out.push_str(line);
        } else {
            hidden[i] += 1;
        }
    }
    let total_hidden: usize = hidden.iter().sum();
    if total_hidden > 0 {
        let mut parts = Vec::new();
        for (s, name) in [
            (Severity::Error, "error"),
            (Severity::Warning, "warning"),
            (Severity::Info, "notice"),
        ] {
            let n = hidden[s as usize];
            if n > 0 {
                parts.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
            }
        }
        let text = format!(
            "{total_hidden} more finding{} not annotated ({}): GitHub shows at most \
             {MAX_PER_LEVEL} errors and {MAX_PER_LEVEL} warnings per step. Run `defuse check` \
             to see them all, or upload `defuse check --format sarif` to code scanning.",
            if total_hidden == 1 { " is" } else { "s are" },
            parts.join(", ")
        );
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            escape_property("defuse: findings not annotated"),
            escape_data(&text)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::*;
    use std::collections::HashMap;
    use std::sync::Arc;

    fn finding(path: &str, line: usize, severity: Severity) -> Finding {
        Finding {
            severity,
            ..Finding::example("deferred-write-unlocked", path, line)
        }
    }

    fn render_with(findings: &[Finding], sources: &[(&str, &str)]) -> String {
        let map: HashMap<String, Arc<Vec<u8>>> = sources
            .iter()
            .map(|(p, s)| (p.to_string(), Arc::new(s.as_bytes().to_vec())))
            .collect();
        let lookup = |p: &str| map.get(p).cloned();
        let run = Run {
            findings,
            problems: &[],
            files_scanned: 1,
            sources: &lookup,
        };
        render(&run)
    }

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(
            escape_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }

    #[test]
    fn one_annotation_per_level_with_columns_notes_fixes_and_docs() {
        let src = "package p\n\nfunc f() {\n\ts := \"é\"; defer delete(m, s)\n\tdefer func() {\n\t\tdelete(m, s)\n\t}()\n}\n";
        let d = src.find("defer delete").unwrap();
        let mut err = finding("./pkg/cache.go", 4, Severity::Error);
        err.span.start_byte = d;
        err.span.end_byte = d + 18;
        err.span.start.column = d - crate::syntax::lines::line_start(src.as_bytes(), d) + 1;
        err.span.end.column = err.span.start.column + 18;
        err.notes = vec!["`mu.Unlock()` was deferred later, so it runs first".into()];
        err.fix = Some(Fix {
            form: "test-form",
            title: "take `mu` inside the deferred call".into(),
            applicability: Applicability::Safe,
            edits: vec![],
        });
        let c = src.find("defer func").unwrap();
        let mut warn = finding("./pkg/cache.go", 5, Severity::Warning);
        warn.rule = "deferred-closure-late-binding".into();
        warn.span.start_byte = c;
        warn.span.end_byte = src.find("}()").unwrap() + 3;
        warn.span.end.line = 7;
        warn.no_fix_reason = Some("the closure is also called directly".into());
        let mut info = finding("pkg/other.go", 3, Severity::Info);
        info.rule = "unused-suppression".into();
        info.message = "this suppression of map-write-under-rlock suppresses nothing".into();
        let mut suppressed = finding("pkg/other.go", 9, Severity::Error);
        suppressed.suppressed = Some(Suppression {
            line: 8,
            reason: "owned here".into(),
        });
        let out = render_with(&[err, warn, info, suppressed], &[("./pkg/cache.go", src)]);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn escapes_messages_and_paths() {
        let mut f = finding("dir, with: colons/100%.go", 3, Severity::Warning);
        f.message = "100% sure\nsecond line, with: punctuation".into();
        f.notes = vec!["a note\r\nwith CRLF".into()];
        let out = render_with(&[f], &[]);
        assert!(
            out.starts_with("::warning file=dir%2C with%3A colons/100%25.go,"),
            "{out}"
        );
        assert_eq!(out.lines().count(), 1, "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn caps_at_ten_per_level_and_says_how_many_were_left_out() {
        let mut fs = Vec::new();
        for i in 0..12 {
            fs.push(finding("a.go", 10 + i, Severity::Error));
        }
        for i in 0..11 {
            fs.push(finding("b.go", 10 + i, Severity::Warning));
        }
        for i in 0..3 {
            fs.push(finding("c.go", 10 + i, Severity::Info));
        }
        let mut s = finding("c.go", 99, Severity::Error);
        s.suppressed = Some(Suppression {
            line: 98,
            reason: "fine".into(),
        });
        fs.push(s);
        let out = render_with(&fs, &[]);
        let count = |p: &str| out.lines().filter(|l| l.starts_with(p)).count();
        assert_eq!(count("::error "), 10);
        assert_eq!(count("::warning "), 10);
        assert_eq!(count("::notice "), 4, "3 findings and the summary");
        assert!(
            out.lines()
                .last()
                .unwrap()
                .contains("3 more findings are not annotated (2 errors, 1 warning)"),
            "{out}"
        );
        insta::assert_snapshot!(out);
    }

    #[test]
    fn notices_leave_room_for_the_summary() {
        let mut fs = Vec::new();
        for i in 0..11 {
            fs.push(finding("a.go", 1 + i, Severity::Error));
        }
        for i in 0..10 {
            fs.push(finding("c.go", 1 + i, Severity::Info));
        }
        let out = render_with(&fs, &[]);
        let notices = out.lines().filter(|l| l.starts_with("::notice ")).count();
        assert_eq!(notices, MAX_PER_LEVEL, "{out}");
        assert!(
            out.lines()
                .last()
                .unwrap()
                .contains("2 more findings are not annotated (1 error, 1 notice)"),
            "{out}"
        );
    }

    #[test]
    fn files_not_analyzed_are_warnings() {
        let problems = [crate::report::FileProblem {
            path: "a,b.go".into(),
            message: "syntax error at 3:1".into(),
        }];
        let lookup = |_: &str| None;
        let run = Run {
            findings: &[],
            problems: &problems,
            files_scanned: 1,
            sources: &lookup,
        };
        assert_eq!(
            render(&run),
            "::warning file=a%2Cb.go,title=defuse%3A file not analyzed::Syntax error at 3:1.\n"
        );
    }

    #[test]
    fn nothing_to_say_prints_nothing() {
        assert_eq!(render_with(&[], &[]), "");
    }
}
