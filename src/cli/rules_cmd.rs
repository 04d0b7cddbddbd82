use std::fmt::Write;

use super::args::{ExplainArgs, RulesArgs, RulesFormat};
use super::error::{unknown_rule, CliError, CliResult};
use super::{EXIT_CLEAN, EXIT_ERROR};
use crate::catalog;

pub fn list(a: RulesArgs) -> CliResult {
    let rules = catalog::everything();
    let out = match a.format {
        RulesFormat::Json => {
            let v: Vec<_> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "kind": r.kind, "title": r.title, "severity": r.severity, "summary": r.summary,
                        "fixes": r.fixes.iter().map(|f| serde_json::json!({"name": f.name, "applicability": f.applicability})).collect::<Vec<_>>(),
                        "docs_url": r.docs_url(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&v).unwrap() + "\n"
        }
        RulesFormat::Text => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut s = String::new();
            for r in rules {
                let fixes: Vec<&str> = r.fixes.iter().map(|f| f.applicability.as_str()).collect();
                let fix = if r.kind == catalog::Kind::Meta {
                    "about //defuse:ignore comments".to_string()
                } else if fixes.is_empty() {
                    "no fix".to_string()
                } else {
                    format!("fix: {}", fixes.join("/"))
                };
                let _ = writeln!(
                    s,
                    "{:width$}  {:7}  {}  ({fix})",
                    r.id,
                    r.severity.as_str(),
                    r.title
                );
            }
            s
        }
    };
    print!("{out}");
    Ok(EXIT_CLEAN)
}

pub fn explain(a: ExplainArgs) -> CliResult {
    let Some(r) = catalog::rule(&a.rule) else {
        let known: Vec<&str> = catalog::everything()
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        return Err(unknown_rule(&a.rule, &known));
    };
    let text = if a.full { full(r) } else { short(r) };
    // A closed stdout: there is no one to tell.
    page(&text).map_err(|_| CliError::silent(EXIT_ERROR))?;
    Ok(EXIT_CLEAN)
}

/// What a user needs at the terminal: what the rule finds, how it is fixed, and where
/// the rest is.
fn short(r: &catalog::Entry) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: {}
",
        r.id, r.title
    );
    let _ = writeln!(
        s,
        "{}
",
        r.summary.trim()
    );
    let _ = writeln!(
        s,
        "Severity {}; findings shown by default: {} confidence or higher.",
        r.severity.as_str(),
        r.confidence.as_str()
    );
    fixes(&mut s, r);
    facts(&mut s, r);
    let _ = writeln!(
        s,
        "\nThe rationale, {} and {}: `defuse explain --full {}`, or\n{}",
        count(r.examples.len(), "example"),
        count(r.ok.len(), "case it stays silent on"),
        r.id,
        r.docs_url()
    );
    s
}

fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        _ => {
            let (head, tail) = what.split_once(' ').unwrap_or((what, ""));
            format!(
                "{n} {head}s{}{tail}",
                if tail.is_empty() { "" } else { " " }
            )
        }
    }
}

fn fixes(s: &mut String, r: &catalog::Entry) {
    if r.fixes.is_empty() {
        return;
    }
    let _ = writeln!(s, "\nFixes:");
    for f in &r.fixes {
        let _ = writeln!(
            s,
            "  - {} ({}): {}",
            f.name,
            f.applicability_text(),
            f.description.trim()
        );
    }
}

fn facts(s: &mut String, r: &catalog::Entry) {
    if r.facts.is_empty() {
        return;
    }
    let numbers: Vec<String> = r.facts.iter().map(|n| n.to_string()).collect();
    let _ = writeln!(
        s,
        "\nIt rests on Go fact{} {}: {}",
        if numbers.len() == 1 { "" } else { "s" },
        numbers.join(", "),
        catalog::GO_FACTS_URL
    );
}

fn full(r: &catalog::Entry) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({})\n\n{}\n\n{}\n",
        r.id,
        r.severity.as_str(),
        r.title,
        r.summary
    );
    let _ = writeln!(s, "{}", r.rationale.trim_end());
    facts(&mut s, r);
    fixes(&mut s, r);
    s.push('\n');
    for e in &r.examples {
        let _ = writeln!(s, "Example: {}", e.name);
        if !e.description.is_empty() {
            let _ = writeln!(s, "{}", e.description.trim());
        }
        let _ = writeln!(
            s,
            "\nBefore (reported on line{} {}):\n",
            if e.lines.len() == 1 { "" } else { "s" },
            e.lines
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        s.push_str(&indent(&e.before));
        if let Some(after) = &e.after {
            let _ = writeln!(s, "\nAfter `defuse fix`:\n");
            s.push_str(&indent(after));
        }
        s.push('\n');
    }
    for ok in &r.ok {
        let _ = writeln!(s, "Not reported: {}", ok.name);
        if !ok.description.is_empty() {
            let _ = writeln!(s, "{}", ok.description.trim());
        }
        s.push('\n');
        s.push_str(&indent(&ok.code));
        s.push('\n');
    }
    let _ = writeln!(s, "Documentation: {}", r.docs_url());
    s
}

/// Print `text`: through `$PAGER` (default `less -FRX`, which prints a short text and
/// returns at once) when stdout is a terminal, else straight to stdout. A pager that does
/// not start is no error: the text is printed instead.
fn page(text: &str) -> std::io::Result<()> {
    use std::io::{IsTerminal, Write};
    if std::io::stdout().is_terminal() {
        let pager = std::env::var("PAGER").unwrap_or_else(|_| "less -FRX".to_string());
        let mut words = pager.split_whitespace();
        if let Some(program) = words.next() {
            let child = std::process::Command::new(program)
                .args(words)
                .stdin(std::process::Stdio::piped())
                .spawn();
            if let Ok(mut child) = child {
                if let Some(mut stdin) = child.stdin.take() {
                    // A pager quit early (`q`) closes the pipe: not an error.
                    let _ = stdin.write_all(text.as_bytes());
                }
                child.wait()?;
                return Ok(());
            }
        }
    }
    let mut out = std::io::stdout();
    out.write_all(text.as_bytes())?;
    out.flush()
}

fn indent(code: &str) -> String {
    code.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("    {l}\n")
            }
        })
        .collect()
}
