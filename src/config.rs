//! `defuse.toml`: which rules run, how severe they are, what to skip, which Go
//! version loose files have, and what `fix` applies by default.
//!
//! ```toml
//! [rules]
//! select = ["deferred-write-unlocked"]          # optional: only these rules
//! ignore = ["defer-in-loop-map-cleanup"]        # optional
//! [rules.severity]
//! deferred-closure-late-binding = "error"       # info | warning | error
//! [files]
//! exclude = ["internal/legacy/**", "*_gen.go"]  # gitignore-style, relative to this file
//! [go]
//! default-version = "1.21"                      # for files outside any module
//! [fix]
//! review-fixes = false                          # also apply review fixes by default
//! ```
//!
//! The file is found by walking up from the first scanned path; the nearest one
//! wins, and files further up are not merged in. Every table rejects unknown keys,
//! so that a typo is an error rather than a setting silently not applied.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use crate::discover::{strip_recursive_suffix, GoVersion};
use crate::finding::Severity;

/// The file name looked for.
pub const FILE_NAME: &str = "defuse.toml";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file this came from; `None` for the defaults.
    pub path: Option<PathBuf>,
    /// When set, only these rules run.
    pub select: Option<Vec<String>>,
    /// These rules do not run (applied after `select`).
    pub ignore: Vec<String>,
    /// Severities replacing the catalog's, by rule id.
    pub severity: BTreeMap<String, Severity>,
    /// gitignore-style globs of files and directories to skip, relative to the
    /// directory of the file (see [`Config::exclude_base`]).
    pub exclude: Vec<String>,
    /// The version of files outside any Go module.
    pub default_version: Option<GoVersion>,
    /// Apply review fixes as well as safe ones when fixing.
    pub review_fixes: bool,
}

impl Config {
    /// The directory `exclude` globs are relative to: the one holding the file.
    /// Pass it as `DiscoverOptions::exclude_base`.
    pub fn exclude_base(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    /// Checks that every rule id in `select`, `ignore` and `[rules.severity]` is one
    /// of `known`, so that a misspelt id is an error rather than ignored.
    pub fn validate_rule_ids(&self, known: &[&str]) -> Result<(), ConfigError> {
        let fields = self
            .select
            .iter()
            .flatten()
            .map(|id| ("select", id))
            .chain(self.ignore.iter().map(|id| ("ignore", id)))
            .chain(self.severity.keys().map(|id| ("severity", id)));
        for (field, id) in fields {
            if !known.contains(&id.as_str()) {
                return Err(ConfigError::UnknownRule {
                    path: self.display_path(),
                    field: if field == "severity" {
                        "[rules.severity]".into()
                    } else {
                        format!("[rules] {field}")
                    },
                    id: id.clone(),
                    suggestion: crate::catalog::closest(id, known).map(str::to_string),
                });
            }
        }
        Ok(())
    }

    fn display_path(&self) -> PathBuf {
        self.path
            .clone()
            .unwrap_or_else(|| PathBuf::from(FILE_NAME))
    }
}

/// What went wrong with a configuration file. Every message starts with the file;
/// [`ConfigError::help`] says what to do when the message does not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but could not be read.
    #[error("{}: cannot read configuration: {message}", .path.display())]
    Read { path: PathBuf, message: String },
    /// Invalid TOML or a bad value; `line`/`column` are 1-based.
    #[error("{}: {message}", location(.path, *.line, *.column))]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// A key the table does not have; `expected` are the ones it has.
    #[error("{}: unknown key `{key}`, {}", location(.path, *.line, *.column), expected_keys(.expected))]
    UnknownKey {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        key: String,
        expected: Vec<String>,
    },
    /// A rule id that is not in the catalog.
    #[error("{}: unknown rule `{id}` in {field}", .path.display())]
    UnknownRule {
        path: PathBuf,
        /// Where: `[rules] select`, `[rules] ignore` or `[rules.severity]`.
        field: String,
        id: String,
        suggestion: Option<String>,
    },
}

