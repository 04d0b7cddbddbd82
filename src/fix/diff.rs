//! Git-style unified diffs that `git apply` and `patch -p1` turn back into exactly
//! the new bytes.
//!
//! Lines are split on `\n` only, as git and patch split them, and keep their line
//! ending: a CRLF file's lines carry their `\r` into the diff, a lone `\r` stays inside
//! its line, and a missing final newline gets git's `\ No newline at end of file`.
//! The diff is computed on bytes, so any input works.

use similar::{Algorithm, DiffOp, DiffTag};

/// Lines of unchanged context around each change, as git and `diff -u` use.
const CONTEXT: usize = 3;

/// A git-style unified diff from `old` to `new` for `path` (relative, `/`-separated,
/// without the `a/`/`b/` prefixes). Empty when the two are equal.
///
/// When the text diff would not be valid UTF-8 (the changed lines or their context
/// hold bytes that are not), a `String` cannot carry it; the result is then a git
/// binary patch (`GIT binary patch`, full index line) that `git apply` still applies
/// exactly. [`unified_diff_bytes`] always returns the text form.
pub fn unified_diff(path: &str, old: &[u8], new: &[u8]) -> String {
    let text = unified_diff_bytes(path, old, new);
    match String::from_utf8(text) {
        Ok(s) => s,
        Err(_) => binary_patch(path, old, new),
    }
}

/// Like [`unified_diff`], as raw bytes: the text diff whatever bytes the files hold.
/// Write it to a byte sink (stdout, a file) and both `git apply` and `patch -p1`
/// reproduce `new`.
pub fn unified_diff_bytes(path: &str, old: &[u8], new: &[u8]) -> Vec<u8> {
    if old == new {
        return Vec::new();
    }
    let old_lines = split_lines(old);
    let new_lines = split_lines(new);
    let ops = similar::capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let ops = renumber(ops, old_lines.len(), new_lines.len());
    let groups = similar::group_diff_ops(ops, CONTEXT);

    let mut out = Vec::with_capacity(old.len().min(4096));
    header(&mut out, path);
    for group in groups {
        hunk(&mut out, &group, &old_lines, &new_lines);
    }
    out
}

/// The ops with their positions recomputed from their lengths, in order. similar 2.7's
/// Myers diff can report a wrong `new_index` on a leading `Delete` (for old
/// `"\n\xff\n\r\n\n"` and new `"\r\n\xff\r\n\r\r\n\r\n"` it gives 3 for 0), which
/// made a hunk header `@@ -1,4 +4 @@` that `patch` refuses. The lengths are right; if
/// they ever do not add up to both files, one replacement of everything is used.
fn renumber(ops: Vec<DiffOp>, old_len: usize, new_len: usize) -> Vec<DiffOp> {
    let (mut o, mut n) = (0, 0);
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        let (ol, nl) = (op.old_range().len(), op.new_range().len());
        out.push(match op {
            DiffOp::Equal { len, .. } => DiffOp::Equal {
                old_index: o,
                new_index: n,
                len,
            },
            DiffOp::Delete { old_len, .. } => DiffOp::Delete {
                old_index: o,
                old_len,
                new_index: n,
            },
            DiffOp::Insert { new_len, .. } => DiffOp::Insert {
                old_index: o,
                new_index: n,
                new_len,
            },
            DiffOp::Replace {
                old_len, new_len, ..
            } => DiffOp::Replace {
                old_index: o,
                old_len,
                new_index: n,
                new_len,
            },
        });
        o += ol;
        n += nl;
    }
    if (o, n) != (old_len, new_len) {
        return vec![DiffOp::Replace {
            old_index: 0,
            old_len,
            new_index: 0,
            new_len,
        }];
    }
    out
}

/// Lines including their `\n`; the last one lacks it when the file does not end in one.
fn split_lines(src: &[u8]) -> Vec<&[u8]> {
    src.split_inclusive(|&b| b == b'\n').collect()
}

