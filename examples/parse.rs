//! The floor of the dense-package benchmark: a bare tree-sitter parse of every `.go`
//! file in the given directories (not recursive), and nothing else. `scripts/bench`
//! compares `defuse check` with it.
fn main() {
    let mut nodes = 0usize;
    for dir in std::env::args().skip(1) {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "go") {
                let file = defuse::syntax::parse(std::fs::read(&path).unwrap());
                nodes += file.root().descendant_count();
            }
        }
    }
    println!("{nodes} nodes");
}
