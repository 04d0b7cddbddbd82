//! The rule catalog: `transforms/<rule-id>.toml`, embedded at build time. Everything a user
//! reads about a rule comes from here; the detection lives in `src/rules/<rule_id>.rs`.

use serde::Deserialize;
use std::sync::OnceLock;

use crate::finding::{Applicability, Confidence, Severity};

include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

pub mod markdown;

/// Where `explain`, SARIF, annotations and pull-request bodies point readers: the rule
/// pages rendered from the catalog (`docs/rules/<id>.md`).
pub const DOCS_BASE: &str = "https://github.com/defuse-go/defuse/blob/main/docs/rules/";
/// The Go facts the rules cite by number.
pub const GO_FACTS_URL: &str = "https://github.com/defuse-go/defuse/blob/main/docs/go-facts.md";

/// One catalog entry: everything a user reads about a rule. The rule's code is a
/// [`crate::rules::Rule`] of the same id.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    /// A rule about the code, or a meta rule about `//defuse:ignore` directives, which the
    /// engine applies to every rule's findings (`src/suppress.rs`).
    #[serde(default)]
    pub kind: Kind,
    pub title: String,
    pub severity: Severity,
    /// How sure the rule's findings are at worst, among those shown by default
    /// (`--min-confidence medium`). SARIF reports it as the rule's `precision`, which
    /// GitHub code scanning uses to rank alerts; each finding still carries its own.
    #[serde(default = "high")]
    pub confidence: Confidence,
    /// One sentence: what the rule finds.
    pub summary: String,
    /// Markdown: why it is a hazard, citing the Go facts it rests on.
    pub rationale: String,
    /// Numbers of the Go facts in `docs/go-facts.md` that the rule rests on.
    #[serde(default)]
    pub facts: Vec<u32>,
    #[serde(default, rename = "fix")]
    pub fixes: Vec<FixForm>,
    #[serde(default, rename = "example")]
    pub examples: Vec<Example>,
    #[serde(default, rename = "ok")]
    pub ok: Vec<OkCase>,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Analysis,
    Meta,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixForm {
    pub name: String,
    pub applicability: Applicability,
    /// For a `safe` form: when the code offers it for review instead (a finding below high
    /// confidence, a write in called code). The catalog says so, so that the code cannot
    /// downgrade a fix the catalog calls safe without a word.
    #[serde(default)]
    pub review_when: Option<String>,
    pub description: String,
}

/// A flagged program and, when the rule has a fix for it, the program after `defuse fix`
/// (with `--review-fixes` when the fix is a review fix).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Complete Go file, as a reader would write it (no test markers).
    pub before: String,
    /// 1-based lines of `before` on which the rule reports, one entry per finding.
    pub lines: Vec<usize>,
    pub after: Option<String>,
    /// Go version the example is analyzed under (default: the tool's default).
    pub go_version: Option<String>,
}

/// A program the rule must stay silent on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OkCase {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub code: String,
    pub go_version: Option<String>,
}

impl FixForm {
    /// "safe", "review", or "safe; review when …".
    pub fn applicability_text(&self) -> String {
        match &self.review_when {
            Some(when) => format!("{}; review {}", self.applicability.as_str(), when.trim()),
            None => self.applicability.as_str().to_string(),
        }
    }
}

fn high() -> Confidence {
    Confidence::High
}

impl Entry {
    pub fn docs_url(&self) -> String {
        format!("{DOCS_BASE}{}.md", self.id)
    }
}

/// Every catalog entry: the analysis rules, then the meta rules, each sorted by id.
pub fn everything() -> &'static [Entry] {
    static RULES: OnceLock<Vec<Entry>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut all: Vec<Entry> = CATALOG_FILES
            .iter()
            .map(|(name, text)| {
                let rule: Entry = toml::from_str(text)
                    .unwrap_or_else(|e| panic!("transforms/{name} is invalid: {e}"));
                assert_eq!(
                    format!("{}.toml", rule.id),
                    *name,
                    "a catalog file is named after its rule id"
                );
                rule
            })
            .collect();
        // Stable: ids stay in file-name order within each kind.
        all.sort_by_key(|r| r.kind);
        all
    })
}

/// The rules about code, which `src/rules/` implements.
pub fn rules() -> &'static [Entry] {
    let all = everything();
    &all[..all.partition_point(|r| r.kind == Kind::Analysis)]
}

/// The rules about suppression directives.
pub fn meta_rules() -> &'static [Entry] {
    let all = everything();
    &all[all.partition_point(|r| r.kind == Kind::Analysis)..]
}

/// The known id closest to `id`, when it is close enough to be a typo: for "did you
/// mean" wherever a rule is named (the command line, `defuse.toml`, `explain`, `go vet
/// -ignore`), and for the keys of `defuse.toml`.
pub fn closest<'a>(id: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(id, k), *k))
        .filter(|(d, k)| *d <= 3.max(k.len() / 5))
        .min()
        .map(|(_, k)| k)
}

/// The help line under "unknown rule": the [`closest`] id when there is one, and the
/// command that lists them all.
pub fn unknown_rule_help(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(m) => format!("did you mean `{m}`? `defuse rules` lists the rules"),
        None => "`defuse rules` lists the rules".to_string(),
    }
}

pub fn rule(id: &str) -> Option<&'static Entry> {
    everything().iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_suggestions() {
        let known = ["deferred-write-unlocked", "map-write-under-rlock"];
        assert_eq!(
            closest("deferred-write-unlock", &known),
            Some("deferred-write-unlocked")
        );
        assert_eq!(
            closest("map-write-under-lock", &known),
            Some("map-write-under-rlock")
        );
        assert_eq!(closest("zzz", &known), None);
    }

    #[test]
    fn catalog_parses_and_ids_are_unique() {
        let rules = rules();
        let mut ids: Vec<_> = rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), rules.len());
    }

    #[test]
    fn the_meta_rules_are_the_ones_the_suppression_code_reports() {
        let mut ids: Vec<&str> = meta_rules().iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        let mut code = crate::suppress::META.to_vec();
        code.sort();
        assert_eq!(ids, code);
        assert!(rules().iter().all(|r| r.kind == Kind::Analysis));
    }
}
