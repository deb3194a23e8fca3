//! Loading a contract shaped like real ones (per ten variables: four required secrets, two
//! optional ones, two `u16`, a `bool` and a URL setting) from a host environment that also
//! holds 100 unrelated variables, for N = 10, 100 and 1000, in paired rounds.
//!
//! Environment only (no `.env` anywhere up from the working directory): a hand-written loop of
//! `std::env::var` calls (the baseline), `load_from(&EnvSource)`, `envconfig`, one pass over
//! `std::env::vars_os` into a map, `load()` with its standard sources, and at N=100 the same
//! variables as ten nested sections. With a `.env` holding half the variables:
//! `dotenvy::dotenv()` then `envconfig` (the file's variables removed from the environment
//! before each iteration, outside the timing) against `load()`, which reads the file without
//! setting anything.
//!
//! Each (size, case) runs in a process of its own, with exactly its environment.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use envconfig::Envconfig;
use secrets_benches::paired::{compare, timed, Run};
use secrets_benches::{contract_var, host_environment, rerun};
use secrets_core::{EnvSource, SecretContract, SecretString};

// The fields are loaded and never read (only loading is measured); their names are generated.
#[allow(dead_code, clippy::struct_field_names, clippy::struct_excessive_bools)]
mod contracts {
    use envconfig::Envconfig;
    use secrets_core::{SecretContract, SecretString};

    include!(concat!(env!("OUT_DIR"), "/contracts.rs"));
}
use contracts::{Derived10, Derived100, Derived1000, Envconfig10, Envconfig100, Nested100};

/// Set in the child runs: the size and the case (`env` or `dotenv`) this process measures.
const CASE: &str = "SECRETS_BENCH_CASE";

/// A value as the hand-written loop keeps it, by the kind of its field.
#[allow(dead_code)]
enum Field {
    Secret(SecretString),
    Optional(Option<SecretString>),
    Port(u16),
    Flag(bool),
    Text(String),
}

/// The baseline: one `std::env::var` per name, parsed as its field's type, collecting what is
/// missing or invalid.
fn hand_written(names: &[String]) -> Result<Vec<Field>, Vec<&str>> {
    parsed(names, |name| std::env::var(name).ok())
}

/// One pass over the environment into a map, then the same parsing: what a loader that
/// snapshots the environment does.
fn snapshot(names: &[String]) -> Result<Vec<Field>, Vec<&str>> {
    let environment: HashMap<OsString, OsString> = std::env::vars_os().collect();
    parsed(names, |name| {
        environment.get(std::ffi::OsStr::new(name)).and_then(|value| value.to_str()).map(str::to_owned)
    })
}

/// Each of `names` looked up with `value` and parsed as its field's type (see `build.rs`);
/// the names missing or invalid when any is.
fn parsed(names: &[String], mut value: impl FnMut(&str) -> Option<String>) -> Result<Vec<Field>, Vec<&str>> {
    let mut fields = Vec::with_capacity(names.len());
    let mut problems = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let field = match (index % 10, value(name)) {
            (4 | 5, value) => Some(Field::Optional(value.map(SecretString::from))),
            (_, None) => None,
            (0..=3, Some(value)) => Some(Field::Secret(SecretString::from(value))),
            (6 | 7, Some(value)) => value.parse().ok().map(Field::Port),
            (8, Some(value)) => value.parse().ok().map(Field::Flag),
            (_, Some(value)) => Some(Field::Text(value)),
        };
        match field {
            Some(field) => fields.push(field),
            None => problems.push(name.as_str()),
        }
    }
    if problems.is_empty() {
        Ok(fields)
    } else {
        Err(problems)
    }
}

/// `dotenvy::dotenv()` then `E::init_from_env()`, with `file_names` removed from the
/// environment before each iteration (outside the timing), as a fresh process would have it.
fn dotenvy_then<E: Envconfig>(file_names: &[String]) -> Run<'_> {
    Box::new(move |iterations| {
        let mut elapsed = Duration::ZERO;
        for _ in 0..iterations {
            for name in file_names {
                // Edition 2021 (this crate's): no other thread runs while the benchmark does.
                std::env::remove_var(name);
            }
            let started = Instant::now();
            assert!(dotenvy::dotenv().is_ok(), "the .env is read");
            assert!(std::hint::black_box(E::init_from_env()).is_ok(), "envconfig loads");
            elapsed += started.elapsed();
        }
        elapsed
    })
}

