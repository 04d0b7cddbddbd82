//! Embeds every `transforms/*.toml` file in the binary, sorted by name, so that the
//! catalog a user reads with `defuse rules` is the one the tests ran.

use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=transforms");
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("transforms");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("transforms/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut out = String::from("pub static CATALOG_FILES: &[(&str, &str)] = &[\n");
    for name in &names {
        println!("cargo:rerun-if-changed=transforms/{name}");
        let path = dir.join(name);
        out.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            name,
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("catalog_files.rs");
    fs::write(dest, out).unwrap();
}
