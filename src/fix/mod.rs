//! Fixes: merging edits, conflicts, fixed-point iteration, imports, diffs and
//! atomic writes. Nothing here knows which rule made an edit.
//!
//! The flow for one file: the rules' fixes become [`FixCandidate`]s; [`fix_file`]
//! merges them ([`merge`]), splices them in ([`apply`]), checks the result still
//! parses, and asks the engine to look again until nothing changes; the caller then
//! shows a [`unified_diff`] or writes the file with [`write_atomic`].

mod diff;
mod edits;
mod imports;
mod package;
mod plan;
pub mod verify;
mod write;

pub use diff::{unified_diff, unified_diff_bytes};
pub use edits::{apply, merge, FixCandidate, Merged};
pub use imports::{ensure_import, ImportPlan};
pub use package::{fix_package, fix_package_where};
pub use plan::{plan_file, FileFix, PlanOptions};
pub use write::{write_atomic, WriteError};

use crate::finding::{Position, Withheld};
use crate::syntax::{parse, LineIndex};

/// What [`fix_file`] did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixOutcome {
    /// The fixed source; the original bytes when nothing was applied or the fixes
    /// were withheld.
    pub new: Vec<u8>,
    /// Ids of the first round's candidates that were applied, in candidate order.
    pub applied: Vec<usize>,
    /// Ids of the first round's candidates left out: they overlapped a fix taken
    /// before them, their own edits overlapped, or an edit lay outside the file (an
    /// engine bug). The fix for the same finding may still have gone in during a
    /// later round, re-made on the re-analyzed text; later rounds' candidates come
    /// from a different analysis and are not numbered here.
    pub conflicts: Vec<usize>,
    /// Rounds that changed the text (0 when nothing changed).
    pub rounds: usize,
    /// Why the file was left unchanged although it had fixes, if it was.
    pub withheld: Option<Withheld>,
}

/// Apply `candidates` to `src` and iterate to a fixed point.
///
/// - A file with syntax errors (or bytes that are not UTF-8, which Go rejects too)
///   is never rewritten: `withheld` says where the first error is.
/// - Each round merges the candidates ([`merge`]) and applies them. If the result
///   no longer parses, the fix engine has a bug: the original is returned unchanged
///   with `withheld` set, whichever round it happened in.
/// - After a round that changed the text, `reanalyze` is called on the new text for
///   the next round's candidates (a fix dropped as a conflict gets another chance
///   there), until a round changes nothing or `max_rounds` rounds have run.
///   `reanalyze` is not called after the last round.
///
/// `withheld` is only set when there was something to apply: with no candidate
/// edits the file is returned as it is and not even parsed.
pub fn fix_file(
    src: &[u8],
    candidates: &[FixCandidate],
    mut reanalyze: impl FnMut(&[u8]) -> Vec<FixCandidate>,
    max_rounds: usize,
) -> FixOutcome {
    let unchanged = |withheld: Option<Withheld>| FixOutcome {
        new: src.to_vec(),
        applied: Vec::new(),
        conflicts: Vec::new(),
        rounds: 0,
        withheld,
    };
    if max_rounds == 0 || candidates.iter().all(|c| c.edits.is_empty()) {
        return unchanged(None);
    }
    if let Err(e) = std::str::from_utf8(src) {
        let at = LineIndex::new(src).position(e.valid_up_to());
        return unchanged(Some(Withheld::NotUtf8 { at }));
    }
    if let Some((line, column)) = first_syntax_error(src) {
        let at = Position { line, column };
        return unchanged(Some(Withheld::SyntaxError { at }));
    }

    let mut current = src.to_vec();
    let mut owned: Vec<FixCandidate>;
    let mut cands: &[FixCandidate] = candidates;
    let mut outcome = unchanged(None);
    for round in 1..=max_rounds {
        let (in_bounds, out_of_bounds): (Vec<FixCandidate>, Vec<FixCandidate>) = cands
            .iter()
            .cloned()
            .partition(|c| c.edits.iter().all(|e| e.end <= current.len()));
        let merged = merge(&in_bounds);
        if round == 1 {
            outcome.applied = merged.applied;
            outcome.conflicts = merged.conflicts;
            outcome.conflicts.extend(out_of_bounds.iter().map(|c| c.id));
        }
        if merged.edits.is_empty() {
            break;
        }
        let next = apply(&current, &merged.edits);
        if next == current {
            break;
        }
        if first_syntax_error(&next).is_some() {
            return unchanged(Some(Withheld::FixWouldNotParse));
        }
        current = next;
        outcome.rounds = round;
        if round == max_rounds {
            break;
        }
        owned = reanalyze(&current);
        cands = &owned;
    }
    outcome.new = current;
    outcome
}

