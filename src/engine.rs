//! One package in, findings out: parse, model, run the rules, apply suppressions.
//! Knows nothing about files on disk, output formats or any single rule.

use crate::finding::{sort_findings, Confidence, Finding, Severity, Withheld};
use crate::model::demand::{self, Demand, Outcome, INLINE_NESTING};
use crate::model::{FunctionModel, PackageFacts};
use crate::rules::{self, RuleCtx};
use crate::syntax::{parse, ParsedFile};

pub use crate::model::SourceUnit;

/// Which rules run, at what severity, down to what confidence.
#[derive(Debug, Clone)]
pub struct RuleSelection {
    pub enabled: Vec<String>,
    pub severity: std::collections::BTreeMap<String, Severity>,
    pub min_confidence: Confidence,
    /// The meta rules about suppression directives (`crate::suppress::META`) not to
    /// report, from `--ignore` or the configuration's `ignore`.
    pub ignored_meta: Vec<String>,
}

impl Default for RuleSelection {
    fn default() -> Self {
        RuleSelection {
            enabled: rules::ids().into_iter().map(str::to_string).collect(),
            severity: Default::default(),
            min_confidence: Confidence::Medium,
            ignored_meta: Vec::new(),
        }
    }
}

impl RuleSelection {
    fn severity_of(&self, rule: &str) -> Severity {
        if let Some(s) = self.severity.get(rule) {
            return *s;
        }
        crate::catalog::rule(rule)
            .map(|r| r.severity)
            .unwrap_or(Severity::Warning)
    }
}

/// A file's analysis, with its source for reports and fixes.
pub struct FileResult {
    pub path: String,
    pub per_iteration_loop_vars: bool,
    pub src: Vec<u8>,
    pub findings: Vec<Finding>,
    /// Why this file must not be rewritten, when it must not.
    pub withheld: Option<Withheld>,
    /// Every byte of it parsed (else only the parts the analysis needed, or nothing).
    pub parsed_whole: bool,
}

/// How deep a file's syntax tree may nest before it is left out of the analysis. The
/// model, the rules and the fixes walk the tree recursively; past this depth a file
/// is reported (see [`FileResult::withheld`]) and gets no findings and no fixes. The
/// deepest file in the Go tree, generated tables included, nests 947 levels.
pub const MAX_NESTING: usize = 4_000;

/// Stack for a package nesting up to [`MAX_NESTING`] levels: about 16 KiB a level,
/// twice what an unoptimized build needs. Only touched pages cost memory.
const DEEP_STACK: usize = 64 << 20;

/// Analyze the files of one package (one directory, one package clause): every function
/// is modeled and judged.
///
/// Never overflows the stack: files nesting deeper than [`MAX_NESTING`] levels are
/// left out (with a reason in `withheld`), and a package with a file deeper than a
/// thread's stack is sure to hold is analyzed on a thread with a larger one.
pub fn analyze(units: Vec<SourceUnit>, sel: &RuleSelection) -> Vec<FileResult> {
    analyze_demand(units, Demand::Everything, sel)
}

/// Analyze the files of one package as `demand` says, and run the selected rules on the
/// functions it judges. Every file comes back, in the order given; the findings of the
/// files nothing is judged in are empty.
pub fn analyze_demand(
    units: Vec<SourceUnit>,
    demand: Demand,
    sel: &RuleSelection,
) -> Vec<FileResult> {
    let outcome = demand::analyze(units, demand.clone(), INLINE_NESTING);
    let units = match outcome {
        Outcome::Analyzed { facts, files } => return judge(&facts, files, sel),
        Outcome::TooDeep(units) => units,
    };
    // Taken by the deep thread, or back here when no thread can be had.
    let work = std::sync::Mutex::new(Some((units, demand)));
    let take = || work.lock().ok().and_then(|mut w| w.take());
    let outcome = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("defuse-deep".into())
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, || {
                let (units, demand) = take().expect("the work is there");
                analyze_deep(units, demand, sel, MAX_NESTING)
            })
            .map(|handle| handle.join())
    });
    match outcome {
        Ok(Ok(results)) => results,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        // No thread to be had (memory limits): leave out what this stack cannot walk.
        Err(_) => {
            let (units, demand) = take().expect("no thread took the work");
            analyze_deep(units, demand, sel, INLINE_NESTING)
        }
    }
}

