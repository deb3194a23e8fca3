//! Loading N secrets from the process environment: the derive against a hand-written
//! `std::env::var` loop and `envconfig`, in one run, for N = 10, 100 and 1000.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion};
use envconfig::Envconfig;
use secrets_benches::{contract_var, rerun_with_environment};
use secrets_core::{EnvSource, SecretContract, SecretString};

// The fields are loaded and never read (only loading is measured); their names are generated.
#[allow(dead_code, clippy::struct_field_names)]
mod contracts {
    use envconfig::Envconfig;
    use secrets_core::{SecretContract, SecretString};

    include!(concat!(env!("OUT_DIR"), "/contracts.rs"));
}
use contracts::{Derived10, Derived100, Derived1000, Envconfig10, Envconfig100};

/// Set in the child runs: the size whose environment this process has.
const MARKER: &str = "SECRETS_BENCH_N";

/// The baseline: one `std::env::var` per name into a `SecretString`, collecting what is missing.
fn hand_written(names: &[String]) -> Result<Vec<SecretString>, Vec<&str>> {
    let mut values = Vec::with_capacity(names.len());
    let mut missing = Vec::new();
    for name in names {
        match std::env::var(name) {
            Ok(value) => values.push(SecretString::from(value)),
            Err(_) => missing.push(name.as_str()),
        }
    }
    if missing.is_empty() { Ok(values) } else { Err(missing) }
}

/// Benchmarks the derived contract `D` and, where given, `envconfig` against the hand-written loop.
fn bench_size<D: SecretContract>(c: &mut Criterion, n: usize, envconfig: Option<fn() -> bool>) {
    let names: Vec<String> = (0..n).map(contract_var).collect();
    assert_eq!(hand_written(&names).map(|v| v.len()).ok(), Some(n), "the environment is not set up");
    assert!(D::load_from(&EnvSource).is_ok());
    let mut group = c.benchmark_group("load");
    group.bench_function(BenchmarkId::new("hand_written", n), |b| {
        b.iter(|| black_box(hand_written(&names)));
    });
    group.bench_function(BenchmarkId::new("secrets_core", n), |b| {
        b.iter(|| black_box(D::load_from(&EnvSource)));
    });
    if let Some(envconfig) = envconfig {
        assert!(envconfig());
        group.bench_function(BenchmarkId::new("envconfig", n), |b| {
            b.iter(|| black_box(envconfig()));
        });
    }
    group.finish();
}

fn envconfig_loads<E: Envconfig>() -> bool {
    black_box(E::init_from_env()).is_ok()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Ok(size) = std::env::var(MARKER) else {
        for n in [10, 100, 1000] {
            assert!(rerun_with_environment(n, MARKER, &args), "the run for N={n} failed");
        }
        return;
    };
    let mut c = Criterion::default().configure_from_args();
    match size.as_str() {
        "10" => bench_size::<Derived10>(&mut c, 10, Some(envconfig_loads::<Envconfig10>)),
        "100" => bench_size::<Derived100>(&mut c, 100, Some(envconfig_loads::<Envconfig100>)),
        "1000" => bench_size::<Derived1000>(&mut c, 1000, None),
        other => panic!("no benchmark for N={other}"),
    }
    c.final_summary();
}
