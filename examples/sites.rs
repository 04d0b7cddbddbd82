//! Prints why each file of a package directory is a candidate: the prefilter's sites,
//! with the line they are on (a debugging aid for the prefilter's precision).
use defuse::syntax::lines::{line_end, line_start};

fn main() {
    let dir = std::env::args().nth(1).expect("a package directory");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("a readable directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "go"))
        .collect();
    paths.sort();
    let srcs: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let files: Vec<(&[u8], bool)> = srcs.iter().map(|s| (s.as_slice(), false)).collect();
    for (i, sites) in defuse::prefilter::package_candidate_sites(&files)
        .into_iter()
        .enumerate()
    {
        for (at, why) in sites {
            let src = &srcs[i];
            let line = defuse::syntax::LineIndex::new(src).position(at).line;
            let text = &src[line_start(src, at)..line_end(src, at)];
            println!(
                "{}:{line}: {why}: {}",
                paths[i].display(),
                String::from_utf8_lossy(text).trim()
            );
        }
    }
}
