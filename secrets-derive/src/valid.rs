//! Rules that span several keys or fields: roles, categories against `Option`, duplicates.

use std::collections::HashMap;

use syn::Type;

use crate::ast::{Contract, Field, KnownSecret, KnownSetting, Role, kind_span};
use crate::attr::{CATEGORIES, Category, FieldKind, closest};
use crate::ctxt::Ctxt;

/// Records every rule the contract breaks; returns, for each field, whether it broke none of
/// its own (its types can then still be checked beside the errors).
pub(crate) fn check(cx: &mut Ctxt, contract: &Contract<'_>) -> Vec<bool> {
    let mut seen: HashMap<String, &Field<'_>> = HashMap::new();
    let mut fine = Vec::with_capacity(contract.fields.len());
    for field in &contract.fields {
        let before = cx.count();
        check_field(cx, field);
        fine.push(
            cx.count() == before
                && !field.attrs.had_errors
                && (field.attrs.kind.is_some() || field.attrs.nested.is_some()),
        );
        if field.attrs.skip.is_some() || field.attrs.nested.is_some() {
            continue;
        }
        let own = std::iter::once((field.env_name.clone(), field.attrs.env.as_ref()));
        let aliases = field.attrs.aliases.iter().chain(&field.attrs.deprecated).map(|name| (name.value(), Some(name)));
        for (name, token) in own.chain(aliases) {
            match seen.get(&name) {
                Some(first) => {
                    let message = format!(
                        "`{name}` is already read by field `{}`: two fields cannot read one variable",
                        first.ident
                    );
                    match token {
                        Some(token) => cx.error_spanned(token, message),
                        None => cx.error_spanned(field.ident, message),
                    }
                }
                None => {
                    seen.insert(name, field);
                }
            }
        }
    }
    check_generated_names(cx, contract);
    for field in &contract.fields {
        let switch = field.attrs.nested.as_ref().and_then(|nested| nested.enabled_by.as_ref());
        for (key, name) in [("enabled_by", switch), ("required_if", field.attrs.required_if.as_ref())] {
            if let Some(name) = name {
                check_switch(cx, contract, key, name);
            }
        }
    }
    for (name, members) in contract.feature_groups() {
        if let Some(field) = contract.fields.iter().find(|field| field.ident == name.as_str()) {
            let feature = members[0].attrs.feature.as_ref().expect("grouped by feature");
            cx.error_spanned(
                feature,
                format_args!(
                    "feature `{name}` would generate `has_{name}`, which field `{}` already has; rename the feature",
                    field.ident
                ),
            );
        }
    }
    fine
}

/// The methods `SecretContract` provides: an accessor of the same name would hide them.
const TRAIT_METHODS: [&str; 18] = [
    "spec",
    "redactor",
    "load",
    "live",
    "load_from",
    "load_with",
    "load_or_exit",
    "load_or_exit_with",
    "status",
    "status_from",
    "validate",
    "validate_from",
    "env_example",
    "pass_to",
    "pass_only_to",
    "__from_values",
    "__secret_texts",
    "__env_texts",
];

/// Checks that the generated accessors and probes collide with nothing: the trait's methods,
/// another field's `has_<field>`, a feature's `has_<feature>`.
fn check_generated_names(cx: &mut Ctxt, contract: &Contract<'_>) {
    let fields: Vec<(String, &Field<'_>)> =
        contract.fields.iter().filter(|field| field.attrs.skip.is_none()).map(|field| (field.label(), field)).collect();
    for (label, field) in &fields {
        if TRAIT_METHODS.contains(&label.as_str()) {
            let upper = label.trim_start_matches('_').to_ascii_uppercase();
            cx.error_spanned(
                field.ident,
                format_args!(
                    "field `{label}` would generate the accessor `{label}()`, which hides `SecretContract::{label}`: \
                     rename the field and keep the variable with `env = \"{}{upper}\"`",
                    contract.prefix
                ),
            );
        }
        if let Some(probed) = label.strip_prefix("has_") {
            if fields.iter().any(|(other, _)| other == probed) {
                cx.error_spanned(
                    field.ident,
                    format_args!(
                        "field `{label}` collides with the probe `has_{probed}()` of field `{probed}`: rename it"
                    ),
                );
            }
            if contract.feature_groups().iter().any(|(feature, _)| feature == probed) {
                cx.error_spanned(
                    field.ident,
                    format_args!(
                        "field `{label}` collides with the probe `has_{probed}()` of feature `{probed}`: rename it"
                    ),
                );
            }
        }
    }
}

/// Checks that `enabled_by` or `required_if` names a `bool` setting of the same contract.
fn check_switch(cx: &mut Ctxt, contract: &Contract<'_>, key: &str, name: &syn::LitStr) {
    let is_switch = |field: &&Field<'_>| {
        matches!(field.role(), Role::Config)
            && matches!(field.known_setting(), Some(KnownSetting::Bool))
            && field.attrs.skip.is_none()
            && field.attrs.required_if.is_none()
    };
    let value = name.value();
    if contract.fields.iter().filter(is_switch).any(|field| field.label() == value) {
        return;
    }
    let switches: Vec<String> = contract.fields.iter().filter(is_switch).map(Field::label).collect();
    let known: Vec<&str> = switches.iter().map(String::as_str).collect();
    let hint = match closest(&value, &known) {
        Some(hint) => format!(", did you mean `{hint}`"),
        None if known.is_empty() => {
            ": this contract has none; add `#[config(default = false)] <name>: bool`".to_owned()
        }
        None => format!(": one of {}", known.join(", ")),
    };
    cx.error_spanned(name, format_args!("`{key}` names a `bool` setting of this contract by its field name{hint}"));
}

