//! What the example programs' tests share: running a program with an explicit environment, and
//! the canaries no output may show.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Distinct fake secrets; none may show, whole or in part, in any output.
pub(crate) const CANARIES: [&str; 4] = ["Xq7ZkP9wRm2Tb4Vn", "Hj3Lc8NfGt6Ys1Dp", "Wr5Mx2Qz9Kb7Fv4J", "Nt8Gd3Hs6Pc1Lx9R"];

/// The program at `path` with nothing but `vars` in its environment, run from `dir`.
pub(crate) fn explicit(path: &str, dir: &Path, vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(path);
    command.env_clear().envs(vars.iter().copied()).current_dir(dir);
    command
}

/// What `command` printed, and how it ended.
pub(crate) fn outcome(command: &mut Command) -> (Output, String, String) {
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

/// Fails if any canary, or any 6-character piece of one, is in `text`.
pub(crate) fn assert_no_canary(surface: &str, text: &str) {
    for canary in CANARIES {
        secrets_core::testing::assert_clean(surface, text, canary);
    }
}

/// A file holding `content`, readable by its owner only.
pub(crate) fn private_file(dir: &Path, name: &str, content: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}
