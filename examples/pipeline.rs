//! Runs one scan pipeline over a folder and prints the findings (a debugging aid: the
//! prefilter tests compare the pipelines; this shows where one of them goes wrong).
use defuse::engine::RuleSelection;
use defuse::finding::Confidence;
use defuse::scan::{scan, Pipeline, ScanOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let pipeline = match args.next().as_deref() {
        Some("full") => Pipeline::Full,
        Some("fast") => Pipeline::Fast,
        _ => panic!("usage: pipeline full|fast PATH"),
    };
    let opts = ScanOptions {
        paths: vec![args.next().expect("a path").into()],
        discover: Default::default(),
        include_generated: false,
        rules: RuleSelection {
            min_confidence: Confidence::Low,
            ..RuleSelection::default()
        },
        pipeline,
        shard: None,
    };
    let result = scan(&opts);
    for e in &result.errors {
        eprintln!("error: {e:?}");
    }
    for f in result.files().flat_map(|f| f.findings.iter()) {
        println!(
            "{}:{}:{} {} {}",
            f.path, f.span.start.line, f.span.start.column, f.rule, f.message
        );
    }
}
