//! A release made on disk exactly as `.github/workflows/release.yml` makes one: its own
//! "Pack" step packs a stand-in binary into `defuse-<target>.tar.gz`, and its "SHA256SUMS"
//! step writes the checksums. Used by tests/install.rs and tests/action.rs.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

use crate::support::repo_root;

/// The five targets the workflow builds.
pub const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

/// The release build `scripts/install.sh` picks on this machine.
pub fn this_target() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x86_64",
        "aarch64" => "aarch64",
        other => panic!("no release build for the architecture {other}"),
    };
    let os = match std::env::consts::OS {
        "linux" => "unknown-linux-musl",
        "macos" => "apple-darwin",
        other => panic!("no release build for {other}"),
    };
    format!("{arch}-{os}")
}

/// The `run:` text of the step named `name` in job `job` of the release workflow.
pub fn release_step(job: &str, name: &str) -> String {
    let path = repo_root().join(".github/workflows/release.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .remove(0);
    let steps = doc["jobs"][job]["steps"]
        .as_vec()
        .unwrap_or_else(|| panic!("release.yml has no job {job} with steps"));
    let step = steps
        .iter()
        .find(|s| s["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("release.yml job {job} has no step {name:?}"));
    match &step["run"] {
        Yaml::String(s) => s.clone(),
        other => panic!("step {name:?} has no run text: {other:?}"),
    }
}

fn bash(script: &str, dir: &Path, env: &[(&str, &str)]) {
    let out = Command::new("bash")
        .args(["-eo", "pipefail", "-c", script])
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .expect("bash is required for this test");
    assert!(
        out.status.success(),
        "{script}\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn write_exec(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Makes release `version` under `base` (`base/<version>/SHA256SUMS` and the archives)
/// with `binary` (a script's text) as this machine's `defuse`; the other platforms'
/// archives are empty files. Returns the release's folder.
pub fn make_release(base: &Path, version: &str, binary: &str) -> PathBuf {
    let target = this_target();
    // The build job's checkout after `cargo build --target T`.
    let work = base.join(format!(".build-{version}"));
    let bin_dir = work.join("target").join(&target).join("release");
    std::fs::create_dir_all(&bin_dir).unwrap();
    write_exec(&bin_dir.join("defuse"), binary);
    std::fs::write(work.join("README.md"), "# defuse\n").unwrap();
    std::fs::write(work.join("CHANGELOG.md"), "# Changelog\n").unwrap();
    bash(
        &release_step("build", "Pack"),
        &work,
        &[("TARGET", target.as_str())],
    );

    // The publish job: the artifacts merged into one folder, then the checksums.
    let dist = base.join(version);
    std::fs::create_dir_all(&dist).unwrap();
    let archive = format!("defuse-{target}.tar.gz");
    std::fs::copy(work.join("dist").join(&archive), dist.join(&archive)).unwrap();
    for other in TARGETS {
        let p = dist.join(format!("defuse-{other}.tar.gz"));
        if !p.exists() {
            std::fs::write(p, "").unwrap();
        }
    }
    bash(&release_step("release", "SHA256SUMS"), &dist, &[]);
    std::fs::remove_dir_all(&work).unwrap();
    dist
}
