//! Masking loaded secret values, and the encodings they leak in, out of arbitrary text.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, Write};
use std::sync::Arc;

pub(crate) mod forms;
pub(crate) mod kept;
pub(crate) mod scan;
pub(crate) mod url;

use scan::Scanner;

pub(crate) use forms::encodings;

/// What every masked value becomes: constant, so neither length nor prefix is told.
pub const MASK: &str = "[REDACTED]";

/// Encoded forms shorter than this are not searched for: they would mask ordinary text.
const MIN_PATTERN: usize = 6;

/// Masks every loaded secret value in text, with the forms it leaks in: trimmed, percent- and
/// form-encoded (the common encoders' sets, either case of hex), JSON- and Rust-escaped, and
/// base64 (standard and URL-safe, at every byte alignment where 6 characters encode the value
/// alone); built by
/// [`SecretContract::redactor`](crate::SecretContract::redactor).
///
/// Secrets that overlap in the text (one's end is another's start) are masked as one span.
///
/// ```
/// use secrets_core::Redactor;
///
/// let redactor = Redactor::new(["hunter2-correct-horse"]);
/// assert_eq!(redactor.redact("password=hunter2-correct-horse"), "password=[REDACTED]");
/// assert_eq!(redactor.redact("auth aHVudGVyMi1jb3JyZWN0LWhvcnNl"), "auth [REDACTED]");
/// ```
#[derive(Clone, Default)]
pub struct Redactor {
    /// `None` when there is nothing to mask; shared, so that a clone (a writer for each log
    /// event) costs one reference count.
    patterns: Option<Arc<Patterns>>,
}

/// What a [`Redactor`] searches for.
struct Patterns {
    scanner: Scanner,
    longest: usize,
    /// A bit for each byte value that some pattern holds: no match spans a byte without one.
    bytes: [u64; 4],
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.patterns.as_ref().map_or(0, |patterns| patterns.scanner.patterns().len());
        f.debug_struct("Redactor").field("patterns", &count).finish_non_exhaustive()
    }
}

