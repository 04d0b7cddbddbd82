//! From findings to new file contents: pick the fixes the user asked for, run them to a
//! fixed point with [`fix_file`], and say what was left out and why.

use super::{fix_file, FixCandidate};
use crate::finding::{Applicability, Finding, Withheld};

#[derive(Debug, Clone, Copy)]
pub struct PlanOptions {
    /// Apply `review` fixes too.
    pub review: bool,
    pub max_rounds: usize,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            review: false,
            max_rounds: 4,
        }
    }
}

/// What fixing did to one file.
#[derive(Debug, Clone)]
pub struct FileFix {
    pub path: String,
    pub old: Vec<u8>,
    pub new: Vec<u8>,
    pub applied: Vec<Finding>,
    /// Findings left as they were, with the reason.
    pub skipped: Vec<(Finding, String)>,
    /// Set when the file must not be rewritten at all.
    pub withheld: Option<Withheld>,
}

impl FileFix {
    pub fn changed(&self) -> bool {
        self.old != self.new
    }
}

/// Whether the finding's fix is applied; `Err` is why not, as a `not fixed:` line shows
/// it (a reason for the user, never branched on, so a string).
fn wanted(f: &Finding, opts: &PlanOptions) -> Result<(), String> {
    match (&f.fix, &f.no_fix_reason) {
        _ if f.suppressed.is_some() => Err("suppressed".into()),
        (Some(fix), _) if fix.applicability == Applicability::Review && !opts.review => {
            Err("its fix needs review: run with --review-fixes to apply it".into())
        }
        (Some(_), _) => Ok(()),
        (None, Some(why)) => Err(format!("no fix: {why}")),
        (None, None) => Err("no fix".into()),
    }
}

fn candidates(findings: &[Finding], opts: &PlanOptions) -> Vec<FixCandidate> {
    findings
        .iter()
        .enumerate()
        .filter(|(_, f)| wanted(f, opts).is_ok())
        .map(|(id, f)| FixCandidate {
            id,
            edits: f.fix.as_ref().map(|x| x.edits.clone()).unwrap_or_default(),
        })
        .collect()
}

/// Fix one file. `reanalyze(new_src)` returns the findings on a rewritten version of
/// the same file (the caller re-runs the engine with the file's package).
pub fn plan_file(
    path: &str,
    src: &[u8],
    findings: &[Finding],
    withheld: Option<Withheld>,
    opts: &PlanOptions,
    mut reanalyze: impl FnMut(&[u8]) -> Vec<Finding>,
) -> FileFix {
    let mut out = FileFix {
        path: path.to_string(),
        old: src.to_vec(),
        new: src.to_vec(),
        applied: Vec::new(),
        skipped: Vec::new(),
        withheld,
    };
    let first = candidates(findings, opts);
    if let Some(why) = withheld {
        for c in &first {
            out.skipped.push((findings[c.id].clone(), why.to_string()));
        }
        return out;
    }
    for f in findings {
        if let Err(why) = wanted(f, opts) {
            if f.suppressed.is_none() {
                out.skipped.push((f.clone(), why));
            }
        }
    }
    if first.is_empty() {
        return out;
    }
    let outcome = fix_file(
        src,
        &first,
        |new| candidates(&reanalyze(new), opts),
        opts.max_rounds,
    );
    if let Some(why) = outcome.withheld {
        for c in &first {
            out.skipped.push((findings[c.id].clone(), why.to_string()));
        }
        out.withheld = Some(why);
        return out;
    }
    out.new = outcome.new;
    for id in outcome.applied {
        out.applied.push(findings[id].clone());
    }
    // A fix dropped as a conflict may have gone in during a later round: judge by what
    // the fixed file still reports.
    if !outcome.conflicts.is_empty() && out.changed() {
        let remaining = reanalyze(&out.new);
        for id in outcome.conflicts {
            let f = &findings[id];
            if remaining
                .iter()
                .any(|r| r.rule == f.rule && r.message == f.message)
            {
                out.skipped.push((
                    f.clone(),
                    "its fix overlaps another fix; run `defuse fix` again".into(),
                ));
            } else {
                out.applied.push(f.clone());
            }
        }
    }
    out
}
