//! `//defuse:ignore RULE[,RULE] reason` on the finding's line or alone on the line above,
//! and `//defuse:file-ignore RULE[,RULE] reason` anywhere in a file for the whole file
//! (staticcheck's `//lint:file-ignore`); `all` in place of the rules covers every rule.
//! A directive needs a reason (as staticcheck's `//lint:ignore` does), and one that
//! suppresses nothing is reported, so suppressions cannot rot silently.

use crate::finding::{Confidence, Finding, Severity, Suppression};
use crate::syntax::lines::starts_line;
use crate::syntax::{NodeExt, ParsedFile};

pub const UNUSED: &str = "unused-suppression";
pub const INVALID: &str = "invalid-suppression";
/// How a directive for one line starts.
pub const PREFIX: &str = "//defuse:ignore";
/// How a directive for the whole file starts.
pub const FILE_PREFIX: &str = "//defuse:file-ignore";
/// The rule name that stands for every rule.
pub const ALL: &str = "all";

/// Where the first directive, or text a person would read as one, may start in `src`:
/// `defuse:ignore` or `defuse:file-ignore` in any case, with spaces around the `:` or not. A near miss such as
/// `// defuse:ignore` or `//Defuse:Ignore` is reported as malformed, so its file must be
/// read too. Over-approximates: the text may sit in a string.
pub fn first_directive_at(src: &[u8]) -> Option<usize> {
    const WORD: &[u8] = b"defuse";
    let mut first: Option<usize> = None;
    for needle in [&b"gnore"[..], b"GNORE"] {
        for at in memchr::memmem::find_iter(src, needle) {
            let Some(i) = at.checked_sub(1) else { continue };
            if !src[i].eq_ignore_ascii_case(&b'i') {
                continue;
            }
            let mut j = i;
            // `file-ignore`: the same search, from before `file-`.
            if j >= 5 && src[j - 5..j].eq_ignore_ascii_case(b"file-") {
                j -= 5;
            }
            while j > 0 && matches!(src[j - 1], b' ' | b'\t') {
                j -= 1;
            }
            if j == 0 || src[j - 1] != b':' {
                continue;
            }
            j -= 1;
            while j > 0 && matches!(src[j - 1], b' ' | b'\t') {
                j -= 1;
            }
            let Some(start) = j.checked_sub(WORD.len()) else {
                continue;
            };
            if src[start..j].eq_ignore_ascii_case(WORD) {
                first = Some(first.map_or(start, |f: usize| f.min(start)));
                break;
            }
        }
    }
    first
}

/// A comment a person would read as a directive that is not one: a space after `//`,
/// another case, spaces around the `:`, or more letters after `ignore`.
fn near_miss(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("//") else {
        return false;
    };
    let squeezed: String = rest
        .chars()
        .filter(|c| !c.is_whitespace())
        .take("defuse:file-ignore".len())
        .collect::<String>()
        .to_ascii_lowercase();
    squeezed.starts_with("defuse:ignore") || squeezed.starts_with("defuse:file-ignore")
}

/// What a directive covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Its own line, and the next one when it stands alone on its line.
    Line,
    /// Every line of its file.
    File,
}

#[derive(Debug, Clone)]
pub struct Directive {
    pub scope: Scope,
    pub line: usize,
    /// The directive stands alone on its line, so it covers the next line.
    pub own_line: bool,
    pub rules: Vec<String>,
    pub reason: String,
    pub start: usize,
    pub end: usize,
    /// Not a directive but a near miss of one (see [`near_miss`]): reported as malformed.
    pub malformed: bool,
}

pub fn directives(file: &ParsedFile) -> Vec<Directive> {
    let mut out = Vec::new();
    // Walking every node of the tree costs more than the search: most files have none.
    if first_directive_at(&file.src).is_none() {
        return out;
    }
    for node in crate::syntax::descendants(file.root(), |_| false) {
        if node.kind_name() != "comment" {
            continue;
        }
        let text = file.text(node);
        let word_ends = |rest: &&str| rest.is_empty() || rest.starts_with([' ', '\t']);
        let exact = [(PREFIX, Scope::Line), (FILE_PREFIX, Scope::File)]
            .into_iter()
            .find_map(|(prefix, scope)| {
                text.strip_prefix(prefix)
                    .filter(word_ends)
                    .map(|rest| (rest, scope))
            });
        let Some((rest, scope)) = exact.or_else(|| near_miss(text).then_some(("", Scope::Line)))
        else {
            continue;
        };
        let malformed = exact.is_none();
        let rest = rest.trim();
        let (rules, reason) = match rest.split_once(char::is_whitespace) {
            Some((r, reason)) => (r, reason.trim()),
            None => (rest, ""),
        };
        let own_line = starts_line(&file.src, node.start_byte());
        out.push(Directive {
            scope,
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
            malformed,
        });
    }
    out
}

