//! Arbitrary URLs through `SecretUrl`: no 6-byte piece of the password, of a user that stands
//! for a token, or of a path that is not a database name shows in its `Debug`, unless that
//! piece is also part of what is shown on purpose (scheme, host, port, database name).
#![no_main]

use libfuzzer_sys::fuzz_target;
use secrets_core::{SecretString, SecretUrl, SecretValue};

const SCHEMES: [&str; 6] = ["postgres://", "https://", "redis://", "jdbc:postgresql://", "mongodb+srv://", "http:"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let raw = format!("{}{}", SCHEMES[usize::from(pick) % SCHEMES.len()], String::from_utf8_lossy(rest));
    let Ok(parsed) = url::Url::parse(&raw) else { return };
    let Ok(secret) = SecretUrl::from_secret(SecretString::from(raw.as_str())) else { return };
    // What is shown on purpose (scheme, host, database name) and the mask are taken out; what is
    // left is separators and the port, where no letter of a hidden part may be.
    let mut visible = format!("{secret:?}");
    let mut shown: Vec<&str> = [secret.scheme(), secret.host(), secret.database()].into_iter().flatten().collect();
    // Longest first: a short part (a host `.`) must not break a longer one it occurs in.
    shown.sort_by_key(|part| std::cmp::Reverse(part.len()));
    for part in ["[REDACTED]", "SecretUrl"].into_iter().chain(shown) {
        visible = visible.replace(part, "\u{fffe}");
    }
    let decoded = |text: &str| percent_decode(text);
    let mut hidden = vec![parsed.password().unwrap_or("").to_owned(), decoded(parsed.password().unwrap_or(""))];
    hidden.push(parsed.username().to_owned());
    hidden.push(decoded(parsed.username()));
    if secret.database().is_none() {
        hidden.push(parsed.path().to_owned());
    }
    hidden.extend(parsed.query().map(str::to_owned));
    for text in hidden {
        for piece in text.as_bytes().windows(6) {
            let Ok(piece) = std::str::from_utf8(piece) else { continue };
            if !piece.chars().any(char::is_alphabetic) {
                continue;
            }
            assert!(!visible.contains(piece), "{piece:?} of {raw:?} shows in {secret:?}");
        }
    }
});

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let hex = |b: Option<&u8>| b.and_then(|b| char::from(*b).to_digit(16));
        match (bytes[at], hex(bytes.get(at + 1)), hex(bytes.get(at + 2))) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(0));
                at += 3;
            }
            (byte, ..) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
