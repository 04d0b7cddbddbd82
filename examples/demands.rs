//! Compares the two demands of the model on one file (a debugging aid).
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let src = std::fs::read(&p).unwrap();
    let findings = defuse::engine::analyze(
        vec![defuse::engine::SourceUnit {
            path: p.clone(),
            src: src.clone(),
            per_iteration_loop_vars: true,
        }],
        &defuse::engine::RuleSelection {
            min_confidence: defuse::finding::Confidence::Low,
            ..Default::default()
        },
    );
    println!("everything: {}", findings[0].findings.len());
    defuse::fuzzing::check_demands_agree(&src, true, &findings[0].findings);
    println!("agree");
}
