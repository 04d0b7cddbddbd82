//! Go language versions, and the version a file's `//go:build` line selects.
//!
//! Only the language version matters to defuse (`go1.22` changed `for` loop variables
//! to be per iteration), so a [`GoVersion`] keeps major and minor and drops the patch
//! and pre-release parts: `1.21.3` and `1.22rc1` are `go1.21` and `go1.22`.

use std::fmt;
use std::str::FromStr;

use super::header;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
}

impl GoVersion {
    /// The version assumed for files outside any module (and outside any workspace).
    ///
    /// go1.22 is the first release with per-iteration loop variables; assuming it
    /// for loose files means defuse does not report loop-variable capture that the
    /// current toolchains compile safely. `[go] default-version` in defuse.toml
    /// overrides it (see [`super::DiscoverOptions::default_version`]).
    pub const DEFAULT: GoVersion = GoVersion::new(1, 22);

    /// What the go command assumes for a `go.mod` without a `go` line
    /// (`gover.DefaultGoModVersion` in cmd/go: "must stay at Go 1.16").
    pub const GO_MOD_WITHOUT_GO_LINE: GoVersion = GoVersion::new(1, 16);

    /// What the go command assumes for a `go.work` without a `go` line
    /// (`gover.DefaultGoWorkVersion`: workspaces arrived in Go 1.18).
    pub const GO_WORK_WITHOUT_GO_LINE: GoVersion = GoVersion::new(1, 18);

    /// The floor a `//go:build go1.N` line can lower a file to (see [`build_constraint_version`]).
    pub const BUILD_CONSTRAINT_FLOOR: GoVersion = GoVersion::new(1, 21);

    pub const fn new(major: u32, minor: u32) -> GoVersion {
        GoVersion { major, minor }
    }

    /// Since go1.22 each iteration of a `for` loop has its own loop variables.
    pub fn has_per_iteration_loop_vars(self) -> bool {
        self >= GoVersion::new(1, 22)
    }

    /// Parses "1.21", "1.21.3", "go1.21", "1.22rc1", "go1.21.0", "1.23beta2".
    pub fn parse(s: &str) -> Option<GoVersion> {
        let s = s.strip_prefix("go").unwrap_or(s);
        let (major, rest) = split_number(s)?;
        let rest = rest.strip_prefix('.')?;
        let (minor, mut rest) = split_number(rest)?;
        if let Some(patch) = rest.strip_prefix('.') {
            let (_patch, after) = split_number(patch)?;
            rest = after;
        }
        // A pre-release suffix: lowercase letters then digits ("rc1", "beta2").
        let letters = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        let (tag, number) = rest.split_at(letters);
        if !(number.bytes().all(|b| b.is_ascii_digit()) && (tag.is_empty() == number.is_empty())) {
            return None;
        }
        Some(GoVersion { major, minor })
    }
}

/// Splits leading ASCII digits off `s` and parses them.
fn split_number(s: &str) -> Option<(u32, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let n = s[..digits].parse().ok()?;
    Some((n, &s[digits..]))
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "go{}.{}", self.major, self.minor)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Go version `{0}` (expected a version like \"1.21\", \"1.21.3\" or \"go1.22\")")]
pub struct ParseGoVersionError(pub String);

impl FromStr for GoVersion {
    type Err = ParseGoVersionError;
    fn from_str(s: &str) -> Result<GoVersion, ParseGoVersionError> {
        GoVersion::parse(s.trim()).ok_or_else(|| ParseGoVersionError(s.to_string()))
    }
}

