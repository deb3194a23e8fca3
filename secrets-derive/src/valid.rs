//! Rules that span several keys or fields: roles, categories against `Option`, duplicates.

use std::collections::HashMap;

use syn::Type;

use crate::ast::{Contract, Field, kind_span};
use crate::attr::{CATEGORIES, Category, FieldKind};
use crate::ctxt::Ctxt;

/// Records every rule the contract breaks.
pub(crate) fn check(cx: &mut Ctxt, contract: &Contract<'_>) {
    let mut seen: HashMap<&str, &Field<'_>> = HashMap::new();
    for field in &contract.fields {
        check_field(cx, field);
        if field.attrs.skip.is_some() {
            continue;
        }
        match seen.get(field.env_name.as_str()) {
            Some(first) => {
                let message = format!(
                    "`{}` is already read by field `{}`: two fields cannot read one variable",
                    field.env_name, first.ident
                );
                match &field.attrs.env {
                    Some(env) => cx.error_spanned(env, message),
                    None => cx.error_spanned(field.ident, message),
                }
            }
            None => {
                seen.insert(&field.env_name, field);
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

fn check_field(cx: &mut Ctxt, field: &Field<'_>) {
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
            let keys = [("env", attrs.env.as_ref()), ("default", attrs.default.as_ref()), ("sep", attrs.sep.as_ref())];
            for (key, value) in keys {
                if let Some(value) = value {
                    cx.error_spanned(value, format_args!("a skipped field reads no variable: drop `{key}`"));
                }
            }
            if attrs.allow_empty {
                let skip = attrs.skip.as_ref().expect("checked by the guard");
                cx.error_spanned(skip, "a skipped field reads no variable: drop `allow_empty`");
            }
        }
        FieldKind::Config { .. } => {
            if let (Some(sep), false) =
                (&field.attrs.sep, matches!(field.known_setting(), Some(crate::ast::KnownSetting::List(_))))
            {
                cx.error_spanned(sep, "`sep` is for a list setting: the field's type is `Vec<T>` or `Option<Vec<T>>`");
            }
            if let (Some(default), Some(_)) = (&field.attrs.default, field.option_inner) {
                cx.error_spanned(
                    default,
                    "a default makes an `Option` always `Some`: drop the default or the `Option`",
                );
            }
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
        (Category::Billing | Category::External | Category::Optional, None) => cx.error_spanned(
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
