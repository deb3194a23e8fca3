//! Rules that span several keys or fields: roles, categories against `Option`, duplicates.

use std::collections::HashMap;

use syn::Type;

use crate::ast::{Contract, Field, KnownSecret, KnownSetting, Role, kind_span};
use crate::attr::{CATEGORIES, Category, FieldKind, closest};
use crate::ctxt::Ctxt;

/// Records every rule the contract breaks.
pub(crate) fn check(cx: &mut Ctxt, contract: &Contract<'_>) {
    let mut seen: HashMap<String, &Field<'_>> = HashMap::new();
    for field in &contract.fields {
        check_field(cx, field);
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
    let Some(kind) = &field.attrs.kind else {
        cx.error_spanned(
            field.ident,
            format_args!("field `{}` needs #[secret(<category>)] or #[config(...)]", field.ident),
        );
        return;
    };
    match kind {
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
                quote::quote!(#inner)
            ),
        ),
        (Category::Billing | Category::External | Category::Optional | Category::RequiredIf, None) => cx.error_spanned(
            ty,
            format_args!(
                "a `{}` secret may be absent, so its type is `Option<{}>`",
                category.key(),
                quote::quote!(#ty)
            ),
        ),
        _ => {}
    }
    if is_plain_string(field.value_ty()) {
        cx.error_spanned(field.value_ty(), "`String` does not redact its value: use `SecretString` for a secret");
    }
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
