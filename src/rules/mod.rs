//! The rules: each reads the model and reports what it finds, with notes and, where it
//! can, a fix. One module per rule, named after its catalog file in `transforms/`.

/// The shell every rule starts with: its unit type, its id as the constant `ID` (the
/// name of its catalog entry, `transforms/<id>.toml`), and [`RuleId`].
macro_rules! declare_rule {
    ($name:ident, $id:literal) => {
        pub struct $name;

        const ID: &str = $id;

        impl $crate::rules::RuleId for $name {
            fn id(&self) -> &'static str {
                ID
            }
        }
    };
}

mod common;
mod defer_in_loop_map_cleanup;
mod deferred_closure_late_binding;
mod deferred_header_delete_after_write;
mod deferred_loopvar_capture;
mod deferred_map_shared_with_goroutine;
pub(crate) mod deferred_write_unlocked;
mod map_write_under_rlock;
mod sync_map_conversion;
pub mod trigger;

use crate::finding::{Confidence, Fix};
use crate::model::{FunctionModel, PackageFacts};
use crate::syntax::ParsedFile;

/// What a rule sees: one file, its package's model, and the file's language facts.
pub struct RuleCtx<'a> {
    pub file: &'a ParsedFile,
    pub pkg: &'a PackageFacts,
    pub functions: &'a [FunctionModel],
    /// Go 1.22 and later: `for` and `range` declare fresh variables per iteration.
    pub per_iteration_loop_vars: bool,
}

/// A finding before it gets a path, a severity from configuration, and positions.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub rule: &'static str,
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub notes: Vec<String>,
    pub confidence: Confidence,
    pub fix: Option<Fix>,
    pub no_fix_reason: Option<String>,
}

pub use trigger::Trigger;

/// A rule's id, which [`declare_rule!`] implements.
pub trait RuleId {
    fn id(&self) -> &'static str;
}

pub trait Rule: Sync + RuleId {
    /// What must appear in a function for the rule to possibly fire: the prefilter runs
    /// the union of every selected rule's triggers (see [`trigger`]).
    fn triggers(&self) -> &'static [Trigger];
    fn check(&self, cx: &RuleCtx<'_>, out: &mut Vec<RawFinding>);
}

pub fn all() -> &'static [&'static dyn Rule] {
    &[
        &deferred_write_unlocked::DeferredWriteUnlocked,
        &map_write_under_rlock::MapWriteUnderRlock,
        &deferred_closure_late_binding::DeferredClosureLateBinding,
        &deferred_loopvar_capture::DeferredLoopvarCapture,
        &defer_in_loop_map_cleanup::DeferInLoopMapCleanup,
        &deferred_map_shared_with_goroutine::DeferredMapSharedWithGoroutine,
        &deferred_header_delete_after_write::DeferredHeaderDeleteAfterWrite,
    ]
}

pub fn ids() -> Vec<&'static str> {
    all().iter().map(|r| r.id()).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_has_a_catalog_entry_and_back() {
        let mut code: Vec<&str> = super::ids();
        let mut catalog: Vec<&str> = crate::catalog::rules()
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        code.sort();
        catalog.sort();
        assert_eq!(code, catalog);
    }
}
