//! Collects every error of one derive so a single compile reports them all.

use std::fmt::Display;

use proc_macro2::Span;

/// The errors found so far; parsing goes on after each one.
#[derive(Default)]
pub(crate) struct Ctxt {
    errors: Option<syn::Error>,
    count: usize,
}

impl Ctxt {
    /// Records an error spanned at `span`.
    pub(crate) fn error(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records an error spanned at a user's tokens.
    pub(crate) fn error_spanned(&mut self, tokens: impl quote::ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error produced elsewhere (a syntax error of an attribute).
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.count += 1;
        match &mut self.errors {
            Some(errors) => errors.combine(error),
            None => self.errors = Some(error),
        }
    }

    /// How many errors were recorded so far: a caller sees whether a step added one.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// All the errors recorded, combined, or `Ok` when there were none.
    pub(crate) fn check(self) -> syn::Result<()> {
        self.errors.map_or(Ok(()), Err)
    }
}
