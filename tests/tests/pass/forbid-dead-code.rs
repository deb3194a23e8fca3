//! A private contract whose accessors go unused compiles without a warning under
//! `#![forbid(dead_code)]`, where an `allow(dead_code)` in the expansion would be an error.
#![forbid(dead_code)]
#![deny(warnings)]

use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct App {
    /// Signs sessions
    #[secret(required)]
    session_key: SecretString,
    #[secret(billing, feature = "openai")]
    openai_api_key: Option<SecretString>,
    #[config(default = 8080)]
    port: u16,
}

/// A generic contract, whose methods cannot be named without its parameters.
#[derive(SecretContract)]
struct Generic<T>
where
    T: std::str::FromStr + std::fmt::Debug,
    T::Err: std::fmt::Display,
{
    #[config]
    value: Option<T>,
}

fn main() {
    let _ = Generic::<u16>::load_from(&secrets_core::MapSource::new());
    let _ = App::load_from(&secrets_core::MapSource::new());
}
