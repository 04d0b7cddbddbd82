//! Per package of a tree: why the prefilter makes it a candidate, and what the demand
//! analysis of it costs (a debugging aid for the scan's speed). Slowest first. It also
//! times a bare parse of every file of the candidate packages: what the analysis would
//! cost if it parsed them whole and modeled nothing.
//!   cargo run --release --example packages -- DIR [N]
use defuse::discover::{discover, DiscoverOptions};
use defuse::engine::{analyze_demand, RuleSelection, SourceUnit};
use defuse::model::demand::{Demand, FileDemand};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().expect("a directory");
    let top: usize = args.next().map_or(25, |n| n.parse().unwrap());
    let found = discover(&[root.into()], &DiscoverOptions::default());
    let mut dirs: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for f in found.files {
        dirs.entry(f.package_dir.clone()).or_default().push(f);
    }
    let mut rows = Vec::new();
    let (mut only_calls, mut only_calls_time) = (0usize, 0.0);
    let (mut total_pre, mut total_an) = (0.0, 0.0);
    // The floor of the analysis: a bare parse of every file of the candidate packages.
    let (mut candidate_bytes, mut bare_parse) = (0usize, 0.0);
    let mut whys: BTreeMap<String, usize> = BTreeMap::new();
    for (dir, files) in dirs {
        let mut by_pkg: BTreeMap<String, Vec<SourceUnit>> = BTreeMap::new();
        for f in files {
            let src = std::fs::read(&f.path).unwrap();
            if defuse::discover::is_generated(&src) {
                continue;
            }
            let Some(name) = defuse::syntax::lex::package_name(&src) else {
                continue;
            };
            by_pkg.entry(name).or_default().push(SourceUnit {
                path: f.path.display().to_string(),
                src,
                per_iteration_loop_vars: true,
            });
        }
        for (name, units) in by_pkg {
            let t = Instant::now();
            let files: Vec<(&[u8], bool)> =
                units.iter().map(|u| (u.src.as_slice(), false)).collect();
            let sites = defuse::prefilter::package_candidate_sites(&files);
            let pre = t.elapsed().as_secs_f64();
            total_pre += pre;
            let mut reasons = Vec::new();
            for (i, s) in sites.iter().enumerate() {
                for (at, why) in s {
                    let line = units[i].src[..*at].iter().filter(|b| **b == b'\n').count() + 1;
                    let w = why.to_string();
                    *whys.entry(w.clone()).or_default() += 1;
                    reasons.push(format!(
                        "{}:{line} {w}",
                        units[i].path.rsplit('/').next().unwrap()
                    ));
                }
            }
            let demand: Vec<FileDemand> = sites.into_iter().map(FileDemand::from_sites).collect();
            if demand.iter().all(|d| *d == FileDemand::Facts) {
                continue;
            }
            let bytes: usize = units.iter().map(|u| u.src.len()).sum();
            candidate_bytes += bytes;
            let t = Instant::now();
            for u in &units {
                std::hint::black_box(defuse::syntax::parse(u.src.clone()));
            }
            bare_parse += t.elapsed().as_secs_f64();
            let t = Instant::now();
            let results = analyze_demand(units, Demand::Files(demand), &RuleSelection::default());
            let an = t.elapsed().as_secs_f64();
            total_an += an;
            let whole = results.iter().filter(|r| r.parsed_whole).count();
            let findings: usize = results.iter().map(|r| r.findings.len()).sum();
            if reasons.iter().all(|r| r.contains("a call of a function")) {
                only_calls += 1;
                only_calls_time += an;
            }
            rows.push((
                an,
                format!(
                    "{}/{name} {} files {} KB whole {whole} findings {findings}",
                    dir.display(),
                    results.len(),
                    bytes / 1024
                ),
                reasons,
            ));
        }
    }
    rows.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    println!(
        "prefilter {total_pre:.3}s analysis {total_an:.3}s candidates {}",
        rows.len()
    );
    println!(
        "candidate packages: {} MB, a bare parse of them {bare_parse:.3}s",
        candidate_bytes / (1 << 20)
    );
    println!("candidates only by calls of writers: {only_calls}, analysis {only_calls_time:.3}s");
    for (w, n) in &whys {
        println!("  {n:6} {w}");
    }
    for (t, what, reasons) in rows.iter().take(top) {
        println!("{t:.4}s {what}");
        for r in reasons.iter().take(4) {
            println!("      {r}");
        }
    }
}
