//! Integration tests live in tests/. The README's Rust snippets are this crate's doctests, so
//! `cargo test --workspace` compiles each one.
#![doc = include_str!("../../README.md")]