/// The language version a file's `//go:build` line gives it, if any.
///
/// This mirrors the Go toolchain:
///
/// * go/parser (and the compiler's syntax package) read `//go:build` lines only in
///   the file header, before the package clause; when several are present the last
///   one counts. A line that does not parse as a build expression is ignored.
/// * `go/build/constraint.GoVersion` takes the *minimum* Go release the expression
///   implies: `linux && go1.21` implies go1.21, `go1.21 || go1.22` implies go1.21,
///   `go1.21 || linux` and `!go1.22` imply nothing.
/// * go/types and types2 (Go 1.22 and later) then set the file's version to
///   `max(that, go1.21)`, whether that raises or lowers the module's version:
///   a file can move to go1.22 semantics in a go1.21 module, or back to go1.21
///   semantics in a go1.22 module, but never below go1.21 (the first release that
///   understood file-level versions). So `//go:build go1.18` in a go1.22 module
///   gives go1.21, and in a go1.16 module also go1.21. Go 1.21 itself only allowed
///   upgrades; defuse follows the current rule, which is what decides loop
///   semantics today.
pub fn build_constraint_version(src: &[u8]) -> Option<GoVersion> {
    let mut found = None;
    for comment in header::comments(src) {
        let header::Comment::Line(text) = comment else {
            continue;
        };
        let Some(expr) = go_build_expression(&text) else {
            continue;
        };
        // A later, unparsable //go:build line does not erase an earlier one's version
        // in go/parser either: it only assigns on successful parses.
        if let Some(expr) = Expr::parse(expr) {
            found = Some(expr.min_go_minor(true));
        }
    }
    let minor = found??;
    let v = GoVersion::new(1, minor);
    Some(v.max(GoVersion::BUILD_CONSTRAINT_FLOOR))
}

/// The expression of a `//go:build` line: the prefix must be followed by a space,
/// a tab or nothing (`//go:buildx` is another directive), as in `constraint.IsGoBuild`.
fn go_build_expression(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("//go:build")?;
    if rest.is_empty() || rest.starts_with([' ', '\t']) {
        Some(rest.trim())
    } else {
        None
    }
}

/// A parsed `//go:build` expression (`go/build/constraint` syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expr {
    Tag(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    fn parse(s: &str) -> Option<Expr> {
        let mut p = ExprParser {
            s: s.as_bytes(),
            pos: 0,
        };
        let e = p.or()?;
        p.skip_space();
        (p.pos == p.s.len()).then_some(e)
    }

    /// The minimum Go minor version the expression implies, or `None` when it implies
    /// no lower bound. `positive` is false under an odd number of `!`:
    /// `!(go1.21 || linux)` is `!go1.21 && !linux`, which implies nothing.
    fn min_go_minor(&self, positive: bool) -> Option<u32> {
        // andVersion is max (both must hold), orVersion is min (either may hold);
        // "no bound" behaves as the lowest possible version.
        fn and(a: Option<u32>, b: Option<u32>) -> Option<u32> {
            a.max(b)
        }
        fn or(a: Option<u32>, b: Option<u32>) -> Option<u32> {
            a.min(b)
        }
        match self {
            Expr::Tag(tag) => {
                if !positive {
                    return None;
                }
                if tag == "go1" {
                    return Some(0);
                }
                let minor = tag.strip_prefix("go1.")?;
                if minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                minor.parse().ok()
            }
            Expr::Not(x) => x.min_go_minor(!positive),
            Expr::And(x, y) => {
                let op = if positive { and } else { or };
                op(x.min_go_minor(positive), y.min_go_minor(positive))
            }
            Expr::Or(x, y) => {
                let op = if positive { or } else { and };
                op(x.min_go_minor(positive), y.min_go_minor(positive))
            }
        }
    }
}

