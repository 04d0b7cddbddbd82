fn main() {
    let p = std::env::args().nth(1).unwrap();
    let src = std::fs::read(&p).unwrap();
    print!(
        "{}",
        defuse::model::dump::dump(vec![defuse::model::SourceUnit {
            path: p,
            src,
            per_iteration_loop_vars: true
        }])
    );
}
