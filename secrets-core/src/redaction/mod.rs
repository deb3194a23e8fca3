//! Masking loaded secret values, and the encodings they leak in, out of arbitrary text.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

pub(crate) mod url;

/// Up to this many patterns one automaton is fastest; past it, the anchor scan.
const SMALL_SET: usize = 256;

/// A bit per hash of four bytes: set when some pattern begins with four bytes of that hash.
struct Anchors {
    bits: Vec<u64>,
}

impl Anchors {
    /// 2^20 bits (128 KiB): a random position is a candidate with a chance of a few in a thousand.
    const BITS: u32 = 20;

    fn new(patterns: &[Vec<u8>]) -> Self {
        let mut bits = vec![0u64; 1 << (Self::BITS - 6)];
        for pattern in patterns {
            let slot = Self::slot(u32::from_le_bytes([pattern[0], pattern[1], pattern[2], pattern[3]]));
            bits[slot / 64] |= 1 << (slot % 64);
        }
        Self { bits }
    }

    fn slot(word: u32) -> usize {
        (word.wrapping_mul(0x9E37_79B1) >> (32 - Self::BITS)) as usize
    }

    fn may_start(&self, word: u32) -> bool {
        let slot = Self::slot(word);
        self.bits[slot / 64] & (1 << (slot % 64)) != 0
    }
}

/// What every masked value becomes: constant, so neither length nor prefix is told.
pub const MASK: &str = "[REDACTED]";

/// Encoded forms shorter than this are not searched for: they would mask ordinary text.
const MIN_PATTERN: usize = 6;

/// Masks every loaded secret value in text, with its percent-encoded, JSON-escaped and base64
/// forms (at all three byte alignments); built by [`SecretContract::redactor`](crate::SecretContract::redactor).
///
/// ```
/// use secrets_core::Redactor;
///
/// let redactor = Redactor::new(["hunter2-correct-horse"]);
/// assert_eq!(redactor.redact("password=hunter2-correct-horse"), "password=[REDACTED]");
/// assert_eq!(redactor.redact("auth aHVudGVyMi1jb3JyZWN0LWhvcnNl"), "auth [REDACTED]");
/// ```
#[derive(Clone)]
pub struct Redactor {
    automaton: Option<AhoCorasick>,
    /// For large pattern sets: where a match may start, by the hash of its first four bytes.
    anchors: Option<std::sync::Arc<Anchors>>,
    longest: usize,
    /// The patterns, to tell on `flush` whether held bytes could still begin a secret.
    patterns: std::sync::Arc<[Vec<u8>]>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let patterns = self.automaton.as_ref().map_or(0, AhoCorasick::patterns_len);
        f.debug_struct("Redactor").field("patterns", &patterns).finish_non_exhaustive()
    }
}

