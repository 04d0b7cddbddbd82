//! `fix --write` killed with SIGKILL in the middle of a large run: every file is then
//! exactly its old text or exactly its new text, never a mix or a truncation, and the
//! only other file left is the temporary file docs/robustness.md documents
//! (`.NAME.XXXXXX.defuse.tmp` next to the file being written at the moment of the kill).
//!
//! The kill lands deterministically: a test-only pause point in `write_atomic` stops the
//! process between writing a temporary file and renaming it, and the test kills it there.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::defuse_command;

const FILES: usize = 300;

/// The shape of `Logout` in testdata/deferred-write-unlocked/positive.go, with the
/// locked accesses that make `sessions` guarded by `mu`.
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
    for j in 0..4 {
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
    let mut c = defuse_command(dir);
    c.args(["fix", "--write", "--allow-dirty", "--quiet", "."])
        .env("HOME", dir)
        .env_remove(PAUSE)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// The test-only pause point of `write_atomic` (src/fix/write.rs): the N-th write stops
/// after its temporary file is complete and before the rename.
const PAUSE: &str = "DEFUSE_TEST_PAUSE_BEFORE_RENAME";

/// A leftover temporary file of `write_atomic`: `.table.go.XXXXXX.defuse.tmp`.
fn is_documented_temp(rel: &Path) -> bool {
    let name = rel.file_name().unwrap().to_string_lossy();
    name.starts_with(".table.go.") && name.ends_with(".defuse.tmp")
}

/// Run `fix --write` on `tree` until it pauses at its `n`-th write, then SIGKILL it.
fn kill_at_write(tree: &Path, n: usize) {
    let mut child = fix_write(tree)
        .env(PAUSE, n.to_string())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut paused = false;
    for line in stderr.lines() {
        let line = line.unwrap();
        if line.contains(&format!("{PAUSE}: paused at write {n},")) {
            paused = true;
            break;
        }
    }
    // Killed only once it is known to be inside the write: no delay is guessed.
    let _ = child.kill(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(paused, "the run never reached write {n}: {status}");
    assert!(!status.success(), "the run was not killed: {status}");
}

#[test]
fn killed_writes_leave_every_file_old_or_new() {
    let work = tempfile::tempdir().unwrap();
    // The new versions, from a run that is not interrupted.
    let reference = work.path().join("reference");
    make_tree(&reference);
    let old = files(&reference);
    let status = fix_write(&reference).status().unwrap();
    assert!(status.success(), "the uninterrupted run failed: {status}");
    let new = files(&reference);
    assert_eq!(new.len(), FILES);
    for (p, text) in &new {
        assert_ne!(text, &old[p], "{} was not fixed", p.display());
    }

    // Kill in the first write, midway, and in the last: each time the files written
    // before are wholly new, the one in flight and the rest wholly old, and the only
    // trace of the write in flight is its documented temporary file.
    for n in [1, FILES / 2, FILES] {
        let tree = work.path().join(format!("killed-at-{n}"));
        make_tree(&tree);
        kill_at_write(&tree, n);
        let after = files(&tree);
        let (mut olds, mut news) = (0, 0);
        for (p, text) in &after {
            if is_documented_temp(p) {
                continue;
            }
            let (o, nw) = (&old[p], &new[p]);
            if text == o {
                olds += 1;
            } else if text == nw {
                news += 1;
            } else {
                panic!(
                    "killed at write {n}: {} is neither the old nor the new text ({} bytes; old {}, new {})",
                    p.display(),
                    text.len(),
                    o.len(),
                    nw.len()
                );
            }
        }
        assert_eq!(
            olds + news,
            FILES,
            "killed at write {n}: files went missing"
        );
        assert_eq!(news, n - 1, "killed at write {n}: files renamed before it");
        let temps: Vec<_> = after.keys().filter(|p| is_documented_temp(p)).collect();
        assert_eq!(
            temps.len(),
            1,
            "killed at write {n}: one temporary file, the write in flight: {temps:?}"
        );
        // The leftover temporary file holds the complete new text of its file: the
        // rename was all that was missing.
        let tmp = temps[0];
        let target = tmp.with_file_name("table.go");
        assert_eq!(
            after[tmp],
            new[&target],
            "killed at write {n}: {}",
            tmp.display()
        );
        assert_eq!(after[&target], old[&target]);

        // A leftover temporary file is hidden from the next run, which finishes the job.
        let status = fix_write(&tree).status().unwrap();
        assert!(status.success(), "the run after the kill failed: {status}");
        for (p, text) in files(&tree) {
            if !is_documented_temp(&p) {
                assert_eq!(text, new[&p], "{} after a second run", p.display());
            }
        }
        let _ = fs::remove_dir_all(&tree);
    }
}