impl Redactor {
    /// A redactor for these values and their common encodings.
    ///
    /// Forms are deduplicated by hashing and sorted once: building it takes time close to linear
    /// in the number of values (about 12 to 20 µs a value from 1,000 to 16,000, in
    /// `redact/build`): build one per contract, not per text.
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut seen = HashSet::new();
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        for value in values {
            for pattern in encodings(value) {
                if pattern.len() >= MIN_PATTERN.min(value.len().max(1)) && seen.insert(pattern.clone()) {
                    patterns.push(pattern);
                }
            }
        }
        if patterns.is_empty() {
            return Self::default();
        }
        let longest = patterns.iter().map(Vec::len).max().unwrap_or(0);
        let mut bytes = [0u64; 4];
        for &byte in patterns.iter().flatten() {
            bytes[usize::from(byte / 64)] |= 1 << (byte % 64);
        }
        Self { patterns: Some(Arc::new(Patterns { scanner: Scanner::new(&patterns), longest, bytes })) }
    }

    /// The text with every secret, and every encoding of one, replaced by [`MASK`].
    ///
    /// # Panics
    ///
    /// Never: patterns are whole UTF-8 strings, so masking them keeps the text valid UTF-8.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let spans = self.find_all(text.as_bytes());
        if spans.is_empty() {
            return Cow::Borrowed(text);
        }
        // Patterns are whole UTF-8 strings, so they match only at character boundaries: the
        // pieces between matches are `str` slices, and the output needs no validation.
        let mut out = String::with_capacity(text.len());
        let mut written = 0;
        for (start, end) in spans {
            out.push_str(&text[written..start]);
            out.push_str(MASK);
            written = end;
        }
        out.push_str(&text[written..]);
        Cow::Owned(out)
    }

    /// The same for bytes, such as a log stream.
    pub fn redact_bytes<'t>(&self, bytes: &'t [u8]) -> Cow<'t, [u8]> {
        let spans = self.find_all(bytes);
        if spans.is_empty() {
            return Cow::Borrowed(bytes);
        }
        let mut out = Vec::with_capacity(bytes.len());
        masked_into(&mut out, bytes, &spans);
        Cow::Owned(out)
    }

    /// The spans to mask, as byte ranges in order: every match, overlapping or adjacent ones merged.
    fn find_all(&self, hay: &[u8]) -> Vec<(usize, usize)> {
        let Some(patterns) = &self.patterns else { return Vec::new() };
        let mut spans = Spans::default();
        patterns.scanner.each(hay, |start, end| spans.add(start, end));
        spans.finish()
    }

    /// Where the first match that starts at or after `from` and ends past `cut` begins (`cut`
    /// itself when none does).
    fn first_open(&self, bytes: &[u8], from: usize, cut: usize) -> usize {
        let mut open = cut;
        if let Some(patterns) = &self.patterns {
            // A match that ends past `cut` and begins by it lies within a pattern's length of it.
            let window = from.max(cut.saturating_sub(patterns.longest - 1))..bytes.len().min(cut + patterns.longest);
            let at = window.start;
            patterns.scanner.each(&bytes[window], |start, end| {
                if at + end > cut {
                    open = open.min(at + start);
                }
            });
        }
        open
    }

    /// A writer that masks what passes through it, even a secret split across two writes.
    pub fn writer<W: Write>(&self, inner: W) -> RedactingWriter<W> {
        RedactingWriter { redactor: self.clone(), inner, pending: Vec::new(), ready: Vec::new(), one_event: false }
    }

    /// A writer for one log event, dropped once the event is written: it masks what it holds
    /// once, when dropped (or when it holds [`MAX_EVENT`] bytes, or is flushed).
    #[cfg(feature = "tracing")]
    fn event_writer<W: Write>(&self, inner: W) -> RedactingWriter<W> {
        let mut writer = self.writer(inner);
        writer.one_event = true;
        writer
    }

    /// The length of the longest suffix of `bytes` that is the beginning, but not the whole, of a pattern.
    fn held_suffix(&self, bytes: &[u8]) -> usize {
        let Some(patterns) = &self.patterns else { return 0 };
        let sorted = patterns.scanner.patterns();
        (1..patterns.longest.min(bytes.len() + 1))
            .rev()
            .find(|&len| {
                let tail = &bytes[bytes.len() - len..];
                // The patterns are sorted: those beginning with `tail` follow the first one not below it.
                let first = sorted.partition_point(|pattern| pattern.as_slice() < tail);
                sorted[first..].iter().take_while(|pattern| pattern.starts_with(tail)).any(|p| p.len() > len)
            })
            .unwrap_or(0)
    }

    /// Whether there is anything to mask.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_none()
    }

    /// Whether no match can run past the end of `bytes`: their last byte is in no pattern (a log
    /// line's newline, unless a secret holds one), so what follows cannot continue a match.
    fn ends_every_match(&self, bytes: &[u8]) -> bool {
        let Some(patterns) = &self.patterns else { return true };
        bytes.last().is_some_and(|&last| patterns.bytes[usize::from(last / 64)] & (1 << (last % 64)) == 0)
    }

    /// The length of the longest pattern: how much of a stream may still begin one.
    fn longest(&self) -> usize {
        self.patterns.as_ref().map_or(0, |patterns| patterns.longest)
    }
}

/// Appends `bytes` to `out` with each of `spans` (in order, apart) replaced by [`MASK`].
fn masked_into(out: &mut Vec<u8>, bytes: &[u8], spans: &[(usize, usize)]) {
    let mut written = 0;
    for &(start, end) in spans {
        out.extend_from_slice(&bytes[written..start]);
        out.extend_from_slice(MASK.as_bytes());
        written = end;
    }
    out.extend_from_slice(&bytes[written..]);
}

/// Byte ranges, merged where they overlap or touch.
#[derive(Default)]
struct Spans(Vec<(usize, usize)>);

