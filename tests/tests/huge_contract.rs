//! A contract of 10,000 fields compiles, loads and reports like a small one.

// The generated fields are loaded and never all read; a quarter of them are `bool` settings.
#[allow(dead_code, clippy::struct_excessive_bools)]
mod huge {
    use secrets_core::{SecretContract, SecretString};

    include!(concat!(env!("OUT_DIR"), "/huge.rs"));
}

use huge::Huge;
use secrets_core::{ExposeSecret, MapSource, SecretContract, State};

#[test]
fn ten_thousand_fields_load_and_report() {
    let mut source = MapSource::new();
    for i in (0..10_000).step_by(4) {
        source.insert(format!("HUGE_SECRET_{i:05}"), format!("secret-value-{i:05}"));
    }
    source.insert("HUGE_PORT_09998", "9090");
    let huge = Huge::load_from(&source).unwrap();
    assert_eq!(huge.secret_09996().expose_secret(), "secret-value-09996");
    assert_eq!((*huge.port_09998(), *huge.port_00002(), *huge.flag_00003()), (9090, 8080, false));
    assert!(!huge.has_extras());
    let debug = format!("{huge:?}");
    assert!(!debug.contains("secret-value-"));
    assert_eq!(huge.redactor().redact("secret-value-04444"), "[REDACTED]");

    source.remove("HUGE_SECRET_05000");
    let error = Huge::load_from(&source).unwrap_err();
    assert_eq!(error.report().entry("HUGE_SECRET_05000").unwrap().state(), &State::Missing);
    assert!(error.to_string().starts_with("Huge: 1 problem\n  HUGE_SECRET_05000 (required secret): missing"));
}