/// The environment-only comparison for a contract `D` of `n` variables.
fn environment_only<D: SecretContract>(n: usize, envconfig: Option<Run<'_>>, nested: Option<Run<'_>>) {
    let names: Vec<String> = (0..n).map(contract_var).collect();
    assert!(hand_written(&names).is_ok(), "the environment is not set up");
    assert!(D::load_from(&EnvSource).is_ok() && D::load().is_ok(), "the contract does not load");
    let mut contenders: Vec<(&str, Run<'_>)> = vec![
        ("hand-written std::env::var loop", timed(|| hand_written(&names).is_ok())),
        ("load_from(&EnvSource)", timed(|| D::load_from(&EnvSource).is_ok())),
    ];
    contenders.extend(envconfig.map(|run| ("envconfig", run)));
    contenders.push(("one pass over vars_os", timed(|| snapshot(&names).is_ok())));
    contenders.push(("load(), standard sources", timed(|| D::load().is_ok())));
    contenders.extend(nested.map(|run| ("load_from(&EnvSource), ten sections", run)));
    let summaries = compare(&format!("load, N={n}, environment only"), contenders);
    let by_name = |name: &str| summaries.iter().find(|summary| summary.name == name);
    if let (Some(envconfig), Some(load)) = (by_name("envconfig"), by_name("load(), standard sources")) {
        let (ratio, (low, high)) = load.against(envconfig);
        println!("  load() / envconfig: {ratio:.3}x [{low:.3} {high:.3}]");
    }
}

/// The variables of a contract of `n` that the `.env` case reads from `./.env` only: the
/// odd-numbered ones.
fn in_dotenv(n: usize) -> impl Iterator<Item = usize> {
    (0..n).filter(|i| i % 2 == 1)
}

/// The `.env` comparison for a contract `D` of `n` variables: half of them in `./.env`.
fn with_dotenv<D: SecretContract, E: Envconfig>(n: usize) {
    let file_names: Vec<String> = in_dotenv(n).map(contract_var).collect();
    assert!(D::load().is_ok(), "the contract does not load from the environment and .env");
    compare(
        &format!("load, N={n}, half the variables in .env"),
        vec![
            ("dotenvy::dotenv() + envconfig", dotenvy_then::<E>(&file_names)),
            ("load()", timed(|| D::load().is_ok())),
        ],
    );
}

fn nested_loads() -> bool {
    Nested100::load_from(&EnvSource).is_ok()
}

/// A directory of its own under the temporary directory, with no `.env` in it; `dotenv`
/// writes one with the variables `in_dotenv`.
fn workdir(n: usize, dotenv: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("secrets-bench-load-{}-{n}-{dotenv}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("the temporary directory is writable");
    let file = dir.join(".env");
    if dotenv {
        let mut lines = String::new();
        for i in in_dotenv(n) {
            let _ = writeln!(lines, "{}={}", contract_var(i), secrets_benches::contract_value(i));
        }
        std::fs::write(&file, lines).expect("the temporary directory is writable");
    } else if file.exists() {
        std::fs::remove_file(&file).expect("an old .env can be removed");
    }
    dir
}

/// Whether a `.env` lies in `dir` or above it: the environment-only case needs none.
fn dotenv_above(dir: &Path) -> bool {
    dir.ancestors().any(|ancestor| ancestor.join(".env").exists())
}

fn main() {
    let Ok(case) = std::env::var(CASE) else {
        for n in [10, 100, 1000] {
            let dir = workdir(n, false);
            assert!(!dotenv_above(&dir), "a .env above {} would be read by load()", dir.display());
            let mut environment = host_environment(n);
            environment.push((CASE.to_owned(), format!("{n}-env")));
            environment
                .extend(std::env::var("SECRETS_BENCH_ROUNDS").ok().map(|r| ("SECRETS_BENCH_ROUNDS".to_owned(), r)));
            assert!(rerun(environment.clone(), &dir), "N={n} failed");
            std::fs::remove_dir_all(&dir).expect("the temporary directory can be removed");
            if n > 100 {
                continue;
            }
            let dir = workdir(n, true);
            let in_file: Vec<String> = in_dotenv(n).map(contract_var).collect();
            environment.retain(|(name, _)| !in_file.contains(name));
            environment.retain(|(name, _)| name != CASE);
            environment.push((CASE.to_owned(), format!("{n}-dotenv")));
            assert!(rerun(environment, &dir), "N={n} with a .env failed");
            std::fs::remove_dir_all(&dir).expect("the temporary directory can be removed");
        }
        return;
    };
    match case.as_str() {
        "10-env" => environment_only::<Derived10>(10, Some(timed(|| Envconfig10::init_from_env().is_ok())), None),
        "100-env" => environment_only::<Derived100>(
            100,
            Some(timed(|| Envconfig100::init_from_env().is_ok())),
            Some(timed(nested_loads)),
        ),
        "1000-env" => environment_only::<Derived1000>(1000, None, None),
        "10-dotenv" => with_dotenv::<Derived10, Envconfig10>(10),
        "100-dotenv" => with_dotenv::<Derived100, Envconfig100>(100),
        other => panic!("no benchmark case {other}"),
    }
}