fn header(out: &mut Vec<u8>, path: &str) {
    let a = quote_path("a/", path);
    let b = quote_path("b/", path);
    // git ends a name holding a space with a tab on these two lines, so that `patch`
    // can tell where the name stops.
    let tab = if path.contains(' ') { "\t" } else { "" };
    out.extend_from_slice(format!("diff --git {a} {b}\n--- {a}{tab}\n+++ {b}{tab}\n").as_bytes());
}

fn hunk(out: &mut Vec<u8>, group: &[DiffOp], old: &[&[u8]], new: &[&[u8]]) {
    let (Some(first), Some(last)) = (group.first(), group.last()) else {
        return;
    };
    let old_range = first.old_range().start..last.old_range().end;
    let new_range = first.new_range().start..last.new_range().end;
    out.extend_from_slice(
        format!(
            "@@ -{} +{} @@\n",
            hunk_range(old_range.start, old_range.len()),
            hunk_range(new_range.start, new_range.len())
        )
        .as_bytes(),
    );
    for op in group {
        let (tag, o, n) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => lines(out, b' ', &old[o]),
            DiffTag::Delete => lines(out, b'-', &old[o]),
            DiffTag::Insert => lines(out, b'+', &new[n]),
            DiffTag::Replace => {
                lines(out, b'-', &old[o]);
                lines(out, b'+', &new[n]);
            }
        }
    }
}

/// `start` is 0-based. An empty range names the line before it, as `diff -u` does.
fn hunk_range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

fn lines(out: &mut Vec<u8>, sign: u8, lines: &[&[u8]]) {
    for line in lines {
        out.push(sign);
        out.extend_from_slice(line);
        if !line.ends_with(b"\n") {
            out.extend_from_slice(b"\n\\ No newline at end of file\n");
        }
    }
}

/// `prefix` + `path`, C-quoted the way git quotes names it prints (with its default
/// `core.quotePath`): quotes, backslashes, control characters and non-ASCII bytes
/// force quoting. `git apply` and GNU patch both read the quoted form.
fn quote_path(prefix: &str, path: &str) -> String {
    let needs = path
        .bytes()
        .any(|b| !(0x20..0x7f).contains(&b) || b == b'"' || b == b'\\');
    if !needs {
        return format!("{prefix}{path}");
    }
    let mut s = String::from("\"");
    s.push_str(prefix);
    for b in path.bytes() {
        match b {
            0x07 => s.push_str("\\a"),
            0x08 => s.push_str("\\b"),
            b'\t' => s.push_str("\\t"),
            b'\n' => s.push_str("\\n"),
            0x0b => s.push_str("\\v"),
            0x0c => s.push_str("\\f"),
            b'\r' => s.push_str("\\r"),
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b if !(0x20..0x7f).contains(&b) => s.push_str(&format!("\\{b:03o}")),
            b => s.push(b as char),
        }
    }
    s.push('"');
    s
}

/// A git binary patch replacing `old` with `new` wholesale (`literal` both ways).
/// git requires the full object ids of both sides to apply one, and checks the
/// preimage against the old id, so a stale patch is refused rather than misapplied.
fn binary_patch(path: &str, old: &[u8], new: &[u8]) -> String {
    let a = quote_path("a/", path);
    let b = quote_path("b/", path);
    let mut s = format!(
        "diff --git {a} {b}\nindex {}..{}\nGIT binary patch\n",
        blob_id(old),
        blob_id(new)
    );
    literal(&mut s, new);
    literal(&mut s, old);
    s
}

/// git's blob id: SHA-1 of `blob <len>\0` and the bytes.
fn blob_id(data: &[u8]) -> String {
    match git2::Oid::hash_object(git2::ObjectType::Blob, data) {
        Ok(oid) => oid.to_string(),
        // Hashing in memory does not fail; an all-zero id makes git refuse the patch.
        Err(_) => "0".repeat(40),
    }
}

fn literal(s: &mut String, data: &[u8]) {
    s.push_str(&format!("literal {}\n", data.len()));
    let z = zlib_stored(data);
    for chunk in z.chunks(52) {
        let n = chunk.len();
        s.push(if n <= 26 {
            (b'A' + n as u8 - 1) as char
        } else {
            (b'a' + n as u8 - 27) as char
        });
        base85(s, chunk);
        s.push('\n');
    }
    s.push('\n');
}