impl Spans {
    fn add(&mut self, start: usize, end: usize) {
        self.0.push((start, end));
    }

    fn finish(mut self) -> Vec<(usize, usize)> {
        // Overlapping matches are reported by end; most texts have none or one.
        self.0.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(self.0.len());
        for (start, end) in self.0 {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged
    }
}

/// How long a run of matches reaching into the held bytes may grow before its complete part is
/// masked and written: a [`RedactingWriter`] holds back at most this plus the longest pattern.
const MAX_HELD_RUN: usize = 64 * 1024;

/// A writer for one log event masks as it goes once it holds this many bytes.
const MAX_EVENT: usize = 64 * 1024;

/// How many trailing bytes a [`RedactingWriter`] keeps back.
#[derive(Clone, Copy)]
enum Hold {
    /// As many as the longest pattern could need: cheap, for every write.
    LongestPattern,
    /// Only a suffix that is the beginning of some pattern: for `flush`.
    CouldStartSecret,
}

/// A writer that masks loaded secrets in everything written through it (see [`Redactor::writer`]).
///
/// It holds back only the last bytes that could still begin a secret (or continue a run of
/// matches, at most 64 KiB of it), and nothing after a write that ends in a byte no secret form
/// holds (a log line's newline, unless a secret holds one); `flush` writes all but a tail that
/// does begin one, and drop writes everything, so no output is lost. One made by
/// `RedactingMakeWriter` for a log event holds any other write of the event (up to 64 KiB) and
/// masks it in one pass when it is dropped.
///
/// It keeps the `io::Write` contract: a `write` that returns an error has taken none of its
/// bytes, so a caller that retries does not duplicate output. Bytes it has taken but the inner
/// writer refused are written first by the next `write` or `flush`, whose error says so.
pub struct RedactingWriter<W: Write> {
    redactor: Redactor,
    inner: W,
    /// Bytes taken but not yet masked: they may still begin a secret.
    pending: Vec<u8>,
    /// Masked bytes taken but not yet written by `inner`.
    ready: Vec<u8>,
    /// Made for one log event: writes are held, and masked in one pass when it is dropped.
    one_event: bool,
}

impl<W: Write> RedactingWriter<W> {
    /// Masks the pending bytes into `ready`, keeping back the tail that `hold` says.
    fn mask(&mut self, hold: Hold) {
        if self.redactor.is_empty() {
            self.ready.append(&mut self.pending);
            return;
        }
        let keep = match hold {
            Hold::CouldStartSecret => self.redactor.held_suffix(&self.pending),
            Hold::LongestPattern => self.redactor.longest().saturating_sub(1),
        };
        let mut cut = self.pending.len().saturating_sub(keep);
        let mut taken = 0;
        for (start, end) in self.redactor.find_all(&self.pending) {
            if end > cut {
                if cut - start.min(cut) <= MAX_HELD_RUN {
                    // A match reaching into the held bytes might grow with the next write.
                    cut = cut.min(start);
                    break;
                }
                // A run of matches that keeps going (a secret such as `00000000` in a stream
                // of zeros) is masked up to where the first match still open at `cut` begins,
                // so that what is held stays bounded and no match is split: every match that
                // ends later is kept whole, and the bytes of those masked now that lie past
                // that point are inside it.
                let open = self.redactor.first_open(&self.pending, start, cut);
                self.ready.extend_from_slice(&self.pending[taken..start]);
                if open > start {
                    self.ready.extend_from_slice(MASK.as_bytes());
                }
                taken = open;
                cut = open;
                break;
            }
            self.ready.extend_from_slice(&self.pending[taken..start]);
            self.ready.extend_from_slice(MASK.as_bytes());
            taken = end;
        }
        let cut = cut.max(taken);
        self.ready.extend_from_slice(&self.pending[taken..cut]);
        self.pending.drain(..cut);
    }

    /// Writes the masked bytes to `inner`; on an error, those not written stay ready.
    fn write_ready(&mut self) -> io::Result<()> {
        let (written, result) = write_some(&mut self.inner, &self.ready);
        self.ready.drain(..written);
        result
    }

