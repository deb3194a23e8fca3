//! `Live::get()` against `Arc::clone` of a plain `Arc`, and reads per second on two threads
//! while the contract reloads.
//!
//! Nine rounds, each timing the two contenders in turn over the same number of reads (the
//! machine is shared: only same-round ratios are compared); prints each round and the median of
//! the same-round ratios. Target: `get()` within 2x of `Arc::clone`.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use secrets_core::{Live, MapSource, SecretContract, SecretString};

/// A contract shaped like a real one: required and optional secrets, numeric and boolean settings.
#[derive(SecretContract)]
#[contract(prefix = "SVC_")]
struct ServiceSecrets {
    #[secret(required)]
    database_url: SecretString,
    #[secret(required)]
    session_key: SecretString,
    #[secret(billing)]
    openai_api_key: Option<SecretString>,
    #[secret(optional)]
    sentry_dsn: Option<SecretString>,
    #[config(default = 8080)]
    port: u16,
    #[config(default = 16)]
    pool_size: u32,
    #[config(default = false)]
    debug: bool,
}

const READS: u32 = 5_000_000;
const ROUNDS: usize = 9;

/// The sources of generation `n`: every value changes with it.
fn source(n: u64) -> MapSource {
    MapSource::new()
        .with("SVC_DATABASE_URL", format!("postgres://svc:Kq8Wz3Lm{n}@db.internal/orders"))
        .with("SVC_SESSION_KEY", format!("Pv7Nc4Xh9Bd6Jf2Q-{n}"))
        .with("SVC_OPENAI_API_KEY", format!("sk-proj-Hq3Rt8Wm2Ls9-{n}"))
        .with("SVC_POOL_SIZE", (16 + n % 8).to_string())
}

fn time_reads(read: impl Fn() -> usize) -> Duration {
    let start = Instant::now();
    for _ in 0..READS {
        black_box(read());
    }
    start.elapsed()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        println!("live: bench");
        return;
    }
    let generation = Arc::new(Mutex::new(0u64));
    let current = Arc::clone(&generation);
    let live = Arc::new(
        Live::<ServiceSecrets>::builder()
            .sources(move || source(*current.lock().unwrap_or_else(PoisonError::into_inner)))
            .build()
            .expect("the benchmark contract loads"),
    );
    let plain = Arc::new(ServiceSecrets::load_from(&source(0)).expect("the benchmark contract loads"));

    println!("round   Arc::clone ns   Live::get ns   get / clone");
    let mut ratios = Vec::new();
    for round in 0..ROUNDS {
        let clone = time_reads(|| Arc::clone(black_box(&plain)).port().to_owned() as usize);
        let get = time_reads(|| black_box(&live).get().port().to_owned() as usize);
        let per = |elapsed: Duration| elapsed.as_secs_f64() * 1e9 / f64::from(READS);
        let ratio = get.as_secs_f64() / clone.as_secs_f64();
        ratios.push(ratio);
        println!("{round:>5} {:>15.2} {:>14.2} {ratio:>12.2}x", per(clone), per(get));
    }
    println!("median of same-round ratios: Live::get / Arc::clone {:.2}x (target: within 2x)", median(ratios));

    // Two readers for a second while this thread reloads with new values as fast as it can.
    let (stop, reads) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (live, stop, reads) = (Arc::clone(&live), Arc::clone(&stop), Arc::clone(&reads));
            std::thread::spawn(move || {
                let mut count = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    black_box(live.get().pool_size());
                    count += 1;
                }
                reads.fetch_add(count, Ordering::Relaxed);
            })
        })
        .collect();
    let (start, mut reloads) = (Instant::now(), 0u64);
    while start.elapsed() < Duration::from_secs(1) {
        *generation.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        assert!(live.reload().expect("every generation passes"));
        reloads += 1;
    }
    stop.store(true, Ordering::Relaxed);
    for reader in readers {
        reader.join().expect("a reader ends");
    }
    let elapsed = start.elapsed().as_secs_f64();
    // Counts of a second's reads are far below 2^52: exact as `f64`.
    #[allow(clippy::cast_precision_loss)]
    let (reads, reloads) = (reads.load(Ordering::Relaxed) as f64, reloads as f64);
    println!(
        "2 readers during reloads: {:.1} million reads/s in all, {:.0} reloads/s served new values",
        reads / elapsed / 1e6,
        reloads / elapsed
    );
}