impl Redactor {
    /// A redactor for these values and their common encodings.
    ///
    /// # Panics
    ///
    /// Never: plain byte patterns always build an automaton.
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        for value in values {
            for pattern in encodings(value) {
                if pattern.len() >= MIN_PATTERN.min(value.len().max(1)) && !patterns.contains(&pattern) {
                    patterns.push(pattern);
                }
            }
        }
        let longest = patterns.iter().map(Vec::len).max().unwrap_or(0);
        let anchors = (patterns.len() > SMALL_SET && patterns.iter().all(|pattern| pattern.len() >= 4))
            .then(|| std::sync::Arc::new(Anchors::new(&patterns)));
        // With anchors every search starts at a known position; without, one unanchored scan.
        let start = if anchors.is_some() { StartKind::Anchored } else { StartKind::Unanchored };
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(start)
                .build(&patterns)
                .expect("plain byte patterns always build")
        });
        Self { automaton, anchors, longest, patterns: patterns.into() }
    }

    /// The text with every secret, and every encoding of one, replaced by [`MASK`].
    ///
    /// # Panics
    ///
    /// Never: patterns are whole UTF-8 strings, so masking them keeps the text valid UTF-8.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match self.redact_bytes(text.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            // Patterns are whole UTF-8 strings, so they match only at character boundaries.
            Cow::Owned(bytes) => Cow::Owned(String::from_utf8(bytes).expect("masking keeps UTF-8 valid")),
        }
    }

    /// The same for bytes, such as a log stream.
    pub fn redact_bytes<'t>(&self, bytes: &'t [u8]) -> Cow<'t, [u8]> {
        let matches = self.find_all(bytes);
        if matches.is_empty() {
            return Cow::Borrowed(bytes);
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut written = 0;
        for (start, end) in matches {
            out.extend_from_slice(&bytes[written..start]);
            out.extend_from_slice(MASK.as_bytes());
            written = end;
        }
        out.extend_from_slice(&bytes[written..]);
        Cow::Owned(out)
    }

    /// Every leftmost-longest match, as byte ranges, in order.
    fn find_all(&self, hay: &[u8]) -> Vec<(usize, usize)> {
        let Some(automaton) = &self.automaton else { return Vec::new() };
        let Some(anchors) = &self.anchors else {
            return automaton.find_iter(hay).map(|found| (found.start(), found.end())).collect();
        };
        // Scan for positions whose first four bytes begin some pattern, and confirm each with an
        // anchored search: with many patterns this beats one automaton, which has no prefilter.
        let mut found = Vec::new();
        let mut at = 0;
        while at + 4 <= hay.len() {
            let word = u32::from_le_bytes([hay[at], hay[at + 1], hay[at + 2], hay[at + 3]]);
            if anchors.may_start(word) {
                let input = Input::new(hay).range(at..).anchored(Anchored::Yes);
                if let Some(matched) = automaton.find(input) {
                    found.push((matched.start(), matched.end()));
                    at = matched.end();
                    continue;
                }
            }
            at += 1;
        }
        found
    }

    /// A writer that masks what passes through it, even a secret split across two writes.
    pub fn writer<W: Write>(&self, inner: W) -> RedactingWriter<W> {
        RedactingWriter { redactor: self.clone(), inner, pending: Vec::new() }
    }

    /// The length of the longest suffix of `bytes` that is the beginning of a pattern.
    fn held_suffix(&self, bytes: &[u8]) -> usize {
        (1..self.longest.min(bytes.len() + 1))
            .rev()
            .find(|&len| {
                let tail = &bytes[bytes.len() - len..];
                self.patterns.iter().any(|pattern| pattern.len() > len && pattern.starts_with(tail))
            })
            .unwrap_or(0)
    }

    /// Whether there is anything to mask.
    pub fn is_empty(&self) -> bool {
        self.automaton.is_none()
    }
}

/// The value and its encodings that leak in practice.
pub(crate) fn encodings(value: &str) -> Vec<Vec<u8>> {
    let bytes = value.as_bytes();
    let mut forms = vec![bytes.to_vec()];
    forms.push(percent_encode(bytes).into_bytes());
    let json = serde_json::to_string(value).expect("a str always serializes");
    forms.push(json.as_bytes()[1..json.len() - 1].to_vec());
    for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        for skip in 0..3 {
            forms.push(base64_core(engine, bytes, skip));
        }
    }
    forms
}

/// Every byte but RFC 3986's unreserved ones as `%XX`.
fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The base64 characters that encode only `bytes` when they follow `skip` bytes of anything
/// (`skip` = 0, 1, 2 covers every alignment in a longer stream) and are followed by anything.
fn base64_core(engine: &base64::engine::GeneralPurpose, bytes: &[u8], skip: usize) -> Vec<u8> {
    let mut shifted = vec![0u8; skip];
    shifted.extend_from_slice(bytes);
    let encoded = engine.encode(&shifted).into_bytes();
    // Characters wholly made of the value's bits: after the filler's, up to the last full group.
    let first = [0, 2, 3][skip];
    let last = shifted.len() / 3 * 4;
    if last > first { encoded[first..last].to_vec() } else { Vec::new() }
}

