//! Property tests for the edit merger and the diff writer.
//!
//! - `merge` never lets two applied edits overlap, takes each candidate whole or not at
//!   all, and `apply` keeps every byte outside the edits.
//! - For any old and new bytes (CRLF, lone CR, no final newline, bytes that are not
//!   UTF-8), applying `unified_diff_bytes` with GNU `patch -p1` gives exactly the bytes
//!   `write_atomic` writes. `patch` is required: without it the test fails, it does not
//!   skip (install it with `apt-get install -y patch`).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use defuse::finding::Edit;
use defuse::fix::{apply, merge, unified_diff_bytes, write_atomic, FixCandidate};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        // Failures are shown, not saved next to the tests.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text-like bytes: letters, line endings of every kind, and a byte that is not UTF-8.
fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"a".to_vec()),
        Just(b"b".to_vec()),
        Just(b"func f() {".to_vec()),
        Just(b"}".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\xff".to_vec()),
        Just("é".as_bytes().to_vec()),
        any::<u8>().prop_map(|b| vec![b]),
    ];
    prop::collection::vec(piece, 0..max).prop_map(|v| v.concat())
}

fn replacement() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![Just("x"), Just("yy"), Just("\n"), Just("\r\n"), Just("é")],
        0..4,
    )
    .prop_map(|v| v.concat())
}

/// Source and candidates with edits inside it (and now and then a malformed one).
fn source_and_candidates() -> impl Strategy<Value = (Vec<u8>, Vec<FixCandidate>)> {
    bytes(40).prop_flat_map(|src| {
        let len = src.len();
        let edit = (0..=len, 0..=len, replacement(), 0..10u8).prop_map(|(a, b, r, odd)| {
            let (start, end) = if odd == 0 {
                (a.max(b), a.min(b))
            } else {
                (a.min(b), a.max(b))
            };
            // Short ranges and insertions are the interesting ones.
            let end = if odd < 4 {
                start.max(end.min(start + 2))
            } else {
                end
            };
            Edit {
                start,
                end,
                replacement: r,
            }
        });
        let cand = prop::collection::vec(edit, 0..4);
        (Just(src), prop::collection::vec(cand, 0..7)).prop_map(|(src, cands)| {
            let cands = cands
                .into_iter()
                .enumerate()
                .map(|(id, edits)| FixCandidate { id, edits })
                .collect();
            (src, cands)
        })
    })
}

fn key(e: &Edit) -> (usize, usize, String) {
    (e.start, e.end, e.replacement.clone())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn merged_edits_never_overlap_and_candidates_are_all_or_nothing(
        (src, cands) in source_and_candidates()
    ) {
        let m = merge(&cands);
        // Every candidate is either applied or a conflict, once.
        let mut ids: Vec<usize> = m.applied.iter().chain(&m.conflicts).copied().collect();
        ids.sort_unstable();
        prop_assert_eq!(ids, (0..cands.len()).collect::<Vec<_>>());
        // Sorted, and no two edits overlap: ranges are disjoint, two insertions never
        // share an offset, an insertion never sits strictly inside a replacement.
        for w in m.edits.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            prop_assert!((a.start, a.end) <= (b.start, b.end), "unsorted {:?}", w);
            prop_assert!(a.end <= b.start, "overlap {:?}", w);
            prop_assert!(!(a.start == a.end && b.start == b.end && a.start == b.start), "two insertions at one offset {:?}", w);
        }
        for e in &m.edits {
            prop_assert!(e.start <= e.end && e.end <= src.len());
        }
        // All or nothing: the merged edits are exactly the edits of the applied
        // candidates (identical edits coalesce).
        let merged: BTreeSet<_> = m.edits.iter().map(key).collect();
        prop_assert_eq!(merged.len(), m.edits.len(), "duplicate edits");
        let from_applied: BTreeSet<_> = cands
            .iter()
            .filter(|c| m.applied.contains(&c.id))
            .flat_map(|c| c.edits.iter().map(key))
            .collect();
        prop_assert_eq!(&merged, &from_applied);
        // A conflict really conflicts: taken alone on top of the applied ones, it would
        // overlap (or is malformed in itself).
        for c in cands.iter().filter(|c| m.conflicts.contains(&c.id)) {
            let mut again: Vec<FixCandidate> =
                cands.iter().filter(|x| m.applied.contains(&x.id)).cloned().collect();
            again.push(c.clone());
            prop_assert!(merge(&again).conflicts.contains(&c.id));
        }
        // apply keeps every byte outside the edits, in order.
        let out = apply(&src, &m.edits);
        let mut pos = 0;
        let mut at = 0;
        for e in &m.edits {
            let keep = &src[pos..e.start];
            prop_assert_eq!(&out[at..at + keep.len()], keep);
            at += keep.len();
            let r = e.replacement.as_bytes();
            prop_assert_eq!(&out[at..at + r.len()], r);
            at += r.len();
            pos = e.end;
        }
        prop_assert_eq!(&out[at..], &src[pos..]);
    }

    #[test]
    fn patch_applies_the_diff_to_exactly_what_write_writes(
        old in bytes(30),
        new_parts in prop::collection::vec((any::<bool>(), bytes(6)), 0..8),
        independent in bytes(30),
        mode in 0..3u8,
    ) {
        // New text: an edited copy of the old (the usual case), the old with every LF
        // turned to CRLF, or unrelated bytes.
        let new = match mode {
            0 => {
                let mut v = old.clone();
                for (i, (insert, piece)) in new_parts.iter().enumerate() {
                    let at = if v.is_empty() { 0 } else { (i * 7919) % (v.len() + 1) };
                    if *insert {
                        v.splice(at..at, piece.iter().copied());
                    } else {
                        let end = (at + piece.len()).min(v.len());
                        v.drain(at..end);
                    }
                }
                v
            }
            1 => old.iter().flat_map(|&b| if b == b'\n' { vec![b'\r', b'\n'] } else { vec![b] }).collect(),
            _ => independent,
        };
        prop_assume!(old != new);
        let dir = tempfile::tempdir().unwrap();
        let path = "pkg/file name.go";
        let patched = dir.path().join("patched");
        let written = dir.path().join("written");
        for d in [&patched, &written] {
            std::fs::create_dir_all(d.join("pkg")).unwrap();
            std::fs::write(d.join(path), &old).unwrap();
        }
        let diff = unified_diff_bytes(path, &old, &new);
        let diff_file = dir.path().join("fix.diff");
        std::fs::write(&diff_file, &diff).unwrap();
        patch(&patched, &diff_file, &diff);
        write_atomic(&written.join(path), &old, &new, Some(&written)).unwrap();
        let got = std::fs::read(patched.join(path)).unwrap();
        prop_assert_eq!(&got, &new, "patch result differs; diff:\n{}", String::from_utf8_lossy(&diff));
        prop_assert_eq!(std::fs::read(written.join(path)).unwrap(), got);
    }
}

/// `patch -p1` in `dir`, byte for byte (`--binary`: no CRLF heuristics).
fn patch(dir: &Path, diff_file: &Path, diff: &[u8]) {
    let out = Command::new("patch")
        .args([
            "-p1",
            "--batch",
            "--binary",
            "--no-backup-if-mismatch",
            "--quiet",
            "-i",
        ])
        .arg(diff_file)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "GNU patch is required for this test and could not be run ({e}); \
                 install it with `apt-get install -y patch`"
            )
        });
    assert!(
        out.status.success(),
        "patch failed: {}{}\ndiff:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(diff)
    );
}
