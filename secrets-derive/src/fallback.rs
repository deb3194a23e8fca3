//! The stub impl emitted beside errors, so users see only the real mistake.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

/// Implements the trait and `Debug` with bodies that are never run.
pub(crate) fn stub(input: &DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let debug = stub_debug(input);
    quote! {
        #[automatically_derived]
        impl #impl_generics __secrets_core::SecretContract for #ident #ty_generics #where_clause {
            fn spec() -> &'static __secrets_core::ContractSpec {
                ::core::unreachable!()
            }

            fn __secret_texts(&self) -> ::std::vec::Vec<(usize, &str)> {
                ::core::unreachable!()
            }

            fn __env_texts(&self) -> ::std::vec::Vec<(usize, __secrets_core::__private::EnvTextOf)> {
                ::core::unreachable!()
            }

            fn __from_values(
                _: &mut __secrets_core::__private::Values<'_>,
            ) -> ::core::option::Option<Self> {
                ::core::unreachable!()
            }
        }

        #debug
    }
}

/// The stub `Debug`, unless the struct derives one already (an error said so; a second impl
/// would only add a conflict to it).
fn stub_debug(input: &DeriveInput) -> TokenStream {
    if crate::attr::derives_debug(&input.attrs) {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::core::fmt::Debug for #ident #ty_generics #where_clause {
            fn fmt(&self, _: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::unreachable!()
            }
        }
    }
}
