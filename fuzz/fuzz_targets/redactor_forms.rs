//! A secret in any form the redactor promises (raw, trimmed, percent-, form-, JSON-, Rust- or
//! base64-encoded), at any position in any text, is masked.
#![no_main]

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
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
    let core_forms: Vec<&Vec<u8>> = forms.iter().filter(|form| form.len() >= 6).collect();
    // Each text form, placed in the text.
    let form = &forms[usize::from(*pick) % forms.len()];
    if form.len() >= 6 {
        let form = String::from_utf8_lossy(form);
        let text = format!("{before}{form}{after}");
        let masked = redactor.redact(&text);
        assert!(!masked.contains(form.as_ref()), "{form:?} shows in {masked:?}");
    }
    // The secret inside a base64-encoded message, at the alignment the text gives it.
    for encoded in [STANDARD.encode(format!("{before}{secret}{after}")), URL_SAFE_NO_PAD.encode(format!("{before}{secret}{after}"))] {
        let masked = redactor.redact(&encoded);
        for core in &core_forms {
            assert!(!masked.as_bytes().windows(core.len()).any(|w| w == core.as_slice()), "base64 shows in {masked:?}");
        }
    }
});
