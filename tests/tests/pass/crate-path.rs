//! `#[contract(crate = "...")]` names the runtime through a facade, as a renamed dependency or a
//! company crate that re-exports it would.
mod facade {
    pub use secrets_core as secrets;
}

use facade::secrets::{MapSource, SecretContract, SecretString};

#[derive(SecretContract)]
#[contract(crate = "facade::secrets", prefix = "APP_")]
struct Through {
    #[secret(required)]
    token: SecretString,
    #[config(default = 3)]
    retries: u8,
}

fn main() {
    let loaded = Through::load_from(&MapSource::new().with("APP_TOKEN", "a-long-token-value")).unwrap();
    assert_eq!(*loaded.retries(), 3);
    assert!(loaded.has_token());
}
