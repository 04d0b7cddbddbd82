//! The byte-level test that decides what gets parsed. Most Go files have no `defer` and
//! start no goroutine; they cost one scan of their bytes.

use memchr::memmem;

/// The file can hold code that runs later: a `defer`, a `go` statement, or a callback
/// handed to `AfterFunc` or a group's `Go`.
pub fn may_run_later(src: &[u8]) -> bool {
    memmem::find(src, b"defer").is_some()
        || memmem::find(src, b"go func").is_some()
        || memmem::find(src, b"AfterFunc").is_some()
        || memmem::find(src, b".Go(").is_some()
}

/// The name in the package clause, read without parsing: what follows `package` after
/// an optional UTF-8 byte order mark, white space and comments, as Go's scanner reads
/// it. `None` when the file does not start that way (it is not Go source). Bytes that
/// are not UTF-8 inside comments do not matter here.
pub fn package_name(src: &[u8]) -> Option<String> {
    let mut s = src.strip_prefix(b"\xef\xbb\xbf").unwrap_or(src);
    loop {
        s = s.trim_ascii_start();
        if let Some(rest) = s.strip_prefix(b"//") {
            s = &rest[memchr::memchr(b'\n', rest).unwrap_or(rest.len())..];
        } else if let Some(rest) = s.strip_prefix(b"/*") {
            s = &rest[memmem::find(rest, b"*/")? + 2..];
        } else {
            break;
        }
    }
    let rest = s.strip_prefix(b"package")?;
    // `package` must end there: white space or a comment follows it.
    if !rest
        .first()
        .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
    {
        return None;
    }
    let mut rest = rest;
    loop {
        // Only spaces, tabs and comments may sit between `package` and the name (a
        // newline would end the clause).
        rest = rest
            .strip_prefix(b" ")
            .or_else(|| rest.strip_prefix(b"\t"))
            .unwrap_or(rest);
        if rest.starts_with(b" ") || rest.starts_with(b"\t") {
            continue;
        }
        match rest.strip_prefix(b"/*") {
            Some(c) => rest = &c[memmem::find(c, b"*/")? + 2..],
            None => break,
        }
    }
    let end = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80))
        .unwrap_or(rest.len());
    let name = std::str::from_utf8(&rest[..end]).ok()?;
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_later_code() {
        assert!(may_run_later(b"func f() { defer mu.Unlock() }"));
        assert!(may_run_later(b"go func() {}()"));
        assert!(!may_run_later(b"package p\nfunc f() { g() }"));
    }

    #[test]
    fn package_clause() {
        assert_eq!(
            package_name(b"// c\n/* x\n*/\npackage foo_test // x\n").as_deref(),
            Some("foo_test")
        );
        assert_eq!(package_name(b"package main\n").as_deref(), Some("main"));
        assert_eq!(package_name(b"func x"), None);
        assert_eq!(package_name(b""), None);
        assert_eq!(package_name(b"packages x"), None);
        assert_eq!(package_name(b"package\n"), None);
        assert_eq!(package_name(b"\x8a\x01package p"), None);
        // A byte order mark, tabs, CRLF, comments on the same line, bytes that are not
        // UTF-8 in a comment: all as Go reads them.
        for src in [
            &b"\xef\xbb\xbfpackage store\n"[..],
            b"package\tstore\r\n",
            b"/* a */ package /* b */ store; import \"x\"",
            b"// caf\xe9\r\npackage store",
            b"//go:build linux\n\n// Package store ...\npackage store // import \"x/store\"\n",
        ] {
            assert_eq!(package_name(src).as_deref(), Some("store"), "{src:?}");
        }
    }
}
