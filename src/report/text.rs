//! Human output: one block per finding with the source line and a marker, rustc-style,
//! colored on a terminal (anstream honors NO_COLOR and CLICOLOR).

use annotate_snippets::{Level, Renderer, Snippet};
use std::fmt::Write;

use super::Run;
use crate::finding::{Finding, Severity};
use crate::syntax::lines::{line_end, line_start};

pub fn render(run: &Run<'_>, styled: bool) -> String {
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for f in run.shown() {
        let src = (run.sources)(&f.path);
        out.push_str(&render_one(
            &renderer,
            f,
            src.as_deref().map(|v| v.as_slice()),
        ));
        out.push_str("\n\n");
    }
    for p in run.problems {
        let _ = writeln!(out, "warning: {}: {}", p.path, p.message);
    }
    // No count here: the summary line on stderr gives it, once, for every format.
    out
}

fn level(s: Severity) -> Level {
    match s {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Info,
    }
}

fn render_one(renderer: &Renderer, f: &Finding, src: Option<&[u8]>) -> String {
    let lvl = level(f.severity);
    let title = format!("{} [{} confidence]", f.message, f.confidence.as_str());
    let fix_line = match (&f.fix, &f.no_fix_reason) {
        (Some(fix), _) => format!("fix ({}): {}", fix.applicability.as_str(), fix.title),
        (None, Some(why)) => format!("no fix: {why}"),
        (None, None) => String::new(),
    };
    // The renderer appends line and column to the origin itself.
    let origin = f.path.clone();
    // Only the finding's own lines go to the renderer: snippets stay cheap on big files.
    let excerpt = src
        .and_then(|s| excerpt(s, f.span.start_byte))
        .map(|(text, offset)| {
            expand_tabs(&text, f.span.start_byte - offset, f.span.end_byte - offset)
        });
    let mut msg = lvl.title(&title).id(&f.rule);
    if let Some((text, start, end)) = &excerpt {
        let start = *start;
        let end = (*end).min(text.len()).max(start);
        // Long multi-line spans mark their first line only.
        let end = text[start..end]
            .find('\n')
            .map(|i| start + i)
            .unwrap_or(end);
        msg = msg.snippet(
            Snippet::source(text)
                .line_start(f.span.start.line)
                .origin(&origin)
                .fold(true)
                .annotation(lvl.span(start..end)),
        );
    }
    for n in &f.notes {
        msg = msg.footer(Level::Note.title(n));
    }
    if !fix_line.is_empty() {
        msg = msg.footer(Level::Help.title(&fix_line));
    }
    let mut s = renderer.render(msg).to_string();
    if excerpt.is_none() {
        s.push_str(&format!(
            "\n  --> {}:{}:{}",
            f.path, f.span.start.line, f.span.start.column
        ));
    }
    s
}

/// Go indents with tabs, which the renderer draws wider than the marker line. Each tab
/// becomes one space: the marker lines up and the column it prints stays Go's byte column.
fn expand_tabs(text: &str, start: usize, end: usize) -> (String, usize, usize) {
    (text.replace('\t', " "), start, end)
}

/// The line holding `start` (a finding marks its first line only), as text, with the
/// byte offset of its start.
fn excerpt(src: &[u8], start: usize) -> Option<(String, usize)> {
    let (ls, le) = (line_start(src, start), line_end(src, start));
    let text = String::from_utf8_lossy(&src[ls..le]).into_owned();
    if text.len() != le - ls {
        return None; // invalid UTF-8 would shift the marker; show the location only
    }
    Some((text.trim_end_matches('\r').to_string(), ls))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::*;

    fn finding() -> Finding {
        Finding {
            rule: "deferred-write-unlocked".into(),
            severity: Severity::Error,
            confidence: Confidence::High,
            path: "cache.go".into(),
            span: Span {
                start_byte: 12,
                end_byte: 32,
                start: Position { line: 2, column: 2 },
                end: Position {
                    line: 2,
                    column: 24,
                },
            },
            message: "deferred `delete(c.m, k)` runs after `c.mu` is released".into(),
            notes: vec!["`c.mu` is released first".into()],
            fix: Some(Fix {
                form: "test-form",
                title: "take `c.mu` inside the deferred call".into(),
                applicability: Applicability::Safe,
                edits: vec![],
            }),
            no_fix_reason: None,
            suppressed: None,
        }
    }

    #[test]
    fn plain_text_has_location_snippet_marker_and_notes() {
        let src = b"func f() {\n\tdefer delete(c.m, k)\n}\n".to_vec();
        let src = std::sync::Arc::new(src);
        let fs = [finding()];
        let lookup = |_: &str| Some(src.clone());
        let run = Run {
            findings: &fs,
            problems: &[],
            files_scanned: 1,
            sources: &lookup,
        };
        let out = render(&run, false);
        assert!(
            out.contains("error[deferred-write-unlocked]: deferred `delete(c.m, k)`"),
            "{out}"
        );
        assert!(out.contains("--> cache.go:2:2\n"), "{out}");
        assert!(
            out.contains("2 |  defer delete(c.m, k)\n  |  ^^^^^^^^^^^^^^^^^^^^"),
            "{out}"
        );
        assert!(out.contains("defer delete(c.m, k)"), "{out}");
        assert!(out.contains("^^^^"), "{out}");
        assert!(out.contains("note: `c.mu` is released first"), "{out}");
        assert!(
            out.contains("help: fix (safe): take `c.mu` inside the deferred call"),
            "{out}"
        );
        assert!(!out.contains("scanned"), "the summary is on stderr: {out}");
    }
}
