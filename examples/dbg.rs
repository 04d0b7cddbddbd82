use defuse::engine::{analyze, RuleSelection, SourceUnit};
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let per_iter = std::env::var("OLD").is_err();
    let mut units = Vec::new();
    for a in &args {
        units.push(SourceUnit {
            path: a.clone(),
            src: std::fs::read(a).unwrap(),
            per_iteration_loop_vars: per_iter,
        });
    }
    for r in analyze(
        units,
        &RuleSelection {
            min_confidence: defuse::finding::Confidence::Low,
            ..Default::default()
        },
    ) {
        for f in r.findings {
            println!(
                "{}:{}: [{}] {:?} {}",
                f.path, f.span.start.line, f.rule, f.confidence, f.message
            );
            for n in &f.notes {
                println!("    note: {n}");
            }
            if let Some(fx) = &f.fix {
                println!("    fix ({:?}): {}", fx.applicability, fx.title);
                for e in &fx.edits {
                    println!("      {}..{} => {:?}", e.start, e.end, e.replacement);
                }
            }
            if let Some(w) = &f.no_fix_reason {
                println!("    no fix: {w}");
            }
        }
    }
}
