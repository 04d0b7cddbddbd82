// Scratch driver for precision runs until the CLI lands.
use defuse::engine::{analyze, RuleSelection, SourceUnit};
use std::collections::BTreeMap;
fn main() {
    let root = std::env::args().nth(1).unwrap();
    let mut pkgs: BTreeMap<std::path::PathBuf, Vec<std::path::PathBuf>> = BTreeMap::new();
    for e in ignore::WalkBuilder::new(&root).build() {
        let e = e.unwrap();
        let p = e.path();
        let s = p.to_string_lossy();
        if s.contains("/testdata/") || s.contains("/vendor/") {
            continue;
        }
        if p.extension().is_some_and(|x| x == "go") {
            pkgs.entry(p.parent().unwrap().to_path_buf())
                .or_default()
                .push(p.to_path_buf());
        }
    }
    let sel = RuleSelection {
        min_confidence: if std::env::var("LOW").is_ok() {
            defuse::finding::Confidence::Low
        } else {
            defuse::finding::Confidence::Medium
        },
        ..Default::default()
    };
    let mut n = 0;
    let t = std::time::Instant::now();
    for (_, files) in pkgs {
        // group by package clause
        let mut by_pkg: BTreeMap<String, Vec<SourceUnit>> = BTreeMap::new();
        for f in files {
            let src = std::fs::read(&f).unwrap();
            let name = String::from_utf8_lossy(&src)
                .lines()
                .find(|l| l.starts_with("package "))
                .unwrap_or("")
                .to_string();
            by_pkg.entry(name).or_default().push(SourceUnit {
                path: f.display().to_string(),
                src,
                per_iteration_loop_vars: true,
            });
        }
        for (_, units) in by_pkg {
            for r in analyze(units, &sel) {
                for f in r.findings {
                    n += 1;
                    println!(
                        "{}:{}: [{}] {:?} {}",
                        f.path, f.span.start.line, f.rule, f.confidence, f.message
                    );
                    for note in &f.notes {
                        println!("    note: {note}");
                    }
                }
            }
        }
    }
    eprintln!("{n} findings in {:?}", t.elapsed());
}
