//! The fuzz target's checks (`defuse::fuzzing::check_engine`: no panic, no new syntax
//! errors from a fix, fixing twice equals fixing once) over the seed corpus, every
//! `testdata/**/*.go`, and a few hundred variants of it made deterministically here:
//! byte flips, truncations, duplications, deletions and inserted Go tokens. This is the
//! fuzzer's smoke mode where no nightly toolchain is at hand, and it runs in every
//! `cargo test`. `scripts/fuzz-smoke` runs the real fuzzer when it can.

use std::path::{Path, PathBuf};

use crate::support::{repo_root, testdata};

/// Variants made from each seed.
const VARIANTS_PER_SEED: usize = 16;

fn seeds() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![testdata()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "go") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// xorshift64*: the same variants on every machine and every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens worth inserting: they open or close nesting, start defers and closures, or
/// are bytes Go files rarely hold (CR, a BOM, NUL, a stray UTF-8 continuation byte).
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"(",
    b")",
    b"defer ",
    b"go ",
    b"func() {",
    b"}()",
    b"\n",
    b"\r\n",
    b"\r",
    b"\xef\xbb\xbf",
    b"\0",
    b"\x80",
    b"\"",
    b"`",
    b"/*",
    b"//defuse:ignore deferred-write-unlocked why\n",
    b"mu.Lock()\n",
    b"mu.Unlock()\n",
    b"delete(m, k)\n",
    b"for {\n",
    b"break\n",
    b"goto L\nL:\n",
];

fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = seed.to_vec();
    let edits = 1 + rng.below(4);
    for _ in 0..edits {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            // Flip one byte.
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            // Truncate.
            1 => v.truncate(at),
            // Duplicate a range in place.
            2 => {
                let len = rng.below((v.len() - at).min(512) + 1);
                let chunk = v[at..at + len].to_vec();
                v.splice(at..at, chunk);
            }
            // Delete a range.
            3 => {
                let len = rng.below((v.len() - at).min(64) + 1);
                v.drain(at..at + len);
            }
            // Turn every LF into CRLF.
            4 if rng.below(4) == 0 => {
                let mut out = Vec::with_capacity(v.len() + v.len() / 16);
                for &b in &v {
                    if b == b'\n' {
                        out.push(b'\r');
                    }
                    out.push(b);
                }
                v = out;
            }
            // Insert a token.
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
        }
    }
    v
}

fn check(name: &str, src: &[u8]) {
    if let Err(panic) = std::panic::catch_unwind(|| defuse::fuzzing::check_engine(src)) {
        let why = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let dump = std::env::temp_dir().join(format!(
            "defuse-fuzz-corpus-{}.go",
            name.replace(['/', ' '], "_")
        ));
        let _ = std::fs::write(&dump, src);
        panic!(
            "{name}: {why}\n(input saved to {}; add it to tests/bad_input.rs as a regression test)",
            dump.display()
        );
    }
}

#[test]
fn every_seed_passes_the_fuzz_checks() {
    let seeds = seeds();
    assert!(seeds.len() >= 30, "testdata seeds missing: {}", seeds.len());
    for p in &seeds {
        let name = rel(p);
        check(&name, &std::fs::read(p).unwrap());
    }
}

#[test]
fn mutated_seeds_pass_the_fuzz_checks() {
    let seeds = seeds();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut n = 0;
    for p in &seeds {
        let seed = std::fs::read(p).unwrap();
        for i in 0..VARIANTS_PER_SEED {
            check(&format!("{} variant {i}", rel(p)), &mutate(&seed, &mut rng));
            n += 1;
        }
    }
    assert!(n >= 300, "only {n} variants");
}

fn rel(p: &Path) -> String {
    p.strip_prefix(repo_root())
        .unwrap_or(p)
        .display()
        .to_string()
}
