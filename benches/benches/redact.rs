//! Redaction throughput over 10 MB of log-like text with 20 and 200 secrets, in paired rounds:
//! one `aho-corasick` automaton over the raw values only (the reference: what a scan for the
//! values alone costs), one over every form the `Redactor` masks, the `Redactor` in one call,
//! the streaming writer with 8 KiB writes, and a writer per log line as `RedactingMakeWriter`
//! makes one per `tracing` event; then building a redactor for 1,000 to 16,000 values, whose
//! cost per value stays flat.

use std::hint::black_box;
use std::io::Write;

use aho_corasick::{AhoCorasick, MatchKind};
use criterion::{BenchmarkId, Criterion, Throughput};
use secrets_benches::paired::{compare, timed};
use secrets_core::__private::redacted_forms;
use secrets_core::{RedactingMakeWriter, Redactor};
use tracing_subscriber::fmt::MakeWriter;

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

/// `text` with each match replaced by the mask, built as `Redactor::redact` builds its output.
fn masked(text: &str, matches: impl Iterator<Item = aho_corasick::Match>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut written = 0;
    for found in matches {
        out.push_str(&text[written..found.start()]);
        out.push_str(MASK);
        written = found.end();
    }
    out.push_str(&text[written..]);
    out
}

fn throughput() {
    for count in [20, 200] {
        let secrets = secrets(count);
        let lines = log_lines(&secrets, TEXT_BYTES);
        let text: String = lines.concat();
        let redactor = Redactor::new(secrets.iter().map(String::as_str));
        // Leftmost-first: the kind whose SIMD prefilter (Teddy) serves up to 64 patterns, the
        // fastest scan for the values alone.
        let raw = AhoCorasick::builder().match_kind(MatchKind::LeftmostFirst).build(&secrets).expect("patterns build");
        let all_forms = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns(&secrets))
            .expect("patterns build");
        // The SIMD searcher itself (up to 64 patterns), which an automaton of this corpus does not
        // pick as its prefilter: the fastest scan for the raw values.
        let teddy = aho_corasick::packed::Searcher::new(secrets.iter());
        let raw_masks = vec![MASK; secrets.len()];
        let all_masks = vec![MASK; all_forms.patterns_len()];
        assert_eq!(redactor.redact(&text), all_forms.replace_all(&text, &all_masks));
        let per_event = RedactingMakeWriter::new(redactor.clone(), std::io::sink);
        let summaries = compare(
            &format!("redact, {count} secrets, {} MB", text.len() / 1_000_000),
            teddy
                .iter()
                .flat_map(|teddy| {
                    [
                        ("raw values, Teddy: find", timed(|| teddy.find_iter(&text).count())),
                        ("raw values, Teddy: replace", timed(|| masked(&text, teddy.find_iter(&text)).len())),
                    ]
                })
                .chain([
                    ("raw values, one automaton: find", timed(|| raw.find_iter(&text).count())),
                    ("raw values, one automaton: replace", timed(|| raw.replace_all(&text, &raw_masks).len())),
                    ("every form, one automaton: replace", timed(|| all_forms.replace_all(&text, &all_masks).len())),
                    ("Redactor::redact", timed(|| redactor.redact(&text).len())),
                    (
                        "RedactingWriter, 8 KiB writes",
                        timed(|| {
                            let mut writer = redactor.writer(std::io::sink());
                            for chunk in text.as_bytes().chunks(8 * 1024) {
                                writer.write_all(chunk).expect("sink");
                            }
                            writer.flush().expect("sink");
                        }),
                    ),
                    (
                        "RedactingMakeWriter, a writer per line",
                        timed(|| {
                            for line in &lines {
                                per_event.make_writer().write_all(line.as_bytes()).expect("sink");
                            }
                        }),
                    ),
                    (
                        "Redactor::redact per line",
                        timed(|| lines.iter().map(|line| redactor.redact(line).len()).sum::<usize>()),
                    ),
                ])
                .collect(),
        );
        let mb_per_s = |summary: &secrets_benches::paired::Summary| summary.megabytes_per_second(text.len());
        let (teddy, rest) = summaries.split_at(2 * usize::from(teddy.is_some()));
        let [find, replace, _, bulk, streaming, event, per_line] = rest else { unreachable!() };
        let shown = |(ratio, (low, high)): (f64, (f64, f64))| format!("{ratio:.3}x [{low:.3} {high:.3}]");
        if let [teddy, teddy_replace] = teddy {
            println!("  Redactor::redact / raw Teddy:                {}", shown(bulk.against(teddy)));
            println!("  Redactor::redact / raw Teddy, replace:       {}", shown(bulk.against(teddy_replace)));
            println!("  raw Teddy: {:.0} MB/s", mb_per_s(teddy));
        }
        println!("  Redactor::redact / raw find:                 {}", shown(bulk.against(find)));
        println!("  Redactor::redact / raw replace:              {}", shown(bulk.against(replace)));
        println!("  8 KiB writes / Redactor::redact:             {}", shown(streaming.against(bulk)));
        println!("  a writer per line / Redactor::redact:        {}", shown(event.against(bulk)));
        println!("  a writer per line / redact per line:         {}", shown(event.against(per_line)));
        println!(
            "  throughput: raw automaton {:.0} MB/s, Redactor::redact {:.0} MB/s, a writer per line {:.0} MB/s",
            mb_per_s(find),
            mb_per_s(bulk),
            mb_per_s(event)
        );
    }
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
    AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&patterns).expect("patterns build")
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
    // `cargo bench --bench redact -- build` runs only the criterion part.
    let filters: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with('-')).collect();
    if filters.iter().all(|filter| "redact/throughput".contains(filter.as_str())) {
        throughput();
    }
    build(&mut c);
    c.final_summary();
}
