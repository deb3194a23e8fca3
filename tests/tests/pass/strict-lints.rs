//! Generated code is clean under strict lints in the user's crate.
#![deny(warnings, missing_docs, unreachable_pub, unused_qualifications, unused_results)]
#![deny(rust_2018_idioms, unused_lifetimes, single_use_lifetimes, trivial_casts, unused_extern_crates)]
#![deny(missing_debug_implementations, non_ascii_idents)]
#![forbid(unsafe_code)]

use secrets_core::{SecretContract, SecretString};

/// The service's contract.
#[derive(SecretContract)]
pub struct PublicSecrets {
    #[secret(required)]
    database_url: SecretString,
    #[secret(external)]
    r#type: Option<SecretString>,
    #[config(default = "info")]
    log_level: String,
}

#[derive(SecretContract)]
pub(crate) struct CrateSecrets {
    #[secret(optional, feature = "alerts")]
    slack_webhook_url: Option<SecretString>,
}

#[derive(SecretContract)]
struct PrivateSecrets {
    #[secret(required, allow_empty)]
    token: SecretString,
}

/// A section of [`Sectioned`].
#[derive(SecretContract)]
struct Pool {
    #[config(default = 1, range = 1..=64)]
    min_conns: u32,
    #[config(default = 8)]
    max_conns: u32,
}

fn check(sectioned: &Sectioned, problems: &mut secrets_core::Problems) {
    if sectioned.pool().min_conns() > sectioned.pool().max_conns() {
        problems.add("APP_POOL_MIN_CONNS", "must not exceed APP_POOL_MAX_CONNS");
    }
}

#[derive(SecretContract)]
#[contract(prefix = "APP_", validate = check)]
struct Sectioned {
    #[nested]
    pool: Pool,
    #[config(default = false)]
    cache_enabled: bool,
    #[nested(enabled_by = "cache_enabled")]
    cache: Option<Pool>,
    #[secret(required_if = "cache_enabled", alias = "CACHE_TOKEN")]
    cache_token: Option<SecretString>,
}

fn main() {
    let _spec = (PublicSecrets::spec(), CrateSecrets::spec(), PrivateSecrets::spec(), Sectioned::spec());
}
