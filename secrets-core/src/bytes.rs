//! Binary secrets: base64 or `hex:` text decoded into `SecretBox<Vec<u8>>` or `SecretBox<[u8; N]>`.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecretMut, SecretBox, SecretString};

/// Padding is optional: `=` may be written or left out.
const PADDING_OPTIONAL: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
/// Base64 with `+` and `/`.
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, PADDING_OPTIONAL);
/// Base64 with `-` and `_`.
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, PADDING_OPTIONAL);

/// The bytes `text` encodes, surrounding whitespace ignored: hex digits (either case) after a
/// `hex:` prefix (any case), else base64, standard or URL-safe, padding optional; empty text is
/// no bytes. The error never holds any of the text.
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, &'static str> {
    let text = text.trim();
    match text.split_at_checked(4) {
        Some((prefix, digits)) if prefix.eq_ignore_ascii_case("hex:") => decode_hex(digits.trim()),
        // Line-wrapped base64 (`openssl rand -base64 64`) is one text without its line breaks.
        _ if text.bytes().any(|b| b.is_ascii_whitespace()) => {
            let mut joined: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let decoded = decode_base64(&joined);
            joined.zeroize();
            decoded
        }
        _ => decode_base64(text),
    }
}

/// Hex digits, checked before any byte is written, so a refused text leaves no partial copy.
fn decode_hex(digits: &str) -> Result<Vec<u8>, &'static str> {
    if digits.is_empty() {
        return Err("no digits after the hex prefix");
    }
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("not hex digits (0-9, a-f) after the prefix");
    }
    let pairs = digits.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err("odd number of hex digits");
    }
    Ok(pairs.map(|pair| (nibble(pair[0]) << 4) | nibble(pair[1])).collect())
}

/// The value of one hex digit, already checked to be one.
fn nibble(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

/// Base64 in either alphabet, decoded into one buffer sized up front: it is never reallocated
/// (which would leave a copy behind), and is zeroized after a failed attempt.
fn decode_base64(text: &str) -> Result<Vec<u8>, &'static str> {
    let size = base64::decoded_len_estimate(text.len());
    let mut buffer = Vec::with_capacity(size);
    for engine in [&STANDARD, &URL_SAFE] {
        buffer.resize(size, 0);
        match engine.decode_slice(text, &mut buffer) {
            Ok(len) => {
                buffer.truncate(len);
                return Ok(buffer);
            }
            Err(_) => buffer.zeroize(),
        }
    }
    Err("not base64 (standard or URL-safe) nor hex after `hex:`")
}

/// A secret built from decoded bytes: `SecretBox<Vec<u8>>` or `SecretBox<[u8; N]>`.
#[doc(hidden)]
pub trait SecretBytes: Sized {
    /// Takes the bytes, leaving no copy behind; the error names lengths only.
    fn from_bytes(bytes: Vec<u8>) -> Result<Self, String>;
}

impl SecretBytes for SecretBox<Vec<u8>> {
    /// Moves the buffer into the box: its bytes are not copied.
    fn from_bytes(bytes: Vec<u8>) -> Result<Self, String> {
        Ok(SecretBox::new(Box::new(bytes)))
    }
}

impl<const N: usize> SecretBytes for SecretBox<[u8; N]> {
    /// Copies the bytes into a zeroed boxed array, then zeroizes the buffer.
    fn from_bytes(mut bytes: Vec<u8>) -> Result<Self, String> {
        if bytes.len() != N {
            let unit = if bytes.len() == 1 { "byte" } else { "bytes" };
            let message = format!("decodes to {} {unit}, expected {N}", bytes.len());
            bytes.zeroize();
            return Err(message);
        }
        // Zeroes go on the stack and into the box; the secret is written only in the box.
        let mut secret = SecretBox::new(Box::new([0u8; N]));
        secret.expose_secret_mut().copy_from_slice(&bytes);
        bytes.zeroize();
        Ok(secret)
    }
}

