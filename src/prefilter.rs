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

/// The name in the package clause, read without parsing.
pub fn package_name(src: &[u8]) -> Option<String> {
    let mut in_block_comment = false;
    for line in src.split(|&b| b == b'\n') {
        let line = std::str::from_utf8(line).ok()?.trim();
        if in_block_comment {
            if let Some(i) = line.find("*/") {
                in_block_comment = false;
                let rest = line[i + 2..].trim();
                if let Some(name) = rest.strip_prefix("package ") {
                    return Some(name.split_whitespace().next()?.to_string());
                }
            }
            continue;
        }
        if line.starts_with("/*") && !line.contains("*/") {
            in_block_comment = true;
            continue;
        }
        if let Some(name) = line.strip_prefix("package ") {
            return Some(
                name.split(|c: char| c.is_whitespace() || c == ';' || c == '/')
                    .next()?
                    .to_string(),
            );
        }
    }
    None
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
    }
}