/// Line and byte column of the first syntax error, counting bytes that are not
/// UTF-8 as one (Go's scanner rejects them anywhere in a file).
fn first_syntax_error(src: &[u8]) -> Option<(usize, usize)> {
    if let Err(e) = std::str::from_utf8(src) {
        let p = LineIndex::new(src).position(e.valid_up_to());
        return Some((p.line, p.column));
    }
    let parsed = parse(src.to_vec());
    if !parsed.has_syntax_errors() {
        return None;
    }
    match parsed.syntax_errors().first() {
        Some(e) => Some((e.line, e.column)),
        // has_error() without a recoverable position: report the start.
        None => Some((1, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Edit;

    fn ed(start: usize, end: usize, r: &str) -> Edit {
        Edit {
            start,
            end,
            replacement: r.into(),
        }
    }

    fn replace(src: &[u8], id: usize, from: &str, to: &str) -> Option<FixCandidate> {
        let at = src.windows(from.len()).position(|w| w == from.as_bytes())?;
        Some(FixCandidate {
            id,
            edits: vec![ed(at, at + from.len(), to)],
        })
    }

    fn never(_: &[u8]) -> Vec<FixCandidate> {
        panic!("reanalyze must not be called")
    }

    /// A stand-in for the engine: every unlocked `defer delete(m, k)` gets a closure
    /// that takes `mu`, plus the `sync` import it needs for a `var mu sync.Mutex`.
    fn fake_engine(src: &[u8]) -> Vec<FixCandidate> {
        let file = parse(src.to_vec());
        let text = std::str::from_utf8(src).unwrap();
        let mut out = Vec::new();
        for (id, (at, _)) in text.match_indices("defer delete(").enumerate() {
            let end = at + text[at..].find('\n').unwrap();
            let call = &text[at + "defer ".len()..end];
            let mut edits = vec![ed(
                at,
                end,
                &format!("defer func() {{ mu.Lock(); {call}; mu.Unlock() }}()"),
            )];
            if let ImportPlan::Add { edit, .. } = ensure_import(&file, "sync") {
                edits.push(edit);
            }
            out.push(FixCandidate { id, edits });
        }
        out
    }

    #[test]
    fn syntax_errors_withhold_every_fix() {
        let src = b"package p\n\nfunc f() {\n\tx := \n}\n";
        let cands = vec![replace(src, 0, "package p", "package q").unwrap()];
        let out = fix_file(src, &cands, never, 5);
        assert_eq!(out.new, src.to_vec());
        assert_eq!(out.rounds, 0);
        assert!(out.applied.is_empty());
        match out.withheld {
            Some(Withheld::SyntaxError { at }) => assert!(matches!(at.line, 4 | 5), "{at:?}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn invalid_utf8_withholds_too() {
        let src = b"package p\n\n// caf\xe9\nvar x = 1\n";
        let cands = vec![replace(src, 0, "1", "2").unwrap()];
        let out = fix_file(src, &cands, never, 5);
        assert_eq!(out.new, src.to_vec());
        assert_eq!(
            out.withheld,
            Some(Withheld::NotUtf8 {
                at: Position { line: 3, column: 7 }
            })
        );
    }

    #[test]
    fn nothing_to_do_is_not_withheld() {
        let src = b"package p\n\nfunc f( {\n";
        let out = fix_file(src, &[], never, 5);
        assert_eq!(out.withheld, None);
        assert_eq!(out.new, src.to_vec());
        let src = b"package p\n";
        let cands = vec![replace(src, 0, "p", "q").unwrap()];
        assert_eq!(fix_file(src, &cands, never, 0).new, src.to_vec());
    }

    #[test]
    fn one_round_then_a_fixed_point() {
        let src = b"package p\n\nvar a = 1\nvar b = 2\n";
        let cands = vec![
            replace(src, 0, "a = 1", "a = 10").unwrap(),
            replace(src, 1, "b = 2", "b = 20").unwrap(),
        ];
        let mut calls = 0;
        let out = fix_file(
            src,
            &cands,
            |s| {
                calls += 1;
                assert_eq!(s, b"package p\n\nvar a = 10\nvar b = 20\n");
                Vec::new()
            },
            5,
        );
        assert_eq!(out.new, b"package p\n\nvar a = 10\nvar b = 20\n".to_vec());
        assert_eq!(
            (out.applied, out.conflicts, out.rounds),
            (vec![0, 1], vec![], 1)
        );
        assert_eq!(out.withheld, None);
        assert_eq!(calls, 1);
    }

    #[test]
    fn conflicts_get_another_chance_on_the_reanalyzed_text() {
        let src = b"package p\n\nvar x = f(g(1))\n";
        // Two findings rewrite overlapping text: the outer call and the inner one.
        let cands = vec![
            replace(src, 0, "f(g(1))", "F(g(1))").unwrap(),
            replace(src, 1, "g(1)", "G(1)").unwrap(),
        ];
        let reanalyze = |s: &[u8]| replace(s, 0, "g(1)", "G(1)").into_iter().collect();
        let out = fix_file(src, &cands, reanalyze, 5);
        assert_eq!(out.new, b"package p\n\nvar x = F(G(1))\n".to_vec());
        assert_eq!(out.applied, vec![0]);
        assert_eq!(out.conflicts, vec![1]);
        assert_eq!(out.rounds, 2);
    }

    #[test]
    fn max_rounds_bounds_an_engine_that_never_settles() {
        let src = b"package p\n";
        let grow = |s: &[u8]| {
            vec![FixCandidate {
                id: 0,
                edits: vec![ed(s.len(), s.len(), "// more\n")],
            }]
        };
        let out = fix_file(src, &grow(src), grow, 3);
        assert_eq!(out.rounds, 3);
        assert_eq!(out.new, b"package p\n// more\n// more\n// more\n".to_vec());
    }

    #[test]
    fn a_fix_that_breaks_the_file_is_withheld_whole() {
        let src = b"package p\n\nfunc f() {}\n";
        let cands = vec![
            replace(src, 0, "package p", "package q").unwrap(),
            replace(src, 1, "func f() {}", "func f( {}").unwrap(),
        ];
        let out = fix_file(src, &cands, never, 5);
        assert_eq!(out.new, src.to_vec());
        assert_eq!(out.withheld, Some(Withheld::FixWouldNotParse));
        assert!(out.applied.is_empty());
        // Also when the breakage comes in a later round.
        let cands = vec![replace(src, 0, "package p", "package q").unwrap()];
        let out = fix_file(
            src,
            &cands,
            |s| replace(s, 1, "{}", "{").into_iter().collect(),
            5,
        );
        assert_eq!(out.new, src.to_vec());
        assert!(out.withheld.is_some());
        // An edit splitting a UTF-8 character is caught the same way.
        let src = "package p\n\nvar s = \"é\"\n".as_bytes();
        let at = src.iter().position(|&b| b == 0xc3).unwrap();
        let cands = vec![FixCandidate {
            id: 0,
            edits: vec![ed(at, at + 1, "x")],
        }];
        let out = fix_file(src, &cands, never, 5);
        assert_eq!(out.withheld, Some(Withheld::FixWouldNotParse));
    }

    #[test]
    fn out_of_range_edits_are_conflicts_not_crashes() {
        let src = b"package p\n";
        let cands = vec![
            FixCandidate {
                id: 0,
                edits: vec![ed(5, 500, "x")],
            },
            replace(src, 1, "p\n", "q\n").unwrap(),
        ];
        let out = fix_file(src, &cands, |_| Vec::new(), 5);
        assert_eq!(out.new, b"package q\n".to_vec());
        assert_eq!((out.applied, out.conflicts), (vec![1], vec![0]));
    }

    #[test]
    fn engine_fixes_share_one_import_and_are_idempotent() {
        let src = b"package p\n\nvar m = map[string]int{}\nvar mu sync.Mutex\n\nfunc f(k string) {\n\tdefer delete(m, k)\n}\n\nfunc g(k string) {\n\tdefer delete(m, k+\"x\")\n}\n";
        let cands = fake_engine(src);
        assert_eq!(cands.len(), 2);
        let out = fix_file(src, &cands, fake_engine, 5);
        let want = "package p\n\nimport \"sync\"\n\nvar m = map[string]int{}\nvar mu sync.Mutex\n\nfunc f(k string) {\n\tdefer func() { mu.Lock(); delete(m, k); mu.Unlock() }()\n}\n\nfunc g(k string) {\n\tdefer func() { mu.Lock(); delete(m, k+\"x\"); mu.Unlock() }()\n}\n";
        assert_eq!(String::from_utf8(out.new.clone()).unwrap(), want);
        assert_eq!(
            (out.applied, out.conflicts, out.rounds),
            (vec![0, 1], vec![], 1)
        );
        // Running fix again changes nothing.
        let again = fix_file(&out.new, &fake_engine(&out.new), fake_engine, 5);
        assert_eq!(again.new, out.new);
        assert_eq!(again.rounds, 0);
    }
}