impl ConfigError {
    pub fn path(&self) -> &Path {
        match self {
            ConfigError::Read { path, .. }
            | ConfigError::Invalid { path, .. }
            | ConfigError::UnknownKey { path, .. }
            | ConfigError::UnknownRule { path, .. } => path,
        }
    }

    /// What to do, in one line: the key or rule meant, when one is close.
    pub fn help(&self) -> Option<String> {
        match self {
            ConfigError::UnknownKey { key, expected, .. } => {
                let known: Vec<&str> = expected.iter().map(String::as_str).collect();
                crate::catalog::closest(key, &known).map(|k| format!("did you mean `{k}`?"))
            }
            ConfigError::UnknownRule { suggestion, .. } => {
                Some(crate::catalog::unknown_rule_help(suggestion.as_deref()))
            }
            ConfigError::Read { .. } | ConfigError::Invalid { .. } => None,
        }
    }
}

/// `path`, `path:line` or `path:line:column`.
fn location(path: &Path, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", path.display()),
        (Some(l), None) => format!("{}:{l}", path.display()),
        _ => path.display().to_string(),
    }
}

/// serde's words for the keys a table has: "expected `a`", "expected one of `a`, `b`".
fn expected_keys(expected: &[String]) -> String {
    let quoted: Vec<String> = expected.iter().map(|k| format!("`{k}`")).collect();
    match quoted.as_slice() {
        [] => "there are no keys".to_string(),
        [one] => format!("expected {one}"),
        _ => format!("expected one of {}", quoted.join(", ")),
    }
}

/// The nearest `defuse.toml` in the directory of `start` or one of its ancestors.
///
/// `start` is made absolute and canonical first (a `dir/...` suffix is dropped; a
/// path that does not exist is only made absolute); a file starts the search in
/// its directory.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = strip_recursive_suffix(start);
    let absolute = fs::canonicalize(start)
        .or_else(|_| std::path::absolute(start))
        .ok()?;
    let dir = if absolute.is_dir() {
        absolute.as_path()
    } else {
        absolute.parent()?
    };
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// The configuration for a scan starting at `start`: the nearest `defuse.toml`
/// ([`find`]), or the defaults (`path: None`) when there is none.
pub fn find_and_load(start: &Path) -> Result<Config, ConfigError> {
    match find(start) {
        Some(path) => load(&path),
        None => Ok(Config::default()),
    }
}

/// Reads and checks one configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: path.to_path_buf(),
        message: crate::discover::io_message(&e),
    })?;
    parse(&text, path)
}

/// Parses configuration text; `path` is where it came from, for messages.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = line_column(text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        invalid(path, line, column, toml_message(e.message()))
    })?;
    Ok(Config {
        path: Some(path.to_path_buf()),
        select: raw.rules.select,
        ignore: raw.rules.ignore,
        severity: raw.rules.severity,
        exclude: raw.files.exclude,
        default_version: raw.go.default_version,
        review_fixes: raw.fix.review_fixes,
    })
}

/// [`ConfigError::UnknownKey`] when `message` is serde's "unknown field" in words that
/// one gives back exactly (so the message reads as before), else [`ConfigError::Invalid`].
fn invalid(
    path: &Path,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
) -> ConfigError {
    if let Some((key, expected)) = unknown_key(&message) {
        let typed = ConfigError::UnknownKey {
            path: path.to_path_buf(),
            line,
            column,
            key,
            expected,
        };
        if typed.to_string() == format!("{}: {message}", location(path, line, column)) {
            return typed;
        }
    }
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        message,
    }
}

/// The key and the expected keys of "unknown key `k`, expected one of `a`, `b`".
fn unknown_key(message: &str) -> Option<(String, Vec<String>)> {
    let (key, rest) = message.strip_prefix("unknown key `")?.split_once('`')?;
    let list = rest
        .strip_prefix(", expected one of ")
        .or_else(|| rest.strip_prefix(", expected "))?;
    let expected = list
        .split(", ")
        .map(|k| Some(k.strip_prefix('`')?.strip_suffix('`')?.to_string()))
        .collect::<Option<Vec<String>>>()?;
    Some((key.to_string(), expected))
}

