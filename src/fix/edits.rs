//! Merging the edits of many fixes on one file, and splicing them into the source.
//!
//! A fix is all or nothing: either every edit of a candidate goes in, or none does.
//! Candidates are taken greedily in the order given, so the caller decides priority
//! by ordering them (usually by finding position).

use crate::finding::Edit;
use std::cmp::Ordering;

/// The edits of one fix, tagged with the index of the finding it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixCandidate {
    pub id: usize,
    pub edits: Vec<Edit>,
}

/// The result of [`merge`]: edits ready for [`apply`], and which candidates made it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merged {
    /// Sorted by `(start, end)`, pairwise non-overlapping.
    pub edits: Vec<Edit>,
    /// Ids of the candidates whose every edit is in `edits`, in candidate order.
    pub applied: Vec<usize>,
    /// Ids of the candidates left out because they overlap an accepted edit, or
    /// because their own edits overlap each other or are malformed (`start > end`).
    pub conflicts: Vec<usize>,
}

/// How two edits relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// Same range and same replacement: applying one is applying both.
    Identical,
    /// Can both be applied.
    Disjoint,
    Overlap,
}

fn relation(a: &Edit, b: &Edit) -> Relation {
    if a == b {
        return Relation::Identical;
    }
    let a_insert = a.start == a.end;
    let b_insert = b.start == b.end;
    let overlap = match (a_insert, b_insert) {
        // Two different insertions at one offset: their order would be a guess.
        (true, true) => a.start == b.start,
        // An insertion touching a replaced range at its ends is fine; inside it is not.
        (true, false) => b.start < a.start && a.start < b.end,
        (false, true) => a.start < b.start && b.start < a.end,
        (false, false) => a.start < b.end && b.start < a.end,
    };
    if overlap {
        Relation::Overlap
    } else {
        Relation::Disjoint
    }
}

/// The order edits are applied in: by position; an insertion sorts before a
/// replacement that starts at the same offset, so it lands in front of it.
fn edit_order(a: &Edit, b: &Edit) -> Ordering {
    (a.start, a.end).cmp(&(b.start, b.end))
}

/// Merge candidates greedily, in the order given. See [`Merged`].
///
/// A candidate with no edits changes nothing and counts as applied. Identical edits
/// coalesce, within a candidate and across candidates (two fixes that both add
/// `import "sync"` add it once).
pub fn merge(candidates: &[FixCandidate]) -> Merged {
    let mut out = Merged::default();
    'candidates: for cand in candidates {
        let mut own: Vec<&Edit> = Vec::with_capacity(cand.edits.len());
        for e in &cand.edits {
            if e.start > e.end {
                out.conflicts.push(cand.id);
                continue 'candidates;
            }
            if own.contains(&e) {
                continue;
            }
            if own.iter().any(|o| relation(o, e) == Relation::Overlap) {
                out.conflicts.push(cand.id);
                continue 'candidates;
            }
            own.push(e);
        }
        let mut fresh = Vec::with_capacity(own.len());
        for e in own {
            let mut duplicate = false;
            for acc in overlapping_window(&out.edits, e) {
                match relation(acc, e) {
                    Relation::Identical => duplicate = true,
                    Relation::Overlap => {
                        out.conflicts.push(cand.id);
                        continue 'candidates;
                    }
                    Relation::Disjoint => {}
                }
            }
            if !duplicate {
                fresh.push(e.clone());
            }
        }
        for e in fresh {
            let at = out
                .edits
                .partition_point(|acc| edit_order(acc, &e) != Ordering::Greater);
            out.edits.insert(at, e);
        }
        out.applied.push(cand.id);
    }
    out
}

/// The accepted edits that could relate to `e`: those whose range touches `e`'s.
/// `edits` is sorted and non-overlapping, so their ends are sorted too.
fn overlapping_window<'a>(edits: &'a [Edit], e: &Edit) -> &'a [Edit] {
    let lo = edits.partition_point(|acc| acc.end < e.start);
    let hi = edits.partition_point(|acc| acc.start <= e.end);
    if lo >= hi {
        &[]
    } else {
        &edits[lo..hi]
    }
}

