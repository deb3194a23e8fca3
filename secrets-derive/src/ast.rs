//! The contract as the derive sees it, borrowing the user's tokens for error spans.

use proc_macro2::Span;
use syn::{Data, DeriveInput, Fields, GenericArgument, Ident, PathArguments, Type};

use crate::attr::{self, Category, FieldAttrs, FieldKind};
use crate::ctxt::Ctxt;

/// A struct deriving `SecretContract`.
pub(crate) struct Contract<'a> {
    pub(crate) input: &'a DeriveInput,
    /// The `#[contract(prefix = "...")]`, or empty.
    pub(crate) prefix: String,
    pub(crate) fields: Vec<Field<'a>>,
}

/// One named field with its parsed attributes and derived facts.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    /// `T` when the field's type is `Option<T>`.
    pub(crate) option_inner: Option<&'a Type>,
    pub(crate) attrs: FieldAttrs,
    /// The variable read, prefix applied.
    pub(crate) env_name: String,
}

/// A setting type with a parser of the runtime's own.
#[derive(Clone, Copy)]
pub(crate) enum KnownSetting<'a> {
    Bool,
    Duration,
    /// `Vec<T>`: a list of `T`.
    List(&'a Type),
}

/// A field's role once its attributes are known to be consistent.
pub(crate) enum Role {
    Secret(Category),
    Config,
}

impl Contract<'_> {
    /// The fields of one feature group, in declaration order.
    pub(crate) fn feature_groups(&self) -> Vec<(String, Vec<&Field<'_>>)> {
        let mut groups: Vec<(String, Vec<&Field<'_>>)> = Vec::new();
        for field in &self.fields {
            let Some(feature) = &field.attrs.feature else { continue };
            let name = feature.value();
            match groups.iter_mut().find(|(group, _)| *group == name) {
                Some((_, members)) => members.push(field),
                None => groups.push((name, vec![field])),
            }
        }
        groups
    }
}

impl Field<'_> {
    /// The field's role; fields without one were rejected before expansion.
    pub(crate) fn role(&self) -> Role {
        match &self.attrs.kind {
            Some(FieldKind::Secret { category: Some((category, _)), .. }) => Role::Secret(*category),
            _ => Role::Config,
        }
    }

    /// The type the loader parses: `T` for both `T` and `Option<T>`.
    pub(crate) fn value_ty(&self) -> &Type {
        self.option_inner.unwrap_or(self.ty)
    }

    /// A setting type the runtime parses its own way, known by its written name as clap does:
    /// `bool` (`yes`, `on`, `1`…), `Duration` (`30s`, `1h30m`) and `Vec<T>` (a list).
    pub(crate) fn known_setting(&self) -> Option<KnownSetting<'_>> {
        let Type::Path(path) = self.value_ty() else { return None };
        if path.qself.is_some() {
            return None;
        }
        if let Some(item) = vec_item(path) {
            return Some(KnownSetting::List(item));
        }
        let names: Vec<String> = path.path.segments.iter().map(|segment| segment.ident.to_string()).collect();
        let arguments = path.path.segments.iter().any(|segment| !segment.arguments.is_empty());
        match names.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            _ if arguments => None,
            ["bool"] => Some(KnownSetting::Bool),
            ["Duration"] | ["std" | "core", "time", "Duration"] => Some(KnownSetting::Duration),
            _ => None,
        }
    }

    /// The description: the `description` key, else the doc comment, else empty.
    pub(crate) fn description(&self) -> String {
        self.attrs.description.as_ref().map(syn::LitStr::value).or_else(|| self.attrs.doc.clone()).unwrap_or_default()
    }
}

/// Builds the model, recording every shape error in `cx`; `None` when it is not a named struct.
pub(crate) fn contract<'a>(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<Contract<'a>> {
    let named = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => named,
            Fields::Unnamed(_) | Fields::Unit => {
                cx.error_spanned(
                    &input.ident,
                    "SecretContract needs a struct with named fields: each field names a variable",
                );
                return None;
            }
        },
        Data::Enum(data) => {
            cx.error(data.enum_token.span, "SecretContract can only be derived for a struct with named fields");
            return None;
        }
        Data::Union(data) => {
            cx.error(data.union_token.span, "SecretContract can only be derived for a struct with named fields");
            return None;
        }
    };
    let attrs = attr::contract_attrs(cx, &input.attrs);
    let prefix = attrs.prefix.as_ref().map(syn::LitStr::value).unwrap_or_default();
    let fields = named
        .named
        .iter()
        .filter_map(|field| {
            let ident = field.ident.as_ref()?;
            let attrs = attr::field_attrs(cx, &field.attrs);
            let env_name = match &attrs.env {
                Some(env) => env.value(),
                None => format!("{prefix}{}", screaming_snake_case(&ident.to_string())),
            };
            Some(Field { ident, ty: &field.ty, option_inner: option_inner(&field.ty), attrs, env_name })
        })
        .collect();
    Some(Contract { input, prefix, fields })
}

/// `T` when `path` is written `Vec<T>` (or `std::vec::Vec<T>`, `alloc::vec::Vec<T>`).
fn vec_item(path: &syn::TypePath) -> Option<&Type> {
    let segments: Vec<_> = path.path.segments.iter().collect();
    let last = segments.last()?;
    let prefix: Vec<String> = segments[..segments.len() - 1].iter().map(|segment| segment.ident.to_string()).collect();
    let prefix_ok = prefix.is_empty() || prefix == ["std", "vec"] || prefix == ["alloc", "vec"];
    if last.ident != "Vec" || !prefix_ok {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else { return None };
    match arguments.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(item)] => Some(item),
        _ => None,
    }
}

/// `T` when `ty` is written `Option<T>` (or `core::option::Option<T>`, `std::option::Option<T>`).
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segments: Vec<_> = path.path.segments.iter().collect();
    let last = segments.last()?;
    let prefix_ok = match segments.len() {
        1 => true,
        3 => ["std", "core"].iter().any(|krate| segments[0].ident == krate) && segments[1].ident == "option",
        _ => false,
    };
    if !prefix_ok || last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// `database_url` and `r#type` become `DATABASE_URL` and `TYPE`.
fn screaming_snake_case(field: &str) -> String {
    field.trim_start_matches("r#").to_ascii_uppercase()
}

/// A span for a field's attribute of the given kind, used when no finer token exists.
pub(crate) fn kind_span(kind: &FieldKind) -> Span {
    match kind {
        FieldKind::Secret { attr, .. } | FieldKind::Config { attr } => *attr,
    }
}
