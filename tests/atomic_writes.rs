//! `fix --write` killed with SIGKILL at different moments of a large run: every file is
//! then exactly its old text or exactly its new text, never a mix or a truncation, and
//! the only other files left are the temporary files docs/robustness.md documents
//! (`.NAME.XXXXXX.defuse.tmp` next to the file being written at the moment of the kill).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FILES: usize = 300;

/// The shape of `Logout` in testdata/deferred-write-unlocked/positive.go, with the
/// locked accesses that make `sessions` guarded by `mu`, and some bulk so that a run
/// takes long enough to be interrupted.
fn source(i: usize) -> String {
    let mut s = format!(
        "package p{i}

import \"sync\"

type Session struct{{ ID, User string }}

type SessionTable struct {{
\tmu       sync.Mutex
\tsessions map[string]*Session
}}

func (t *SessionTable) Login(s *Session) {{
\tt.mu.Lock()
\tdefer t.mu.Unlock()
\tt.sessions[s.ID] = s
}}

func (t *SessionTable) Get(id string) *Session {{
\tt.mu.Lock()
\tdefer t.mu.Unlock()
\treturn t.sessions[id]
}}

func (t *SessionTable) Logout(id string, hook func(*Session)) {{
\tt.mu.Lock()
\tdefer delete(t.sessions, id)
\tdefer t.mu.Unlock()
\tif s, ok := t.sessions[id]; ok {{
\t\thook(s)
\t}}
}}
"
    );
    for j in 0..40 {
        s.push_str(&format!(
            "\nfunc (t *SessionTable) Count{j}() int {{\n\tt.mu.Lock()\n\tdefer t.mu.Unlock()\n\treturn len(t.sessions) + {j}\n}}\n"
        ));
    }
    s
}

fn make_tree(root: &Path) {
    for i in 0..FILES {
        let dir = root.join(format!("p{i:03}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("table.go"), source(i)).unwrap();
    }
}

fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

fn fix_write(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_defuse"));
    c.args(["fix", "--write", "--allow-dirty", "--quiet", "."])
        .current_dir(dir)
        .env("HOME", dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// A leftover temporary file of `write_atomic`: `.table.go.XXXXXX.defuse.tmp`.
fn is_documented_temp(rel: &Path) -> bool {
    let name = rel.file_name().unwrap().to_string_lossy();
    name.starts_with(".table.go.") && name.ends_with(".defuse.tmp")
}

#[test]
fn killed_writes_leave_every_file_old_or_new() {
    let work = tempfile::tempdir().unwrap();
    // The new versions, from a run that is not interrupted.
    let reference = work.path().join("reference");
    make_tree(&reference);
    let old = files(&reference);
    let started = Instant::now();
    let status = fix_write(&reference).status().unwrap();
    let full_run = started.elapsed();
    assert!(status.success(), "the uninterrupted run failed: {status}");
    let new = files(&reference);
    assert_eq!(new.len(), FILES);
    for (p, text) in &new {
        assert_ne!(text, &old[p], "{} was not fixed", p.display());
    }

    // Kill at spread-out points of a run (the scan, the fixes, the writes), then home in
    // on the writes: bisect between the latest kill that left every file old and the
    // earliest that left every file new, until some kills have cut the writes midway.
    let mut saw_old = 0;
    let mut saw_new = 0;
    let mut saw_mixed_runs = 0;
    let mut delays: Vec<Duration> = (1..=8u32).map(|k| full_run * k / 8).collect();
    let (mut all_old, mut all_new) = (Duration::ZERO, full_run * 2);
    let mut kills = 0;
    while let Some(delay) = delays.pop() {
        kills += 1;
        let tree = work.path().join(format!("killed-{kills}"));
        make_tree(&tree);
        let mut child = fix_write(&tree).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let after = files(&tree);
        let (mut olds, mut news) = (0, 0);
        for (p, text) in &after {
            if is_documented_temp(p) {
                continue;
            }
            let (o, n) = (&old[p], &new[p]);
            if text == o {
                olds += 1;
            } else if text == n {
                news += 1;
            } else {
                panic!(
                    "killed after {delay:?}: {} is neither the old nor the new text ({} bytes; old {}, new {})",
                    p.display(),
                    text.len(),
                    o.len(),
                    n.len()
                );
            }
        }
        assert_eq!(
            olds + news,
            FILES,
            "killed after {delay:?}: files went missing"
        );
        let temps: Vec<_> = after.keys().filter(|p| is_documented_temp(p)).collect();
        assert!(
            temps.len() <= 1,
            "killed after {delay:?}: more temporary files than writes in flight: {temps:?}"
        );
        saw_old += olds;
        saw_new += news;
        if olds > 0 && news > 0 {
            saw_mixed_runs += 1;
        } else if news == 0 {
            all_old = all_old.max(delay);
        } else {
            all_new = all_new.min(delay);
        }
        // A leftover temporary file is hidden from the next run, which finishes the job.
        let status = fix_write(&tree).status().unwrap();
        assert!(status.success(), "the run after the kill failed: {status}");
        for (p, text) in files(&tree) {
            if !is_documented_temp(&p) {
                assert_eq!(text, new[&p], "{} after a second run", p.display());
            }
        }
        let _ = fs::remove_dir_all(&tree);
        if delays.is_empty() && saw_mixed_runs < 3 && kills < 24 && all_old < all_new {
            delays.push((all_old + all_new.min(full_run * 2)) / 2);
        }
    }
    // The kills did land at different points: some files were still old, some new.
    assert!(saw_old > 0 && saw_new > 0, "old {saw_old}, new {saw_new}");
    assert!(
        saw_mixed_runs > 0,
        "no kill landed while files were being written"
    );
    eprintln!(
        "full run {full_run:?}; {kills} kills left {saw_old} old and {saw_new} new files, {saw_mixed_runs} cut the writes midway"
    );
}
