//! Paired rounds: every contender measured in short batches, interleaved, and each batch
//! compared with the same round's baseline, so that the shared machine's drift lands on both
//! sides of every ratio.

// Counts and timings here are far below 2^52: converting them to and from `f64` loses nothing.
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Something to measure: given a number of iterations, runs them and returns the time they
/// took (setup it needs between iterations, such as removing variables, left out).
pub type Run<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// A contender that runs `f` the given number of times.
pub fn timed<'a, T>(mut f: impl FnMut() -> T + 'a) -> Run<'a> {
    Box::new(move |iterations| {
        let started = Instant::now();
        for _ in 0..iterations {
            black_box(f());
        }
        started.elapsed()
    })
}

/// Each contender's batch: about this long.
const BATCH: Duration = Duration::from_millis(2);

/// 300 paired rounds, unless `SECRETS_BENCH_ROUNDS` says otherwise (for a quick look).
fn rounds() -> usize {
    std::env::var("SECRETS_BENCH_ROUNDS").ok().and_then(|rounds| rounds.parse().ok()).unwrap_or(300)
}

/// One contender's result: its time in each round.
#[derive(Debug)]
pub struct Summary {
    /// The contender's name.
    pub name: String,
    /// The median time of one iteration.
    pub per_iteration: Duration,
    /// The time of one iteration in each round, in seconds.
    pub rounds: Vec<f64>,
}

impl Summary {
    /// The throughput of an iteration that handles `bytes`, in MB/s.
    pub fn megabytes_per_second(&self, bytes: usize) -> f64 {
        bytes as f64 / self.per_iteration.as_secs_f64() / 1e6
    }

    /// The median and quartiles of this contender's same-round ratios to `other`.
    pub fn against(&self, other: &Summary) -> (f64, (f64, f64)) {
        let ratios: Vec<f64> = self.rounds.iter().zip(&other.rounds).map(|(time, base)| time / base).collect();
        (quantile(&ratios, 0.5), (quantile(&ratios, 0.25), quantile(&ratios, 0.75)))
    }
}

/// Measures `contenders` (the first is the baseline) in 300 rounds (`SECRETS_BENCH_ROUNDS`) of
/// batches of about 2 ms each, in a rotating order, and prints and returns each one's summary.
///
/// # Panics
///
/// When there is no contender.
pub fn compare(title: &str, mut contenders: Vec<(&str, Run<'_>)>) -> Vec<Summary> {
    assert!(!contenders.is_empty(), "a comparison needs a baseline");
    let rounds = rounds();
    let iterations: Vec<u64> = contenders.iter_mut().map(|(_, run)| calibrate(run, BATCH)).collect();
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); contenders.len()];
    for round in 0..rounds {
        for offset in 0..contenders.len() {
            let index = (round + offset) % contenders.len();
            let elapsed = (contenders[index].1)(iterations[index]);
            times[index].push(elapsed.as_secs_f64() / iterations[index] as f64);
        }
    }
    let summaries: Vec<Summary> = contenders
        .iter()
        .zip(times)
        .map(|((name, _), own)| Summary {
            name: (*name).to_owned(),
            per_iteration: Duration::from_secs_f64(quantile(&own, 0.5)),
            rounds: own,
        })
        .collect();
    println!("\n{title}: {rounds} paired rounds, ratios to {} (median [interquartile range])", summaries[0].name);
    for summary in &summaries {
        let (ratio, (low, high)) = summary.against(&summaries[0]);
        println!(
            "  {:<40} {:>12}  {ratio:.3}x [{low:.3} {high:.3}]",
            summary.name,
            format!("{:.3?}", summary.per_iteration)
        );
    }
    summaries
}

/// How many iterations make a batch of about `batch`: doubled from one until they take that
/// long, after a warm-up of as many.
fn calibrate(run: &mut Run<'_>, batch: Duration) -> u64 {
    let mut iterations = 1;
    loop {
        if run(iterations) >= batch || iterations >= 1 << 30 {
            run(iterations);
            return iterations;
        }
        iterations *= 2;
    }
}

/// The `q` quantile of `values`, interpolated between the two nearest.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = q * (sorted.len() - 1) as f64;
    let (low, high) = (at.floor() as usize, at.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (at - low as f64)
}
