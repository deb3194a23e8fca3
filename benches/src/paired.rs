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

/// One contender's result: its own time, and its time divided by the baseline's of the same round.
#[derive(Debug)]
pub struct Summary {
    /// The contender's name.
    pub name: String,
    /// The median time of one iteration.
    pub per_iteration: Duration,
    /// The median of the same-round ratios to the baseline.
    pub ratio: f64,
    /// The first and third quartiles of those ratios.
    pub spread: (f64, f64),
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

/// Measures `contenders` (the first is the baseline) in `rounds` rounds of batches of about
/// `batch` each, in a rotating order, and prints and returns each one's summary.
///
/// # Panics
///
/// When there is no contender.
pub fn compare(title: &str, rounds: usize, batch: Duration, mut contenders: Vec<(&str, Run<'_>)>) -> Vec<Summary> {
    assert!(!contenders.is_empty(), "a comparison needs a baseline");
    let iterations: Vec<u64> = contenders.iter_mut().map(|(_, run)| calibrate(run, batch)).collect();
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); contenders.len()];
    for round in 0..rounds {
        for offset in 0..contenders.len() {
            let index = (round + offset) % contenders.len();
            let elapsed = (contenders[index].1)(iterations[index]);
            times[index].push(elapsed.as_secs_f64() / iterations[index] as f64);
        }
    }
    let base = times[0].clone();
    let summaries: Vec<Summary> = contenders
        .iter()
        .zip(times)
        .map(|((name, _), own)| {
            let ratios: Vec<f64> = own.iter().zip(&base).map(|(time, base)| time / base).collect();
            Summary {
                name: (*name).to_owned(),
                per_iteration: Duration::from_secs_f64(quantile(&own, 0.5)),
                ratio: quantile(&ratios, 0.5),
                spread: (quantile(&ratios, 0.25), quantile(&ratios, 0.75)),
                rounds: own,
            }
        })
        .collect();
    println!("\n{title}: {rounds} paired rounds, ratios to {} (median [interquartile range])", summaries[0].name);
    for summary in &summaries {
        println!(
            "  {:<40} {:>12}  {:.3}x [{:.3} {:.3}]",
            summary.name,
            format!("{:.3?}", summary.per_iteration),
            summary.ratio,
            summary.spread.0,
            summary.spread.1
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
