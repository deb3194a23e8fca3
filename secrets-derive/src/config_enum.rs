//! `#[derive(ConfigEnum)]`: a fieldless enum read from a setting by its kebab-case name.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Token, Variant};

use crate::ctxt::Ctxt;

/// The keys of `#[config_enum(...)]` on a variant, as the user writes them.
const KEYS: [&str; 1] = ["name"];

/// The message for a derive on anything but a fieldless enum.
const NOT_AN_ENUM: &str = "ConfigEnum can only be derived for an enum whose variants have no fields";

/// One variant with the names it accepts.
struct Accepted<'a> {
    ident: &'a Ident,
    /// The `#[config_enum(name = "...")]`, when given.
    rename: Option<LitStr>,
    /// The canonical name: the rename, or the variant's name in kebab-case.
    name: String,
    /// The canonical name with `_` for `-`, also accepted.
    snake: String,
}

/// Expands the derive, or the errors and a stub impl when the enum does not fit.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let variants = variants(&mut cx, input);
    check_collisions(&mut cx, &variants);
    match cx.check() {
        Ok(()) => expand(input, &variants),
        Err(errors) => {
            let mut tokens = errors.to_compile_error();
            tokens.extend(stub(input));
            tokens
        }
    }
}

/// The variants with their names; every mistake found on the way is recorded.
fn variants<'a>(cx: &mut Ctxt, input: &'a DeriveInput) -> Vec<Accepted<'a>> {
    let data = match &input.data {
        Data::Enum(data) => data,
        Data::Struct(data) => {
            cx.error(data.struct_token.span, NOT_AN_ENUM);
            return Vec::new();
        }
        Data::Union(data) => {
            cx.error(data.union_token.span, NOT_AN_ENUM);
            return Vec::new();
        }
    };
    if !input.generics.params.is_empty() {
        cx.error_spanned(&input.generics, "ConfigEnum cannot be derived for a generic enum");
    }
    for attr in input.attrs.iter().filter(|attr| attr.path().is_ident("config_enum")) {
        cx.error_spanned(attr, "#[config_enum(...)] goes on a variant, not on the enum");
    }
    if data.variants.is_empty() {
        cx.error_spanned(&input.ident, "ConfigEnum needs at least one variant: a setting must have a value to accept");
    }
    let mut accepted = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            let (ident, fields) = (&variant.ident, &variant.fields);
            cx.error_spanned(
                quote!(#ident #fields),
                "a ConfigEnum variant cannot have fields: it is read by its name alone",
            );
        }
        let (rename, valid) = variant_attrs(cx, variant);
        if !valid {
            continue;
        }
        let name = rename.as_ref().map_or_else(|| kebab_case(&variant.ident.to_string()), LitStr::value);
        if name.is_empty() {
            cx.error_spanned(
                &variant.ident,
                "this variant's name has no letters or digits: give it one with #[config_enum(name = \"...\")]",
            );
            continue;
        }
        let snake = name.replace('-', "_");
        accepted.push(Accepted { ident: &variant.ident, rename, name, snake });
    }
    accepted
}

