//! One package in, findings out: parse, model, run the rules, apply suppressions.
//! Knows nothing about files on disk, output formats or any single rule.

use crate::finding::{sort_findings, Confidence, Finding, Severity};
use crate::model::{analyze_package, FunctionModel, PackageModel};
use crate::rules::{self, RuleCtx};
use crate::syntax::{parse, ParsedFile};

/// A Go source file to analyze, already read.
pub struct SourceUnit {
    /// The path as the user reads it.
    pub path: String,
    pub src: Vec<u8>,
    pub per_iteration_loop_vars: bool,
}

/// Which rules run, at what severity, down to what confidence.
#[derive(Debug, Clone)]
pub struct RuleSelection {
    pub enabled: Vec<String>,
    pub severity: std::collections::BTreeMap<String, Severity>,
    pub min_confidence: Confidence,
}

impl Default for RuleSelection {
    fn default() -> Self {
        RuleSelection {
            enabled: rules::ids().into_iter().map(str::to_string).collect(),
            severity: Default::default(),
            min_confidence: Confidence::Medium,
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

/// A file's analysis, kept with its parse so that fixes need not parse again.
pub struct FileResult {
    pub path: String,
    pub per_iteration_loop_vars: bool,
    pub parsed: ParsedFile,
    pub findings: Vec<Finding>,
    /// Why this file must not be rewritten, when it must not.
    pub withheld: Option<String>,
}

/// How deep a file's syntax tree may nest before it is left out of the analysis. The
/// model, the rules and the fixes walk the tree recursively; past this depth a file
/// is reported (see [`FileResult::withheld`]) and gets no findings and no fixes. The
/// deepest file in the Go tree, generated tables included, nests 947 levels.
pub const MAX_NESTING: usize = 4_000;

/// Files nesting at most this deep are analyzed on the caller's thread: the walk needs
/// well under 2 MiB of stack there (the least a Rust thread gets), in debug builds too.
/// A package with a deeper file is analyzed on a thread of its own with [`DEEP_STACK`].
pub const INLINE_NESTING: usize = 200;

/// Stack for a package nesting up to [`MAX_NESTING`] levels: about 16 KiB a level,
/// twice what an unoptimized build needs. Only touched pages cost memory.
const DEEP_STACK: usize = 64 << 20;

/// Analyze the files of one package (one directory, one package clause).
///
/// Never overflows the stack: files nesting deeper than [`MAX_NESTING`] levels are
/// left out (with a reason in `withheld`), and a package with a file deeper than a
/// thread's stack is sure to hold is analyzed on a thread with a larger one.
pub fn analyze(units: Vec<SourceUnit>, sel: &RuleSelection) -> Vec<FileResult> {
    let parsed: Vec<(SourceUnit, ParsedFile)> = units
        .into_iter()
        .map(|mut u| {
            let src = std::mem::take(&mut u.src);
            (u, parse(src))
        })
        .collect();
    let mut too_deep: Vec<Option<usize>> = vec![None; parsed.len()];
    let mut deep = false;
    for (i, (_, file)) in parsed.iter().enumerate() {
        if file.nesting_exceeds(INLINE_NESTING).is_some() {
            too_deep[i] = file.nesting_exceeds(MAX_NESTING);
            deep |= too_deep[i].is_none();
        }
    }
    let per_file = if deep {
        let outcome = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("defuse-deep".into())
                .stack_size(DEEP_STACK)
                .spawn_scoped(scope, || analyze_parsed(&parsed, &too_deep, sel))
                .map(|handle| handle.join())
        });
        match outcome {
            Ok(Ok(per_file)) => per_file,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // No thread to be had (memory limits): leave the deep files out instead.
            Err(_) => {
                for (i, (_, file)) in parsed.iter().enumerate() {
                    if too_deep[i].is_none() {
                        too_deep[i] = file.nesting_exceeds(INLINE_NESTING);
                    }
                }
                analyze_parsed(&parsed, &too_deep, sel)
            }
        }
    } else {
        analyze_parsed(&parsed, &too_deep, sel)
    };
    parsed
        .into_iter()
        .zip(per_file)
        .map(|((unit, parsed), (findings, withheld))| FileResult {
            path: unit.path,
            per_iteration_loop_vars: unit.per_iteration_loop_vars,
            parsed,
            findings,
            withheld,
        })
        .collect()
}

type PerFile = Vec<(Vec<Finding>, Option<String>)>;

/// The model and the rules over parsed files; `too_deep[i]` is where file `i` nests
/// too deep to be walked, which leaves it out.
fn analyze_parsed(
    parsed: &[(SourceUnit, ParsedFile)],
    too_deep: &[Option<usize>],
    sel: &RuleSelection,
) -> PerFile {
    let files: Vec<&ParsedFile> = parsed
        .iter()
        .zip(too_deep)
        .filter(|(_, deep)| deep.is_none())
        .map(|((_, p), _)| p)
        .collect();
    let pkg = analyze_package(&files);
    let known = rules::ids();
    let mut per_file = Vec::new();
    let mut modeled = 0;
    for ((unit, file), deep) in parsed.iter().zip(too_deep) {
        if let Some(byte) = deep {
            let p = file.lines.position(*byte);
            per_file.push((
                Vec::new(),
                Some(format!(
                    "{} nests deeper than {MAX_NESTING} levels at line {}:{}; not analyzed, and never rewritten",
                    unit.path, p.line, p.column
                )),
            ));
            continue;
        }
        per_file.push(check_file(
            &unit.path,
            unit.per_iteration_loop_vars,
            file,
            &pkg,
            &pkg.functions[modeled],
            sel,
            &known,
        ));
        modeled += 1;
    }
    per_file
}

/// Run the selected rules on one file of a package and apply its suppressions: the
/// file's findings, and why its fixes are withheld, when they are.
pub(crate) fn check_file(
    path: &str,
    per_iteration_loop_vars: bool,
    file: &ParsedFile,
    pkg: &PackageModel,
    functions: &[FunctionModel],
    sel: &RuleSelection,
    known: &[&str],
) -> (Vec<Finding>, Option<String>) {
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
        if r.confidence < sel.min_confidence {
            continue;
        }
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
    crate::suppress::apply(file, path, known, &mut findings);
    sort_findings(&mut findings);
    let withheld = match std::str::from_utf8(&file.src) {
        // Go rejects such bytes anywhere, comments included; tree-sitter does not.
        Err(e) => {
            let p = file.lines.position(e.valid_up_to());
            Some(format!(
                "{path} is not valid UTF-8 at line {}:{}; its fixes are withheld",
                p.line, p.column
            ))
        }
        Ok(_) => file.syntax_errors().first().map(|e| {
            format!(
                "{path} has syntax errors at line {}:{}; its fixes are withheld",
                e.line, e.column
            )
        }),
    };
    (findings, withheld)
}

/// Fix every file of one package, re-analyzing with the package's other files between
/// rounds so that package facts (guards) stay in view.
pub fn fix_package(
    files: &[FileResult],
    sel: &RuleSelection,
    opts: &crate::fix::PlanOptions,
) -> Vec<crate::fix::FileFix> {
    fix_package_where(files, sel, opts, |_, _, findings| findings)
}

/// [`fix_package`], fixing only the findings `keep` passes on: it is called with each
/// file, the text the findings are on (the file's own, or a rewrite of it between
/// fixed-point rounds) and those findings. Findings it drops are neither fixed nor
/// reported as left unfixed.
pub fn fix_package_where(
    files: &[FileResult],
    sel: &RuleSelection,
    opts: &crate::fix::PlanOptions,
    keep: impl Fn(&FileResult, &[u8], Vec<Finding>) -> Vec<Finding>,
) -> Vec<crate::fix::FileFix> {
    files
        .iter()
        .enumerate()
        .map(|(i, file)| {
            let reanalyze = |new: &[u8]| -> Vec<Finding> {
                let units = files
                    .iter()
                    .enumerate()
                    .map(|(j, other)| SourceUnit {
                        path: other.path.clone(),
                        src: if i == j {
                            new.to_vec()
                        } else {
                            other.parsed.src.clone()
                        },
                        per_iteration_loop_vars: other.per_iteration_loop_vars,
                    })
                    .collect();
                let findings = analyze(units, sel)
                    .into_iter()
                    .nth(i)
                    .map(|r| r.findings)
                    .unwrap_or_default();
                keep(file, new, findings)
            };
            crate::fix::plan_file(
                &file.path,
                &file.parsed.src,
                &keep(file, &file.parsed.src, file.findings.clone()),
                file.withheld.as_deref(),
                opts,
                reanalyze,
            )
        })
        .collect()
}