/// The rules about directives themselves, which `--ignore` takes like any other.
/// Always reported at high confidence, so no confidence filter hides them.
pub const META: [&str; 2] = [UNUSED, INVALID];

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
    let mut extra = Vec::new();
    // Line directives first: a `//defuse:file-ignore` above them must not take their
    // findings and leave them reported as unused.
    let mut dirs = directives(file);
    dirs.sort_by_key(|d| d.scope == Scope::File);
    for d in &dirs {
        if let Some(why) = malformed(d, known_rules) {
            extra.push(meta(file, path, d, INVALID, why));
            continue;
        }
        let used = suppress_covered(d, path, findings);
        if !used && could_have_shown(d, known_rules, ran) {
            let scope = if d.scope == Scope::File {
                " in this file"
            } else {
                ""
            };
            let message = format!(
                "this suppression of {} suppresses nothing{scope}",
                d.rules.join(", ")
            );
            extra.push(meta(file, path, d, UNUSED, message));
        }
    }
    findings.extend(extra);
}

/// What is wrong with a directive, if anything: a near miss of the spelling, no rule, an
/// unknown rule, `all` beside other rules, no reason.
fn malformed(d: &Directive, known_rules: &[&str]) -> Option<String> {
    if d.malformed {
        return Some(
            "this comment reads like a suppression but is not one: write \
             `//defuse:ignore RULE reason` (or `//defuse:file-ignore RULE reason`), in \
             lower case, with no space after `//` or around the `:`"
                .to_string(),
        );
    }
    let mut problems = Vec::new();
    if d.rules.is_empty() {
        problems.push("names no rule".to_string());
    }
    for r in &d.rules {
        if r == ALL && d.rules.len() > 1 {
            problems.push("names `all` beside other rules".to_string());
        } else if r != ALL && !known_rules.contains(&r.as_str()) {
            problems.push(format!("names an unknown rule `{r}`"));
        }
    }
    if d.reason.is_empty() {
        problems.push(format!(
            "gives no reason (write `{} RULE why it is safe`)",
            match d.scope {
                Scope::Line => PREFIX,
                Scope::File => FILE_PREFIX,
            }
        ));
    }
    (!problems.is_empty()).then(|| format!("this suppression {}", problems.join(" and ")))
}

/// Mark the findings of `path` the directive covers and names; whether there was one.
fn suppress_covered(d: &Directive, path: &str, findings: &mut [Finding]) -> bool {
    let mut used = false;
    for f in findings
        .iter_mut()
        .filter(|f| f.path == path && f.suppressed.is_none())
    {
        let covers = match d.scope {
            Scope::File => true,
            Scope::Line => {
                f.span.start.line == d.line || (d.own_line && f.span.start.line == d.line + 1)
            }
        };
        let names = d.rules.iter().any(|r| *r == f.rule || r == ALL);
        // A directive does not hide what is said about directives.
        if covers && names && !META.contains(&f.rule.as_str()) {
            f.suppressed = Some(Suppression {
                line: d.line,
                reason: d.reason.clone(),
            });
            used = true;
        }
    }
    used
}

/// Whether the run could have shown what the directive suppresses: every rule it names
/// ran; `all` only when every rule ran, since one that did not may be what it is for.
fn could_have_shown(d: &Directive, known_rules: &[&str], ran: &[String]) -> bool {
    d.rules.iter().all(|r| {
        if r == ALL {
            known_rules
                .iter()
                .filter(|k| !META.contains(k))
                .all(|k| ran.iter().any(|x| x == k))
        } else {
            ran.contains(r)
        }
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_and_their_near_misses_are_found_and_nothing_else() {
        for hit in [
            "//defuse:ignore r why",
            "// defuse:ignore r why",
            "//Defuse:Ignore r why",
            "//DEFUSE:IGNORE r why",
            "//defuse: ignore r why",
            "//defuse :ignore r why",
            "//defuse:file-ignore r why",
            "// Defuse: File-Ignore r why",
        ] {
            let src = format!("package p\n\n{hit}\nvar x = 1\n");
            assert_eq!(
                first_directive_at(src.as_bytes()),
                src.find(['d', 'D']),
                "{hit}"
            );
        }
        for miss in [
            "// ignore errors here",
            "// defuse ignores this",
            "x := a[i:ignore]",
            "//defused:ignore",
        ] {
            let src = format!("package p\n\n{miss}\n");
            let found = first_directive_at(src.as_bytes());
            // `defused:ignore` holds `defuse` only as part of a longer word: a harmless
            // over-approximation the comment walk rules out.
            assert!(found.is_none() || miss.contains("defused"), "{miss}");
        }
    }

    #[test]
    fn near_misses_are_told_from_directives() {
        assert!(near_miss("// defuse:ignore r why"));
        assert!(near_miss("//Defuse:Ignore r why"));
        assert!(near_miss("//defuse : ignore r why"));
        assert!(near_miss("//defuse:ignored r why"));
        assert!(near_miss("// defuse:file-ignore r why"));
        assert!(near_miss("//defuse:file-ignored r why"));
        assert!(!near_miss("// ignore the defuse rules"));
        assert!(!near_miss("/* defuse:ignore r why */"));
    }
}