    /// Writes `bytes` (masked already) to `inner`; what it does not take is kept ready, for the
    /// next call to write first and report.
    fn write_through(&mut self, bytes: &[u8]) {
        let (written, _) = write_some(&mut self.inner, bytes);
        self.ready.extend_from_slice(&bytes[written..]);
    }

    /// The writer inside.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }
}

/// Writes as much of `bytes` to `inner` as it takes, retrying interrupted writes: how much it
/// took, and the error that stopped it.
fn write_some<W: Write>(inner: &mut W, bytes: &[u8]) -> (usize, io::Result<()>) {
    let mut written = 0;
    while written < bytes.len() {
        match inner.write(&bytes[written..]) {
            Ok(0) => return (written, Err(io::ErrorKind::WriteZero.into())),
            Ok(n) => written += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return (written, Err(error)),
        }
    }
    (written, Ok(()))
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // An error here leaves `buf` untaken, as `io::Write` requires.
        if !self.ready.is_empty() {
            self.write_ready()?;
        }
        if self.pending.is_empty() && self.redactor.ends_every_match(buf) {
            // Nothing of `buf` needs holding back: masked and written now, without a copy when
            // it holds no secret (most log lines, each written whole).
            let spans = self.redactor.find_all(buf);
            if spans.is_empty() {
                self.write_through(buf);
            } else {
                masked_into(&mut self.ready, buf, &spans);
                let _ = self.write_ready();
            }
            return Ok(buf.len());
        }
        self.pending.extend_from_slice(buf);
        if self.one_event && self.pending.len() < MAX_EVENT {
            // The event's text is masked in one pass when the writer is dropped.
            return Ok(buf.len());
        }
        self.mask(Hold::LongestPattern);
        // `buf` is taken now: what `inner` refuses stays ready, and the next call reports it.
        let _ = self.write_ready();
        Ok(buf.len())
    }

    /// Writes everything except trailing bytes that begin a secret (those go out with the next
    /// write or on drop), so a flush between two halves of a secret does not show it.
    fn flush(&mut self) -> io::Result<()> {
        self.write_ready()?;
        self.mask(Hold::CouldStartSecret);
        self.write_ready()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        // Errors cannot be reported from drop; `flush` first to see them.
        if self.pending.is_empty() && self.ready.is_empty() {
            // Everything was written already (a log line, masked when it was written).
            let _ = self.inner.flush();
            return;
        }
        let spans = self.redactor.find_all(&self.pending);
        if spans.is_empty() && self.ready.is_empty() {
            // Nothing to mask (most log events): written as it is, without a copy.
            let _ = self.inner.write_all(&self.pending).and_then(|()| self.inner.flush());
        } else {
            masked_into(&mut self.ready, &self.pending, &spans);
            let _ = self.write_ready().and_then(|()| self.inner.flush());
        }
    }
}

/// A `tracing-subscriber` writer factory that masks loaded secrets in every event (feature `tracing`).
///
/// ```
/// # use secrets_core::{Redactor, RedactingMakeWriter};
/// let redactor = Redactor::new(["hunter2-correct-horse"]);
/// tracing_subscriber::fmt().with_writer(RedactingMakeWriter::new(redactor, std::io::stderr)).init();
/// ```
#[cfg(feature = "tracing")]
#[derive(Clone, Debug)]
pub struct RedactingMakeWriter<M> {
    redactor: Masks,
    inner: M,
}

/// The redactor of a [`RedactingMakeWriter`]: fixed, or the one a live contract keeps.
#[cfg(feature = "tracing")]
#[derive(Clone, Debug)]
enum Masks {
    Fixed(Redactor),
    #[cfg(feature = "live")]
    Following(Arc<arc_swap::ArcSwap<Redactor>>),
}

#[cfg(feature = "tracing")]
impl<M> RedactingMakeWriter<M> {
    /// Wraps a writer factory, such as `std::io::stderr`.
    pub fn new(redactor: Redactor, inner: M) -> Self {
        Self { redactor: Masks::Fixed(redactor), inner }
    }