/// The secrets of a list: the items of `text` between `sep`, trimmed, empty ones left out.
pub(crate) fn split_secrets(text: &str, sep: &str) -> Vec<SecretString> {
    text.split(sep).map(str::trim).filter(|item| !item.is_empty()).map(SecretString::from).collect()
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    /// Seven bytes whose base64 uses both alphabets' special characters and needs padding.
    const BYTES: [u8; 7] = [0xfb, 0xef, 0xbe, 0x00, 0x01, 0xff, 0x3e];

    #[test]
    fn base64_in_either_alphabet_with_or_without_padding() {
        for text in ["++++AAH/Pg==", "++++AAH/Pg", "----AAH_Pg==", "----AAH_Pg", " \t++++AAH/Pg==\n", "\n----AAH_Pg "] {
            assert_eq!(decode(text).as_deref(), Ok(&BYTES[..]), "{text:?}");
        }
        assert_eq!(decode("aGVsbG8="), Ok(b"hello".to_vec()));
        assert_eq!(decode("  "), Ok(Vec::new()));
    }

    #[test]
    fn hex_after_the_prefix_in_any_case() {
        for text in ["hex:fbefbe0001ff3e", "hex:FBEFBE0001FF3E", "HEX:FbEfBe0001fF3e", "  Hex:fbefbe0001ff3e \n"] {
            assert_eq!(decode(text).as_deref(), Ok(&BYTES[..]), "{text:?}");
        }
    }

    #[test]
    fn bad_text_is_refused_with_a_reason() {
        assert_eq!(decode("hex:"), Err("no digits after the hex prefix"));
        assert_eq!(decode(" hex:  "), Err("no digits after the hex prefix"));
        assert_eq!(decode("hex:abc"), Err("odd number of hex digits"));
        assert_eq!(decode("hex:zz12"), Err("not hex digits (0-9, a-f) after the prefix"));
        assert_eq!(decode("hex:0x12"), Err("not hex digits (0-9, a-f) after the prefix"));
        for text in ["%%%%", "abcde", "zz?y", "++++AAH_Pg", "aGVs bG8=x", "hex-00:11"] {
            assert_eq!(decode(text), Err("not base64 (standard or URL-safe) nor hex after `hex:`"), "{text:?}");
        }
    }

    #[test]
    fn line_wrapped_base64_is_one_text() {
        assert_eq!(decode("aGVs\nbG8=\n").as_deref(), Ok(&b"hello"[..]));
        assert_eq!(decode("aGVs bG8=").as_deref(), Ok(&b"hello"[..]));
        assert_eq!(decode("aGVs\r\nbG8").as_deref(), Ok(&b"hello"[..]));
    }

    #[test]
    fn no_error_holds_a_piece_of_the_text() {
        let inputs = ["hex:", "hex:abc", "hex:zz12", "hex:12g4", "%%%%", "abcde", "zz?y", "!!!!====", "++++AAH_Pg"];
        for text in inputs {
            let message = decode(text).unwrap_err().to_lowercase();
            assert_no_piece(text, &message);
        }
        let short = format!("hex:{}", "0f".repeat(31));
        let message = SecretBox::<[u8; 32]>::from_bytes(decode(&short).unwrap()).unwrap_err();
        assert_no_piece(&short, &message);
    }

    /// Fails if `message` holds any 4 consecutive characters of `text`, ignoring case.
    fn assert_no_piece(text: &str, message: &str) {
        let chars: Vec<char> = text.to_lowercase().chars().collect();
        for piece in chars.windows(4) {
            let piece: String = piece.iter().collect();
            assert!(!message.contains(&piece), "{message:?} holds {piece:?} of {text:?}");
        }
    }

    #[test]
    fn arrays_check_the_length() {
        let bytes = decode(&format!("hex:{}", "ab".repeat(32))).unwrap();
        let secret = SecretBox::<[u8; 32]>::from_bytes(bytes).unwrap();
        assert_eq!(secret.expose_secret(), &[0xab; 32]);
        let short = SecretBox::<[u8; 32]>::from_bytes(vec![0xab; 31]).unwrap_err();
        assert_eq!(short, "decodes to 31 bytes, expected 32");
        let one = SecretBox::<[u8; 32]>::from_bytes(vec![0xab]).unwrap_err();
        assert_eq!(one, "decodes to 1 byte, expected 32");
        let long = SecretBox::<[u8; 16]>::from_bytes(vec![0; 32]).unwrap_err();
        assert_eq!(long, "decodes to 32 bytes, expected 16");
    }

    #[test]
    fn vectors_take_the_buffer_without_copying() {
        let bytes = decode("++++AAH/Pg").unwrap();
        let address = bytes.as_ptr();
        let secret = SecretBox::<Vec<u8>>::from_bytes(bytes).unwrap();
        assert_eq!(secret.expose_secret().as_ptr(), address);
        assert_eq!(secret.expose_secret(), &BYTES);
    }

    #[test]
    fn secret_lists_are_split_and_trimmed() {
        let items = split_secrets(" alpha , ,beta,,  gamma delta ", ",");
        let items: Vec<&str> = items.iter().map(ExposeSecret::expose_secret).collect();
        assert_eq!(items, ["alpha", "beta", "gamma delta"]);
        let items = split_secrets("one two", " ");
        assert_eq!(items.iter().map(ExposeSecret::expose_secret).collect::<Vec<_>>(), ["one", "two"]);
        assert!(split_secrets(" , ", ",").is_empty());
    }
}