/// On a thread with [`DEEP_STACK`]: leave out the files nesting deeper than `limit`
/// ([`MAX_NESTING`]), analyze the rest.
fn analyze_deep(
    units: Vec<SourceUnit>,
    demand: Demand,
    sel: &RuleSelection,
    limit: usize,
) -> Vec<FileResult> {
    // The same kind of demand, for the files kept.
    let template = demand.for_files(Vec::new());
    let demands = demand.into_files();
    let mut kept_units = Vec::new();
    let mut kept_demands = Vec::new();
    // Per file: its result when it is left out, else where it is among the kept.
    let mut slots: Vec<Result<usize, FileResult>> = Vec::new();
    for (i, unit) in units.into_iter().enumerate() {
        let file = parse(unit.src);
        match file.nesting_exceeds(limit) {
            Some(byte) => {
                let p = file.lines.position(byte);
                slots.push(Err(FileResult {
                    withheld: Some(Withheld::TooDeep { limit, at: p }),
                    path: unit.path,
                    per_iteration_loop_vars: unit.per_iteration_loop_vars,
                    src: file.src,
                    findings: Vec::new(),
                    parsed_whole: true,
                }));
            }
            None => {
                slots.push(Ok(kept_units.len()));
                if let Some(d) = &demands {
                    kept_demands.push(d[i].clone());
                }
                kept_units.push(SourceUnit {
                    path: unit.path,
                    src: file.src,
                    per_iteration_loop_vars: unit.per_iteration_loop_vars,
                });
            }
        }
    }
    let demand = template.for_files(kept_demands);
    let mut kept: Vec<Option<FileResult>> = match demand::analyze(kept_units, demand, limit) {
        Outcome::Analyzed { facts, files } => judge(&facts, files, sel),
        Outcome::TooDeep(_) => unreachable!("every file nests at most `limit` levels"),
    }
    .into_iter()
    .map(Some)
    .collect();
    slots
        .into_iter()
        .map(|s| match s {
            Ok(k) => kept[k].take().expect("each kept file once"),
            Err(left_out) => left_out,
        })
        .collect()
}

/// Run the rules on every file the analysis judged.
fn judge(
    facts: &PackageFacts,
    files: Vec<demand::AnalyzedFile>,
    sel: &RuleSelection,
) -> Vec<FileResult> {
    let known = rules::ids();
    files
        .into_iter()
        .map(|mut f| {
            let (findings, withheld) = if f.judged {
                f.parse_for_judging();
                check_file(
                    &f.path,
                    f.per_iteration_loop_vars,
                    &f.parsed,
                    facts,
                    &f.functions(facts),
                    sel,
                    &known,
                )
            } else {
                // Not judged, but read for the package's facts: a syntax error in what
                // was read is reported all the same.
                (Vec::new(), withheld(&f.parsed))
            };
            FileResult {
                path: f.path,
                per_iteration_loop_vars: f.per_iteration_loop_vars,
                parsed_whole: f.whole,
                src: f.parsed.src,
                findings,
                withheld,
            }
        })
        .collect()
}

/// Run the selected rules on one file of a package and apply its suppressions: the
/// file's findings, and why its fixes are withheld, when they are.
pub(crate) fn check_file(
    path: &str,
    per_iteration_loop_vars: bool,
    file: &ParsedFile,
    pkg: &PackageFacts,
    functions: &[FunctionModel],
    sel: &RuleSelection,
    known: &[&str],
) -> (Vec<Finding>, Option<Withheld>) {
    let cx = RuleCtx {
        file,
        pkg,
        functions,
        per_iteration_loop_vars,
    };
    let mut raw = Vec::new();
    for rule in rules::all() {
        if sel.enabled.iter().any(|e| e == rule.id()) {
            rule.check(&cx, &mut raw);
        }
    }
    let mut findings: Vec<Finding> = Vec::new();
    for r in raw {
        // A finding that rests on a recovered (guessed) tree is not reported.
        if let Some(node) = file.root().descendant_for_byte_range(r.start, r.end) {
            if file.in_broken_region(node) {
                continue;
            }
        }
        let dup = findings
            .iter()
            .any(|f| f.rule == r.rule && f.span.start_byte == r.start && f.span.end_byte == r.end);
        if dup {
            continue;
        }
        findings.push(Finding {
            rule: r.rule.to_string(),
            severity: sel.severity_of(r.rule),
            confidence: r.confidence,
            path: path.to_string(),
            span: file.lines.span(r.start, r.end),
            message: r.message,
            notes: r.notes,
            fix: r.fix,
            no_fix_reason: r.no_fix_reason,
            suppressed: None,
        });
    }
    // Suppressions see every finding the rules made, at any confidence: a directive
    // that suppresses a finding this run hides is used, not unused. Then the hidden
    // findings go.
    crate::suppress::apply(file, path, known, &sel.enabled, &mut findings);
    findings.retain(|f| f.confidence >= sel.min_confidence && !sel.ignored_meta.contains(&f.rule));
    sort_findings(&mut findings);
    (findings, withheld(file))
}

/// [`withheld`] for all of a file that was parsed only in part: a syntax error
/// anywhere in it.
pub fn withheld_in_whole(src: &[u8]) -> Option<Withheld> {
    withheld(&parse(src.to_vec()))
}

/// Why the fixes of `file` are withheld, when they are: bytes Go rejects, or a syntax
/// error in what was parsed of it.
fn withheld(file: &ParsedFile) -> Option<Withheld> {
    match std::str::from_utf8(&file.src) {
        // Go rejects such bytes anywhere, comments included; tree-sitter does not.
        Err(e) => Some(Withheld::NotUtf8 {
            at: file.lines.position(e.valid_up_to()),
        }),
        Ok(_) => file.syntax_errors().first().map(|e| Withheld::SyntaxError {
            at: crate::finding::Position {
                line: e.line,
                column: e.column,
            },
        }),
    }
}