    /// Wraps a writer factory with the redactor of a live contract (feature `live`): each
    /// event is masked with every secret value it has served, rotated ones included.
    ///
    /// A redactor taken once at startup (`new(secrets.redactor(), ..)`) does not know a value
    /// that comes with a rotation: a service with a [`Live`](crate::Live) contract uses this.
    #[cfg(feature = "live")]
    pub fn following<C>(live: &crate::Live<C>, inner: M) -> Self
    where
        C: crate::SecretContract + Send + Sync + 'static,
    {
        Self { redactor: Masks::Following(live.shared_redactor()), inner }
    }
}

#[cfg(feature = "tracing")]
impl<'a, M: tracing_subscriber::fmt::MakeWriter<'a>> tracing_subscriber::fmt::MakeWriter<'a>
    for RedactingMakeWriter<M>
{
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        match &self.redactor {
            Masks::Fixed(redactor) => redactor.event_writer(self.inner.make_writer()),
            #[cfg(feature = "live")]
            Masks::Following(current) => current.load().event_writer(self.inner.make_writer()),
        }
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

    use super::forms::base64_core;
    use super::*;

    const SECRET: &str = "s3cr3t/val+ue=with\"quote";

    #[test]
    fn every_encoding_is_masked() {
        let redactor = Redactor::new([SECRET]);
        let json = serde_json::to_string(SECRET).unwrap();
        assert_eq!(redactor.redact(&format!("raw {SECRET} end")), "raw [REDACTED] end");
        assert_eq!(redactor.redact(&format!("{{\"k\":{json}}}")), "{\"k\":\"[REDACTED]\"}");
        assert_eq!(redactor.redact("u?p=s3cr3t%2Fval%2Bue%3Dwith%22quote&x"), "u?p=[REDACTED]&x");
        for prefix in ["", "a", "ab", "abc"] {
            for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
                let encoded = engine.encode(format!("{prefix}{SECRET}tail"));
                let masked = redactor.redact(&encoded);
                assert!(masked.contains(MASK), "{prefix:?}: {encoded}");
                assert!(
                    !masked.contains(
                        &base64_core(engine, SECRET.as_bytes(), prefix.len() % 3)[..8]
                            .iter()
                            .map(|&b| char::from(b))
                            .collect::<String>()
                    )
                );
            }
        }
    }

    #[test]
    fn overlapping_secrets_are_masked_as_one_span() {
        let redactor = Redactor::new(["abcdef123456", "123456uvwxyz"]);
        assert_eq!(redactor.redact("x abcdef123456uvwxyz y"), "x [REDACTED] y");
        assert_eq!(redactor.redact("abcdef123456 123456uvwxyz"), "[REDACTED] [REDACTED]");
        // One secret inside another.
        let redactor = Redactor::new(["outer-secret-value", "secret-val"]);
        assert_eq!(redactor.redact("outer-secret-value"), "[REDACTED]");
    }

    #[test]
    fn many_overlapping_secrets_are_masked_as_one_span_too() {
        let values: Vec<String> = (0..30).map(|i| format!("value-{i:04}-tail")).collect();
        let mut with_overlap = values.clone();
        with_overlap.push("tailpiece-after".to_owned());
        let redactor = Redactor::new(with_overlap.iter().map(String::as_str));
        assert_eq!(redactor.redact("a value-0007-tailpiece-after b"), "a [REDACTED] b");
    }

    #[test]
    fn a_run_of_matches_without_end_is_held_bounded() {
        let redactor = Redactor::new(["00000000"]);
        let mut out = Vec::new();
        let mut writer = redactor.writer(&mut out);
        for _ in 0..200 {
            writer.write_all(&[b'0'; 1024]).unwrap();
            assert!(writer.pending.len() <= MAX_HELD_RUN + 2 * 1024, "{}", writer.pending.len());
        }
        writer.write_all(b" end").unwrap();
        drop(writer);
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains("00000000") && out.ends_with("[REDACTED] end"), "{}", &out[out.len() - 40..]);
    }

    #[test]
    fn text_without_secrets_is_borrowed() {
        let redactor = Redactor::new([SECRET]);
        assert!(matches!(redactor.redact("nothing here"), Cow::Borrowed(_)));
        assert!(Redactor::new([]).is_empty());
    }

    #[test]
    fn the_writer_masks_a_secret_split_across_writes() {
        let redactor = Redactor::new([SECRET]);
        let text = format!("before {SECRET} middle {SECRET} after");
        for split in 0..=text.len() {
            let mut writer = redactor.writer(Vec::new());
            writer.write_all(&text.as_bytes()[..split]).unwrap();
            writer.write_all(&text.as_bytes()[split..]).unwrap();
            writer.flush().unwrap();
            assert_eq!(writer.get_ref().as_slice(), b"before [REDACTED] middle [REDACTED] after", "split at {split}");
        }
    }

    #[test]
    fn a_flush_between_two_halves_of_a_secret_does_not_show_it() {
        let redactor = Redactor::new([SECRET]);
        let mut writer = redactor.writer(Vec::new());
        writer.write_all(b"log: ").unwrap();
        writer.write_all(&SECRET.as_bytes()[..7]).unwrap();
        writer.flush().unwrap();
        assert_eq!(writer.get_ref().as_slice(), b"log: ");
        writer.write_all(&SECRET.as_bytes()[7..]).unwrap();
        writer.write_all(b" done").unwrap();
        writer.flush().unwrap();
        assert_eq!(writer.get_ref().as_slice(), b"log: [REDACTED] done");
    }

    #[test]
    fn the_writer_holds_back_only_what_could_start_a_secret() {
        let redactor = Redactor::new([SECRET]);
        let mut writer = redactor.writer(Vec::new());
        writer.write_all(&[b'x'; 200]).unwrap();
        assert!(writer.get_ref().len() >= 200 - redactor.longest());
        drop(writer.flush());
        assert_eq!(writer.get_ref().len(), 200);
    }

    /// Writes `pieces` through a writer (flushing after each when `flush`) and returns what came out.
    fn through_writer(redactor: &Redactor, pieces: &[&[u8]], flush: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut writer = redactor.writer(&mut out);
        for piece in pieces {
            writer.write_all(piece).unwrap();
            if flush {
                writer.flush().unwrap();
            }
        }
        drop(writer);
        out
    }

    #[test]
    fn a_write_ending_in_a_byte_no_secret_holds_is_written_at_once() {
        let redactor = Redactor::new([SECRET]);
        let mut writer = redactor.writer(Vec::new());
        writer.write_all(format!("a line with {SECRET} in it\n").as_bytes()).unwrap();
        assert_eq!(writer.get_ref().as_slice(), b"a line with [REDACTED] in it\n");
        writer.write_all(b"plain line\n").unwrap();
        assert!(writer.pending.is_empty() && writer.get_ref().ends_with(b"plain line\n"));
        // A secret holding a newline: a line's end may be the middle of it, so it is held.
        let redactor = Redactor::new(["-----BEGIN-----\nsecret-body\n-----END-----"]);
        let mut writer = redactor.writer(Vec::new());
        writer.write_all(b"key: -----BEGIN-----\n").unwrap();
        assert!(!writer.get_ref().ends_with(b"-----BEGIN-----\n"));
        writer.write_all(b"secret-body\n-----END----- done\n").unwrap();
        drop(writer.flush());
        assert_eq!(writer.get_ref().as_slice(), b"key: [REDACTED] done\n");
    }

    #[test]
    fn a_secret_that_ends_past_a_long_run_of_matches_is_not_split() {
        // A 64 KiB run of zeros matches `00000000` throughout; a second secret begins inside the
        // run and ends past it. Masking part of the run must not leave that secret's tail alone.
        let zeros_then_m = format!("{}{}", "0".repeat(20), "M".repeat(16));
        let redactor = Redactor::new(["00000000", &zeros_then_m]);
        let (run, tail) = ("0".repeat(65544), "M".repeat(16));
        for flush in [false, true] {
            let out = through_writer(&redactor, &[run.as_bytes(), tail.as_bytes(), b" end"], flush);
            assert!(!out.contains(&b'M') && !out.windows(8).any(|w| w == b"00000000"), "flush {flush}");
            assert!(out.ends_with(b"[REDACTED] end"), "flush {flush}");
        }
        // The same in one write, with a percent-encoded form past the run.
        let slashes = format!("0{}", "/".repeat(20));
        let redactor = Redactor::new(["00000000", &slashes]);
        let text = format!("{}0{} end", "0".repeat(70_000), "%2F".repeat(20));
        let out = through_writer(&redactor, &[text.as_bytes()], false);
        assert!(!out.windows(3).any(|w| w == b"%2F") && out.ends_with(b"[REDACTED] end"));
        // Nothing is masked twice over either: each mask stands for bytes that were taken.
        let out = through_writer(&redactor, &[text.as_bytes(), b" more"], true);
        assert!(out.ends_with(b"[REDACTED] end more"));
    }

    #[cfg(feature = "tracing")]
    #[test]
    fn an_event_writer_masks_once_when_dropped_whatever_its_writes() {
        let redactor = Redactor::new([SECRET]);
        let text = format!("event {SECRET} and {SECRET} end");
        for split in 0..=text.len() {
            let mut out = Vec::new();
            let mut writer = redactor.event_writer(&mut out);
            writer.write_all(&text.as_bytes()[..split]).unwrap();
            writer.write_all(&text.as_bytes()[split..]).unwrap();
            drop(writer);
            assert_eq!(out, b"event [REDACTED] and [REDACTED] end", "split at {split}");
        }
        // Past 64 KiB it masks as it goes, holding back what could begin a secret.
        let big = format!("{}{SECRET}", "x".repeat(MAX_EVENT));
        let mut out = Vec::new();
        let mut writer = redactor.event_writer(&mut out);
        writer.write_all(&big.as_bytes()[..MAX_EVENT + 3]).unwrap();
        assert!(writer.pending.len() < redactor.longest(), "{}", writer.pending.len());
        writer.write_all(&big.as_bytes()[MAX_EVENT + 3..]).unwrap();
        drop(writer);
        assert!(out.ends_with(b"x[REDACTED]") && out.len() == MAX_EVENT + MASK.len());
    }

    /// Fails every other one of its first 60 calls, and takes at most 3 bytes a call.
    /// (Each 5-byte chunk below costs it at least two calls, so its failures come before the end.)
    struct Flaky {
        out: std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
        calls: usize,
    }

    impl Write for Flaky {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls < 60 && self.calls % 2 == 0 {
                return Err(io::Error::other("full"));
            }
            let n = buf.len().min(3);
            self.out.borrow_mut().extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_caller_that_retries_failed_writes_gets_each_byte_once() {
        let redactor = Redactor::new([SECRET]);
        let text = format!("one {SECRET} two {SECRET} three, and a tail of ordinary log text");
        let out = std::rc::Rc::default();
        let mut writer = redactor.writer(Flaky { out: std::rc::Rc::clone(&out), calls: 0 });
        let mut failures = 0;
        for chunk in text.as_bytes().chunks(5) {
            let mut rest = chunk;
            while !rest.is_empty() {
                match writer.write(rest) {
                    Ok(n) => rest = &rest[n..],
                    Err(_) => failures += 1,
                }
            }
        }
        // A flush that fails has taken nothing either: retried, it writes what it holds.
        while writer.flush().is_err() {}
        drop(writer);
        assert!(failures > 0, "the inner writer failed some writes");
        let out = String::from_utf8(out.borrow().clone()).unwrap();
        assert_eq!(out, "one [REDACTED] two [REDACTED] three, and a tail of ordinary log text");
    }
}
