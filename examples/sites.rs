//! Prints why each file of a package directory is a candidate: the prefilter's sites,
//! with the line they are on (a debugging aid for the prefilter's precision).
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
            let start = src[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |n| n + 1);
            let end = src[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(src.len(), |n| at + n);
            println!(
                "{}:{}: {why}: {}",
                paths[i].display(),
                src[..at].iter().filter(|&&b| b == b'\n').count() + 1,
                String::from_utf8_lossy(&src[start..end]).trim()
            );
        }
    }
}
