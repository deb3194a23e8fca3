//! Parses `#[contract(...)]`, `#[secret(...)]` and `#[config(...)]`, one branch per key.

use proc_macro2::{Span, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, LitStr, Token};

use crate::ctxt::Ctxt;

/// The category keys of `#[secret(...)]`, as the user writes them.
pub(crate) const CATEGORIES: [&str; 4] = ["required", "billing", "external", "optional"];
const SECRET_KEYS: [&str; 10] = [
    "required",
    "billing",
    "external",
    "optional",
    "env",
    "description",
    "feature",
    "allow_empty",
    "credential",
    "default",
];
const CONFIG_KEYS: [&str; 6] = ["env", "default", "description", "allow_empty", "sep", "skip"];
const CONTRACT_KEYS: [&str; 1] = ["prefix"];

/// What a secret's absence means.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Category {
    Required,
    Billing,
    External,
    Optional,
}

impl Category {
    fn from_key(key: &str) -> Option<Self> {
        match key {
            "required" => Some(Self::Required),
            "billing" => Some(Self::Billing),
            "external" => Some(Self::External),
            "optional" => Some(Self::Optional),
            _ => None,
        }
    }

    /// The key as the user writes it.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Billing => "billing",
            Self::External => "external",
            Self::Optional => "optional",
        }
    }
}

/// `#[contract(...)]` on the struct.
#[derive(Default)]
pub(crate) struct ContractAttrs {
    pub(crate) prefix: Option<LitStr>,
}

/// Whether a field is a secret or a plain setting, with the attribute that said so.
pub(crate) enum FieldKind {
    Secret { attr: Span, category: Option<(Category, Ident)> },
    Config { attr: Span },
}

/// `#[secret(...)]` or `#[config(...)]` on a field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) kind: Option<FieldKind>,
    pub(crate) env: Option<LitStr>,
    pub(crate) description: Option<LitStr>,
    pub(crate) feature: Option<LitStr>,
    pub(crate) allow_empty: bool,
    pub(crate) default: Option<LitStr>,
    pub(crate) credential: Option<LitStr>,
    /// The separator of a list setting (`Vec<T>`); `,` when none is given.
    pub(crate) sep: Option<LitStr>,
    /// `#[config(skip)]`: no variable; the field is `Default::default()`.
    pub(crate) skip: Option<Ident>,
    /// The doc comment, the description when none is given.
    pub(crate) doc: Option<String>,
}