fn check_field(cx: &mut Ctxt, field: &Field<'_>) {
    if let Some(nested) = &field.attrs.nested {
        if let Some(kind) = &field.attrs.kind {
            cx.error(kind_span(kind), "a #[nested] field is a section of its own: drop this attribute");
        }
        if let (Some(enabled_by), None) = (&nested.enabled_by, field.option_inner) {
            cx.error_spanned(
                enabled_by,
                "`enabled_by` is for a section that may be off: make the field's type `Option<...>`",
            );
        }
        return;
    }
    check_value_rules(cx, field);
    check_text_default(cx, field);
    let Some(kind) = &field.attrs.kind else {
        cx.error_spanned(
            field.ident,
            format_args!("field `{}` needs #[secret(<category>)] or #[config(...)]", field.ident),
        );
        return;
    };
    match kind {
        // A misspelled category is already an error of its own.
        FieldKind::Secret { category: None, .. } if field.attrs.had_errors => {}
        FieldKind::Secret { category: None, .. } => {
            cx.error(kind_span(kind), format_args!("#[secret] needs a category: one of {}", CATEGORIES.join(", ")));
        }
        FieldKind::Secret { category: Some((category, _)), .. } => {
            check_secret_type(cx, field, *category);
        }
        FieldKind::Config { .. } if field.attrs.skip.is_some() => {
            let attrs = &field.attrs;
            let spans = [
                ("env", attrs.env.as_ref().map(syn::LitStr::span)),
                ("default", attrs.default.as_ref().map(crate::attr::Default::span)),
                ("sep", attrs.sep.as_ref().map(syn::LitStr::span)),
                ("alias", attrs.aliases.first().map(syn::LitStr::span)),
                ("deprecated", attrs.deprecated.first().map(syn::LitStr::span)),
                ("required_if", attrs.required_if.as_ref().map(syn::LitStr::span)),
                ("min_len", attrs.min_len.as_ref().map(syn::LitInt::span)),
            ];
            for (key, span) in spans {
                if let Some(span) = span {
                    cx.error(span, format_args!("a skipped field reads no variable: drop `{key}`"));
                }
            }
            if attrs.allow_empty {
                let skip = attrs.skip.as_ref().expect("checked by the guard");
                cx.error_spanned(skip, "a skipped field reads no variable: drop `allow_empty`");
            }
        }
        FieldKind::Config { .. } => {
            if let (Some(sep), false) = (&field.attrs.sep, matches!(field.known_setting(), Some(KnownSetting::List(_))))
            {
                cx.error_spanned(sep, "`sep` is for a list setting: the field's type is `Vec<T>` or `Option<Vec<T>>`");
            }
            if let (Some(default), Some(_)) = (&field.attrs.default, field.option_inner) {
                cx.error(default.span(), "a default makes an `Option` always `Some`: drop the default or the `Option`");
            }
            if let (Some(required_if), None) = (&field.attrs.required_if, field.option_inner) {
                let ty = field.ty;
                cx.error_spanned(
                    required_if,
                    format_args!(
                        "a `required_if` setting may be absent, so its type is `Option<{}>`",
                        quote::quote!(#ty)
                    ),
                );
            }
        }
    }
}

/// A text default the derive can judge (a number, a `bool`, a `Duration`) is checked here, so a
/// typo is a compile error at the default, not a failure at deploy.
fn check_text_default(cx: &mut Ctxt, field: &Field<'_>) {
    let Some(crate::attr::Default::Text(text)) = &field.attrs.default else { return };
    let value = text.value();
    let value = value.trim();
    let problem = match field.known_setting() {
        Some(KnownSetting::Bool) => {
            let words = ["true", "false", "1", "0", "yes", "no", "on", "off"];
            (!words.iter().any(|word| word.eq_ignore_ascii_case(value)))
                .then(|| "a `bool` default is one of true/false, 1/0, yes/no, on/off".to_owned())
        }
        Some(KnownSetting::Duration) => duration_problem(value),
        None if field.is_number() => number_problem(field, value),
        Some(KnownSetting::List(_)) | None => None,
    };
    if let Some(problem) = problem {
        cx.error_spanned(text, format_args!("{problem}: `{value}` would fail every load that uses the default"));
    }
}

/// Why `value` is no `Duration` the runtime reads (`30s`, `1h30m`), if it is not.
fn duration_problem(value: &str) -> Option<String> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("a `Duration` default needs a unit: \"{value}s\", \"{value}m\" or \"{value}ms\""));
    }
    let mut rest = value;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let letters = rest[digits..].bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit = &rest[digits..digits + letters];
        if digits == 0 || !["d", "h", "m", "s", "ms"].contains(&unit) {
            return Some("a `Duration` default is written like 250ms, 30s, 5m, 1h30m or 2d".to_owned());
        }
        rest = &rest[digits + letters..];
    }
    value.is_empty().then(|| "a `Duration` default is written like 250ms, 30s, 5m, 1h30m or 2d".to_owned())
}

