//! Derive macro for `secrets_core::SecretContract`; use it through `secrets-core`.

mod ast;
mod attr;
mod config_enum;
mod ctxt;
mod expand;
mod fallback;
mod krate;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `secrets_core::SecretContract`, the accessors, the `has_*` probes and a redacted `Debug`.
#[proc_macro_derive(SecretContract, attributes(contract, secret, config, nested))]
pub fn derive_secret_contract(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}

/// Derives `secrets_core::ConfigEnum` and `FromStr` for a fieldless enum: each variant is
/// its kebab-case or snake_case name, ignoring case (`#[config_enum(name = "...")]` renames one).
#[proc_macro_derive(ConfigEnum, attributes(config_enum))]
pub fn derive_config_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    config_enum::derive(&input).into()
}