/// Parses the struct's attributes.
pub(crate) fn contract_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> ContractAttrs {
    let mut out = ContractAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("contract")) {
        let result = attr.parse_nested_meta(|meta| {
            // #[contract(prefix = "APP_")]
            if meta.path.is_ident("prefix") {
                let value: LitStr = meta.value()?.parse()?;
                if !value.value().chars().all(is_name_char) {
                    cx.error_spanned(&value, "a prefix may only hold ASCII letters, digits and `_`");
                }
                set_once(cx, &meta, &mut out.prefix, value);
                return Ok(());
            }
            unknown_key(cx, &meta, "contract", &CONTRACT_KEYS)
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    out
}

/// Parses a field's attributes.
pub(crate) fn field_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs { doc: doc_comment(attrs), ..FieldAttrs::default() };
    for attr in attrs {
        let is_secret = attr.path().is_ident("secret");
        if !is_secret && !attr.path().is_ident("config") {
            continue;
        }
        let span = attr.path().get_ident().map_or_else(Span::call_site, Ident::span);
        match &out.kind {
            Some(FieldKind::Secret { .. }) if !is_secret => {
                cx.error(span, "a field is either #[secret] or #[config], not both");
            }
            Some(FieldKind::Config { .. }) if is_secret => {
                cx.error(span, "a field is either #[secret] or #[config], not both");
            }
            Some(_) => {}
            None if is_secret => {
                out.kind = Some(FieldKind::Secret { attr: span, category: None });
            }
            None => out.kind = Some(FieldKind::Config { attr: span }),
        }
        // A bare #[config] or #[secret] has no keys to parse.
        if matches!(attr.meta, syn::Meta::Path(_)) {
            continue;
        }
        let result = if is_secret {
            attr.parse_nested_meta(|meta| secret_key(cx, &meta, &mut out))
        } else {
            attr.parse_nested_meta(|meta| config_key(cx, &meta, &mut out))
        };
        if let Err(error) = result {
            cx.push(error);
        }
    }
    out
}

fn secret_key(cx: &mut Ctxt, meta: &ParseNestedMeta, out: &mut FieldAttrs) -> syn::Result<()> {
    // #[secret(required)], #[secret(billing)], #[secret(external)], #[secret(optional)]
    if let Some(category) =
        meta.path.get_ident().and_then(|id| Category::from_key(&id.to_string()).map(|category| (category, id.clone())))
    {
        if meta.input.peek(Token![=]) {
            return Err(meta.error(format_args!("`{}` takes no value: write #[secret({})]", category.1, category.1)));
        }
        if let Some(FieldKind::Secret { category: slot, .. }) = &mut out.kind {
            match slot {
                Some((first, _)) => cx.error_spanned(
                    &category.1,
                    format_args!("a secret has exactly one category, found `{}` and `{}`", first.key(), category.1),
                ),
                None => *slot = Some(category),
            }
        }
        return Ok(());
    }
    // #[secret(env = "DATABASE_URL")]
    if meta.path.is_ident("env") {
        let value = env_name(cx, meta)?;
        set_once(cx, meta, &mut out.env, value);
        return Ok(());
    }
    // #[secret(description = "Postgres connection string")]
    if meta.path.is_ident("description") {
        let value = meta.value()?.parse()?;
        set_once(cx, meta, &mut out.description, value);
        return Ok(());
    }
    // #[secret(feature = "openai")]
    if meta.path.is_ident("feature") {
        let value: LitStr = meta.value()?.parse()?;
        if value.value().is_empty() || !value.value().chars().all(is_name_char) {
            cx.error_spanned(&value, "a feature name may only hold ASCII letters, digits and `_`");
        }
        set_once(cx, meta, &mut out.feature, value);
        return Ok(());
    }
    // #[secret(credential = "db-password")]
    if meta.path.is_ident("credential") {
        let value: LitStr = meta.value()?.parse()?;
        let id = value.value();
        if id.is_empty() || id.contains(['/', '\\', '\0']) || id == "." || id == ".." {
            cx.error_spanned(&value, "a credential id is a file name: not empty, without `/`");
        }
        set_once(cx, meta, &mut out.credential, value);
        return Ok(());
    }
    // #[secret(allow_empty)]
    if meta.path.is_ident("allow_empty") {
        set_flag(cx, meta, "secret", &mut out.allow_empty);
        return Ok(());
    }
    // #[secret(default = "...")] is refused: a default secret is a secret committed to the code.
    if meta.path.is_ident("default") {
        skip_value(meta)?;
        cx.error_spanned(
            &meta.path,
            "a secret cannot have a default: a default secret is a committed secret; use #[secret(optional)] and handle its absence",
        );
        return Ok(());
    }
    unknown_key(cx, meta, "secret", &SECRET_KEYS)
}

fn config_key(cx: &mut Ctxt, meta: &ParseNestedMeta, out: &mut FieldAttrs) -> syn::Result<()> {
    // #[config(env = "LOG_LEVEL")]
    if meta.path.is_ident("env") {
        let value = env_name(cx, meta)?;
        set_once(cx, meta, &mut out.env, value);
        return Ok(());
    }
    // #[config(default = "info")]
    if meta.path.is_ident("default") {
        let value = meta.value()?.parse()?;
        set_once(cx, meta, &mut out.default, value);
        return Ok(());
    }
    // #[config(description = "Log filter")]
    if meta.path.is_ident("description") {
        let value = meta.value()?.parse()?;
        set_once(cx, meta, &mut out.description, value);
        return Ok(());
    }
    // #[config(allow_empty)]
    if meta.path.is_ident("allow_empty") {
        set_flag(cx, meta, "config", &mut out.allow_empty);
        return Ok(());
    }
    // #[config(skip)]
    if meta.path.is_ident("skip") {
        if out.skip.is_some() {
            cx.error_spanned(&meta.path, "duplicate #[config] key `skip`");
        }
        out.skip = meta.path.get_ident().cloned();
        return Ok(());
    }
    // #[config(sep = " ")]
    if meta.path.is_ident("sep") {
        let value: LitStr = meta.value()?.parse()?;
        if value.value().is_empty() {
            cx.error_spanned(&value, "a list separator cannot be empty");
        }
        set_once(cx, meta, &mut out.sep, value);
        return Ok(());
    }
    unknown_key(cx, meta, "config", &CONFIG_KEYS)
}

/// Parses `= "NAME"` and checks that it is a usable variable name.
fn env_name(cx: &mut Ctxt, meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    let value: LitStr = meta.value()?.parse()?;
    let name = value.value();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) || !name.chars().all(is_name_char) {
        cx.error_spanned(
            &value,
            "an environment variable name holds ASCII letters, digits and `_`, and does not start with a digit",
        );
    }
    Ok(value)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Sets a key that takes no value, recording an error if the key was already given.
fn set_flag(cx: &mut Ctxt, meta: &ParseNestedMeta, attr: &str, flag: &mut bool) {
    if *flag {
        let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
        cx.error_spanned(&meta.path, format_args!("duplicate #[{attr}] key `{key}`"));
    }
    *flag = true;
}

/// Stores a key's value, recording an error if the key was already given.
fn set_once(cx: &mut Ctxt, meta: &ParseNestedMeta, slot: &mut Option<LitStr>, value: LitStr) {
    if slot.is_some() {
        let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
        cx.error_spanned(&meta.path, format_args!("duplicate key `{key}`"));
    } else {
        *slot = Some(value);
    }
}

/// Records an unknown key with a "did you mean" hint, and skips its value so parsing goes on.
fn unknown_key(cx: &mut Ctxt, meta: &ParseNestedMeta, attr: &str, known: &[&str]) -> syn::Result<()> {
    let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
    skip_value(meta)?;
    let message = match closest(&key, known) {
        Some(hint) => format!("unknown #[{attr}] key `{key}`, did you mean `{hint}`"),
        None => format!("unknown #[{attr}] key `{key}`, expected one of: {}", known.join(", ")),
    };
    cx.error_spanned(&meta.path, message);
    Ok(())
}

/// Consumes `= <tokens>` up to the next comma, if the key has a value.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        let input = meta.value()?;
        while !input.is_empty() && !input.peek(Token![,]) {
            input.parse::<TokenTree>()?;
        }
    }
    Ok(())
}

/// The known key closest to `key`, if it is close enough to be a typo.
fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|candidate| (edit_distance(key, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= candidate.len().max(key.len()) / 3 + 1)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance, counted in chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// The field's doc comment, lines joined by spaces, up to the first blank line.
fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("doc")) {
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value {
                let line = s.value();
                let line = line.trim();
                if line.is_empty() && !lines.is_empty() {
                    break;
                }
                if !line.is_empty() {
                    lines.push(line.to_owned());
                }
            }
        }
    }
    (!lines.is_empty()).then(|| lines.join(" "))
}
