//! From arguments and `defuse.toml` to scan options: the one place they meet.

use std::path::{Path, PathBuf};

use super::args::{ColorWhen, MinConfidence, ScanArgs};
use super::error::{unknown_rule, CliError};
use crate::config::{self, Config};
use crate::discover::DiscoverOptions;
use crate::engine::RuleSelection;
use crate::finding::Confidence;
use crate::scan::ScanOptions;
use crate::vcs::ChangedLines;

pub struct Setup {
    pub scan: ScanOptions,
    pub config: Config,
    /// With `--changed-since`: the lines findings must start on.
    pub changed: Option<ChangedLines>,
}

/// Where `defuse.toml` and the git repository are looked for: the first path's
/// directory (the path itself when it is one).
pub fn start_dir(paths: &[PathBuf]) -> PathBuf {
    let start = crate::discover::strip_recursive_suffix(&paths[0]);
    let start = if start.is_file() {
        start.parent().unwrap_or(Path::new(""))
    } else {
        start
    };
    if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start.to_path_buf()
    }
}

pub fn setup(a: &ScanArgs) -> Result<Setup, CliError> {
    configure_process(a);
    let paths = super::default_paths(&a.paths);
    let config = load_config(a, &paths)?;
    let rules = select_rules(a, &config)?;
    let changed = match &a.changed.changed_since {
        Some(rev) => Some(crate::vcs::changed_lines(
            &start_dir(&paths),
            rev,
            a.changed.merge_base,
        )?),
        None => None,
    };
    let discover = discover_options(a, &config, changed.as_ref());
    Ok(Setup {
        changed,
        scan: ScanOptions {
            paths,
            discover,
            include_generated: a.include_generated,
            rules,
            pipeline: crate::scan::Pipeline::Fast,
            shard: a.shard,
        },
        config,
    })
}

/// Color and the thread pool: process-wide, set once.
fn configure_process(a: &ScanArgs) {
    match a.color {
        ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
        ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
        ColorWhen::Auto => {}
    }
    if let Some(j) = a.jobs {
        // Only the first call configures the pool; a second one in the same process is harmless.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build_global();
    }
}

/// `--config FILE`, none with `--no-config`, or the nearest `defuse.toml` above the
/// first path.
fn load_config(a: &ScanArgs, paths: &[PathBuf]) -> Result<Config, CliError> {
    if a.no_config {
        return Ok(Config::default());
    }
    if let Some(p) = &a.config {
        return Ok(config::load(p)?);
    }
    match std::fs::canonicalize(start_dir(paths)) {
        Ok(abs) => Ok(config::find_and_load(&abs)?),
        // A missing path is reported by discovery, with the others.
        Err(_) => Ok(Config::default()),
    }
}

/// The rules to run, from `--select`/`--ignore` and the configuration, each name
/// checked; the meta rules about suppression directives can be named too (ignored, they
/// are not reported).
fn select_rules(a: &ScanArgs, config: &Config) -> Result<RuleSelection, CliError> {
    let known = crate::rules::ids();
    let nameable: Vec<&str> = known.iter().copied().chain(crate::suppress::META).collect();
    config.validate_rule_ids(&nameable)?;
    if let Some(id) = a
        .select
        .iter()
        .chain(&a.ignore)
        .find(|id| !nameable.contains(&id.as_str()))
    {
        return Err(unknown_rule(id, &nameable));
    }
    let mut enabled: Vec<String> = if !a.select.is_empty() {
        a.select.clone()
    } else if let Some(sel) = &config.select {
        sel.clone()
    } else {
        known.iter().map(|s| s.to_string()).collect()
    };
    enabled.retain(|r| !a.ignore.contains(r) && !config.ignore.contains(r));
    Ok(RuleSelection {
        enabled,
        severity: config.severity.clone(),
        ignored_meta: crate::suppress::META
            .iter()
            .filter(|m| a.ignore.iter().chain(&config.ignore).any(|i| i == *m))
            .map(|m| m.to_string())
            .collect(),
        min_confidence: match a.min_confidence {
            MinConfidence::Low => Confidence::Low,
            MinConfidence::Medium => Confidence::Medium,
            MinConfidence::High => Confidence::High,
        },
    })
}

/// What the walk skips and where it goes.
fn discover_options(
    a: &ScanArgs,
    config: &Config,
    changed: Option<&ChangedLines>,
) -> DiscoverOptions {
    let mut exclude = config.exclude.clone();
    let exclude_base = if a.exclude.is_empty() {
        config.exclude_base().map(Path::to_path_buf)
    } else {
        // Globs from the command line are relative to each walk root.
        exclude = a.exclude.clone();
        None
    };
    DiscoverOptions {
        include_vendor: a.include_vendor,
        include_testdata: a.include_testdata,
        include_hidden: a.include_hidden,
        no_ignore: a.no_ignore,
        exclude,
        exclude_base,
        default_version: config.default_version,
        threads: a.jobs.unwrap_or(0),
        // Findings are reported only on changed lines, a finding lies in its own
        // package, and a package's facts come from its own files: the packages without
        // a changed Go file cannot change what is reported.
        only_dirs: changed.map(|c| std::sync::Arc::new(c.go_dirs())),
    }
}
