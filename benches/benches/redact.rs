//! Redaction throughput: the `Redactor` against a naive `str::replace` loop, a `regex`
//! alternation and one default `aho-corasick` automaton, on the same patterns (each secret's
//! raw, percent, JSON and base64 forms), over 10 MB of log-like text with 20 and 200 secrets;
//! the per-line cost over a million 150-byte lines; the streaming writer against one call;
//! building a redactor for 1,000 to 16,000 values, whose cost per value stays flat.

use std::hint::black_box;
use std::io::Write;

use aho_corasick::AhoCorasick;
use criterion::{BenchmarkId, Criterion, Throughput};
use secrets_core::__private::redacted_forms;
use secrets_core::Redactor;

const MASK: &str = "[REDACTED]";
const TEXT_BYTES: usize = 10 * 1024 * 1024;
const LINE_BYTES: usize = 150;

/// A deterministic xorshift stream.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("small")
    }

    fn token(&mut self, len: usize) -> String {
        const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
        (0..len).map(|_| char::from(CHARS[self.below(CHARS.len())])).collect()
    }
}

/// `count` secrets of 20 to 60 characters.
fn secrets(count: usize) -> Vec<String> {
    let mut random = Random(0x5EED ^ count as u64);
    (0..count)
        .map(|_| {
            let len = 20 + random.below(41);
            random.token(len)
        })
        .collect()
}

/// 150-byte log lines; one in a hundred carries a secret.
fn log_lines(secrets: &[String], bytes: usize) -> Vec<String> {
    let mut random = Random(0xB0B);
    let levels = ["INFO", "WARN", "DEBUG", "ERROR"];
    let mut lines = Vec::new();
    let mut total = 0;
    while total < bytes {
        let mut line = format!(
            "2026-11-28T12:{:02}:{:02}.{:03}Z {} request_id={} path=/api/v1/orders/{} status=200 ",
            random.below(60),
            random.below(60),
            random.below(1000),
            levels[random.below(4)],
            random.token(16),
            random.below(100_000)
        );
        if random.below(100) == 0 {
            line.push_str("token=");
            line.push_str(&secrets[random.below(secrets.len())]);
            line.push(' ');
        }
        while line.len() < LINE_BYTES - 1 {
            let len = 8.min(LINE_BYTES - 1 - line.len());
            line.push_str(&random.token(len));
        }
        line.push('\n');
        total += line.len();
        lines.push(line);
    }
    lines
}

fn patterns(secrets: &[String]) -> Vec<String> {
    let mut all: Vec<String> = secrets
        .iter()
        .flat_map(|secret| redacted_forms(secret))
        .filter(|form| form.len() >= 6)
        .map(|form| String::from_utf8(form).expect("every form is text"))
        .collect();
    all.sort();
    all.dedup();
    all
}

fn naive(text: &str, patterns: &[String]) -> String {
    let mut out = text.to_owned();
    for pattern in patterns {
        if out.contains(pattern.as_str()) {
            out = out.replace(pattern.as_str(), MASK);
        }
    }
    out
}

fn throughput(c: &mut Criterion) {
    for count in [20, 200] {
        let secrets = secrets(count);
        let text: String = log_lines(&secrets, TEXT_BYTES).concat();
        let patterns = patterns(&secrets);
        let redactor = Redactor::new(secrets.iter().map(String::as_str));
        let automaton = AhoCorasick::new(&patterns).expect("patterns build");
        let alternation: Vec<String> = patterns.iter().map(|p| regex::escape(p)).collect();
        let regex = regex::Regex::new(&alternation.join("|")).expect("patterns build");
        let masks = vec![MASK; patterns.len()];
        assert_eq!(redactor.redact(&text), automaton.replace_all(&text, &masks));

        let mut group = c.benchmark_group(format!("redact/{count}_secrets"));
        group.throughput(Throughput::Bytes(text.len() as u64)).sample_size(10);
        group.bench_function("redactor", |b| b.iter(|| black_box(redactor.redact(&text).len())));
        group.bench_function("one_automaton", |b| b.iter(|| black_box(automaton.replace_all(&text, &masks).len())));
        group.bench_function("regex", |b| b.iter(|| black_box(regex.replace_all(&text, MASK).len())));
        group.bench_function("naive_replace", |b| b.iter(|| black_box(naive(&text, &patterns).len())));
        group.bench_function("streaming_writer", |b| {
            b.iter(|| {
                let mut writer = redactor.writer(std::io::sink());
                for chunk in text.as_bytes().chunks(8 * 1024) {
                    writer.write_all(chunk).expect("sink");
                }
                writer.flush().expect("sink");
            });
        });
        group.finish();
    }
}

fn per_line(c: &mut Criterion) {
    let secrets = secrets(200);
    let lines = log_lines(&secrets, 1_000_000 * LINE_BYTES);
    let redactor = Redactor::new(secrets.iter().map(String::as_str));
    let mut group = c.benchmark_group("redact/per_line");
    group.throughput(Throughput::Elements(lines.len() as u64)).sample_size(10);
    group.bench_function(BenchmarkId::new("redactor", "200_secrets"), |b| {
        b.iter(|| lines.iter().map(|line| redactor.redact(line).len()).sum::<usize>());
    });
    group.finish();
}

/// The construction the `Redactor` had before: every form checked against every kept one.
fn quadratic_build(secrets: &[String]) -> AhoCorasick {
    let mut patterns: Vec<Vec<u8>> = Vec::new();
    for secret in secrets {
        for form in redacted_forms(secret) {
            if form.len() >= 6 && !patterns.contains(&form) {
                patterns.push(form);
            }
        }
    }
    AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&patterns)
        .expect("patterns build")
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("redact/build");
    group.sample_size(10);
    for count in [1_000, 4_000, 16_000] {
        let secrets = secrets(count);
        group.throughput(Throughput::Elements(count as u64));
        group.bench_function(BenchmarkId::new("redactor_new", count), |b| {
            b.iter(|| black_box(Redactor::new(secrets.iter().map(String::as_str)).is_empty()));
        });
        // The old construction takes minutes at 16,000 values.
        if count <= 4_000 {
            group.bench_function(BenchmarkId::new("quadratic_dedupe", count), |b| {
                b.iter(|| black_box(quadratic_build(&secrets).patterns_len()));
            });
        }
    }
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    throughput(&mut c);
    per_line(&mut c);
    build(&mut c);
    c.final_summary();
}
