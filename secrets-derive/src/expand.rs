//! Turns a validated contract into tokens; nothing here can fail.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::ast::{self, Contract, Field, KnownSecret, KnownSetting, Role};
use crate::attr::{Category, Default};
use crate::ctxt::Ctxt;
use crate::{fallback, valid};

/// Expands the derive, or the errors and a stub impl when the contract is malformed.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let contract = ast::contract(&mut cx, input);
    let fine = contract.as_ref().map(|contract| valid::check(&mut cx, contract));
    let krate = contract.as_ref().and_then(|contract| contract.krate.clone());
    let krate = krate.map_or_else(crate::krate::runtime, |path| quote!(#path));
    let tokens = match (cx.check(), contract) {
        (Ok(()), Some(contract)) => expand(&contract),
        (Err(errors), contract) => {
            let mut tokens = errors.to_compile_error();
            tokens.extend(fallback::stub(input));
            if let (Some(contract), Some(fine)) = (contract, fine) {
                tokens.extend(type_checks(&contract, &fine));
            }
            tokens
        }
        (Ok(()), None) => unreachable!("a missing model always records an error"),
    };
    // The runtime by one name, whatever the user's crate calls it (`#[contract(crate = "...")]`).
    quote! {
        const _: () = {
            use #krate as __secrets_core;
            #tokens
        };
    }
}

/// Beside a contract's errors, the loads of its fields that are fine, compiled and never run:
/// a type mistake in them shows in the same compile as the errors, not in the next one.
fn type_checks(contract: &Contract<'_>, fine: &[bool]) -> TokenStream {
    let layout =
        Layout { composed: false, parts: contract.fields.iter().enumerate().map(|(at, _)| Some(at)).collect() };
    let loads = contract.fields.iter().enumerate().filter(|(at, field)| {
        fine[*at]
            && field.attrs.skip.is_none()
            && field.attrs.required_if.is_none()
            && field.attrs.nested.as_ref().is_none_or(|nested| nested.enabled_by.is_none())
    });
    let loads = loads.map(|(at, field)| load(contract, &layout, at, field));
    quote! {
        const _: fn(&mut __secrets_core::__private::Values<'_>) = |__values| {
            #(let _ = #loads;)*
        };
    }
}

/// Where a field's first variable is: a constant in a flat contract, looked up in the composed
/// spec of one with nested sections (their sizes are known only to their own derives).
struct Layout {
    composed: bool,
    /// For each field, its position among the fields that read variables.
    parts: Vec<Option<usize>>,
}

impl Layout {
    fn of(contract: &Contract<'_>) -> Self {
        let mut next = 0;
        let parts = contract
            .fields
            .iter()
            .map(|field| {
                field.attrs.skip.is_none().then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        let composed = contract.fields.iter().any(|field| field.attrs.nested.is_some());
        Self { composed, parts }
    }

    /// The index of field `at`'s first variable, as an expression.
    fn index(&self, at: usize) -> TokenStream {
        let part = self.parts[at].expect("skipped fields have no index");
        if self.composed { quote!(__starts[#part]) } else { quote!(#part) }
    }

    /// The statement that makes `__starts` available to [`index`](Self::index).
    fn starts(&self) -> TokenStream {
        if self.composed {
            quote!(let __starts = <Self as __secrets_core::SecretContract>::spec().starts();)
        } else {
            TokenStream::new()
        }
    }
}

fn expand(contract: &Contract<'_>) -> TokenStream {
    let ident = &contract.input.ident;
    let name = ident.to_string();
    let (impl_generics, ty_generics, where_clause) = contract.input.generics.split_for_impl();
    let layout = Layout::of(contract);
    let spec = spec(contract, &layout);
    let from_values = from_values(contract, &layout);
    let texts = secret_texts(contract, &layout);
    let env_texts = env_texts(contract, &layout);
    let methods = contract
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| field.attrs.skip.is_none())
        .map(|(at, field)| methods(contract, &layout, at, field));
    let features = contract.feature_groups().into_iter().map(|(feature, members)| {
        let vis = &contract.input.vis;
        let method = format_ident!("has_{}", feature);
        let doc = format!("Whether every secret of feature `{feature}` is loaded.");
        let probes = members.iter().map(|field| format_ident!("has_{}", field.label()));
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
        let label = field.label();
        match field.role() {
            Role::Secret(_) => quote!(__debug.field(#label, &__secrets_core::__private::Redacted);),
            // A section's own `Debug` masks its own secrets; this masks the others' too.
            Role::Config | Role::Nested => {
                quote!(__debug.field(#label, &__secrets_core::__private::Masked(&self.#ident, &__mask));)
            }
        }
    });
    // Settings are shown with any loaded secret they hold masked (`URL="x ${TOKEN}"` in a `.env`).
    let debug_mask = contract
        .fields
        .iter()
        .any(|field| matches!(field.role(), Role::Config | Role::Nested))
        .then(|| quote!(let __mask = __secrets_core::__private::SettingMask::of(self);));
    // Every generated method counts as used (named in a trait method, which is never dead
    // code), so a program that reads only some of them compiles without warnings, also under
    // `#![forbid(dead_code)]`, where an `allow` would be an error.
    let names = generated_methods(contract);
    let uses = quote!(#(let _ = Self::#names;)*);
    let texts_starts = if texts.is_empty() { TokenStream::new() } else { layout.starts() };
    let env_starts = if env_texts.is_empty() { TokenStream::new() } else { layout.starts() };
    quote! {
        #[automatically_derived]
        impl #impl_generics __secrets_core::SecretContract for #ident #ty_generics #where_clause {
            fn spec() -> &'static __secrets_core::ContractSpec {
                #spec
            }

            fn __secret_texts(&self) -> ::std::vec::Vec<(usize, &str)> {
                #[allow(unused_imports)]
                use __secrets_core::__private::{NoText as _, Text as _};
                #uses
                #texts_starts
                let mut __texts = ::std::vec::Vec::new();
                #(#texts)*
                __texts
            }

            fn __env_texts(&self) -> ::std::vec::Vec<(usize, __secrets_core::__private::EnvTextOf)> {
                #[allow(unused_imports)]
                use __secrets_core::__private::EnvText as _;
                #env_starts
                let mut __texts = ::std::vec::Vec::new();
                #(#env_texts)*
                __texts
            }

            fn __from_values(
                __values: &mut __secrets_core::__private::Values<'_>,
            ) -> ::core::option::Option<Self> {
                #from_values
            }
        }

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

/// The body of `__from_values`: every field loaded, switches first, then the struct built.
fn from_values(contract: &Contract<'_>, layout: &Layout) -> TokenStream {
    let starts = layout.starts();
    // Fields that depend on a switch are loaded once every other field is.
    let depends = |field: &Field<'_>| {
        field.attrs.required_if.is_some()
            || field.attrs.nested.as_ref().is_some_and(|nested| nested.enabled_by.is_some())
    };
    let loads = |dependent: bool| {
        let (names, loads): (Vec<Ident>, Vec<TokenStream>) = contract
            .fields
            .iter()
            .enumerate()
            .filter(|(_, field)| depends(field) == dependent)
            .map(|(at, field)| (local(field), load(contract, layout, at, field)))
            .unzip();
        // One `let` for every field, in declaration order: a `let` per field would nest one
        // debuginfo scope per field, and LLVM recurses once per scope.
        (!names.is_empty()).then(|| quote!(let (#(#names,)*) = (#(#loads,)*);))
    };
    let (independent, dependent) = (loads(false), loads(true));
    let required: Vec<Ident> = contract
        .fields
        .iter()
        .filter(|field| field.attrs.skip.is_none() && field.option_inner.is_none())
        .map(local)
        .collect();
    let fields: Vec<TokenStream> = contract
        .fields
        .iter()
        .map(|field| {
            let (ident, local) = (field.ident, local(field));
            quote!(#ident: #local)
        })
        .collect();
    let built = if let Some(rule) = &contract.validate {
        let problems = quote!(__secrets_core::Problems);
        let rule = quote_spanned! {rule.span()=>
            let __rule: fn(&Self, &mut #problems) = #rule;
        };
        quote! {{
            let __built = Self { #(#fields),* };
            #rule
            __secrets_core::__private::rules(__values, &__built, __rule);
            ::core::option::Option::Some(__built)
        }}
    } else {
        quote!(::core::option::Option::Some(Self { #(#fields),* }))
    };
    quote! {
        #starts
        #independent
        #dependent
        // One match over every non-`Option` field: a chain of `?` would make each early
        // return drop a different set of values, and code size grow with the square of N.
        match (#(#required,)*) {
            (#(::core::option::Option::Some(#required),)*) => #built,
            _ => ::core::option::Option::None,
        }
    }
}

/// The body of `spec()`: a `static`, composed once at first use when there are nested sections.
fn spec(contract: &Contract<'_>, layout: &Layout) -> TokenStream {
    let name = contract.input.ident.to_string();
    let prefix = &contract.prefix;
    let variables: Vec<&Field<'_>> = contract.fields.iter().filter(|field| field.attrs.skip.is_none()).collect();
    if !layout.composed {
        let vars = variables.iter().map(|field| var_spec(contract, field));
        let names = variables.iter().map(|field| &field.env_name);
        return quote! {
            static SPEC: __secrets_core::ContractSpec =
                __secrets_core::__private::contract(#name, &[#(#vars),*], &[#(#names),*], #prefix);
            &SPEC
        };
    }
    let parts = variables.iter().map(|field| {
        if field.attrs.nested.is_none() {
            let var = var_spec(contract, field);
            return quote!(__secrets_core::__private::Part::Var(#var));
        }
        let label = field.label();
        let nested_prefix = ast::nested_prefix(field);
        let ty = field.value_ty();
        let group =
            match (field.option_inner, field.attrs.nested.as_ref().and_then(|nested| nested.enabled_by.as_ref())) {
                (None, _) => quote!(Always),
                (Some(_), Some(switch)) => quote!(EnabledBy(#switch)),
                (Some(_), None) => quote!(AllOrNone),
            };
        // Only the type carries the user's span (an unmet bound points at it); the paths are
        // the derive's own, so no lint of the user's crate judges them.
        let contract_trait = quote!(__secrets_core::SecretContract);
        let spec = quote_spanned!(ty.span()=> <#ty as #contract_trait>::spec);
        quote! {
            __secrets_core::__private::Part::Nested {
                field: #label,
                prefix: #nested_prefix,
                group: __secrets_core::__private::Group::#group,
                spec: #spec,
            }
        }
    });
    quote! {
        static PARTS: &[__secrets_core::__private::Part] = &[#(#parts),*];
        static SPEC: ::std::sync::OnceLock<&'static __secrets_core::ContractSpec> = ::std::sync::OnceLock::new();
        SPEC.get_or_init(|| __secrets_core::__private::composed(#name, #prefix, PARTS))
    }
}

/// One statement per secret field and nested section, adding its texts (and index) for `redactor()`.
fn secret_texts(contract: &Contract<'_>, layout: &Layout) -> Vec<TokenStream> {
    contract
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| field.attrs.skip.is_none())
        .filter_map(|(at, field)| {
            let ident = field.ident;
            let index = layout.index(at);
            match field.role() {
                Role::Secret(_) => {
                    let wrapper = if field.option_inner.is_some() { quote!(OptionalField) } else { quote!(Field) };
                    Some(quote! {
                        (&__secrets_core::__private::#wrapper(&self.#ident)).add_texts(#index, &mut __texts);
                    })
                }
                Role::Nested => {
                    let add = quote! {
                        __secrets_core::__private::add_section_texts(
                            &mut __texts,
                            #index,
                            __secrets_core::SecretContract::__secret_texts(__section),
                        );
                    };
                    Some(if field.option_inner.is_some() {
                        quote!(if let ::core::option::Option::Some(__section) = &self.#ident { #add })
                    } else {
                        quote!({ let __section = &self.#ident; #add })
                    })
                }
                Role::Config => None,
            }
        })
        .collect()
}

/// One statement per field, adding the text of its loaded variables (and their indices) for
/// `pass_to()`.
fn env_texts(contract: &Contract<'_>, layout: &Layout) -> Vec<TokenStream> {
    contract
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| field.attrs.skip.is_none())
        .map(|(at, field)| {
            let ident = field.ident;
            let index = layout.index(at);
            let add = if field.attrs.nested.is_some() {
                quote! {
                    __secrets_core::__private::add_section_env_texts(
                        &mut __texts,
                        #index,
                        __secrets_core::SecretContract::__env_texts(__value),
                    );
                }
            } else {
                let sep = field.attrs.sep.as_ref().map_or_else(|| ",".to_owned(), syn::LitStr::value);
                quote! {
                    __texts.push((
                        #index,
                        (&&&&&&&&__secrets_core::__private::Render { value: __value, sep: #sep }).env_text(),
                    ));
                }
            };
            if field.option_inner.is_some() {
                quote!(if let ::core::option::Option::Some(__value) = &self.#ident { #add })
            } else {
                quote!({ let __value = &self.#ident; #add })
            }
        })
        .collect()
}

/// The static description of one field's variable.
fn var_spec(contract: &Contract<'_>, field: &Field<'_>) -> TokenStream {
    let env = &field.env_name;
    let label = field.label();
    let description = field.description();
    let attrs = &field.attrs;
    let base = match field.role() {
        Role::Secret(category) => {
            let category = match category {
                Category::Required => quote!(Required),
                Category::Billing => quote!(Billing),
                Category::External => quote!(External),
                // The builder below sets `RequiredIf` with its switch.
                Category::Optional | Category::RequiredIf => quote!(Optional),
            };
            let feature = option_str(attrs.feature.as_ref().map(syn::LitStr::value));
            let allow_empty = attrs.allow_empty;
            let credential = option_str(attrs.credential.as_ref().map(syn::LitStr::value));
            quote! {
                __secrets_core::__private::secret_var(
                    #env, #label, __secrets_core::Category::#category, #description, #feature, #allow_empty,
                    #credential,
                )
            }
        }
        Role::Config | Role::Nested => {
            let required = field.option_inner.is_none() && attrs.default.is_none();
            let default = option_str(match &attrs.default {
                Some(Default::Text(text)) => Some(text.value()),
                _ => None,
            });
            let allow_empty = attrs.allow_empty;
            quote! {
                __secrets_core::__private::config_var(#env, #label, #required, #default, #description, #allow_empty)
            }
        }
    };
    let mut builders = TokenStream::new();
    if attrs.env.is_some() {
        builders.extend(quote!(.with_verbatim()));
    }
    if !attrs.aliases.is_empty() || !attrs.deprecated.is_empty() {
        let (aliases, deprecated) = (&attrs.aliases, &attrs.deprecated);
        builders.extend(quote!(.with_aliases(&[#(#aliases),*], &[#(#deprecated),*])));
    }
    if let Some(switch) = &attrs.required_if {
        let switch = contract
            .fields
            .iter()
            .find(|candidate| candidate.label() == switch.value())
            .map_or_else(|| switch.value(), |candidate| candidate.env_name.clone());
        builders.extend(quote!(.with_required_if(#switch)));
    }
    if let Some(min_len) = &attrs.min_len {
        builders.extend(quote!(.with_min_len(#min_len)));
    }
    if matches!(field.role(), Role::Secret(_)) && matches!(field.known_secret(), Some(KnownSecret::List)) {
        let sep = attrs.sep.as_ref().map_or_else(|| ",".to_owned(), syn::LitStr::value);
        builders.extend(quote!(.with_list(#sep)));
    }
    if let Some(Default::Expr(expr)) = &attrs.default {
        let shown = &expr.shown;
        builders.extend(quote!(.with_default_expression(#shown)));
    }
    let enum_ty = match field.known_setting() {
        Some(KnownSetting::List(item)) => item,
        _ => field.value_ty(),
    };
    // A `static` cannot name the contract's type parameters: a generic setting lists no values.
    if matches!(field.role(), Role::Config) && field.may_be_enum() && !uses_type_params(contract, enum_ty) {
        let ty = enum_ty;
        builders.extend(quote! {
            .with_accepted({
                #[allow(unused_imports)]
                use __secrets_core::__private::NoValues as _;
                __secrets_core::__private::Probe::<#ty>::VALUES
            })
        });
    }
    quote!(#base #builders)
}

/// Whether `ty` mentions one of the contract's type parameters.
fn uses_type_params(contract: &Contract<'_>, ty: &syn::Type) -> bool {
    fn mentions(tokens: TokenStream, params: &[&Ident]) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => params.contains(&&ident),
            proc_macro2::TokenTree::Group(group) => mentions(group.stream(), params),
            _ => false,
        })
    }
    let params: Vec<&Ident> = contract.input.generics.type_params().map(|param| &param.ident).collect();
    !params.is_empty() && mentions(quote!(#ty), &params)
}

fn option_str(value: Option<String>) -> TokenStream {
    if let Some(value) = value {
        quote!(::core::option::Option::Some(#value))
    } else {
        quote!(::core::option::Option::None)
    }
}

/// The expression that builds one field from the loaded values: `Option<T>` of its value type.
fn load(contract: &Contract<'_>, layout: &Layout, at: usize, field: &Field<'_>) -> TokenStream {
    let ty = field.value_ty();
    if field.attrs.skip.is_some() {
        return quote_spanned!(field.ty.span()=> ::core::default::Default::default());
    }
    let index = layout.index(at);
    let switch = |name: &syn::LitStr| switch(contract, layout, name);
    if let Some(nested) = &field.attrs.nested {
        let method = |name: &str| Ident::new(name, ty.span());
        return match (field.option_inner, &nested.enabled_by) {
            (None, _) => {
                let method = method("nested");
                quote_spanned! {ty.span()=> __values.#method::<#ty>(#index) }
            }
            (Some(_), Some(enabled_by)) => {
                let method = method("nested_enabled");
                let (switch, switch_index) = switch(enabled_by);
                quote_spanned! {ty.span()=> __values.#method::<#ty>(#index, #switch, #switch_index) }
            }
            (Some(_), None) => {
                let method = method("nested_any");
                quote_spanned! {ty.span()=> __values.#method::<#ty>(#index) }
            }
        };
    }
    let role = field.role();
    let mut load = match (&role, field.known_setting(), field.known_secret()) {
        (Role::Config, Some(KnownSetting::Bool), _) => {
            let method = Ident::new("config_bool", ty.span());
            quote_spanned! {ty.span()=> __values.#method(#index) }
        }
        (Role::Config, Some(KnownSetting::Duration), _) => {
            let method = Ident::new("config_duration", ty.span());
            quote_spanned! {ty.span()=> __values.#method(#index) }
        }
        (Role::Config, Some(KnownSetting::List(item)), _) => {
            let method = Ident::new("config_list", item.span());
            let sep = field.attrs.sep.as_ref().map_or_else(|| ",".to_owned(), syn::LitStr::value);
            quote_spanned! {item.span()=> __values.#method::<#item>(#index, #sep) }
        }
        (Role::Secret(_), _, Some(KnownSecret::List)) => {
            let sep = field.attrs.sep.as_ref().map_or_else(|| ",".to_owned(), syn::LitStr::value);
            quote!(__values.secret_list(#index, #sep))
        }
        (Role::Secret(_), _, Some(KnownSecret::Bytes)) => {
            let method = Ident::new("secret_bytes", ty.span());
            quote_spanned! {ty.span()=> __values.#method::<#ty>(#index) }
        }
        // The method's own span decides where rustc puts an unmet `SecretValue` bound: the type.
        (Role::Secret(_), _, _) => {
            let method = Ident::new("secret", ty.span());
            quote_spanned! {ty.span()=> __values.#method::<#ty>(#index) }
        }
        (Role::Config | Role::Nested, _, _) => {
            let method = Ident::new("config", ty.span());
            quote_spanned! {ty.span()=> __values.#method::<#ty>(#index) }
        }
    };
    if let Some(Default::Expr(expr)) = &field.attrs.default {
        let tokens = &expr.tokens;
        let span = tokens.span();
        load = quote_spanned! {span=> {
            let __loaded = #load;
            __values.or_default(#index, __loaded, || -> #ty { #tokens })
        }};
    }
    let range = field.attrs.range.as_ref().map(|range| {
        let (tokens, shown) = (&range.tokens, &range.shown);
        quote!(__secrets_core::__private::in_range(__value, &(#tokens), #shown)?;)
    });
    let validate = field.attrs.validate.as_ref().map(|path| {
        // A typed binding makes a wrong signature an error that says the right one.
        quote_spanned! {path.span()=>
            let __rule: fn(&#ty) -> ::core::result::Result<(), ::std::string::String> = #path;
            __rule(__value)?;
        }
    });
    if range.is_some() || validate.is_some() {
        let check = match (&role, field.known_secret()) {
            (Role::Secret(_), Some(KnownSecret::Bytes)) => quote!(check_secret_bytes),
            (Role::Secret(_), _) => quote!(check_secret),
            _ => quote!(check_setting),
        };
        load = quote! {{
            let __loaded = #load;
            __values.#check(#index, __loaded, |__value: &#ty| -> ::core::result::Result<(), ::std::string::String> {
                #range
                #validate
                ::core::result::Result::Ok(())
            })
        }};
    }
    if let Some(switch_name) = &field.attrs.required_if {
        let (switch, _) = switch(switch_name);
        load = quote!({
            __values.condition(#index, #switch);
            #load
        });
    }
    load
}

/// The names of the inherent methods the derive generates: each field's probe and accessor, and
/// each feature's probe.
fn generated_methods(contract: &Contract<'_>) -> Vec<Ident> {
    let fields = contract.fields.iter().filter(|field| field.attrs.skip.is_none());
    let mut names: Vec<Ident> =
        fields.flat_map(|field| [format_ident!("has_{}", field.label()), field.ident.clone()]).collect();
    names.extend(contract.feature_groups().into_iter().map(|(feature, _)| format_ident!("has_{}", feature)));
    names
}

/// The local holding the `bool` setting `name` (a switch), and the index of its variable.
fn switch(contract: &Contract<'_>, layout: &Layout, name: &syn::LitStr) -> (Ident, TokenStream) {
    let (at, switch) = contract
        .fields
        .iter()
        .enumerate()
        .find(|(_, candidate)| candidate.label() == name.value())
        .expect("checked: a switch is a field of the contract");
    (local(switch), layout.index(at))
}

/// The local that holds a field's loaded value in `__from_values`: never the field's own name,
/// so no field name (`__values`) can shadow what the generated code uses.
fn local(field: &Field<'_>) -> Ident {
    format_ident!("__field_{}", field.label())
}

/// `has_<field>` and the accessor `<field>`.
fn methods(contract: &Contract<'_>, layout: &Layout, at: usize, field: &Field<'_>) -> TokenStream {
    let vis = &contract.input.vis;
    let ident = field.ident;
    let label = field.label();
    let has = format_ident!("has_{}", label);
    let nested = field.attrs.nested.is_some();
    let what = if nested { format!("section `{label}`") } else { format!("`{}`", field.env_name) };
    let has_doc = format!("Whether {what} was loaded.");
    let described = match field.description() {
        description if description.is_empty() => String::new(),
        description => format!("{}.\n\n", description.trim_end_matches('.')),
    };
    let starts = layout.starts();
    let index = layout.index(at);
    match field.option_inner {
        None => {
            let ty = field.ty;
            let doc = format!("{described}The value of {what}.");
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
            let doc = format!("{described}The value of {what}, or an error naming it when it is not loaded.");
            let present = if nested {
                quote!(__secrets_core::__private::section(&self.#ident, <Self as __secrets_core::SecretContract>::spec(), #index, #label))
            } else {
                quote!(__secrets_core::__private::present(&self.#ident, <Self as __secrets_core::SecretContract>::spec(), #index))
            };
            quote! {
                #[doc = #has_doc]
                #[inline]
                #vis fn #has(&self) -> bool {
                    ::core::option::Option::is_some(&self.#ident)
                }
                #[doc = #doc]
                #[inline]
                #vis fn #ident(&self) -> ::core::result::Result<&#inner, __secrets_core::SecretError> {
                    #starts
                    #present
                }
            }
        }
    }
}
