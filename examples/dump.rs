//! The model of the Go files given on the command line, analyzed together as one
//! package (`dump a.go b.go …`, or `dump DIR` for the `.go` files of a directory).
fn main() {
    let mut paths: Vec<String> = Vec::new();
    for a in std::env::args().skip(1) {
        if std::path::Path::new(&a).is_dir() {
            let mut files: Vec<String> = std::fs::read_dir(&a)
                .unwrap()
                .filter_map(|e| e.ok())
                .map(|e| e.path().to_string_lossy().into_owned())
                .filter(|p| p.ends_with(".go"))
                .collect();
            files.sort();
            paths.extend(files);
        } else {
            paths.push(a);
        }
    }
    let units = paths
        .into_iter()
        .map(|p| {
            let src = std::fs::read(&p).unwrap();
            defuse::model::SourceUnit {
                path: p,
                src,
                per_iteration_loop_vars: true,
            }
        })
        .collect();
    print!("{}", defuse::model::dump::dump(units));
}
