//! Parses `#[contract(...)]`, `#[secret(...)]` and `#[config(...)]`, one branch per key.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, LitInt, LitStr, Token};

use crate::ctxt::Ctxt;

/// The category keys of `#[secret(...)]`, as the user writes them.
pub(crate) const CATEGORIES: [&str; 5] = ["required", "billing", "external", "optional", "required_if"];
const SECRET_KEYS: [&str; 17] = [
    "required",
    "billing",
    "external",
    "optional",
    "required_if",
    "env",
    "description",
    "feature",
    "allow_empty",
    "credential",
    "default",
    "alias",
    "deprecated",
    "min_len",
    "validate",
    "sep",
    "range",
];
const CONFIG_KEYS: [&str; 13] = [
    "env",
    "default",
    "description",
    "allow_empty",
    "sep",
    "skip",
    "alias",
    "deprecated",
    "required_if",
    "min_len",
    "range",
    "validate",
    "credential",
];
const CONTRACT_KEYS: [&str; 3] = ["prefix", "validate", "crate"];
const NESTED_KEYS: [&str; 2] = ["prefix", "enabled_by"];

/// What a secret's absence means.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Category {
    Required,
    Billing,
    External,
    Optional,
    /// `required_if = "<bool field>"`.
    RequiredIf,
}

impl Category {
    fn from_key(key: &str) -> Option<Self> {
        match key {
            "required" => Some(Self::Required),
            "billing" => Some(Self::Billing),
            "external" => Some(Self::External),
            "optional" => Some(Self::Optional),
            "required_if" => Some(Self::RequiredIf),
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
            Self::RequiredIf => "required_if",
        }
    }
}

/// `#[contract(...)]` on the struct.
#[derive(std::default::Default)]
pub(crate) struct ContractAttrs {
    pub(crate) prefix: Option<LitStr>,
    /// `validate = path`: `fn(&Self, &mut Problems)`, run after a successful build.
    pub(crate) validate: Option<syn::Path>,
    /// `crate = "path"`: where `secrets_core` is (a renamed dependency, a facade crate).
    pub(crate) krate: Option<syn::Path>,
}

/// `#[nested(...)]` on a field whose type is a contract.
pub(crate) struct NestedAttrs {
    pub(crate) prefix: Option<LitStr>,
    /// `enabled_by = "<bool field>"`, for an `Option<Nested>` toggled by a setting.
    pub(crate) enabled_by: Option<LitStr>,
}

/// A default: a text parsed like a value, or a Rust expression of the field's type.
pub(crate) enum Default {
    Text(LitStr),
    Expr(Expression),
}

/// Tokens of a Rust expression written as a key's value, with the text shown for them.
pub(crate) struct Expression {
    pub(crate) tokens: TokenStream,
    /// The expression as written, for docs and messages (`Duration::from_secs(30)`).
    pub(crate) shown: String,
}

impl Default {
    /// A token of the default, for errors.
    pub(crate) fn span(&self) -> Span {
        match self {
            Self::Text(text) => text.span(),
            Self::Expr(expr) => {
                expr.tokens.clone().into_iter().next().map_or_else(Span::call_site, |token| token.span())
            }
        }
    }
}

/// Whether a field is a secret or a plain setting, with the attribute that said so.
pub(crate) enum FieldKind {
    Secret { attr: Span, category: Option<(Category, Ident)> },
    Config { attr: Span },
}

/// `#[secret(...)]` or `#[config(...)]` on a field.
#[derive(std::default::Default)]
pub(crate) struct FieldAttrs {
    pub(crate) kind: Option<FieldKind>,
    pub(crate) env: Option<LitStr>,
    pub(crate) description: Option<LitStr>,
    pub(crate) feature: Option<LitStr>,
    pub(crate) allow_empty: bool,
    pub(crate) default: Option<Default>,
    pub(crate) credential: Option<LitStr>,
    /// `#[nested(...)]`: the field is a contract of its own.
    pub(crate) nested: Option<NestedAttrs>,
    /// `alias = "..."`, in order.
    pub(crate) aliases: Vec<LitStr>,
    /// `deprecated = "..."`, in order.
    pub(crate) deprecated: Vec<LitStr>,
    /// `required_if = "<bool field>"`.
    pub(crate) required_if: Option<LitStr>,
    pub(crate) min_len: Option<LitInt>,
    /// `range = A..=B`.
    pub(crate) range: Option<Expression>,
    /// `validate = path`: `fn(&T) -> Result<(), String>`.
    pub(crate) validate: Option<syn::Path>,
    /// The separator of a list setting (`Vec<T>`); `,` when none is given.
    pub(crate) sep: Option<LitStr>,
    /// `#[config(skip)]`: no variable; the field is `Default::default()`.
    pub(crate) skip: Option<Ident>,
    /// The doc comment, the description when none is given.
    pub(crate) doc: Option<String>,
    /// Whether parsing the attributes recorded an error: rules that follow from a missing key
    /// (a category) are then not reported on top of it.
    pub(crate) had_errors: bool,
}

