//! The rule pages under `docs/rules/` are the catalog rendered: a page that differs from
//! what `transforms/` renders to fails here. `UPDATE_DOCS=1 cargo test --test integration
//! docs::` writes them. And every Go fact a rule cites has its section in
//! `docs/go-facts.md`.

use std::path::Path;

use defuse::catalog::{everything, markdown};

#[test]
fn rule_pages_are_rendered_from_the_catalog() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(markdown::RULES_DIR);
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut pages: Vec<(String, String)> = everything()
        .iter()
        .map(|r| (format!("{}.md", r.id), markdown::render(r)))
        .collect();
    pages.push(("README.md".into(), markdown::index(everything())));
    let mut stale = Vec::new();
    for (name, want) in &pages {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(want.as_str()) {
            continue;
        }
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, want).unwrap();
        } else {
            stale.push(name.clone());
        }
    }
    // No page for a rule that is gone.
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if !pages.iter().any(|(n, _)| *n == name) {
            if update {
                std::fs::remove_file(dir.join(&name)).unwrap();
            } else {
                stale.push(format!("{name} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale pages in {}: {}; run `UPDATE_DOCS=1 cargo test --test integration docs::` and review the diff",
        markdown::RULES_DIR,
        stale.join(", ")
    );
}

#[test]
fn every_cited_go_fact_has_its_section() {
    let facts =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/go-facts.md"))
            .unwrap();
    for r in everything() {
        let mut cited: Vec<u32> = r.facts.clone();
        // "fact 4", "Go fact 7", "facts 1 and 3" in the rationale.
        let words: Vec<&str> = r.rationale.split_whitespace().collect();
        for w in words.windows(2) {
            if w[0].trim_start_matches('(') == "fact" || w[0].trim_start_matches('(') == "facts" {
                if let Ok(n) = w[1]
                    .trim_end_matches([')', ',', '.', ';', ':'])
                    .parse::<u32>()
                {
                    cited.push(n);
                }
            }
        }
        for n in cited {
            assert!(
                facts.contains(&format!("<a id=\"fact-{n}\"></a>")),
                "{} cites Go fact {n}, which docs/go-facts.md does not have",
                r.id
            );
        }
    }
}
