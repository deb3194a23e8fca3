//! What the benchmarks share: the host environment they run in (contract variables plus
//! unrelated ones), and the paired measurement.

pub mod paired;

use std::path::PathBuf;
use std::process::Command;

/// Unrelated variables on the benchmark host, as a real host has (PATH, HOME, service settings).
pub const UNRELATED: usize = 100;

/// The name of the `index`-th contract variable.
pub fn contract_var(index: usize) -> String {
    // Ten to a section, as the nested contract reads them: `BENCH_S003_F7` is variable 37.
    format!("BENCH_S{:03}_F{}", index / 10, index % 10)
}

/// A deterministic 40-character value for the `index`-th variable.
pub fn value(index: usize) -> String {
    let mut state = (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..40)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(state % 62) as usize])
        })
        .collect()
}

/// The whole environment of a benchmark run for a contract of `n` variables.
pub fn host_environment(n: usize) -> Vec<(String, String)> {
    let unrelated = (0..UNRELATED).map(|i| (format!("HOST_SETTING_{i:03}"), value(100_000 + i)));
    (0..n).map(|i| (contract_var(i), value(i))).chain(unrelated).collect()
}

/// Runs this executable again with exactly the environment for `n` variables plus `run` (the
/// variables that tell the child what to measure), passing `args`.
///
/// Benchmarks cannot set variables in their own process without `unsafe` (edition 2024), and
/// each size needs its own environment, so the harness re-runs itself for every size (and round).
///
/// # Panics
///
/// When the executable cannot be found or started.
pub fn rerun_with_environment(n: usize, run: &[(&str, String)], args: &[String]) -> bool {
    let exe = std::env::current_exe().expect("the running benchmark has a path");
    Command::new(&exe)
        .args(args)
        .env_clear()
        .envs(host_environment(n))
        .envs(run.iter().map(|(name, value)| (name, value)))
        .env("CRITERION_HOME", reports_dir())
        .status()
        .expect("the benchmark can start itself")
        .success()
}

/// Where criterion writes its reports: `$CRITERION_HOME`, else `target/criterion` as usual.
///
/// # Panics
///
/// When the running executable is not under a cargo `target/` directory.
pub fn reports_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the running benchmark has a path");
    // target/release/deps/load-…
    std::env::var_os("CRITERION_HOME")
        .map_or_else(|| exe.ancestors().nth(3).expect("under target/").join("criterion"), Into::into)
}
