//! `secrets run --mask` over a chatty child: a child writing 100 MB of log lines (one in a
//! hundred carrying a secret) through it, against the same child writing to /dev/null
//! directly, and against the redactor's own throughput on the same bytes in this process.
//!
//! Seven rounds, each running the three contenders in turn (the machine is shared: only
//! same-round ratios are compared); prints each round's throughputs and the medians of the
//! same-round ratios. Target: `--mask` at least half the redactor's own throughput.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use secrets_core::Redactor;

const TOTAL: usize = 100 * 1000 * 1000;
/// [`TOTAL`] in MB, for throughputs.
const TOTAL_MB: f64 = 100.0;
const LINE: usize = 150;
const ROUNDS: usize = 7;

/// The contract's secret values, as the environment of `masked_run` gives them.
const SECRETS: [(&str, &str); 6] = [
    ("SVC_DATABASE_URL", "postgres://svc:Kq8Wz3Lm5Rt2Xv7N@db.internal:5432/orders"),
    ("SVC_SESSION_KEY", "Pv7Nc4Xh9Bd6Jf2QaZ8mW3sT"),
    ("SVC_STRIPE_SECRET_KEY", "sk_live_51HcFz2eZvKYlo2C0aT7qW9xR"),
    ("SVC_OPENAI_API_KEY", "sk-proj-Hq3Rt8Wm2Ls9Xc4Vb7Nk1Jd"),
    ("SVC_SENTRY_DSN", "https://4f9a2c7e1b8d@o12345.ingest.sentry.io/678"),
    ("SVC_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0AB/B0CD/Xy7Zq2Wm9Lk3"),
];

/// 150-byte log lines; every hundredth carries one of the secrets.
fn log_text() -> Vec<u8> {
    let mut text = Vec::with_capacity(TOTAL + LINE);
    let mut n = 0usize;
    while text.len() < TOTAL {
        let mut line = format!(
            "2026-12-01T12:00:{:02}.{:03}Z INFO request_id={n:016x} path=/api/v1/orders/{} status=200 ",
            n % 60,
            n % 1000,
            n % 100_000
        );
        if n % 100 == 0 {
            line.push_str("token=");
            line.push_str(SECRETS[(n / 100) % SECRETS.len()].1);
            line.push(' ');
        }
        while line.len() < LINE - 1 {
            line.push_str("abcdefgh");
        }
        line.truncate(LINE - 1);
        line.push('\n');
        text.extend_from_slice(line.as_bytes());
        n += 1;
    }
    text
}

/// MB/s of a child that `cat`s `file`, run as `command`, its stdout to /dev/null.
fn child_throughput(mut command: Command) -> f64 {
    let start = Instant::now();
    let status = command.stdout(File::create("/dev/null").expect("/dev/null")).stderr(Stdio::inherit()).status();
    let elapsed = start.elapsed().as_secs_f64();
    assert!(status.expect("the child starts").success());
    TOTAL_MB / elapsed
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        println!("run_mask: bench");
        return;
    }
    let dir = tempfile_dir();
    let file = Path::new(&dir).join("child-output.log");
    let text = log_text();
    std::fs::write(&file, &text).expect("the child's output is written");
    let redactor = Redactor::new(SECRETS.iter().map(|(_, value)| *value));
    let masked_bytes = redactor.redact_bytes(&text).len();
    assert!(masked_bytes < text.len(), "the text carries secrets");

    let direct = || {
        let mut command = Command::new("cat");
        command.arg(&file).env_clear();
        command
    };
    let masked = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_masked_run"));
        command.args(["secrets", "run", "--mask", "--", "cat"]).arg(&file).env_clear().envs(SECRETS);
        command.env("PATH", std::env::var_os("PATH").unwrap_or_default()).current_dir(&dir);
        command
    };
    let (mut to_redactor, mut to_direct) = (Vec::new(), Vec::new());
    println!("round   direct MB/s   --mask MB/s   redactor MB/s   mask/redactor   mask/direct");
    for round in 0..ROUNDS {
        let direct_rate = child_throughput(direct());
        let masked_rate = child_throughput(masked());
        let start = Instant::now();
        let length = std::hint::black_box(redactor.redact_bytes(std::hint::black_box(&text)).len());
        let redactor_rate = TOTAL_MB / start.elapsed().as_secs_f64();
        assert_eq!(length, masked_bytes);
        to_redactor.push(masked_rate / redactor_rate);
        to_direct.push(masked_rate / direct_rate);
        println!(
            "{round:>5} {direct_rate:>13.0} {masked_rate:>13.0} {redactor_rate:>15.0} {:>14.2}x {:>12.3}x",
            masked_rate / redactor_rate,
            masked_rate / direct_rate
        );
    }
    println!(
        "median of same-round ratios: --mask / redactor {:.2}x (target: at least 0.5x), --mask / direct {:.3}x",
        median(to_redactor),
        median(to_direct)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh directory for the child's output, in memory when `/dev/shm` exists.
fn tempfile_dir() -> std::path::PathBuf {
    let base = if Path::new("/dev/shm").is_dir() { Path::new("/dev/shm").to_owned() } else { std::env::temp_dir() };
    let dir = base.join(format!("run-mask-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory for the child's output");
    dir
}
