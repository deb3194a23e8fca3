//! Tests that need an exact process environment run again as a child process with only it:
//! a test cannot set variables in its own process without `unsafe`.

use std::ffi::OsString;
use std::process::Command;

/// Set in the child: the environment is the one the test asked for.
const CHILD: &str = "SECRETS_TEST_CHILD";

/// Whether this process is the child that runs `test`; in the parent, runs it with `vars` only.
pub(crate) fn in_child(test: &str, vars: Vec<(String, OsString)>) -> bool {
    if std::env::var_os(CHILD).is_some() {
        return true;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--test-threads=1", "--nocapture"])
        .env_clear()
        .envs(vars)
        .env(CHILD, "1")
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{test} failed in its child process:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{test} did not run in its child process:\n{stdout}");
    false
}
