//! Derive macro for `secrets_core::SecretContract`; use it through `secrets-core`.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod fallback;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `secrets_core::SecretContract`, the accessors, the `has_*` probes and a redacted `Debug`.
#[proc_macro_derive(SecretContract, attributes(contract, secret, config))]
pub fn derive_secret_contract(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}