/// A zlib stream of uncompressed ("stored") deflate blocks: valid input for git's
/// inflate, and simple enough to need no compression library.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut z = vec![0x78, 0x01];
    let mut blocks = data.chunks(0xffff).peekable();
    if blocks.peek().is_none() {
        z.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        z.push(u8::from(blocks.peek().is_none()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    z.extend_from_slice(&adler32(data).to_be_bytes());
    z
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// git's base85: groups of four bytes (the last one zero-padded), five digits each.
fn base85(s: &mut String, data: &[u8]) {
    const DIGITS: &[u8; 85] =
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
    for group in data.chunks(4) {
        let mut word = [0u8; 4];
        word[..group.len()].copy_from_slice(group);
        let mut acc = u32::from_be_bytes(word);
        let mut digits = [0u8; 5];
        for d in digits.iter_mut().rev() {
            *d = DIGITS[(acc % 85) as usize];
            acc /= 85;
        }
        s.extend(digits.iter().map(|&d| d as char));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::{Command, Stdio};

    fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> (bool, String) {
        use std::io::Write;
        let mut cmd = Command::new(args[0]);
        cmd.args(&args[1..])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Keep the user's and the machine's git configuration out of the test.
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", dir);
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e} (is it installed?)", args[0]));
        let input = stdin.unwrap_or_default().to_vec();
        let mut pipe = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    fn git(dir: &Path, args: &[&str]) {
        let mut full = vec![
            "git",
            "-c",
            "core.autocrlf=false",
            "-c",
            "core.safecrlf=false",
        ];
        full.extend_from_slice(args);
        let (ok, text) = run(dir, &full, None);
        assert!(ok, "git {args:?} failed: {text}");
    }

    /// Commit `old` as `path` in a fresh repository, apply `patch` with `git apply`, and
    /// require the file to hold exactly `new` afterwards.
    fn git_applies(path: &str, old: &[u8], new: &[u8], patch: &[u8]) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q"]);
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, old).unwrap();
        git(dir, &["add", "-A"]);
        git(
            dir,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-q",
                "-m",
                "old",
            ],
        );
        let patch_file = dir.join("..").join(format!(
            "{}.patch",
            dir.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&patch_file, patch).unwrap();
        let p = patch_file.to_str().unwrap();
        let base = ["git", "-c", "core.autocrlf=false", "apply"];
        let (ok, text) = run(dir, &[&base[..], &["--check", p]].concat(), None);
        assert!(
            ok,
            "git apply --check refused:\n{text}\n---\n{}",
            String::from_utf8_lossy(patch)
        );
        let (ok, text) = run(dir, &[&base[..], &[p]].concat(), None);
        assert!(ok, "git apply failed:\n{text}");
        let _ = std::fs::remove_file(&patch_file);
        let got = std::fs::read(&file).unwrap();
        assert_eq!(
            got,
            new,
            "git apply produced different bytes:\n{:?}\nwanted\n{:?}",
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(new)
        );
    }

    fn roundtrip(old: &[u8], new: &[u8]) -> String {
        let bytes = unified_diff_bytes("pkg/a.go", old, new);
        git_applies("pkg/a.go", old, new, &bytes);
        let s = unified_diff("pkg/a.go", old, new);
        git_applies("pkg/a.go", old, new, s.as_bytes());
        s
    }

    #[test]
    fn equal_inputs_give_an_empty_diff() {
        assert_eq!(unified_diff("a.go", b"x\n", b"x\n"), "");
        assert!(unified_diff_bytes("a.go", b"", b"").is_empty());
    }

    #[test]
    fn simple_change_looks_like_git() {
        let old = b"package p\n\nfunc f() {\n\ta()\n\tb()\n\tc()\n}\n";
        let new = b"package p\n\nfunc f() {\n\ta()\n\tB()\n\tc()\n}\n";
        let d = roundtrip(old, new);
        assert_eq!(
            d,
            "diff --git a/pkg/a.go b/pkg/a.go\n--- a/pkg/a.go\n+++ b/pkg/a.go\n\
             @@ -2,6 +2,6 @@\n \n func f() {\n \ta()\n-\tb()\n+\tB()\n \tc()\n }\n"
        );
    }

    #[test]
    fn crlf_lines_keep_their_carriage_returns() {
        let old = b"package p\r\n\r\nfunc f() {\r\n\ta()\r\n}\r\n";
        let new = b"package p\r\n\r\nfunc f() {\r\n\tmu.Lock()\r\n\ta()\r\n}\r\n";
        let d = roundtrip(old, new);
        assert!(d.contains("+\tmu.Lock()\r\n"), "{d:?}");
        assert!(d.contains(" \ta()\r\n"), "{d:?}");
    }

    #[test]
    fn mixed_and_lone_carriage_returns() {
        let old = b"a\r\nb\rc\nd\n";
        let new = b"a\r\nb\rC\nd\r\n";
        roundtrip(old, new);
    }

    #[test]
    fn bom_is_kept() {
        let old = b"\xef\xbb\xbfpackage p\n\nvar x = 1\n";
        let new = b"\xef\xbb\xbfpackage p\n\nvar x = 2\n";
        roundtrip(old, new);
        // An edit of the first line itself.
        roundtrip(old, b"\xef\xbb\xbfpackage q\n\nvar x = 1\n");
    }

    #[test]
    fn missing_final_newline_on_either_side() {
        let d = roundtrip(b"a\nb\nc", b"a\nb\nC");
        assert_eq!(
            d.matches("\\ No newline at end of file\n").count(),
            2,
            "{d}"
        );
        let d = roundtrip(b"a\nb\nc", b"a\nb\nc\n");
        assert_eq!(d.matches("\\ No newline").count(), 1, "{d}");
        assert!(d.contains("-c\n\\ No newline at end of file\n+c\n"), "{d}");
        let d = roundtrip(b"a\nb\nc\n", b"a\nb\nc");
        assert!(d.contains("-c\n+c\n\\ No newline at end of file\n"), "{d}");
        // Unchanged last line without newline, used as context.
        let d = roundtrip(b"a\nb\nc", b"A\nb\nc");
        assert!(d.ends_with(" c\n\\ No newline at end of file\n"), "{d}");
        roundtrip(b"x", b"y");
    }

    #[test]
    fn edits_at_the_first_and_last_lines() {
        let old: Vec<u8> = (1..=20)
            .map(|i| format!("line {i}\n"))
            .collect::<String>()
            .into();
        let mut new = old.clone();
        new[0] = b'L';
        let n = new.len();
        new[n - 8] = b'L';
        let d = roundtrip(&old, &new);
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
        assert!(d.contains("@@ -1,4 +1,4 @@\n"), "{d}");
        assert!(d.contains("@@ -17,4 +17,4 @@\n"), "{d}");
        // Insertion before the first line and after the last.
        let mut new = b"// head\n".to_vec();
        new.extend_from_slice(&old);
        new.extend_from_slice(b"// tail\n");
        let d = roundtrip(&old, &new);
        assert!(d.contains("@@ -1,3 +1,4 @@\n+// head\n"), "{d}");
    }

    #[test]
    fn far_apart_changes_make_separate_hunks_and_near_ones_merge() {
        let old: String = (1..=40).map(|i| format!("\tx{i}()\n")).collect();
        let new = old
            .replace("\tx5()\n", "\tX5()\n")
            .replace("\tx20()\n", "\tX20()\n")
            .replace("\tx25()\n", "\tX25()\n")
            .replace("\tx38()\n", "\tX38()\n");
        let d = roundtrip(old.as_bytes(), new.as_bytes());
        // x20 and x25 are 4 lines apart: within 2×3 lines of context, one hunk.
        assert_eq!(d.matches("@@ -").count(), 3, "{d}");
    }

    #[test]
    fn tabs_and_unicode_survive() {
        let old = "package p\n\n// héllo\tworld\nvar m = map[string]int{\n\t\"é\":\t1,\n}\n";
        let new = "package p\n\n// héllo\tworld\nvar m = map[string]int{\n\t\"é\":\t2,\n}\n";
        let d = roundtrip(old.as_bytes(), new.as_bytes());
        assert!(d.contains("+\t\"é\":\t2,\n"), "{d}");
    }

    #[test]
    fn from_and_to_empty() {
        roundtrip(b"", b"package p\n");
        roundtrip(b"package p\n", b"");
    }

    #[test]
    fn invalid_utf8_applies_as_text_bytes_and_as_a_binary_string() {
        let old = b"package p\n\n// caf\xe9\nvar x = 1\n";
        let new = b"package p\n\n// caf\xe9\nvar x = 2\n";
        let s = roundtrip(old, new);
        assert!(s.contains("GIT binary patch"), "{s}");
        // Invalid bytes far from the change stay out of the hunk: plain text then.
        let mut old2 = b"// \xff\n".to_vec();
        old2.extend((1..=10).flat_map(|i| format!("l{i}\n").into_bytes()));
        let new2 = [&old2[..], b"l11\n"].concat();
        let s = roundtrip(&old2, &new2);
        assert!(s.starts_with("diff --git") && !s.contains("binary"), "{s}");
    }

    #[test]
    fn hunk_positions_do_not_trust_the_diff_library() {
        let old = b"\n\xff\n\r\n\n";
        let new = b"\r\n\xff\r\n\r\r\n\r\n";
        let d = unified_diff_bytes("f", old, new);
        assert!(
            d.windows(13).any(|w| w == b"@@ -1,4 +1,4 "),
            "{}",
            String::from_utf8_lossy(&d)
        );
    }

    #[test]
    fn larger_binary_patch_spans_many_lines_and_blocks() {
        let mut old: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
        old.push(b'\n');
        let mut new = old.clone();
        new[100] ^= 0x55;
        new[69_000] ^= 0x55;
        roundtrip(&old, &new);
    }

    #[test]
    fn names_with_spaces_and_quotes() {
        for path in ["dir with space/a b.go", "we\"ird\\näme.go"] {
            let old = b"a\nb\n";
            let new = b"a\nB\n";
            let d = unified_diff(path, old, new);
            git_applies(path, old, new, d.as_bytes());
        }
        assert!(unified_diff("x y.go", b"a\n", b"b\n").contains("--- a/x y.go\t\n"));
        assert!(unified_diff("ä.go", b"a\n", b"b\n").starts_with("diff --git \"a/\\303\\244.go\""));
    }

    /// Random edits of random line soup (CRLF, lone CR, missing final newline,
    /// invalid UTF-8, tabs, empty lines): every diff must apply back exactly.
    #[test]
    fn random_edits_round_trip() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let pieces: [&[u8]; 9] = [
            b"\tx := 1",
            b"}",
            b"",
            b"// c\xff",
            b"\r",
            b"func f() {",
            b"a\rb",
            b"  ",
            b"\t\t",
        ];
        let eols: [&[u8]; 3] = [b"\n", b"\r\n", b"\n"];
        for _ in 0..25 {
            let mut lines: Vec<Vec<u8>> = (0..next(30))
                .map(|_| [pieces[next(pieces.len())], eols[next(eols.len())]].concat())
                .collect();
            let old: Vec<u8> = lines.concat();
            for _ in 0..=next(4) {
                let at = next(lines.len() + 1);
                match next(3) {
                    0 if at < lines.len() => {
                        lines.remove(at);
                    }
                    1 if at < lines.len() => lines[at] = b"\tchanged\r\n".to_vec(),
                    _ => lines.insert(at, b"\tinserted\n".to_vec()),
                }
            }
            let mut new: Vec<u8> = lines.concat();
            if next(3) == 0 && new.ends_with(b"\n") {
                new.pop();
            }
            if old == new {
                continue;
            }
            git_applies("r.go", &old, &new, &unified_diff_bytes("r.go", &old, &new));
            git_applies(
                "r.go",
                &old,
                &new,
                unified_diff("r.go", &old, &new).as_bytes(),
            );
        }
    }

    #[test]
    fn zlib_and_base85_match_known_values() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        let mut s = String::new();
        base85(&mut s, b"\0\0\0\0");
        assert_eq!(s, "00000");
        let mut s = String::new();
        base85(&mut s, &[0xff; 4]);
        assert_eq!(s, "|NsC0");
    }
}
