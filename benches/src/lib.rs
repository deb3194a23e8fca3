//! What the benchmarks share: the host environment they run in (contract variables plus
//! unrelated ones), and the paired measurement.

pub mod paired;

use std::path::Path;
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

/// What the `index`-th contract variable holds, by its kind in the benchmark contracts (see
/// `build.rs`): a secret of 40 characters, a port, a flag, or a URL of 64.
pub fn contract_value(index: usize) -> String {
    match index % 10 {
        6 | 7 => (1024 + index % 60_000).to_string(),
        8 => "true".to_owned(),
        9 => format!("https://service.example/v1/{}", &value(index)[..37]),
        _ => value(index),
    }
}

/// The contract variables of a benchmark run for a contract of `n` variables.
pub fn contract_environment(n: usize) -> Vec<(String, String)> {
    (0..n).map(|i| (contract_var(i), contract_value(i))).collect()
}

/// The unrelated variables of the benchmark host.
pub fn unrelated_environment() -> Vec<(String, String)> {
    (0..UNRELATED).map(|i| (format!("HOST_SETTING_{i:03}"), value(100_000 + i))).collect()
}

/// The whole environment of a benchmark run for a contract of `n` variables.
pub fn host_environment(n: usize) -> Vec<(String, String)> {
    let mut all = contract_environment(n);
    all.extend(unrelated_environment());
    all
}

/// Runs this executable again in `dir` with exactly the variables `environment`, and says
/// whether it succeeded.
///
/// Benchmarks cannot set variables in their own process without `unsafe` (edition 2024), and
/// each size needs its own environment, so the harness re-runs itself for each.
///
/// # Panics
///
/// When the executable cannot be found or started.
pub fn rerun(environment: Vec<(String, String)>, dir: &Path) -> bool {
    let exe = std::env::current_exe().expect("the running benchmark has a path");
    Command::new(&exe)
        .env_clear()
        .envs(environment)
        .current_dir(dir)
        .status()
        .expect("the benchmark can start itself")
        .success()
}
