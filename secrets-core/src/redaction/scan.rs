//! Finding every occurrence of many byte patterns in a text: the search under the
//! [`Redactor`](super::Redactor).
//!
//! An Aho-Corasick automaton's SIMD prefilter covers at most 64 patterns, and a secret has a
//! dozen forms: past five secrets, one automaton looks at every byte. Patterns are long, though, so the text
//! need not be read at every position. Every pattern of a band is at least `stride + 3` bytes
//! long; the scan reads the four bytes at every `stride`-th position, so each occurrence shows
//! one of its first `stride` four-byte words to exactly one sample. A bit table of those words
//! says which samples may be inside an occurrence; the offsets at which the sampled word lies in
//! the patterns give the starts to try, and a comparison with the patterns that begin with the
//! word there confirms. Long patterns (at least [`LONG`] bytes) get a band of their own, so that
//! one short secret does not shorten the stride of all the others.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The bytes a sample reads.
const WORD: usize = 4;

/// Patterns at least this long are searched in a band of their own, with a longer stride.
const LONG: usize = 16;

/// The longest stride: each pattern puts this many words into the filter at most, and a word's
/// offsets fit in the bits of a `u64`.
const MAX_STRIDE: usize = 64;

/// Every occurrence of a fixed set of byte patterns, overlapping ones included.
pub(crate) struct Scanner {
    /// Patterns shorter than a word (secrets of one to three characters), compared at each byte.
    tiny: Option<Tiny>,
    /// The other patterns, in bands by length.
    bands: Vec<Band>,
    /// Every pattern, sorted and each once: a candidate is confirmed by a binary search, whose
    /// comparisons stop at the first byte that differs.
    sorted: Vec<Vec<u8>>,
}

/// The few patterns too short to sample, by their first byte: each position whose byte begins
/// one is compared with them.
struct Tiny {
    by_first: Vec<Vec<Box<[u8]>>>,
}

/// Patterns of similar length, sampled at one stride.
struct Band {
    stride: usize,
    filter: Filter,
    /// For each first word, the lengths of the patterns that begin with it, longest first: the
    /// longest pattern at a start is the first length whose text there is a pattern. Secrets
    /// that share a prefix (`sk_live_…`, JWT headers) share few lengths, so a start costs a
    /// search per length, not a comparison per pattern.
    lengths: HashMap<u32, Vec<usize>, BuildHasherDefault<WordHash>>,
}

impl Scanner {
    /// A scanner for `patterns`, none of them empty.
    pub(crate) fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Self {
        let (mut tiny, mut short, mut long) = (Vec::new(), Vec::new(), Vec::new());
        for pattern in patterns {
            let bytes = pattern.as_ref();
            assert!(!bytes.is_empty(), "no empty pattern is searched for");
            match bytes.len() {
                len if len < WORD => tiny.push(bytes),
                len if len < LONG => short.push(bytes),
                _ => long.push(bytes),
            }
        }
        let tiny = (!tiny.is_empty()).then(|| {
            let mut by_first = vec![Vec::new(); 256];
            for bytes in tiny {
                let same: &mut Vec<Box<[u8]>> = &mut by_first[usize::from(bytes[0])];
                if !same.iter().any(|known| **known == *bytes) {
                    same.push(bytes.into());
                }
            }
            Tiny { by_first }
        });
        let bands = [short, long].into_iter().filter(|band| !band.is_empty()).map(|band| Band::new(&band)).collect();
        let mut sorted: Vec<Vec<u8>> = patterns.iter().map(|pattern| pattern.as_ref().to_vec()).collect();
        sorted.sort_unstable();
        sorted.dedup();
        Self { tiny, bands, sorted }
    }

    /// Every pattern, sorted, each once.
    pub(crate) fn patterns(&self) -> &[Vec<u8>] {
        &self.sorted
    }

    /// Calls `found(start, end)` for every occurrence of every pattern: each one for the tiny
    /// patterns; for the others, at each position where a pattern of a band starts, the longest
    /// of the band that does (a shorter one there lies inside it).
    pub(crate) fn each(&self, hay: &[u8], mut found: impl FnMut(usize, usize)) {
        if let Some(tiny) = &self.tiny {
            for (start, byte) in hay.iter().enumerate() {
                for pattern in &tiny.by_first[usize::from(*byte)] {
                    if hay[start..].starts_with(pattern) {
                        found(start, start + pattern.len());
                    }
                }
            }
        }
        for band in &self.bands {
            band.each(hay, &self.sorted, &mut found);
        }
    }
}