/// Why `value` does not parse as the field's number type, if it does not.
fn number_problem(field: &Field<'_>, value: &str) -> Option<String> {
    let Type::Path(path) = field.value_ty() else { return None };
    let name = path.path.segments.last()?.ident.to_string();
    let fits = match name.as_str() {
        "u8" => value.parse::<u8>().is_ok(),
        "u16" => value.parse::<u16>().is_ok(),
        "u32" => value.parse::<u32>().is_ok(),
        // `usize` is checked as 64 bits wide: the widest target the derive may build for.
        "u64" | "usize" => value.parse::<u64>().is_ok(),
        "u128" => value.parse::<u128>().is_ok(),
        "i8" => value.parse::<i8>().is_ok(),
        "i16" => value.parse::<i16>().is_ok(),
        "i32" => value.parse::<i32>().is_ok(),
        "i64" | "isize" => value.parse::<i64>().is_ok(),
        "i128" => value.parse::<i128>().is_ok(),
        "f32" | "f64" => value.parse::<f64>().is_ok(),
        _ => return None,
    };
    (!fits).then(|| format!("the default is not a `{name}`"))
}

/// `min_len` counts characters of text; `range` bounds a number; `sep` splits a list.
fn check_value_rules(cx: &mut Ctxt, field: &Field<'_>) {
    let attrs = &field.attrs;
    let secret = matches!(field.role(), Role::Secret(_));
    if let Some(min_len) = &attrs.min_len {
        let text = if secret { true } else { field.known_setting().is_none() && !field.is_number() };
        if !text {
            cx.error_spanned(min_len, "`min_len` counts characters: it is for secrets and text settings");
        }
    }
    if let Some(range) = &attrs.range {
        if secret || !field.is_number() {
            let span =
                range.tokens.clone().into_iter().next().map_or_else(proc_macro2::Span::call_site, |token| token.span());
            cx.error(span, "`range` is for a numeric setting (`u16`, `i64`, `f64`...)");
        }
    }
    if let (Some(sep), true) = (&attrs.sep, secret) {
        if !matches!(field.known_secret(), Some(KnownSecret::List)) {
            cx.error_spanned(sep, "`sep` is for a list of secrets: the field's type is `Vec<SecretString>`");
        }
    }
}

fn check_secret_type(cx: &mut Ctxt, field: &Field<'_>, category: Category) {
    let ty = field.ty;
    match (category, field.option_inner) {
        (Category::Required, Some(inner)) => cx.error_spanned(
            ty,
            format_args!(
                "a `required` secret is never absent, so it is not an `Option`: use `{}`, or choose `billing`, `external` or `optional`",
                rendered(inner)
            ),
        ),
        (Category::Billing | Category::External | Category::Optional | Category::RequiredIf, None) => cx.error_spanned(
            ty,
            format_args!(
                "{} `{}` secret may be absent, so its type is `Option<{}>`{}",
                if category == Category::Optional { "an" } else { "a" },
                category.key(),
                rendered(ty),
                if looks_generic(ty) {
                    " (the derive reads types as written: spell `Option` itself, not an alias of it)"
                } else {
                    ""
                }
            ),
        ),
        _ => {}
    }
    if let Some(inner) = field.option_inner.and_then(crate::ast::option_inner) {
        cx.error_spanned(
            field.ty,
            format_args!("one `Option` says the secret may be absent: use `Option<{}>`", rendered(inner)),
        );
        return;
    }
    if is_plain_string(field.value_ty()) {
        cx.error_spanned(field.value_ty(), "`String` does not redact its value: use `SecretString` for a secret");
    }
}

/// Whether `ty` is a path with type arguments (`Maybe<SecretString>`): possibly an alias of `Option`.
fn looks_generic(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|last| !last.arguments.is_empty()))
}

/// A type as a person writes it: `Option<SecretString>`, not `Option < SecretString >`.
fn rendered(ty: &Type) -> String {
    quote::quote!(#ty)
        .to_string()
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" :: ", "::")
        .replace(" ,", ",")
}

/// Whether `ty` is `String`, `std::string::String`, `alloc::string::String` or `&str`.
fn is_plain_string(ty: &Type) -> bool {
    match ty {
        Type::Reference(reference) => is_plain_string(&reference.elem),
        Type::Path(path) if path.qself.is_none() => {
            let names: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
            matches!(
                names.iter().map(String::as_str).collect::<Vec<_>>().as_slice(),
                ["String" | "str"] | ["std" | "alloc", "string", "String"]
            )
        }
        _ => false,
    }
}
