//! Arbitrary text and split points through the redacting writer: no secret gets through.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use secrets_core::Redactor;

const SECRETS: [&str; 3] = ["Zq8Kp2Wm7Rt4Xn9B", "hunter2hunter2hunter2", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"];

fuzz_target!(|data: &[u8]| {
    let Some((&seed, rest)) = data.split_first() else { return };
    // Insert the secrets into the input, and write it in pieces chosen by the input too.
    let mut text = rest.to_vec();
    for (i, secret) in SECRETS.iter().enumerate() {
        let at = (usize::from(seed) * (i + 7)) % (text.len() + 1);
        text.splice(at..at, secret.bytes());
    }
    let redactor = Redactor::new(SECRETS);
    let mut writer = redactor.writer(Vec::new());
    let mut start = 0;
    for (i, &byte) in rest.iter().enumerate() {
        let end = (start + 1 + usize::from(byte) % 37).min(text.len());
        writer.write_all(&text[start..end]).unwrap();
        start = end;
        if i % 5 == 0 {
            writer.flush().unwrap();
        }
    }
    writer.write_all(&text[start..]).unwrap();
    writer.flush().unwrap();
    let out = writer.get_ref();
    for secret in SECRETS {
        assert!(!out.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} got through");
    }
});
