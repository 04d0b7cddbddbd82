//! The functions whose meaning the model knows, in one table: the calls that end a path,
//! start code on another goroutine, join one, lock a mutex, or read and write a map.
//! The byte-level prefilter reads its words from here too (see `crate::prefilter`), so
//! that a function added here is a trigger there without a second list.

use super::super::function::LockMethod;

/// How a call ends the path it is on, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The deferred calls run: `panic`, `runtime.Goexit`, `t.Fatal` (Go fact 9).
    RunsDefers,
    /// The process ends and nothing deferred runs: `os.Exit`, `log.Fatal`.
    SkipsDefers,
}

/// `func_text` is the callee as written (`panic`, `os.Exit`, `t.Fatalf`).
pub fn exit_call(func_text: &str) -> Option<Exit> {
    match func_text {
        "panic" | "runtime.Goexit" => Some(Exit::RunsDefers),
        "os.Exit" | "log.Fatal" | "log.Fatalf" | "log.Fatalln" => Some(Exit::SkipsDefers),
        _ if [".Fatal", ".Fatalf", ".FailNow"]
            .iter()
            .any(|s| func_text.ends_with(s)) =>
        {
            Some(Exit::RunsDefers)
        }
        _ => None,
    }
}

/// The statements whose code runs later than they do: `defer f()` at the function's exit,
/// `go f()` on a goroutine of its own (Go facts 1, 2, 10).
pub const LATER_STATEMENTS: [&str; 2] = ["defer", "go"];

/// Calls whose function-literal argument runs on another goroutine, by the callee as
/// written.
pub const AFTER_FUNCS: [&str; 2] = ["time.AfterFunc", "context.AfterFunc"];

/// A method that runs its function-literal argument on a goroutine of its own
/// (`errgroup.Group.Go`, `sync.WaitGroup.Go`).
pub const GROUP_GO: &str = "Go";

/// The last name of every callee whose function-literal argument runs later: what the
/// prefilter looks for in calls.
pub fn later_call_names() -> impl Iterator<Item = &'static str> {
    AFTER_FUNCS
        .iter()
        .map(|f| f.rsplit('.').next().unwrap_or(f))
        .chain([GROUP_GO])
}

/// A method call that waits for other goroutines (`wg.Wait()`, `g.Wait()`).
pub const JOIN_METHOD: &str = "Wait";

/// The builtins that write a map: `delete(m, k)`, `clear(m)` (Go fact 4).
pub const MAP_WRITE_BUILTINS: [&str; 2] = ["delete", "clear"];

/// The builtin that reads a map without indexing it.
pub const MAP_LEN: &str = "len";

/// Go's predeclared functions: a call of one is no call of the package's code (unless the
/// package declares a function of that name).
pub const BUILTINS: [&str; 18] = [
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
    "min", "new", "panic", "print", "println", "real", "recover",
];

/// A method of `sync.Mutex` or `sync.RWMutex` with no arguments.
pub fn mutex_method(name: &str) -> Option<LockMethod> {
    LockMethod::from_name(name)
}

/// A deferred call to a helper whose name says it releases locks (`defer s.unlockAll()`):
/// after it, the model knows nothing about any mutex.
pub fn releases_locks(callee_text: &str) -> bool {
    let lower = callee_text.to_ascii_lowercase();
    lower.contains("unlock") || lower.contains("release")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exits() {
        assert_eq!(exit_call("panic"), Some(Exit::RunsDefers));
        assert_eq!(exit_call("t.Fatalf"), Some(Exit::RunsDefers));
        assert_eq!(exit_call("os.Exit"), Some(Exit::SkipsDefers));
        assert_eq!(exit_call("fmt.Println"), None);
    }

    #[test]
    fn later_calls_are_named_by_their_last_name() {
        let names: Vec<&str> = later_call_names().collect();
        assert_eq!(names, ["AfterFunc", "AfterFunc", "Go"]);
    }
}