/// Parses the struct's attributes.
pub(crate) fn contract_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> ContractAttrs {
    let mut out = ContractAttrs::default();
    #[allow(clippy::items_after_statements)]
    fn set_path(cx: &mut Ctxt, meta: &ParseNestedMeta, slot: &mut Option<syn::Path>) -> syn::Result<()> {
        let path: syn::Path = meta.value()?.parse()?;
        if slot.is_some() {
            cx.error_spanned(&meta.path, "duplicate key `validate`");
        }
        *slot = Some(path);
        Ok(())
    }
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("contract")) {
        let result = attr.parse_nested_meta(|meta| {
            // #[contract(prefix = "APP_")]
            if meta.path.is_ident("prefix") {
                let value = string(cx, &meta)?;
                if let Some(value) = &value {
                    check_prefix(cx, value, false);
                }
                set_once(cx, &meta, &mut out.prefix, value);
                return Ok(());
            }
            // #[contract(validate = check_app)]
            if meta.path.is_ident("validate") {
                return set_path(cx, &meta, &mut out.validate);
            }
            // #[contract(crate = "my_facade::secrets")]
            if meta.path.is_ident("crate") {
                if let Some(text) = string(cx, &meta)? {
                    match text.parse::<syn::Path>() {
                        Ok(path) => out.krate = Some(path),
                        Err(_) => cx.error_spanned(
                            &text,
                            "`crate` is a path: crate = \"secrets_core\" or \"my_facade::secrets\"",
                        ),
                    }
                }
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
    let before = cx.count();
    for attr in attrs {
        if attr.path().is_ident("contract") {
            cx.error_spanned(attr.path(), "#[contract(...)] belongs on the struct, above `struct`");
            continue;
        }
        if attr.path().is_ident("nested") {
            nested_attr(cx, attr, &mut out);
            continue;
        }
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
        if let syn::Meta::NameValue(_) = attr.meta {
            let name = if is_secret { "secret" } else { "config" };
            let example = if is_secret { "#[secret(required)]" } else { "#[config(default = \"...\")]" };
            cx.error_spanned(&attr.meta, format_args!("#[{name}] takes its keys in parentheses: write {example}"));
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
    out.had_errors = cx.count() > before;
    out
}

/// Errors for field attributes written on the struct, where they mean nothing, and for a
/// `Debug` derived beside (it would print the secrets, and conflicts with the redacted one).
pub(crate) fn misplaced_on_struct(cx: &mut Ctxt, attrs: &[Attribute]) {
    for path in debug_derives(attrs) {
        cx.error_spanned(path, "SecretContract generates a redacted `Debug`: remove `Debug` from the derive");
    }
    for attr in attrs {
        for name in ["secret", "config", "nested"] {
            if attr.path().is_ident(name) {
                cx.error_spanned(
                    attr.path(),
                    format_args!("#[{name}] belongs on a field; the struct takes #[contract(...)]"),
                );
            }
        }
    }
}

/// The `Debug` paths of `#[derive(...)]` attributes after this one (rustc hides the one that
/// invoked the derive, so `#[derive(SecretContract, Debug)]` is seen only by its conflict).
fn debug_derives(attrs: &[Attribute]) -> Vec<syn::Path> {
    let mut found = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.segments.last().is_some_and(|last| last.ident == "Debug") {
                found.push(meta.path.clone());
            }
            Ok(())
        });
    }
    found
}

/// Whether the struct derives `Debug` in an attribute of its own.
pub(crate) fn derives_debug(attrs: &[Attribute]) -> bool {
    !debug_derives(attrs).is_empty()
}

/// Parses `#[nested]` or `#[nested(prefix = "DB_", enabled_by = "db_enabled")]`.
fn nested_attr(cx: &mut Ctxt, attr: &Attribute, out: &mut FieldAttrs) {
    let span = attr.path().get_ident().map_or_else(Span::call_site, Ident::span);
    if out.nested.is_some() {
        cx.error(span, "duplicate #[nested]");
        return;
    }
    let mut nested = NestedAttrs { prefix: None, enabled_by: None };
    if !matches!(attr.meta, syn::Meta::Path(_)) {
        let result = attr.parse_nested_meta(|meta| {
            // #[nested(prefix = "DB_")]
            if meta.path.is_ident("prefix") {
                let value = string(cx, &meta)?;
                if let Some(value) = &value {
                    check_prefix(cx, value, true);
                }
                set_once(cx, &meta, &mut nested.prefix, value);
                return Ok(());
            }
            // #[nested(enabled_by = "sso_enabled")]
            if meta.path.is_ident("enabled_by") {
                let value = string(cx, &meta)?;
                set_once(cx, &meta, &mut nested.enabled_by, value);
                return Ok(());
            }
            unknown_key(cx, &meta, "nested", &NESTED_KEYS)
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    out.nested = Some(nested);
}

/// Keys that `#[secret]` and `#[config]` share; `None` when `meta` is none of them.
fn shared_key(cx: &mut Ctxt, meta: &ParseNestedMeta, out: &mut FieldAttrs) -> Option<syn::Result<()>> {
    const SHARED: [&str; 6] = ["alias", "deprecated", "min_len", "range", "validate", "sep"];
    let key = meta.path.get_ident()?.to_string();
    SHARED.contains(&key.as_str()).then(|| parse_shared_key(cx, meta, out, &key))
}

fn parse_shared_key(cx: &mut Ctxt, meta: &ParseNestedMeta, out: &mut FieldAttrs, key: &str) -> syn::Result<()> {
    match key {
        // alias = "OPENAI_API_KEY", deprecated = "APP_SMTP_SSL" (repeatable, verbatim)
        "alias" | "deprecated" => {
            let Some(value) = env_name(cx, meta)? else { return Ok(()) };
            let names = if key == "alias" { &mut out.aliases } else { &mut out.deprecated };
            if names.iter().any(|name| name.value() == value.value()) {
                cx.error_spanned(&value, format_args!("`{}` is already listed", value.value()));
            }
            names.push(value);
            Ok(())
        }
        // min_len = 32
        "min_len" => {
            let value: LitInt = meta.value()?.parse()?;
            if value.base10_parse::<usize>().is_err() {
                cx.error_spanned(&value, "min_len is a number of characters");
            }
            if out.min_len.is_some() {
                cx.error_spanned(&meta.path, "duplicate key `min_len`");
            }
            out.min_len = Some(value);
            Ok(())
        }
        // range = 1..=65535
        "range" => {
            let value = expression(meta)?;
            if value.tokens.is_empty() {
                cx.error_spanned(&meta.path, "range needs a range: range = 1..=65535");
            }
            if out.range.is_some() {
                cx.error_spanned(&meta.path, "duplicate key `range`");
            }
            out.range = Some(value);
            Ok(())
        }
        // validate = check_url
        "validate" => {
            let path: syn::Path = meta.value()?.parse()?;
            if out.validate.is_some() {
                cx.error_spanned(&meta.path, "duplicate key `validate`");
            }
            out.validate = Some(path);
            Ok(())
        }
        // sep = " "
        "sep" => {
            let value = string(cx, meta)?;
            if value.as_ref().is_some_and(|value| value.value().is_empty()) {
                cx.error_spanned(&value, "a list separator cannot be empty");
            }
            set_once(cx, meta, &mut out.sep, value);
            Ok(())
        }
        _ => unreachable!("only shared keys are parsed here"),
    }
}

fn secret_key(cx: &mut Ctxt, meta: &ParseNestedMeta, out: &mut FieldAttrs) -> syn::Result<()> {
    if let Some(result) = shared_key(cx, meta, out) {
        return result;
    }
    // #[secret(required)], #[secret(billing)], #[secret(external)], #[secret(optional)],
    // #[secret(required_if = "push_enabled")]
    if let Some(category) =
        meta.path.get_ident().and_then(|id| Category::from_key(&id.to_string()).map(|category| (category, id.clone())))
    {
        if category.0 == Category::RequiredIf {
            let value = string(cx, meta)?;
            set_once(cx, meta, &mut out.required_if, value);
        } else if meta.input.peek(Token![=]) {
            skip_value(meta)?;
            cx.error_spanned(
                &category.1,
                format_args!("`{}` takes no value: write #[secret({})]", category.1, category.1),
            );
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
        let value = string(cx, meta)?;
        set_once(cx, meta, &mut out.description, value);
        return Ok(());
    }
    // #[secret(feature = "openai")]
    if meta.path.is_ident("feature") {
        let value = string(cx, meta)?;
        if let Some(feature) = &value {
            check_feature(cx, feature);
        }
        set_once(cx, meta, &mut out.feature, value);
        return Ok(());
    }
    // #[secret(credential = "db-password")]
    if meta.path.is_ident("credential") {
        let value = string(cx, meta)?;
        let id = value.as_ref().map_or_else(|| "-".to_owned(), LitStr::value);
        if id.is_empty() || id.contains(['/', '\\', '\0']) || id == "." || id == ".." {
            cx.error_spanned(&value, "a credential id is a file name: not empty, without `/`");
        }
        set_once(cx, meta, &mut out.credential, value);
        return Ok(());
    }
    // #[secret(allow_empty)]
    if meta.path.is_ident("allow_empty") {
        return set_flag(cx, meta, "secret", &mut out.allow_empty);
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
    if let Some(result) = shared_key(cx, meta, out) {
        return result;
    }
    // #[config(required_if = "push_enabled")]
    if meta.path.is_ident("required_if") {
        let value = string(cx, meta)?;
        set_once(cx, meta, &mut out.required_if, value);
        return Ok(());
    }
    // #[config(env = "LOG_LEVEL")]
    if meta.path.is_ident("env") {
        let value = env_name(cx, meta)?;
        set_once(cx, meta, &mut out.env, value);
        return Ok(());
    }
    // #[config(default = "info")], #[config(default = 8080)], #[config(default = agent())]
    if meta.path.is_ident("default") {
        let value = expression(meta)?;
        let mut tokens = value.tokens.clone().into_iter();
        let default = match (tokens.next(), tokens.next()) {
            (Some(TokenTree::Literal(literal)), None) if literal.to_string().starts_with('"') => {
                Default::Text(syn::parse2(TokenTree::Literal(literal).into())?)
            }
            (None, _) => return Err(meta.error("default needs a value: default = \"text\" or default = <expression>")),
            _ => Default::Expr(value),
        };
        if out.default.is_some() {
            cx.error_spanned(&meta.path, "duplicate key `default`");
        } else {
            out.default = Some(default);
        }
        return Ok(());
    }
    // #[config(description = "Log filter")]
    if meta.path.is_ident("description") {
        let value = string(cx, meta)?;
        set_once(cx, meta, &mut out.description, value);
        return Ok(());
    }
    // #[config(allow_empty)]
    if meta.path.is_ident("allow_empty") {
        return set_flag(cx, meta, "config", &mut out.allow_empty);
    }
    // #[config(skip)]
    if meta.path.is_ident("skip") {
        if out.skip.is_some() {
            cx.error_spanned(&meta.path, "duplicate #[config] key `skip`");
        }
        out.skip = meta.path.get_ident().cloned();
        return Ok(());
    }
    // #[config(credential = "...")] is for secrets.
    if meta.path.is_ident("credential") {
        skip_value(meta)?;
        cx.error_spanned(&meta.path, "`credential` names a secret's file: a setting has none");
        return Ok(());
    }
    // #[config(required)]: a setting's requirement follows from its type and default.
    if meta.path.is_ident("required") {
        skip_value(meta)?;
        cx.error_spanned(
            &meta.path,
            "a setting is required unless it is an `Option` or has a `default`: drop `required`",
        );
        return Ok(());
    }
    unknown_key(cx, meta, "config", &CONFIG_KEYS)
}

/// Parses `= "text"`; any other value is an error that shows the fix (`env = "NAME"`), and
/// parsing goes on with the next key.
fn string(cx: &mut Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<LitStr>> {
    let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
    if !meta.input.peek(Token![=]) {
        cx.error_spanned(&meta.path, format_args!("`{key}` needs a value: {key} = \"...\""));
        return Ok(None);
    }
    let input = meta.value()?;
    if input.peek(LitStr) {
        return input.parse().map(Some);
    }
    let mut tokens = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend([input.parse::<TokenTree>()?]);
    }
    let written = shown(tokens.clone());
    let is_word = !written.is_empty()
        && written.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !written.starts_with(|c: char| c.is_ascii_digit());
    let example = match key.as_str() {
        _ if is_word => written,
        "env" | "alias" | "deprecated" => "NAME".to_owned(),
        _ => "...".to_owned(),
    };
    cx.error_spanned(tokens, format_args!("`{key}` takes a string: write {key} = \"{example}\""));
    Ok(None)
}

/// Parses `= "NAME"` and checks that it is a usable variable name.
fn env_name(cx: &mut Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<LitStr>> {
    let Some(value) = string(cx, meta)? else { return Ok(None) };
    let name = value.value();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) || !name.chars().all(is_name_char) {
        cx.error_spanned(
            &value,
            "an environment variable name holds ASCII letters, digits and `_`, and does not start with a digit",
        );
    }
    Ok(Some(value))
}

/// Checks a feature name: a snake_case identifier, as `has_<feature>()` is generated from it.
fn check_feature(cx: &mut Ctxt, value: &LitStr) {
    let feature = value.value();
    let valid = feature.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && feature.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && feature != "_";
    if valid {
        return;
    }
    let mut fixed = String::new();
    let mut previous = '_';
    for c in feature.chars() {
        if c.is_ascii_uppercase() && (previous.is_ascii_lowercase() || previous.is_ascii_digit()) {
            fixed.push('_');
        }
        previous = c;
        fixed.push(if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' });
    }
    let fixed = fixed.trim_start_matches(|c: char| c.is_ascii_digit()).to_owned();
    let hint = if fixed.is_empty() { String::new() } else { format!(": feature = \"{fixed}\"") };
    cx.error_spanned(value, format_args!("a feature name is snake_case, as it names `has_<feature>()`{hint}"));
}

/// Checks a prefix: upper-case letters, digits and `_`, not starting with a digit, ending with
/// `_`; an error shows the corrected prefix. An empty prefix is allowed where `empty_ok`.
fn check_prefix(cx: &mut Ctxt, value: &LitStr, empty_ok: bool) {
    let prefix = value.value();
    if prefix.is_empty() && empty_ok {
        return;
    }
    let valid = prefix.ends_with('_')
        && !prefix.starts_with(|c: char| c.is_ascii_digit())
        && prefix.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if valid {
        return;
    }
    let mut fixed: String = prefix
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
        .collect::<String>()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '_')
        .to_owned();
    if !fixed.ends_with('_') {
        fixed.push('_');
    }
    let hint = if fixed == "_" { String::new() } else { format!(": prefix = \"{fixed}\"") };
    cx.error_spanned(
        value,
        format_args!(
            "a prefix is upper-case letters, digits and `_`, does not start with a digit and ends with `_`{hint}"
        ),
    );
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Sets a key that takes no value, recording an error if the key was already given.
fn set_flag(cx: &mut Ctxt, meta: &ParseNestedMeta, attr: &str, flag: &mut bool) -> syn::Result<()> {
    let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
    if meta.input.peek(Token![=]) {
        skip_value(meta)?;
        cx.error_spanned(&meta.path, format_args!("`{key}` takes no value: write #[{attr}({key})]"));
    }
    if *flag {
        cx.error_spanned(&meta.path, format_args!("duplicate #[{attr}] key `{key}`"));
    }
    *flag = true;
    Ok(())
}

/// Stores a key's value, recording an error if the key was already given.
fn set_once(cx: &mut Ctxt, meta: &ParseNestedMeta, slot: &mut Option<LitStr>, value: Option<LitStr>) {
    let Some(value) = value else { return };
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

/// Parses `= <tokens>` up to the next comma: a Rust expression, kept as tokens.
fn expression(meta: &ParseNestedMeta) -> syn::Result<Expression> {
    let input = meta.value()?;
    let mut tokens = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend([input.parse::<TokenTree>()?]);
    }
    let shown = shown(tokens.clone());
    Ok(Expression { tokens, shown })
}

/// Tokens as a person writes them: a space only between two words (`Duration::from_secs(30)`).
fn shown(tokens: TokenStream) -> String {
    let mut out = String::new();
    let mut after_word = false;
    for token in tokens {
        let word = matches!(token, TokenTree::Ident(_) | TokenTree::Literal(_));
        if word && after_word {
            out.push(' ');
        }
        match token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                out.push_str(open);
                out.push_str(&shown(group.stream()));
                out.push_str(close);
            }
            TokenTree::Punct(punct) => {
                out.push(punct.as_char());
                if punct.as_char() == ',' {
                    out.push(' ');
                }
            }
            other => out.push_str(&other.to_string()),
        }
        after_word = word;
    }
    out
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
pub(crate) fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    // A known key the word begins with, or a word that begins a known key (`enviroment`, `desc`).
    let lower = key.to_ascii_lowercase();
    if let Some(candidate) = known.iter().find(|candidate| candidate.eq_ignore_ascii_case(key)) {
        return Some(candidate);
    }
    let by_prefix = known
        .iter()
        .filter(|candidate| {
            lower.len() >= 3 && (lower.starts_with(**candidate) || candidate.starts_with(lower.as_str()))
        })
        .max_by_key(|candidate| candidate.len());
    if let Some(candidate) = by_prefix {
        return Some(candidate);
    }
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
