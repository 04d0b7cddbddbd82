use std::fmt::Write;

use super::args::{ExplainArgs, RulesArgs, RulesFormat};
use super::{EXIT_CLEAN, EXIT_ERROR};
use crate::catalog;

pub fn list(a: RulesArgs) -> i32 {
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
    EXIT_CLEAN
}

pub fn explain(a: ExplainArgs) -> i32 {
    let Some(r) = catalog::rule(&a.rule) else {
        let known: Vec<&str> = catalog::everything()
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        return super::error(format!(
            "unknown rule `{}`; known rules: {}",
            a.rule,
            known.join(", ")
        ));
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({})\n\n{}\n\n{}\n",
        r.id,
        r.severity.as_str(),
        r.title,
        r.summary
    );
    let _ = writeln!(s, "{}\n", r.rationale.trim_end());
    if !r.fixes.is_empty() {
        let _ = writeln!(s, "Fixes:");
        for f in &r.fixes {
            let _ = writeln!(
                s,
                "  - {} ({}): {}",
                f.name,
                f.applicability.as_str(),
                f.description.trim()
            );
        }
        s.push('\n');
    }
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
    if std::io::Write::write_all(&mut std::io::stdout(), s.as_bytes()).is_err() {
        return EXIT_ERROR;
    }
    EXIT_CLEAN
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
