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
    /// The `#[contract(validate = path)]`.
    pub(crate) validate: Option<syn::Path>,
    /// The `#[contract(crate = "path")]`: where `secrets_core` is, when it is not `::secrets_core`.
    pub(crate) krate: Option<syn::Path>,
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

/// A secret type with a loader of the runtime's own.
#[derive(Clone, Copy)]
pub(crate) enum KnownSecret {
    /// `Vec<SecretString>`: a list of secrets.
    List,
    /// `SecretBox<Vec<u8>>` or `SecretBox<[u8; N]>`: base64 or hex.
    Bytes,
}

/// A field's role once its attributes are known to be consistent.
pub(crate) enum Role {
    Secret(Category),
    Config,
    /// `#[nested]`: a contract of its own.
    Nested,
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
        if self.attrs.nested.is_some() {
            return Role::Nested;
        }
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

    /// A secret type the runtime loads its own way, known by its written name.
    pub(crate) fn known_secret(&self) -> Option<KnownSecret> {
        let Type::Path(path) = self.value_ty() else { return None };
        if let Some(item) = vec_item(path) {
            return last_ident(item).is_some_and(|name| name == "SecretString").then_some(KnownSecret::List);
        }
        let last = path.path.segments.last()?;
        if last.ident != "SecretBox" {
            return None;
        }
        let PathArguments::AngleBracketed(arguments) = &last.arguments else { return None };
        match arguments.args.first()? {
            GenericArgument::Type(Type::Array(array)) if last_ident(&array.elem).is_some_and(|name| name == "u8") => {
                Some(KnownSecret::Bytes)
            }
            GenericArgument::Type(Type::Path(inner)) => {
                vec_item(inner).and_then(last_ident).is_some_and(|name| name == "u8").then_some(KnownSecret::Bytes)
            }
            _ => None,
        }
    }

    /// Whether the value type is written as a primitive number (`u16`, `f64`, `NonZeroU32`).
    pub(crate) fn is_number(&self) -> bool {
        last_ident(self.value_ty()).is_some_and(|name| {
            let name = name.strip_prefix("NonZero").unwrap_or(&name).to_ascii_lowercase();
            matches!(
                name.as_str(),
                "u8" | "u16"
                    | "u32"
                    | "u64"
                    | "u128"
                    | "usize"
                    | "i8"
                    | "i16"
                    | "i32"
                    | "i64"
                    | "i128"
                    | "isize"
                    | "f32"
                    | "f64"
            )
        })
    }

    /// Whether the type may be a closed list of names (a `ConfigEnum`): not a type the runtime
    /// or the standard library parses on its own.
    pub(crate) fn may_be_enum(&self) -> bool {
        let ty = match self.known_setting() {
            Some(KnownSetting::List(item)) => item,
            Some(_) => return false,
            None => self.value_ty(),
        };
        let Some(name) = last_ident(ty) else { return false };
        !self.is_number()
            && !matches!(
                name.as_str(),
                "String"
                    | "PathBuf"
                    | "char"
                    | "bool"
                    | "IpAddr"
                    | "Ipv4Addr"
                    | "Ipv6Addr"
                    | "SocketAddr"
                    | "Url"
                    | "u8"
            )
    }

    /// The field's name as written, without `r#`.
    pub(crate) fn label(&self) -> String {
        self.ident.to_string().trim_start_matches("r#").to_owned()
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
    attr::misplaced_on_struct(cx, &input.attrs);
    let attrs = attr::contract_attrs(cx, &input.attrs);
    let prefix = attrs.prefix.as_ref().map(syn::LitStr::value).unwrap_or_default();
    let validate = attrs.validate;
    let krate = attrs.krate;
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
    Some(Contract { input, prefix, validate, krate, fields })
}

/// The last name of a path type (`u16` for `std::primitive::u16`), without its arguments.
fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last().map(|segment| segment.ident.to_string()),
        _ => None,
    }
}

/// A nested field's prefix: the `prefix` key, else the field's name in SCREAMING_SNAKE_CASE and `_`.
pub(crate) fn nested_prefix(field: &Field<'_>) -> String {
    match field.attrs.nested.as_ref().and_then(|nested| nested.prefix.as_ref()) {
        Some(prefix) => prefix.value(),
        None => format!("{}_", screaming_snake_case(&field.ident.to_string())),
    }
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
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
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