/// How many trailing bytes a [`RedactingWriter`] keeps back.
#[derive(Clone, Copy)]
enum Hold {
    /// As many as the longest pattern could need: cheap, for every write.
    LongestPattern,
    /// Only a suffix that is the beginning of some pattern: for `flush`.
    CouldStartSecret,
    /// None: on drop, when no more output will come.
    Nothing,
}

/// A writer that masks loaded secrets in everything written through it (see [`Redactor::writer`]).
///
/// It holds back only the last bytes that could still begin a secret; `flush` writes all but
/// a tail that does begin one, and drop writes everything, so no output is lost.
pub struct RedactingWriter<W: Write> {
    redactor: Redactor,
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> RedactingWriter<W> {
    /// Masks and writes the pending bytes, keeping back the tail that `hold` says.
    fn emit(&mut self, hold: Hold) -> io::Result<()> {
        if self.redactor.automaton.is_none() {
            self.inner.write_all(&self.pending)?;
            self.pending.clear();
            return Ok(());
        }
        let keep = match hold {
            Hold::Nothing => 0,
            Hold::CouldStartSecret => self.redactor.held_suffix(&self.pending),
            Hold::LongestPattern => self.redactor.longest.saturating_sub(1),
        };
        let mut cut = self.pending.len().saturating_sub(keep);
        let mut written = 0;
        for (start, end) in self.redactor.find_all(&self.pending) {
            if end > cut {
                // A match reaching into the held bytes might grow with the next write.
                cut = cut.min(start);
                break;
            }
            self.inner.write_all(&self.pending[written..start])?;
            self.inner.write_all(MASK.as_bytes())?;
            written = end;
        }
        let cut = cut.max(written);
        self.inner.write_all(&self.pending[written..cut])?;
        self.pending.drain(..cut);
        Ok(())
    }

    /// The writer inside.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        self.emit(Hold::LongestPattern)?;
        Ok(buf.len())
    }

    /// Writes everything except trailing bytes that begin a secret (those go out with the next
    /// write or on drop), so a flush between two halves of a secret does not show it.
    fn flush(&mut self) -> io::Result<()> {
        self.emit(Hold::CouldStartSecret)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        // Errors cannot be reported from drop; `flush` first to see them.
        let _ = self.emit(Hold::Nothing).and_then(|()| self.inner.flush());
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
    redactor: Redactor,
    inner: M,
}

#[cfg(feature = "tracing")]
impl<M> RedactingMakeWriter<M> {
    /// Wraps a writer factory, such as `std::io::stderr`.
    pub fn new(redactor: Redactor, inner: M) -> Self {
        Self { redactor, inner }
    }
}

#[cfg(feature = "tracing")]
impl<'a, M: tracing_subscriber::fmt::MakeWriter<'a>> tracing_subscriber::fmt::MakeWriter<'a>
    for RedactingMakeWriter<M>
{
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        self.redactor.writer(self.inner.make_writer())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t/val+ue=with\"quote";

    #[test]
    fn every_encoding_is_masked() {
        let redactor = Redactor::new([SECRET]);
        let json = serde_json::to_string(SECRET).unwrap();
        let percent = percent_encode(SECRET.as_bytes());
        assert_eq!(redactor.redact(&format!("raw {SECRET} end")), "raw [REDACTED] end");
        assert_eq!(redactor.redact(&format!("{{\"k\":{json}}}")), "{\"k\":\"[REDACTED]\"}");
        assert_eq!(redactor.redact(&format!("u?p={percent}&x")), "u?p=[REDACTED]&x");
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
        assert!(writer.get_ref().len() >= 200 - redactor.longest);
        drop(writer.flush());
        assert_eq!(writer.get_ref().len(), 200);
    }
}
