//! Survey of deferred map operations in a tree: what the model sees, and why each is
//! (not) reported. Used to write docs/real-world.md:
//!   cargo run --release --example survey -- "$(go env GOROOT)/src"
use defuse::discover::{discover, DiscoverOptions};
use defuse::model::{analyze_package, locks::Lock, Ctx, Demand, OpKind, Outcome, SourceUnit};
use std::collections::BTreeMap;

fn main() {
    let root = std::env::args().nth(1).expect("a directory");
    let found = discover(&[root.into()], &DiscoverOptions::default());
    let mut dirs: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for f in found.files {
        dirs.entry(f.package_dir.clone()).or_default().push(f);
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut examples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, files) in dirs {
        let mut by_pkg: BTreeMap<String, Vec<_>> = BTreeMap::new();
        for f in files {
            let src = std::fs::read(&f.path).unwrap();
            if !defuse::prefilter::may_run_later(&src) {
                continue;
            }
            let name = defuse::syntax::lex::package_name(&src).unwrap_or_default();
            by_pkg.entry(name).or_default().push(SourceUnit {
                path: f.path.display().to_string(),
                src,
                per_iteration_loop_vars: true,
            });
        }
        for (_, units) in by_pkg {
            let Outcome::Analyzed { facts: pkg, files } =
                analyze_package(units, Demand::Everything, usize::MAX)
            else {
                continue;
            };
            for file in &files {
                for f in &file.functions(&pkg) {
                    let mut seen = std::collections::HashSet::new();
                    for op in &f.ops {
                        let Ctx::Deferred { .. } = op.ctx() else {
                            continue;
                        };
                        if !seen.insert(op.start) {
                            continue;
                        }
                        let kind = match op.kind {
                            OpKind::Write => "write",
                            OpKind::Read => "read",
                            OpKind::Range => "range",
                        };
                        let class = match pkg.guard_of(&op.map) {
                            None => format!("{kind}: no guard (single-goroutine or unshared map)"),
                            Some(g) => {
                                let states: Vec<Lock> = op
                                    .runs
                                    .iter()
                                    .filter_map(|r| r.locks.get(&g.mutex).map(|v| v.state))
                                    .collect();
                                if states.iter().all(|s| *s == Lock::Locked) {
                                    format!("{kind}: guarded, lock held when it runs")
                                } else if states.contains(&Lock::Unlocked) {
                                    format!("{kind}: guarded, UNLOCKED on some path")
                                } else if states.contains(&Lock::RLocked) {
                                    format!("{kind}: guarded, read lock only")
                                } else {
                                    format!("{kind}: guarded, lock state unknown")
                                }
                            }
                        };
                        *counts.entry(class.clone()).or_default() += 1;
                        let line = file.parsed.lines.position(op.start).line;
                        examples
                            .entry(class)
                            .or_default()
                            .push(format!("{}:{} {}", file.path, line, op.map_text));
                    }
                }
            }
        }
    }
    for (class, n) in &counts {
        println!("{n:5}  {class}");
        for e in examples[class].iter().take(4) {
            println!("         e.g. {e}");
        }
    }
}
