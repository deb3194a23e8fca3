//! A secret in any form the redactor promises (raw, trimmed, percent-, form-, JSON-, Rust- or
//! base64-encoded), at any position in any text, is masked.
#![no_main]

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use libfuzzer_sys::fuzz_target;
use secrets_core::Redactor;

fuzz_target!(|data: &[u8]| {
    // The input is: form selector, secret length, then the secret and the surrounding text.
    let [pick, length, rest @ ..] = data else { return };
    let length = usize::from(*length).min(rest.len());
    let secret = String::from_utf8_lossy(&rest[..length]).into_owned();
    if secret.trim().chars().count() < 8 {
        return;
    }
    let around = String::from_utf8_lossy(&rest[length..]).into_owned();
    let cut = around.char_indices().map(|(i, _)| i).nth(usize::from(*pick) % 7).unwrap_or(around.len());
    let (before, after) = around.split_at(cut);
    let redactor = Redactor::new([secret.as_str()]);
    let forms = secrets_core::__private::redacted_forms(&secret);
    // A form that is part of the mask, or has its brackets, can be spelled by the mask and the
    // text beside it (a secret `ACTED]Cg`): no leak.
    let in_mask = |form: &[u8]| {
        b"[REDACTED]".windows(form.len()).any(|w| w == form) || form.contains(&b'[') || form.contains(&b']')
    };
    // Each text form, placed in the text.
    let form = &forms[usize::from(*pick) % forms.len()];
    if form.len() >= 6 && !in_mask(form) {
        let form = String::from_utf8_lossy(form);
        let text = format!("{before}{form}{after}");
        let masked = redactor.redact(&text);
        assert!(!masked.contains(form.as_ref()), "{form:?} shows in {masked:?}");
    }
    // The secret inside a base64-encoded message, at the alignment the text gives it: the
    // characters that encode only the secret never show.
    let message = format!("{before}{secret}{after}");
    for (engine, text) in
        [(&STANDARD_NO_PAD, STANDARD.encode(&message)), (&URL_SAFE_NO_PAD, URL_SAFE_NO_PAD.encode(&message))]
    {
        let skip = before.len() % 3;
        let mut shifted = vec![0u8; skip];
        shifted.extend_from_slice(secret.as_bytes());
        let encoded = engine.encode(&shifted);
        let (first, last) = ([0, 2, 3][skip], shifted.len() / 3 * 4);
        let core = &encoded[first..last.max(first)];
        if core.len() < 6 || in_mask(core.as_bytes()) {
            continue;
        }
        let masked = redactor.redact(&text);
        assert!(!masked.contains(core), "{core:?} of {secret:?} shows in {masked:?}");
    }
});