impl Band {
    fn new(patterns: &[&[u8]]) -> Self {
        let shortest = patterns.iter().map(|bytes| bytes.len()).min().expect("a band is not empty");
        let stride = (shortest + 1 - WORD).min(MAX_STRIDE);
        let words = patterns.iter().flat_map(|bytes| (0..stride).map(move |offset| (word(bytes, offset), offset)));
        let filter = Filter::new(words, patterns.len() * stride);
        let mut lengths: HashMap<u32, Vec<usize>, BuildHasherDefault<WordHash>> = HashMap::default();
        for bytes in patterns {
            lengths.entry(word(bytes, 0)).or_default().push(bytes.len());
        }
        for same in lengths.values_mut() {
            same.sort_unstable_by(|a, b| b.cmp(a));
            same.dedup();
        }
        Self { stride, filter, lengths }
    }

    fn each(&self, hay: &[u8], sorted: &[Vec<u8>], found: &mut impl FnMut(usize, usize)) {
        let Some(last) = hay.len().checked_sub(WORD) else { return };
        let stride = self.stride;
        let mut at = 0;
        // Four samples at a time, with one branch when none may be in an occurrence (nearly always).
        while at + 3 * stride <= last {
            let hits = [
                self.filter.may_hold(word(hay, at)),
                self.filter.may_hold(word(hay, at + stride)),
                self.filter.may_hold(word(hay, at + 2 * stride)),
                self.filter.may_hold(word(hay, at + 3 * stride)),
            ];
            if hits != [false; 4] {
                for (step, hit) in hits.into_iter().enumerate() {
                    if hit {
                        self.confirm(hay, at + step * stride, sorted, found);
                    }
                }
            }
            at += 4 * stride;
        }
        while at <= last {
            if self.filter.may_hold(word(hay, at)) {
                self.confirm(hay, at, sorted, found);
            }
            at += stride;
        }
    }

    /// Tries each position from which an occurrence could have been sampled at `sample`: as
    /// many bytes before it as the sampled word's offsets in the patterns that hold it.
    fn confirm(&self, hay: &[u8], sample: usize, sorted: &[Vec<u8>], found: &mut impl FnMut(usize, usize)) {
        let Some(&offsets) = self.filter.offsets.get(&word(hay, sample)) else { return };
        let mut rest = offsets;
        while rest != 0 {
            let offset = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let Some(start) = sample.checked_sub(offset) else { continue };
            let Some(lengths) = self.lengths.get(&word(hay, start)) else { continue };
            let is_pattern = |len: &&usize| {
                hay.get(start..start + **len)
                    .is_some_and(|text| sorted.binary_search_by(|pattern| pattern.as_slice().cmp(text)).is_ok())
            };
            if let Some(len) = lengths.iter().find(is_pattern) {
                found(start, start + len);
            }
        }
    }
}

/// The four bytes at `at`, as one number.
#[inline]
fn word(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0; WORD];
    word.copy_from_slice(&bytes[at..at + WORD]);
    u32::from_le_bytes(word)
}

/// The four-byte words at the first `stride` offsets of a band's patterns: a bit table, for
/// the scan (a word not put in passes with a chance of about one in 256), and each word's
/// offsets, a bit an offset (`stride` is at most 64), for the samples that pass.
struct Filter {
    table: BitTable,
    offsets: HashMap<u32, u64, BuildHasherDefault<WordHash>>,
}

impl Filter {
    fn new(words: impl Iterator<Item = (u32, usize)>, count: usize) -> Self {
        // From 512 bytes to 512 KiB.
        let mut filter = Self { table: BitTable::new(count, 256, 12..=22), offsets: HashMap::default() };
        for (word, offset) in words {
            filter.table.insert(u64::from(word));
            *filter.offsets.entry(word).or_default() |= 1 << offset;
        }
        filter
    }

    #[inline]
    fn may_hold(&self, word: u32) -> bool {
        self.table.may_hold(u64::from(word))
    }
}

/// A set of words kept as one bit each, at a slot given by one multiplication: it may hold a
/// word never put in (with a chance of the share of bits set), never lacks one that was.
pub(crate) struct BitTable {
    bits: Vec<u64>,
    /// 64 minus the table's size in bits, as a power of two.
    shift: u32,
}

impl BitTable {
    /// A table of about `bits_per_word` bits for each of `count` words, its size in bits a power
    /// of two in `sizes` (at most 2^32).
    pub(crate) fn new(count: usize, bits_per_word: usize, sizes: std::ops::RangeInclusive<u32>) -> Self {
        let wanted = (count.max(1) * bits_per_word).next_power_of_two().trailing_zeros();
        let size = wanted.clamp(*sizes.start(), *sizes.end()).clamp(6, 32);
        Self { bits: vec![0; 1 << (size - 6)], shift: 64 - size }
    }