/// Parses a variant's `#[config_enum(...)]`: the rename, and whether the names given are usable.
fn variant_attrs(cx: &mut Ctxt, variant: &Variant) -> (Option<LitStr>, bool) {
    let mut rename: Option<LitStr> = None;
    let mut valid = true;
    for attr in variant.attrs.iter().filter(|attr| attr.path().is_ident("config_enum")) {
        let result = attr.parse_nested_meta(|meta| {
            // #[config_enum(name = "tls")]
            if meta.path.is_ident("name") {
                let value: LitStr = meta.value()?.parse()?;
                let text = value.value();
                if text.is_empty() || text.chars().any(char::is_whitespace) {
                    cx.error_spanned(&value, "a #[config_enum] name cannot be empty or hold whitespace");
                    valid = false;
                }
                if rename.is_some() {
                    cx.error_spanned(&meta.path, "duplicate #[config_enum] key `name`");
                } else {
                    rename = Some(value);
                }
                return Ok(());
            }
            unknown_key(cx, &meta)
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    (rename, valid)
}

/// Records an unknown key with a "did you mean" hint, and skips its value so parsing goes on.
fn unknown_key(cx: &mut Ctxt, meta: &ParseNestedMeta) -> syn::Result<()> {
    let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
    if meta.input.peek(Token![=]) {
        let input = meta.value()?;
        while !input.is_empty() && !input.peek(Token![,]) {
            input.parse::<TokenTree>()?;
        }
    }
    let message = match crate::attr::closest(&key, &KEYS) {
        Some(hint) => format!("unknown #[config_enum] key `{key}`, did you mean `{hint}`"),
        None => format!("unknown #[config_enum] key `{key}`, expected one of: {}", KEYS.join(", ")),
    };
    cx.error_spanned(&meta.path, message);
    Ok(())
}

/// Records every variant that accepts a name an earlier one accepts: input that matches both
/// would pick one silently.
fn check_collisions(cx: &mut Ctxt, variants: &[Accepted<'_>]) {
    // Both forms of two variants overlap exactly when their snake_case forms do: neither
    // snake_case form holds a `-`, and each canonical name turns into its own snake_case form.
    for (index, later) in variants.iter().enumerate() {
        let Some(earlier) = variants[..index].iter().find(|earlier| earlier.snake.eq_ignore_ascii_case(&later.snake))
        else {
            continue;
        };
        let message = format!(
            "variant `{}` accepts the same name as `{}` (`{}`, ignoring case and `-`/`_`); rename one with #[config_enum(name = \"...\")]",
            later.ident, earlier.ident, later.name,
        );
        match &later.rename {
            Some(rename) => cx.error_spanned(rename, message),
            None => cx.error_spanned(later.ident, message),
        }
    }
}

/// The variant's name in kebab-case: `ForceTls` is `force-tls`, `HTTPServer` is `http-server`,
/// `HTTP2` is `http2`, `V1Beta` is `v1-beta`.
///
/// A word starts at an uppercase letter after a lowercase letter or a digit, at the last
/// uppercase letter of a run followed by a lowercase one, and after each run of `_`.
fn kebab_case(ident: &str) -> String {
    let chars: Vec<char> = ident.trim_start_matches("r#").chars().collect();
    let mut out = String::with_capacity(chars.len() + 4);
    for (index, &c) in chars.iter().enumerate() {
        if c == '_' {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            continue;
        }
        if c.is_uppercase() && index > 0 {
            let previous = chars[index - 1];
            let next_is_lower = chars.get(index + 1).is_some_and(|next| next.is_lowercase());
            let starts_word =
                previous.is_lowercase() || previous.is_ascii_digit() || (previous.is_uppercase() && next_is_lower);
            if starts_word && !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        out.extend(c.to_lowercase());
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The `ConfigEnum` and `FromStr` impls of a valid enum.
fn expand(input: &DeriveInput, variants: &[Accepted<'_>]) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let idents: Vec<&Ident> = variants.iter().map(|variant| variant.ident).collect();
    let names: Vec<&str> = variants.iter().map(|variant| variant.name.as_str()).collect();
    let parses = variants.iter().map(|variant| {
        let (ident, name, snake) = (variant.ident, &variant.name, &variant.snake);
        let matches = if name == snake {
            quote!(__text.eq_ignore_ascii_case(#name))
        } else {
            quote!(__text.eq_ignore_ascii_case(#name) || __text.eq_ignore_ascii_case(#snake))
        };
        quote! {
            if #matches {
                return ::core::result::Result::Ok(Self::#ident);
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics ::secrets_core::ConfigEnum for #ident #ty_generics #where_clause {
            const VALUES: &'static [&'static str] = &[#(#names),*];

            fn name(&self) -> &'static str {
                match self {
                    #(Self::#idents => #names,)*
                }
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::str::FromStr for #ident #ty_generics #where_clause {
            type Err = ::secrets_core::EnumError;

            fn from_str(__text: &str) -> ::core::result::Result<Self, Self::Err> {
                let __text = __text.trim();
                #(#parses)*
                ::core::result::Result::Err(::secrets_core::EnumError::new(
                    <Self as ::secrets_core::ConfigEnum>::VALUES,
                ))
            }
        }
    }
}

/// Implements `ConfigEnum` and `FromStr` with bodies that are never run; `VALUES` is empty, as
/// a constant is evaluated wherever it is used.
fn stub(input: &DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::secrets_core::ConfigEnum for #ident #ty_generics #where_clause {
            const VALUES: &'static [&'static str] = &[];

            fn name(&self) -> &'static str {
                ::core::unreachable!()
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::str::FromStr for #ident #ty_generics #where_clause {
            type Err = ::secrets_core::EnumError;

            fn from_str(_: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::unreachable!()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{derive, kebab_case};

    /// The derive's output for `source`, as text.
    fn expand(source: &str) -> String {
        derive(&syn::parse_str(source).unwrap()).to_string()
    }

    #[test]
    fn kebab_case_splits_words() {
        let cases = [
            ("Off", "off"),
            ("Starttls", "starttls"),
            ("ForceTls", "force-tls"),
            ("StartTls", "start-tls"),
            ("HTTP2", "http2"),
            ("V1Beta", "v1-beta"),
            ("V1beta", "v1beta"),
            ("HTTPServer", "http-server"),
            ("HTTP2Server", "http2-server"),
            ("UTF8Mode", "utf8-mode"),
            ("ABC", "abc"),
            ("AbC", "ab-c"),
            ("A", "a"),
            ("Force_Tls", "force-tls"),
            ("FORCE_TLS", "force-tls"),
            ("_Hidden__Value_", "hidden-value"),
            ("r#Match", "match"),
            ("__", ""),
        ];
        for (ident, kebab) in cases {
            assert_eq!(kebab_case(ident), kebab, "{ident}");
        }
    }

    #[test]
    fn valid_enums_expand_to_both_impls() {
        let tokens = expand("enum Mode { Off, ForceTls, #[config_enum(name = \"tls\")] StartTls }");
        assert!(!tokens.contains("compile_error"), "{tokens}");
        assert!(tokens.contains(r#"& ["off" , "force-tls" , "tls"]"#), "{tokens}");
        assert!(tokens.contains(r#"eq_ignore_ascii_case ("force_tls")"#), "{tokens}");
        assert!(tokens.contains("FromStr for Mode"), "{tokens}");
    }

    #[test]
    fn mistakes_are_all_reported_with_a_stub() {
        let tokens = expand(
            "enum Mode { Off, Tuple(u8), #[config_enum(nmae = \"x\")] A, #[config_enum(name = \"\")] B, \
             #[config_enum(name = \"c\", name = \"d\")] C, #[config_enum(name = \"a b\")] D }",
        );
        for message in [
            "a ConfigEnum variant cannot have fields",
            "unknown #[config_enum] key `nmae`, did you mean `name`",
            "a #[config_enum] name cannot be empty or hold whitespace",
            "duplicate #[config_enum] key `name`",
        ] {
            assert!(tokens.contains(message), "{message}: {tokens}");
        }
        assert_eq!(tokens.matches("cannot be empty or hold whitespace").count(), 2, "{tokens}");
        assert!(tokens.contains("unreachable"), "{tokens}");
    }

    #[test]
    fn colliding_names_are_refused() {
        let tokens = expand("enum Mode { ForceTls, Force_Tls }");
        assert!(tokens.contains("variant `Force_Tls` accepts the same name as `ForceTls`"), "{tokens}");
        let tokens = expand("enum Mode { Tls, #[config_enum(name = \"TLS\")] Other }");
        assert!(tokens.contains("variant `Other` accepts the same name as `Tls`"), "{tokens}");
        let tokens = expand("enum Mode { #[config_enum(name = \"a_b\")] One, #[config_enum(name = \"a-b\")] Two }");
        assert!(tokens.contains("variant `Two` accepts the same name as `One`"), "{tokens}");
        assert!(!expand("enum Mode { StartTls, Starttls }").contains("compile_error"));
    }

    #[test]
    fn only_plain_enums_are_accepted() {
        for source in ["struct Mode;", "union Mode { a: u8 }"] {
            assert!(expand(source).contains("ConfigEnum can only be derived for an enum"), "{source}");
        }
        assert!(expand("enum Mode {}").contains("ConfigEnum needs at least one variant"));
        assert!(expand("enum Mode<T> { A(T) }").contains("ConfigEnum cannot be derived for a generic enum"));
        assert!(expand("#[config_enum(name = \"x\")] enum Mode { A }").contains("goes on a variant"));
    }
}
