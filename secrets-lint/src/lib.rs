//! Finds reads of secret-like environment variables that bypass a secrets contract.
//!
//! `secrets-lint PATH...` parses every `.rs` file under the paths once, with `syn`, and reports
//! each `std::env::var`, `var_os`, `vars`, `vars_os`, `env!`, `option_env!`, `dotenvy::var`
//! (and `dotenv`'s) whose variable looks like a secret (`*_KEY`, `*_TOKEN`, `*_PASSWORD`,
//! `DATABASE_URL`, ...) or is declared by a `#[derive(SecretContract)]` struct of the same
//! sources. Aliases (`use std::env; env::var(..)`, `use std::env::var as v`) and names held
//! in `const`s are followed. A read with `secrets-lint: allow` in a comment on its line or
//! the line above is a justified exception.

mod contracts;
mod files;
mod names;
mod scan;

pub use files::rust_files;
pub use names::looks_secret;
pub use scan::{Finding, ParseFailure, Why, lint};