struct ExprParser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl ExprParser<'_> {
    fn skip_space(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\t') {
            self.pos += 1;
        }
    }

    fn eat(&mut self, tok: &str) -> bool {
        self.skip_space();
        if self.s[self.pos..].starts_with(tok.as_bytes()) {
            self.pos += tok.len();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Option<Expr> {
        let mut x = self.and()?;
        while self.eat("||") {
            let y = self.and()?;
            x = Expr::Or(Box::new(x), Box::new(y));
        }
        Some(x)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut x = self.not()?;
        while self.eat("&&") {
            let y = self.not()?;
            x = Expr::And(Box::new(x), Box::new(y));
        }
        Some(x)
    }

    fn not(&mut self) -> Option<Expr> {
        if self.eat("!") {
            return Some(Expr::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Option<Expr> {
        if self.eat("(") {
            let x = self.or()?;
            return self.eat(")").then_some(x);
        }
        self.skip_space();
        let start = self.pos;
        while self.pos < self.s.len()
            && (self.s[self.pos].is_ascii_alphanumeric() || matches!(self.s[self.pos], b'_' | b'.'))
        {
            self.pos += 1;
        }
        if start == self.pos {
            return None;
        }
        Some(Expr::Tag(
            String::from_utf8_lossy(&self.s[start..self.pos]).into_owned(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(major: u32, minor: u32) -> GoVersion {
        GoVersion::new(major, minor)
    }

    #[test]
    fn parses_the_spellings_go_uses() {
        assert_eq!(GoVersion::parse("1.21"), Some(v(1, 21)));
        assert_eq!(GoVersion::parse("1.21.3"), Some(v(1, 21)));
        assert_eq!(GoVersion::parse("go1.21"), Some(v(1, 21)));
        assert_eq!(GoVersion::parse("1.22rc1"), Some(v(1, 22)));
        assert_eq!(GoVersion::parse("go1.23beta2"), Some(v(1, 23)));
        assert_eq!(GoVersion::parse("1.21.0"), Some(v(1, 21)));
        assert_eq!("  1.20 ".parse::<GoVersion>(), Ok(v(1, 20)));
    }

    #[test]
    fn rejects_what_is_not_a_version() {
        for bad in [
            "", "abc", "1", "go", "1.", ".21", "1.21.", "1.21x", "1.21rc", "1.21-rc1", "v1.21",
            "1.21 1",
        ] {
            assert_eq!(GoVersion::parse(bad), None, "{bad:?}");
        }
        let err = "abc".parse::<GoVersion>().unwrap_err();
        assert!(err.to_string().contains("`abc`"), "{err}");
    }

    #[test]
    fn displays_and_orders() {
        assert_eq!(v(1, 21).to_string(), "go1.21");
        assert!(v(1, 9) < v(1, 10));
        assert!(!v(1, 21).has_per_iteration_loop_vars());
        assert!(v(1, 22).has_per_iteration_loop_vars());
        assert!(GoVersion::DEFAULT.has_per_iteration_loop_vars());
    }

    fn bc(src: &str) -> Option<GoVersion> {
        build_constraint_version(src.as_bytes())
    }

    #[test]
    fn build_constraint_versions() {
        assert_eq!(bc("//go:build go1.21\n\npackage p\n"), Some(v(1, 21)));
        assert_eq!(bc("//go:build go1.23\npackage p\n"), Some(v(1, 23)));
        assert_eq!(
            bc("//go:build linux && go1.22\npackage p\n"),
            Some(v(1, 22))
        );
        assert_eq!(
            bc("//go:build (linux || darwin) && go1.22\npackage p\n"),
            Some(v(1, 22))
        );
        assert_eq!(
            bc("//go:build go1.22 || go1.23\npackage p\n"),
            Some(v(1, 22))
        );
        // Below the go1.21 floor: raised to go1.21.
        assert_eq!(bc("//go:build go1.18\npackage p\n"), Some(v(1, 21)));
        assert_eq!(bc("//go:build go1\npackage p\n"), Some(v(1, 21)));
        // No lower bound implied.
        assert_eq!(bc("//go:build go1.22 || linux\npackage p\n"), None);
        assert_eq!(bc("//go:build !go1.22\npackage p\n"), None);
        assert_eq!(bc("//go:build !(!go1.22)\npackage p\n"), Some(v(1, 22)));
        assert_eq!(
            bc("//go:build !(linux || !go1.22)\npackage p\n"),
            Some(v(1, 22))
        );
        assert_eq!(bc("//go:build linux\npackage p\n"), None);
        assert_eq!(bc("//go:build ignore\npackage p\n"), None);
        assert_eq!(bc("package p\n"), None);
    }

    #[test]
    fn build_constraint_only_in_the_header() {
        // After the package clause it is an ordinary comment.
        assert_eq!(bc("package p\n\n//go:build go1.21\n"), None);
        // Not a //go:build line.
        assert_eq!(bc("//go:buildx go1.21\npackage p\n"), None);
        assert_eq!(bc("// go:build go1.21\npackage p\n"), None);
        // Malformed expressions are ignored.
        assert_eq!(bc("//go:build go1.21 &&\npackage p\n"), None);
        assert_eq!(bc("//go:build (go1.21\npackage p\n"), None);
        // Comments, a block comment and a copyright header before it are fine.
        let src =
            "// Copyright 2024\n/* block */\n\n//go:build go1.21 && !windows\r\n\npackage p\n";
        assert_eq!(bc(src), Some(v(1, 21)));
        // The last //go:build line wins, as in go/parser.
        assert_eq!(
            bc("//go:build go1.23\n//go:build go1.22\npackage p\n"),
            Some(v(1, 22))
        );
    }
}
