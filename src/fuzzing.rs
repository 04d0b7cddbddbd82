//! The checks the fuzz target (`fuzz/fuzz_targets/engine.rs`) and the corpus test
//! (`tests/fuzz_corpus.rs`) run on one Go file of arbitrary bytes. Not part of the
//! tool's interface: it lives in the library so that both run exactly the same code.

use std::sync::Arc;

use crate::engine::{analyze, analyze_demand, RuleSelection, SourceUnit};
use crate::finding::Finding;
use crate::fix::fix_package;
use crate::fix::{unified_diff, unified_diff_bytes, PlanOptions};
use crate::model::{Demand, FileDemand};
use crate::report::{self, Run};
use crate::syntax::parse;

const PATH: &str = "fuzz/input.go";

/// Run `src` through the engine as the only file of a package, with every rule, low
/// confidence findings shown and review fixes applied, and panic when:
///
/// - anything in the engine, the fixes or the reports panics;
/// - on a file without syntax errors, the demand of the prefilter's candidates gives
///   other findings than modeling everything (see [`check_demands_agree`]), or a
///   finding lies where its rule's trigger does not fire (see [`check_triggers`]);
/// - a fix leaves the file with syntax errors it did not have, or rewrites a file
///   that had syntax errors or bytes that are not UTF-8 (such files are never
///   rewritten);
/// - fixing the fixed file again changes it (fixes are idempotent);
/// - the diff of a fix is empty.
pub fn check_engine(src: &[u8]) {
    // Both loop-variable semantics, chosen by the input so that each input is one run.
    let per_iteration = src.len() % 2 == 0;
    let sel = RuleSelection {
        min_confidence: crate::finding::Confidence::Low,
        ..RuleSelection::default()
    };
    let opts = PlanOptions {
        review: true,
        ..PlanOptions::default()
    };
    let unit = |bytes: &[u8]| SourceUnit {
        path: PATH.to_string(),
        src: bytes.to_vec(),
        per_iteration_loop_vars: per_iteration,
    };

    let results = analyze(vec![unit(src)], &sel);
    assert_eq!(results.len(), 1);
    render_reports(&results[0].findings, src);
    // On a file that does not parse, the prefilter's reading of the bytes and the
    // parser's error recovery may disagree (an unterminated `/*` is a comment to the end
    // for Go and the prefilter, not for tree-sitter); findings there are a guess anyway
    // and never fixed. On every file that parses, they must agree.
    if !parse(src.to_vec()).has_syntax_errors() {
        check_demands_agree(src, per_iteration, &results[0].findings);
        check_triggers(&[(src, !per_iteration)], 0, &results[0].findings);
    }

    let fixes = fix_package(&results, &sel, &opts);
    assert_eq!(fixes.len(), 1);
    let fix = &fixes[0];
    assert_eq!(fix.old, src, "the fix's old text is not the input");
    if !fix.changed() {
        return;
    }
    let input_broken = std::str::from_utf8(src).is_err() || parse(src.to_vec()).has_syntax_errors();
    assert!(
        !input_broken,
        "a file with syntax errors or invalid UTF-8 was rewritten:\n{}",
        String::from_utf8_lossy(&fix.new)
    );
    let output = parse(fix.new.clone());
    assert!(
        !output.has_syntax_errors(),
        "the fix produced syntax errors at {:?}:\n{}",
        output.syntax_errors().first(),
        String::from_utf8_lossy(&fix.new)
    );
    assert!(!unified_diff_bytes(PATH, &fix.old, &fix.new).is_empty());
    let _ = unified_diff(PATH, &fix.old, &fix.new);

    let again = analyze(vec![unit(&fix.new)], &sel);
    let refix = fix_package(&again, &sel, &opts);
    assert!(
        refix[0].new == fix.new,
        "fixing twice differs from fixing once:\n--- once\n{}\n--- twice\n{}",
        String::from_utf8_lossy(&fix.new),
        String::from_utf8_lossy(&refix[0].new)
    );
}

fn render_reports(findings: &[crate::finding::Finding], src: &[u8]) {
    let source = Arc::new(src.to_vec());
    let lookup = move |p: &str| (p == PATH).then(|| source.clone());
    let run = Run {
        findings,
        problems: &[],
        files_scanned: 1,
        sources: &lookup,
    };
    let _ = report::text::render(&run, false);
    let _ = report::text::render(&run, true);
    let _ = report::json::render(&run);
}

/// One line per finding: what a demand must not change.
fn lines(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}-{} {:?} {} | {} | fix={:?}",
                f.rule,
                f.span.start_byte,
                f.span.end_byte,
                f.confidence,
                f.message,
                f.notes.join(" / "),
                f.fix.as_ref().map(|x| &x.edits)
            )
        })
        .collect()
}

/// Modeling only what the prefilter's candidate sites need gives the findings of
/// modeling everything (`everything`, for `src` as the only file of its package).
pub fn check_demands_agree(src: &[u8], per_iteration: bool, everything: &[Finding]) {
    let sites = crate::prefilter::candidate_sites(src, !per_iteration);
    let demand = FileDemand::from_sites(sites);
    let sel = RuleSelection {
        min_confidence: crate::finding::Confidence::Low,
        ..RuleSelection::default()
    };
    let unit = SourceUnit {
        path: PATH.to_string(),
        src: src.to_vec(),
        per_iteration_loop_vars: per_iteration,
    };
    let in_batches = Demand::FilesInBatches(vec![demand.clone()], 1);
    let lazy = analyze_demand(vec![unit.clone()], Demand::Files(vec![demand]), &sel);
    assert_eq!(
        lines(everything),
        lines(&lazy[0].findings),
        "the demand of candidates changed the findings"
    );
    // One function per parse where the demand parses functions in batches.
    let one_by_one = analyze_demand(vec![unit], in_batches, &sel);
    assert_eq!(
        lines(everything),
        lines(&one_by_one[0].findings),
        "the demand of candidates, in batches of one function, changed the findings"
    );
}

/// Every finding of file `i` of a package, `(source, shared loop variables)` per file, lies
/// in a top-level function where its rule's trigger fires: the prefilter, which runs the
/// triggers, can never skip it.
pub fn check_triggers(files: &[(&[u8], bool)], i: usize, findings: &[Finding]) {
    let src = files[i].0;
    let index = crate::model::demand::index::index(src);
    for f in findings {
        let Some(rule) = crate::rules::all().iter().find(|r| r.id() == f.rule) else {
            continue;
        };
        let sites = crate::prefilter::trigger_sites(files, i, rule.triggers());
        let at = index.function_at(f.span.start_byte);
        let fires = sites
            .iter()
            .any(|&s| at.is_none() || index.function_at(s).is_none() || index.function_at(s) == at);
        assert!(
            fires,
            "{} at byte {}: its trigger fires nowhere in the function ({} sites in the file)",
            f.rule,
            f.span.start_byte,
            sites.len()
        );
    }
}