/// Splice `edits` into `src`. Every byte outside the edits is kept as it was.
///
/// `edits` must be pairwise non-overlapping and inside `src` (what [`merge`] returns);
/// they need not be sorted.
///
/// # Panics
/// On an edit outside `src`, with `start > end`, or overlapping another: these are
/// bugs in the caller, and a silently wrong file is worse than a crash.
pub fn apply(src: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by(|a, b| edit_order(a, b));
    let growth: usize = sorted.iter().map(|e| e.replacement.len()).sum();
    let mut out = Vec::with_capacity(src.len() + growth);
    let mut pos = 0;
    for e in sorted {
        assert!(
            e.start <= e.end && e.end <= src.len(),
            "edit {}..{} outside a {}-byte file",
            e.start,
            e.end,
            src.len()
        );
        assert!(
            e.start >= pos,
            "edit {}..{} overlaps the previous edit ending at {pos}",
            e.start,
            e.end
        );
        out.extend_from_slice(&src[pos..e.start]);
        out.extend_from_slice(e.replacement.as_bytes());
        pos = e.end;
    }
    out.extend_from_slice(&src[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ed(start: usize, end: usize, r: &str) -> Edit {
        Edit {
            start,
            end,
            replacement: r.to_string(),
        }
    }

    fn cand(id: usize, edits: Vec<Edit>) -> FixCandidate {
        FixCandidate { id, edits }
    }

    #[test]
    fn disjoint_candidates_all_apply_sorted() {
        let m = merge(&[
            cand(0, vec![ed(10, 12, "x")]),
            cand(1, vec![ed(0, 2, "y"), ed(20, 20, "z")]),
        ]);
        assert_eq!(m.applied, vec![0, 1]);
        assert!(m.conflicts.is_empty());
        assert_eq!(
            m.edits,
            vec![ed(0, 2, "y"), ed(10, 12, "x"), ed(20, 20, "z")]
        );
    }

    #[test]
    fn overlapping_candidate_is_dropped_whole() {
        let m = merge(&[
            cand(0, vec![ed(5, 10, "a")]),
            // Its second edit is fine, but its first overlaps: nothing of it goes in.
            cand(1, vec![ed(8, 12, "b"), ed(30, 31, "c")]),
            cand(2, vec![ed(10, 15, "d")]),
        ]);
        assert_eq!(m.applied, vec![0, 2]);
        assert_eq!(m.conflicts, vec![1]);
        assert_eq!(m.edits, vec![ed(5, 10, "a"), ed(10, 15, "d")]);
    }

    #[test]
    fn greedy_order_decides_who_wins() {
        let m = merge(&[cand(7, vec![ed(8, 12, "b")]), cand(3, vec![ed(5, 10, "a")])]);
        assert_eq!(m.applied, vec![7]);
        assert_eq!(m.conflicts, vec![3]);
    }

    #[test]
    fn identical_edits_coalesce() {
        let import = ed(20, 20, "\t\"sync\"\n");
        let m = merge(&[
            cand(0, vec![import.clone(), ed(40, 45, "a")]),
            cand(1, vec![ed(60, 65, "b"), import.clone()]),
        ]);
        assert_eq!(m.applied, vec![0, 1]);
        assert!(m.conflicts.is_empty());
        assert_eq!(m.edits, vec![import, ed(40, 45, "a"), ed(60, 65, "b")]);
    }

    #[test]
    fn identical_replacement_coalesces_but_different_one_conflicts() {
        let m = merge(&[
            cand(0, vec![ed(3, 9, "same")]),
            cand(1, vec![ed(3, 9, "same")]),
            cand(2, vec![ed(3, 9, "other")]),
        ]);
        assert_eq!(m.applied, vec![0, 1]);
        assert_eq!(m.conflicts, vec![2]);
        assert_eq!(m.edits.len(), 1);
    }

    #[test]
    fn insertions_at_one_offset_conflict_unless_identical() {
        let m = merge(&[
            cand(0, vec![ed(4, 4, "a")]),
            cand(1, vec![ed(4, 4, "b")]),
            cand(2, vec![ed(4, 4, "a")]),
        ]);
        assert_eq!(m.applied, vec![0, 2]);
        assert_eq!(m.conflicts, vec![1]);
    }

    #[test]
    fn insertion_at_the_edge_of_a_replacement_is_not_an_overlap() {
        let m = merge(&[
            cand(0, vec![ed(4, 8, "R")]),
            cand(1, vec![ed(4, 4, "<")]),
            cand(2, vec![ed(8, 8, ">")]),
            cand(3, vec![ed(6, 6, "!")]),
        ]);
        assert_eq!(m.applied, vec![0, 1, 2]);
        assert_eq!(m.conflicts, vec![3]);
        assert_eq!(apply(b"0123456789", &m.edits), b"0123<R>89".to_vec());
    }

    #[test]
    fn adjacent_replacements_do_not_overlap() {
        let m = merge(&[cand(0, vec![ed(0, 2, "A")]), cand(1, vec![ed(2, 4, "B")])]);
        assert_eq!(m.applied, vec![0, 1]);
        assert_eq!(apply(b"abcdef", &m.edits), b"ABef".to_vec());
    }

    #[test]
    fn candidate_whose_own_edits_overlap_is_rejected() {
        let m = merge(&[
            cand(0, vec![ed(0, 5, "a"), ed(3, 7, "b")]),
            cand(1, vec![ed(2, 2, "x"), ed(2, 2, "y")]),
            cand(2, vec![ed(9, 9, "ok"), ed(9, 9, "ok")]),
        ]);
        assert_eq!(m.applied, vec![2]);
        assert_eq!(m.conflicts, vec![0, 1]);
        assert_eq!(m.edits, vec![ed(9, 9, "ok")]);
    }

    #[test]
    fn malformed_edit_is_a_conflict() {
        let m = merge(&[cand(0, vec![ed(5, 2, "x")])]);
        assert!(m.applied.is_empty());
        assert_eq!(m.conflicts, vec![0]);
    }

    #[test]
    fn empty_candidate_counts_as_applied() {
        let m = merge(&[cand(4, vec![])]);
        assert_eq!(m.applied, vec![4]);
        assert!(m.edits.is_empty());
    }

    #[test]
    fn apply_keeps_every_other_byte() {
        let src = b"\xef\xbb\xbfpackage p\r\n// keep \xff me\r\nfunc f() {}\r\n";
        let start = src.windows(4).position(|w| w == b"func").unwrap();
        let out = apply(src, &[ed(start, start + 4, "FUNC")]);
        let mut want = src.to_vec();
        want[start..start + 4].copy_from_slice(b"FUNC");
        assert_eq!(out, want);
    }

    #[test]
    fn apply_accepts_unsorted_edits() {
        let out = apply(b"abcdef", &[ed(4, 5, "E"), ed(0, 0, ">"), ed(1, 2, "B")]);
        assert_eq!(out, b">aBcdEf".to_vec());
    }

    #[test]
    #[should_panic(expected = "overlaps")]
    fn apply_refuses_overlaps() {
        apply(b"abcdef", &[ed(0, 3, "x"), ed(2, 4, "y")]);
    }

    #[test]
    #[should_panic(expected = "outside")]
    fn apply_refuses_out_of_range() {
        apply(b"abc", &[ed(2, 9, "x")]);
    }

    /// A brute-force check of `merge` against its definition on small random inputs.
    #[test]
    fn merge_matches_a_naive_model() {
        let mut seed: u64 = 0x9e3779b97f4a7c15;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        for _ in 0..2000 {
            let n = 1 + next(5);
            let cands: Vec<FixCandidate> = (0..n)
                .map(|id| {
                    let k = next(3) + 1;
                    let edits = (0..k)
                        .map(|_| {
                            let s = next(12);
                            let len = next(3);
                            ed(s, s + len, ["a", "b"][next(2)])
                        })
                        .collect();
                    cand(id, edits)
                })
                .collect();
            let m = merge(&cands);
            // The accepted edits are sorted and pairwise compatible.
            for w in m.edits.windows(2) {
                assert!(edit_order(&w[0], &w[1]) != Ordering::Greater);
                assert_eq!(relation(&w[0], &w[1]), Relation::Disjoint, "{:?}", m.edits);
            }
            // Every candidate is accounted for exactly once.
            let mut all: Vec<usize> = m.applied.iter().chain(&m.conflicts).copied().collect();
            all.sort();
            assert_eq!(all, (0..n).collect::<Vec<_>>());
            // Applied candidates are wholly present; the naive model agrees on conflicts.
            let mut accepted: Vec<Edit> = Vec::new();
            for c in &cands {
                let ok_inside = c.edits.iter().enumerate().all(|(i, a)| {
                    c.edits[..i]
                        .iter()
                        .all(|b| relation(a, b) != Relation::Overlap)
                });
                let ok_outside = c
                    .edits
                    .iter()
                    .all(|a| accepted.iter().all(|b| relation(a, b) != Relation::Overlap));
                if ok_inside && ok_outside {
                    assert!(m.applied.contains(&c.id));
                    for e in &c.edits {
                        assert!(m.edits.contains(e));
                        if !accepted.contains(e) {
                            accepted.push(e.clone());
                        }
                    }
                } else {
                    assert!(m.conflicts.contains(&c.id));
                }
            }
            assert_eq!(accepted.len(), m.edits.len());
        }
    }
}