/// The toml/serde message on one line, speaking of keys rather than fields.
fn toml_message(message: &str) -> String {
    let one_line = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    match one_line.strip_prefix("unknown field") {
        Some(rest) => format!("unknown key{rest}"),
        None => one_line,
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = crate::syntax::lines::line_start(before.as_bytes(), offset);
    (line, before[line_start..].chars().count() + 1)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    files: RawFiles,
    #[serde(default)]
    go: RawGo,
    #[serde(default)]
    fix: RawFix,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    select: Option<Vec<String>>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    #[serde(default, deserialize_with = "globs")]
    exclude: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGo {
    #[serde(default, rename = "default-version", deserialize_with = "go_version")]
    default_version: Option<GoVersion>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFix {
    #[serde(default, rename = "review-fixes")]
    review_fixes: bool,
}

fn go_version<'de, D: Deserializer<'de>>(d: D) -> Result<Option<GoVersion>, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map(Some).map_err(serde::de::Error::custom)
}

/// gitignore-style globs, checked here so that a bad one is reported with its line.
fn globs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let globs = Vec::<String>::deserialize(d)?;
    for glob in &globs {
        let mut builder = ignore::gitignore::GitignoreBuilder::new("/");
        builder.add_line(None, glob).map_err(|e| {
            serde::de::Error::custom(format!("invalid exclude pattern `{glob}`: {e}"))
        })?;
    }
    Ok(globs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &[
        "deferred-write-unlocked",
        "defer-in-loop-map-cleanup",
        "deferred-closure-late-binding",
    ];

    fn parse_str(text: &str) -> Result<Config, ConfigError> {
        parse(text, Path::new("/repo/defuse.toml"))
    }

    fn err(text: &str) -> String {
        parse_str(text).unwrap_err().to_string()
    }

    #[test]
    fn full_example() {
        let text = r#"
# defuse.toml
[rules]
select = ["deferred-write-unlocked"]   # optional: only these
ignore = ["defer-in-loop-map-cleanup"]  # optional
[rules.severity]
deferred-closure-late-binding = "error"   # info|warning|error
[files]
exclude = ["internal/legacy/**", "**/*_gen.go"]
[go]
default-version = "1.21"
[fix]
review-fixes = true
"#;
        let c = parse_str(text).unwrap();
        assert_eq!(c.path.as_deref(), Some(Path::new("/repo/defuse.toml")));
        assert_eq!(c.exclude_base(), Some(Path::new("/repo")));
        assert_eq!(c.select, Some(vec!["deferred-write-unlocked".to_string()]));
        assert_eq!(c.ignore, ["defer-in-loop-map-cleanup"]);
        assert_eq!(
            c.severity,
            BTreeMap::from([("deferred-closure-late-binding".to_string(), Severity::Error)])
        );
        assert_eq!(c.exclude, ["internal/legacy/**", "**/*_gen.go"]);
        assert_eq!(c.default_version, Some(GoVersion::new(1, 21)));
        assert!(c.review_fixes);
        c.validate_rule_ids(KNOWN).unwrap();
    }

    #[test]
    fn empty_file_is_the_defaults() {
        let c = parse_str("# nothing\n").unwrap();
        assert_eq!(
            c,
            Config {
                path: Some("/repo/defuse.toml".into()),
                ..Config::default()
            }
        );
        assert_eq!(c.select, None);
        assert!(!c.review_fixes);
    }

    #[test]
    fn unknown_keys_name_the_key_file_and_line() {
        let e = err("[rules]\nselect = []\nignored = [\"x\"]\n");
        assert!(
            e.starts_with("/repo/defuse.toml:3:1: unknown key `ignored`"),
            "{e}"
        );
        assert!(
            e.contains("expected one of `select`, `ignore`, `severity`"),
            "{e}"
        );

        let e = err("[fix]\nreview_fixes = true\n");
        assert!(
            e.starts_with("/repo/defuse.toml:2:1: unknown key `review_fixes`"),
            "{e}"
        );

        let e = err("[go]\ndefault_version = \"1.21\"\n");
        assert!(e.contains("unknown key `default_version`"), "{e}");

        let e = err("[file]\nexclude = []\n");
        assert!(e.starts_with("/repo/defuse.toml:1:"), "{e}");
        assert!(e.contains("unknown key `file`"), "{e}");

        let e = err("[files]\nexclude = []\ninclude = []\n");
        assert!(
            e.starts_with("/repo/defuse.toml:3:1: unknown key `include`"),
            "{e}"
        );
    }

    /// An unknown key reads as toml words it, and the help names the key meant.
    #[test]
    fn unknown_keys_are_typed_and_suggest_the_key_meant() {
        let e = parse_str("[rules]\nselekt = []\n").unwrap_err();
        assert_eq!(
            e,
            ConfigError::UnknownKey {
                path: "/repo/defuse.toml".into(),
                line: Some(2),
                column: Some(1),
                key: "selekt".into(),
                expected: vec!["select".into(), "ignore".into(), "severity".into()],
            }
        );
        assert_eq!(
            e.to_string(),
            "/repo/defuse.toml:2:1: unknown key `selekt`, expected one of `select`, `ignore`, `severity`"
        );
        assert_eq!(e.help().unwrap(), "did you mean `select`?");
        // One key: serde says "expected `k`".
        let e = parse_str("[fix]\nreview_fixes = true\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "/repo/defuse.toml:2:1: unknown key `review_fixes`, expected `review-fixes`"
        );
        assert_eq!(e.help().unwrap(), "did you mean `review-fixes`?");
        let e = parse_str("[file]\n").unwrap_err();
        assert_eq!(e.help().unwrap(), "did you mean `files`?");
        // Nothing close: the message lists the keys, and there is no help.
        let e = parse_str("[rules]\nzzzzzzzzzzzz = 1\n").unwrap_err();
        assert!(matches!(e, ConfigError::UnknownKey { .. }), "{e:?}");
        assert_eq!(e.help(), None);
        // Not an unknown key: no help.
        assert_eq!(parse_str("[rules\n").unwrap_err().help(), None);
    }

    #[test]
    fn bad_values_name_the_value_file_and_line() {
        let e = err("[rules.severity]\ndeferred-closure-late-binding = \"fatal\"\n");
        assert!(e.starts_with("/repo/defuse.toml:2:"), "{e}");
        assert!(
            e.contains("unknown variant `fatal`, expected one of `info`, `warning`, `error`"),
            "{e}"
        );

        let e = err("[go]\ndefault-version = \"abc\"\n");
        assert!(e.starts_with("/repo/defuse.toml:2:"), "{e}");
        assert!(e.contains("invalid Go version `abc`"), "{e}");

        let e = err("[rules]\nselect = \"deferred-write-unlocked\"\n");
        assert!(e.starts_with("/repo/defuse.toml:2:"), "{e}");
        assert!(e.contains("invalid type"), "{e}");

        let e = err("[fix]\nreview-fixes = \"yes\"\n");
        assert!(e.contains("invalid type"), "{e}");

        let e = err("[files]\nexclude = [\"ok/**\", \"a{b\"]\n");
        assert!(e.starts_with("/repo/defuse.toml:2:"), "{e}");
        assert!(e.contains("invalid exclude pattern `a{b`"), "{e}");
    }

    #[test]
    fn invalid_toml() {
        let e = err("[rules\nselect = []\n");
        assert!(e.starts_with("/repo/defuse.toml:1:"), "{e}");
        assert!(!e.contains('\n'), "{e}");
        let e = err("[rules]\nselect = [\"a\",\n");
        assert!(e.starts_with("/repo/defuse.toml:"), "{e}");
        let e = err("[rules]\nignore = []\nignore = []\n");
        assert!(e.starts_with("/repo/defuse.toml:3:"), "{e}");
        assert!(e.contains("duplicate key"), "{e}");
    }

    #[test]
    fn rule_ids_are_validated() {
        let c = parse_str(
            "[rules]\nselect = [\"deferred-write-unlocked\"]\nignore = [\"no-such-rule\"]\n",
        )
        .unwrap();
        let e = c.validate_rule_ids(KNOWN).unwrap_err();
        assert_eq!(e.path(), Path::new("/repo/defuse.toml"));
        let s = e.to_string();
        assert_eq!(
            s,
            "/repo/defuse.toml: unknown rule `no-such-rule` in [rules] ignore"
        );
        assert_eq!(e.help().unwrap(), "`defuse rules` lists the rules");

        let c = parse_str("[rules]\nselect = [\"deferred-write-unlockd\"]\n").unwrap();
        let e = c.validate_rule_ids(KNOWN).unwrap_err();
        let s = e.to_string();
        assert!(
            s.ends_with("`deferred-write-unlockd` in [rules] select"),
            "{s}"
        );
        assert_eq!(
            e.help().unwrap(),
            "did you mean `deferred-write-unlocked`? `defuse rules` lists the rules"
        );

        let c = parse_str("[rules.severity]\nbogus = \"info\"\n").unwrap();
        let s = c.validate_rule_ids(KNOWN).unwrap_err().to_string();
        assert!(
            s.contains("unknown rule `bogus` in [rules.severity]"),
            "{s}"
        );

        Config::default().validate_rule_ids(KNOWN).unwrap();
        Config::default().validate_rule_ids(&[]).unwrap();
    }

    #[test]
    fn found_by_walking_up_nearest_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        let deep = root.join("a/b/c");
        fs::create_dir_all(&deep).unwrap();
        fs::write(deep.join("main.go"), "package main\n").unwrap();
        fs::write(
            root.join("a/defuse.toml"),
            "[go]\ndefault-version = \"1.20\"\n",
        )
        .unwrap();

        let c = find_and_load(&deep).unwrap();
        assert_eq!(c.path, Some(root.join("a/defuse.toml")));
        assert_eq!(c.default_version, Some(GoVersion::new(1, 20)));
        // From a file, from a dir/... spelling, from a path that does not exist yet.
        assert_eq!(
            find(&deep.join("main.go")),
            Some(root.join("a/defuse.toml"))
        );
        assert_eq!(find(&deep.join("...")), Some(root.join("a/defuse.toml")));
        assert_eq!(
            find(&deep.join("missing/x.go")),
            Some(root.join("a/defuse.toml"))
        );
        // Through a non-canonical spelling.
        assert_eq!(
            find(&root.join("a/b/../b/./c")),
            Some(root.join("a/defuse.toml"))
        );

        // A nearer file wins; nothing is merged from the outer one.
        fs::write(root.join("a/b/defuse.toml"), "[fix]\nreview-fixes = true\n").unwrap();
        let c = find_and_load(&deep).unwrap();
        assert_eq!(c.path, Some(root.join("a/b/defuse.toml")));
        assert_eq!(c.default_version, None);
        assert!(c.review_fixes);

        // A directory named defuse.toml is not a configuration.
        let other = root.join("x/y");
        fs::create_dir_all(other.join("defuse.toml")).unwrap();
        assert_eq!(find(&other), None);
    }

    #[test]
    fn no_file_gives_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        // Assumes no defuse.toml above the system temporary directory.
        let c = find_and_load(dir.path()).unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.path, None);
    }

    #[test]
    fn errors_from_a_found_file_name_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::write(root.join("defuse.toml"), "[rules]\nselct = []\n").unwrap();
        let e = find_and_load(&root).unwrap_err();
        assert_eq!(e.path(), root.join("defuse.toml"));
        let s = e.to_string();
        assert!(
            s.starts_with(&format!(
                "{}:2:1: unknown key `selct`",
                root.join("defuse.toml").display()
            )),
            "{s}"
        );

        let missing = root.join("nope.toml");
        let s = load(&missing).unwrap_err().to_string();
        assert_eq!(
            s,
            format!(
                "{}: cannot read configuration: no such file or directory",
                missing.display()
            )
        );
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 3), (2, 1));
        assert_eq!(line_column("ab", 99), (1, 3));
    }
}
