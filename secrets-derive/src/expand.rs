//! Turns a validated contract into tokens; nothing here can fail.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::ast::{self, Contract, Field, KnownSetting, Role};
use crate::attr::Category;
use crate::ctxt::Ctxt;
use crate::{fallback, valid};

/// Expands the derive, or the errors and a stub impl when the contract is malformed.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let contract = ast::contract(&mut cx, input);
    if let Some(contract) = &contract {
        valid::check(&mut cx, contract);
    }
    match (cx.check(), contract) {
        (Ok(()), Some(contract)) => expand(&contract),
        (Err(errors), _) => {
            let mut tokens = errors.to_compile_error();
            tokens.extend(fallback::stub(input));
            tokens
        }
        (Ok(()), None) => unreachable!("a missing model always records an error"),
    }
}

fn expand(contract: &Contract<'_>) -> TokenStream {
    let ident = &contract.input.ident;
    let name = ident.to_string();
    let (impl_generics, ty_generics, where_clause) = contract.input.generics.split_for_impl();
    // Skipped fields read no variable: they are left out of the spec, and indices count the others.
    let variables: Vec<&Field<'_>> = contract.fields.iter().filter(|field| field.attrs.skip.is_none()).collect();
    let mut next = 0;
    let indices: Vec<Option<usize>> = contract
        .fields
        .iter()
        .map(|field| {
            field.attrs.skip.is_none().then(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    let vars = variables.iter().copied().map(var_spec);
    let names = variables.iter().map(|field| &field.env_name);
    let prefix = &contract.prefix;
    let loads = contract.fields.iter().zip(&indices).map(|(field, index)| {
        index.map_or_else(
            || quote_spanned!(field.ty.span()=> ::core::default::Default::default()),
            |index| load(index, field),
        )
    });
    let all_fields = contract.fields.iter().map(|field| field.ident);
    let required: Vec<&Ident> =
        variables.iter().filter(|field| field.option_inner.is_none()).map(|field| field.ident).collect();
    let fields = contract.fields.iter().map(|field| field.ident);
    let texts = secret_texts(contract);
    let methods = variables.iter().enumerate().map(|(index, field)| methods(contract, index, field));
    let features = contract.feature_groups().into_iter().map(|(feature, members)| {
        let vis = &contract.input.vis;
        let method = format_ident!("has_{}", feature);
        let doc = format!("Whether every secret of feature `{feature}` is loaded.");
        let probes =
            members.iter().map(|field| format_ident!("has_{}", field.ident.to_string().trim_start_matches("r#")));
        quote! {
            #[doc = #doc]
            #[inline]
            #vis fn #method(&self) -> bool {
                // Statements, not one `&&` chain: rustc recurses into a chain once per operand.
                #(if !self.#probes() { return false; })*
                true
            }
        }
    });
    let debug_fields = contract.fields.iter().map(|field| {
        let ident = field.ident;
        let label = ident.to_string().trim_start_matches("r#").to_owned();
        match field.role() {
            Role::Secret(_) => quote!(__debug.field(#label, &::secrets_core::__private::Redacted);),
            Role::Config => {
                quote!(__debug.field(#label, &::secrets_core::__private::Masked(&self.#ident, &__mask));)
            }
        }
    });
    // Settings are shown with any loaded secret they hold masked (`URL="x ${TOKEN}"` in a `.env`).
    let debug_mask = contract
        .fields
        .iter()
        .any(|field| matches!(field.role(), Role::Config))
        .then(|| quote!(let __mask = ::secrets_core::__private::SettingMask::of(self);));
    quote! {
        #[automatically_derived]
        impl #impl_generics ::secrets_core::SecretContract for #ident #ty_generics #where_clause {
            fn spec() -> &'static ::secrets_core::ContractSpec {
                static SPEC: ::secrets_core::ContractSpec =
                    ::secrets_core::__private::contract(#name, &[#(#vars),*], &[#(#names),*], #prefix);
                &SPEC
            }

            fn __secret_texts(&self) -> ::std::vec::Vec<(usize, &str)> {
                #[allow(unused_imports)]
                use ::secrets_core::__private::{NoText as _, Text as _};
                let mut __texts = ::std::vec::Vec::new();
                #(#texts)*
                __texts
            }

            fn __from_values(
                __values: &mut ::secrets_core::__private::Values<'_>,
            ) -> ::core::option::Option<Self> {
                // One `let` for every field, in declaration order: a `let` per field would nest
                // one debuginfo scope per field, and LLVM recurses once per scope.
                let (#(#all_fields,)*) = (#(#loads,)*);
                // One match over every non-`Option` field: a chain of `?` would make each early
                // return drop a different set of values, and code size grow with the square of N.
                match (#(#required,)*) {
                    (#(::core::option::Option::Some(#required),)*) => ::core::option::Option::Some(Self { #(#fields),* }),
                    _ => ::core::option::Option::None,
                }
            }
        }

        #[allow(dead_code)]
        impl #impl_generics #ident #ty_generics #where_clause {
            #(#methods)*
            #(#features)*
        }

        #[automatically_derived]
        impl #impl_generics ::core::fmt::Debug for #ident #ty_generics #where_clause {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #debug_mask
                // Statements, not one chain of calls: rustc recurses into a chain once per call.
                let mut __debug = f.debug_struct(#name);
                #(#debug_fields)*
                __debug.finish()
            }
        }
    }
}

/// One statement per secret field, adding its texts (and index) for `redactor()`.
fn secret_texts<'a>(contract: &'a Contract<'_>) -> impl Iterator<Item = TokenStream> + 'a {
    contract
        .fields
        .iter()
        .filter(|field| field.attrs.skip.is_none())
        .enumerate()
        .filter(|(_, field)| matches!(field.role(), Role::Secret(_)))
        .map(|(index, field)| {
            let ident = field.ident;
            let wrapper = if field.option_inner.is_some() { quote!(OptionalField) } else { quote!(Field) };
            quote! {
                (&::secrets_core::__private::#wrapper(&self.#ident)).add_texts(#index, &mut __texts);
            }
        })
}

/// The static description of one field's variable.
fn var_spec(field: &Field<'_>) -> TokenStream {
    let env = &field.env_name;
    let label = field.ident.to_string().trim_start_matches("r#").to_owned();
    let description = field.description();
    match field.role() {
        Role::Secret(category) => {
            let category = match category {
                Category::Required => quote!(Required),
                Category::Billing => quote!(Billing),
                Category::External => quote!(External),
                Category::Optional => quote!(Optional),
            };
            let feature = option_str(field.attrs.feature.as_ref().map(syn::LitStr::value));
            let allow_empty = field.attrs.allow_empty;
            let credential = option_str(field.attrs.credential.as_ref().map(syn::LitStr::value));
            quote! {
                ::secrets_core::__private::secret_var(
                    #env, #label, ::secrets_core::Category::#category, #description, #feature, #allow_empty,
                    #credential,
                )
            }
        }
        Role::Config => {
            let required = field.option_inner.is_none() && field.attrs.default.is_none();
            let default = option_str(field.attrs.default.as_ref().map(syn::LitStr::value));
            let allow_empty = field.attrs.allow_empty;
            quote! {
                ::secrets_core::__private::config_var(#env, #label, #required, #default, #description, #allow_empty)
            }
        }
    }
}

fn option_str(value: Option<String>) -> TokenStream {
    if let Some(value) = value {
        quote!(::core::option::Option::Some(#value))
    } else {
        quote!(::core::option::Option::None)
    }
}

/// The expression that parses one field from the loaded values.
fn load(index: usize, field: &Field<'_>) -> TokenStream {
    let ty = field.value_ty();
    let role = field.role();
    match (role, field.known_setting()) {
        (Role::Config, Some(KnownSetting::Bool)) => {
            let method = Ident::new("config_bool", ty.span());
            quote_spanned! {ty.span()=> __values.#method(#index) }
        }
        (Role::Config, Some(KnownSetting::Duration)) => {
            let method = Ident::new("config_duration", ty.span());
            quote_spanned! {ty.span()=> __values.#method(#index) }
        }
        (Role::Config, Some(KnownSetting::List(item))) => {
            let method = Ident::new("config_list", item.span());
            let sep = field.attrs.sep.as_ref().map_or_else(|| ",".to_owned(), syn::LitStr::value);
            quote_spanned! {item.span()=> __values.#method::<#item>(#index, #sep) }
        }
        // The method's own span decides where rustc puts an unmet `SecretValue` bound: the type.
        (Role::Secret(_), _) => {
            let method = Ident::new("secret", ty.span());
            quote_spanned! {ty.span()=> __values.#method::<#ty>(#index) }
        }
        (Role::Config, None) => {
            let method = Ident::new("config", ty.span());
            quote_spanned! {ty.span()=> __values.#method::<#ty>(#index) }
        }
    }
}

/// `has_<field>` and the accessor `<field>`.
fn methods(contract: &Contract<'_>, index: usize, field: &Field<'_>) -> TokenStream {
    let vis = &contract.input.vis;
    let ident = field.ident;
    let env = &field.env_name;
    let has = format_ident!("has_{}", ident.to_string().trim_start_matches("r#"));
    let has_doc = format!("Whether `{env}` was loaded.");
    match field.option_inner {
        None => {
            let ty = field.ty;
            let doc = format!("The value of `{env}`.");
            quote! {
                #[doc = #has_doc]
                #[inline]
                #vis fn #has(&self) -> bool {
                    true
                }
                #[doc = #doc]
                #[inline]
                #vis fn #ident(&self) -> &#ty {
                    &self.#ident
                }
            }
        }
        Some(inner) => {
            let doc = format!("The value of `{env}`, or an error naming it when it is not set.");
            quote! {
                #[doc = #has_doc]
                #[inline]
                #vis fn #has(&self) -> bool {
                    ::core::option::Option::is_some(&self.#ident)
                }
                #[doc = #doc]
                #[inline]
                #vis fn #ident(&self) -> ::core::result::Result<&#inner, ::secrets_core::SecretError> {
                    ::secrets_core::__private::present(
                        &self.#ident,
                        <Self as ::secrets_core::SecretContract>::spec(),
                        #index,
                    )
                }
            }
        }
    }
}