    #[inline]
    fn slot(&self, word: u64) -> usize {
        // The top bits of the word times an odd constant; fewer than 2^32 of them.
        let slot = word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift;
        #[allow(clippy::cast_possible_truncation)]
        let slot = slot as usize;
        slot
    }

    /// Puts `word` in.
    pub(crate) fn insert(&mut self, word: u64) {
        let slot = self.slot(word);
        self.bits[slot / 64] |= 1 << (slot % 64);
    }

    /// Whether `word` may have been put in.
    #[inline]
    pub(crate) fn may_hold(&self, word: u64) -> bool {
        let slot = self.slot(word);
        self.bits[slot / 64] & (1 << (slot % 64)) != 0
    }
}

/// Hashes a four-byte word by one multiplication: words come from the patterns and the text
/// being masked, and a map of hundreds of thousands of them is built with every redactor.
#[derive(Default)]
struct WordHash(u64);

impl Hasher for WordHash {
    fn write(&mut self, _: &[u8]) {
        unreachable!("only `u32` words are hashed");
    }

    fn write_u32(&mut self, word: u32) {
        let product = u64::from(word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = product ^ (product >> 32);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every occurrence as the scanner reports them: for tiny patterns each one (a pattern given
    /// twice, once), for the others the longest of each band at each start.
    fn naive(patterns: &[Vec<u8>], hay: &[u8]) -> Vec<(usize, usize)> {
        let mut all = Vec::new();
        for start in 0..hay.len() {
            let (mut short, mut long) = (None, None);
            for pattern in patterns.iter().filter(|pattern| hay[start..].starts_with(pattern)) {
                let end = start + pattern.len();
                match pattern.len() {
                    len if len < WORD => all.push((start, end)),
                    len if len < LONG => short = short.max(Some(end)),
                    _ => long = long.max(Some(end)),
                }
            }
            all.extend(short.into_iter().chain(long).map(|end| (start, end)));
        }
        all.sort_unstable();
        all.dedup();
        all
    }

    fn scanned(scanner: &Scanner, hay: &[u8]) -> Vec<(usize, usize)> {
        let mut all = Vec::new();
        scanner.each(hay, |start, end| all.push((start, end)));
        all.sort_unstable();
        all
    }

    /// A deterministic xorshift stream.
    fn random(state: &mut u64) -> usize {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        (*state % 1_000_003) as usize
    }

    #[test]
    fn every_occurrence_is_found_at_every_length_and_position() {
        let mut state = 0x5EED;
        for round in 0..300 {
            // A small alphabet makes patterns overlap, nest and repeat in the text.
            let alphabet = if round % 2 == 0 { &b"ab"[..] } else { &b"abcdefgh"[..] };
            let count = 1 + random(&mut state) % 12;
            let patterns: Vec<Vec<u8>> = (0..count)
                .map(|_| {
                    // Every third round, patterns longer than the longest stride too.
                    let len = 1 + random(&mut state) % if round % 3 == 0 { 150 } else { 40 };
                    (0..len).map(|_| alphabet[random(&mut state) % alphabet.len()]).collect()
                })
                .collect();
            let mut hay = Vec::new();
            for _ in 0..random(&mut state) % 12 {
                hay.extend((0..random(&mut state) % 20).map(|_| alphabet[random(&mut state) % alphabet.len()]));
                hay.extend_from_slice(&patterns[random(&mut state) % count]);
            }
            let scanner = Scanner::new(&patterns);
            assert_eq!(scanned(&scanner, &hay), naive(&patterns, &hay), "patterns {patterns:?}");
        }
    }

    #[test]
    fn a_text_shorter_than_a_word_is_searched_for_tiny_patterns_only() {
        let scanner = Scanner::new(&["ab", "abcdefgh"]);
        assert_eq!(scanned(&scanner, b"ab"), [(0, 2)]);
        assert!(scanned(&scanner, b"abc").len() == 1 && scanned(&scanner, b"").is_empty());
    }

    #[test]
    fn secrets_that_share_a_long_prefix_are_each_found() {
        // Keys of one issuer share their first 20 bytes and differ in length and tail.
        let patterns: Vec<Vec<u8>> =
            (0..300).map(|i| format!("sk_live_0123456789AB{i:x}{}", "z".repeat(i % 7)).into_bytes()).collect();
        let scanner = Scanner::new(&patterns);
        let mut hay = b"sk_live_0123456789AB".repeat(50);
        for i in [0, 17, 150, 299] {
            hay.extend_from_slice(b" key=");
            hay.extend_from_slice(&patterns[i]);
        }
        hay.extend_from_slice(b"sk_live_0123456789A");
        assert_eq!(scanned(&scanner, &hay), naive(&patterns, &hay));
        assert!(!scanned(&scanner, &hay).is_empty());
    }
}
