//! Loading N secrets from the process environment: the derive against a hand-written
//! `std::env::var` loop and `envconfig`, in one run, for N = 10, 100 and 1000; and what the
//! standard sources of `load()` add. At N=100 the same variables are also loaded as ten nested
//! sections of ten.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{BenchmarkId, Criterion};
use envconfig::Envconfig;
use secrets_benches::{contract_var, reports_dir, rerun_with_environment};
use secrets_core::{EnvSource, SecretContract, SecretString};

// The fields are loaded and never read (only loading is measured); their names are generated.
#[allow(dead_code, clippy::struct_field_names)]
mod contracts {
    use envconfig::Envconfig;
    use secrets_core::{SecretContract, SecretString};

    include!(concat!(env!("OUT_DIR"), "/contracts.rs"));
}
use contracts::{Derived10, Derived100, Derived1000, Envconfig10, Envconfig100, Nested100};

/// Set in the child runs: the size whose environment this process has.
const SIZE: &str = "SECRETS_BENCH_N";

/// Set in the child runs: which round this process measures.
const ROUND: &str = "SECRETS_BENCH_ROUND";

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

/// Rounds of each comparison, each in a process of its own. The baseline and its contenders are
/// measured next to each other and compared round by round, so neither a slow drift of the
/// shared machine nor one process's memory layout (which moves `getenv` by a few percent) lands
/// on one side only.
const ROUNDS: usize = 5;

/// One round: the derived contract `D` and, where given, `envconfig` against the hand-written
/// loop; in the last round, also `load()` with its standard sources.
fn bench_size<D: SecretContract>(
    c: &mut Criterion,
    n: usize,
    round: usize,
    envconfig: Option<fn() -> bool>,
    nested: Option<fn() -> bool>,
) {
    let names: Vec<String> = (0..n).map(contract_var).collect();
    assert_eq!(hand_written(&names).map(|v| v.len()).ok(), Some(n), "the environment is not set up");
    assert!(D::load_from(&EnvSource).is_ok());
    assert!(envconfig.is_none_or(|envconfig| envconfig()));
    let mut group = c.benchmark_group("load");
    group.warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2));
    let id = |function: &str| BenchmarkId::new(function, format!("{n}-round{round}"));
    group.bench_function(id("hand_written"), |b| b.iter(|| black_box(hand_written(&names))));
    group.bench_function(id("secrets_core"), |b| b.iter(|| black_box(D::load_from(&EnvSource))));
    if let Some(envconfig) = envconfig {
        group.bench_function(id("envconfig"), |b| b.iter(|| black_box(envconfig())));
    }
    if let Some(nested) = nested {
        assert!(nested(), "the nested contract does not load");
        group.bench_function(id("secrets_core_nested"), |b| b.iter(|| black_box(nested())));
    }
    if round == ROUNDS {
        // What `load()` adds: systemd credentials, `NAME_FILE` and the nearest `.env`, looked for each time.
        group.bench_function(BenchmarkId::new("secrets_core_standard_sources", n), |b| {
            b.iter(|| black_box(D::load()));
        });
    }
    group.finish();
}

/// The median time of benchmark `id` measured since `since` (an earlier run's report is not
/// used), in nanoseconds.
fn median_ns(id: &str, since: SystemTime) -> Option<f64> {
    let path = reports_dir().join("load").join(id).join("new/estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < since {
        return None;
    }
    let estimates: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

/// The middle value, or the mean of the two middle ones.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 { values[middle] } else { f64::midpoint(values[middle - 1], values[middle]) }
}

/// Prints each contender's time as a ratio to the hand-written loop of the same round.
fn print_ratios(since: SystemTime) {
    println!("\nRatios to hand_written, medians of this run's rounds (each round's ratio in brackets):");
    for n in [10, 100, 1000] {
        let hand = |round: usize| median_ns(&format!("hand_written/{n}-round{round}"), since);
        for contender in ["secrets_core", "secrets_core_nested", "envconfig"] {
            let ratios: Vec<f64> = (1..=ROUNDS)
                .filter_map(|round| Some(median_ns(&format!("{contender}/{n}-round{round}"), since)? / hand(round)?))
                .collect();
            if !ratios.is_empty() {
                let each: Vec<String> = ratios.iter().map(|ratio| format!("{ratio:.3}")).collect();
                println!("  N={n:<4} {contender:<29} {:.3}x  [{}]", median(ratios), each.join(" "));
            }
        }
        let flat = |round: usize| median_ns(&format!("secrets_core/{n}-round{round}"), since);
        let nested: Vec<f64> = (1..=ROUNDS)
            .filter_map(|round| {
                Some(median_ns(&format!("secrets_core_nested/{n}-round{round}"), since)? / flat(round)?)
            })
            .collect();
        if !nested.is_empty() {
            let each: Vec<String> = nested.iter().map(|ratio| format!("{ratio:.3}")).collect();
            println!("  N={n:<4} {:<29} {:.3}x  [{}]", "nested / flat secrets_core", median(nested), each.join(" "));
        }
        let hands: Vec<f64> = (1..=ROUNDS).filter_map(hand).collect();
        let standard = median_ns(&format!("secrets_core_standard_sources/{n}"), since).filter(|_| !hands.is_empty());
        if let Some(standard) = standard {
            println!("  N={n:<4} {:<29} {:.3}x", "secrets_core_standard_sources", standard / median(hands));
        }
    }
}

fn envconfig_loads<E: Envconfig>() -> bool {
    black_box(E::init_from_env()).is_ok()
}

fn derived_loads<C: SecretContract>() -> bool {
    black_box(C::load_from(&EnvSource)).is_ok()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Ok(size), Ok(round)) = (std::env::var(SIZE), std::env::var(ROUND)) else {
        let started = SystemTime::now();
        for n in [10, 100, 1000] {
            for round in 1..=ROUNDS {
                let run = [(SIZE, n.to_string()), (ROUND, round.to_string())];
                assert!(rerun_with_environment(n, &run, &args), "round {round} for N={n} failed");
            }
        }
        print_ratios(started);
        return;
    };
    let round: usize = round.parse().expect("the parent sets a round number");
    let mut c = Criterion::default().configure_from_args();
    match size.as_str() {
        "10" => bench_size::<Derived10>(&mut c, 10, round, Some(envconfig_loads::<Envconfig10>), None),
        "100" => bench_size::<Derived100>(
            &mut c,
            100,
            round,
            Some(envconfig_loads::<Envconfig100>),
            Some(derived_loads::<Nested100>),
        ),
        "1000" => bench_size::<Derived1000>(&mut c, 1000, round, None, None),
        other => panic!("no benchmark for N={other}"),
    }
    c.final_summary();
}
