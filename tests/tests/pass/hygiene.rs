//! Fields named like the generated code's own locals and parameters compile and load.
use secrets_core::{ExposeSecret, MapSource, SecretContract, SecretString};

#[derive(SecretContract)]
struct Clashing {
    #[secret(required)]
    __values: SecretString,
    #[config(default = 1)]
    __starts: u32,
    #[config(default = false)]
    __texts: bool,
    #[config(default = "x")]
    __mask: String,
    #[config(default = 2)]
    __debug: u8,
    #[config(default = 3)]
    __built: u8,
}

fn main() {
    let loaded = Clashing::load_from(&MapSource::new().with("__VALUES", "a-long-secret-value")).unwrap();
    assert_eq!(loaded.__values().expose_secret(), "a-long-secret-value");
    assert_eq!((*loaded.__starts(), *loaded.__texts(), loaded.__mask().as_str()), (1, false, "x"));
    assert!(!format!("{loaded:?}").contains("a-long-secret-value"));
    let _ = (loaded.__debug(), loaded.__built());
}
