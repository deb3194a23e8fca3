//! The static description of a contract: its variables, categories and defaults.

use std::fmt;

use crate::reports::json::Json;

/// What a missing value means for the program; see [`Policy`](crate::Policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// The program cannot run without it: missing is always an error.
    Required,
    /// Enables features that spend money: a warning at startup, an error when billing is included.
    Billing,
    /// A third-party integration: a warning at startup, an error under a strict policy.
    External,
    /// The program has a fallback: missing is fine.
    Optional,
    /// Required when a `bool` setting is true (`required_if = "..."`), optional otherwise.
    RequiredIf,
}

impl Category {
    /// The short tag used in the status report: `REQ`, `BILLING`, `EXT`, `OPT`, `REQ IF`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Required => "REQ",
            Self::Billing => "BILLING",
            Self::External => "EXT",
            Self::Optional => "OPT",
            Self::RequiredIf => "REQ IF",
        }
    }

    /// The name used in `#[secret(...)]` and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Billing => "billing",
            Self::External => "external",
            Self::Optional => "optional",
            Self::RequiredIf => "required_if",
        }
    }

    /// As its name in `#[secret(...)]`: `"required"`.
    pub(crate) fn json(self) -> Json<'static> {
        Json::text(self.as_str())
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a variable holds a secret (never shown) or a plain setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Declared with `#[secret(...)]`.
    Secret,
    /// Declared with `#[config(...)]`.
    Config,
}

impl Kind {
    /// `secret` or `config`, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Secret => "secret",
            Self::Config => "config",
        }
    }

    /// As `"secret"` or `"config"`.
    pub(crate) fn json(self) -> Json<'static> {
        Json::text(self.as_str())
    }
}

/// One variable of a contract, as declared.
#[derive(Debug)]
pub struct VarSpec {
    name: &'static str,
    field: &'static str,
    kind: Kind,
    category: Category,
    description: &'static str,
    feature: Option<&'static str>,
    allow_empty: bool,
    default: Option<&'static str>,
    credential: Option<&'static str>,
    /// Whether `default` is the text of a Rust expression, not a value to parse.
    default_is_expression: bool,
    /// `env = "..."`: the name is kept as written when the contract is nested.
    verbatim: bool,
    aliases: &'static [&'static str],
    deprecated: &'static [&'static str],
    required_if: Option<&'static str>,
    min_len: Option<usize>,
    accepted: &'static [&'static str],
    section: Option<&'static Section>,
    /// For a list of secrets, the separator of its items.
    list_sep: Option<&'static str>,
}

/// A nested contract's place in the one that holds it: `#[nested(prefix = "...")]`.
#[derive(Debug)]
pub struct Section {
    field: &'static str,
    prefix: &'static str,
    group: Group,
}

/// Whether a section is always loaded, toggled by a setting, or loaded when any of it is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// A plain nested field: always loaded.
    Always,
    /// `Option<Nested>` with `enabled_by`: loaded exactly when that `bool` setting is true.
    EnabledBy(&'static str),
    /// `Option<Nested>` without `enabled_by`: loaded when any of its variables is set, and then
    /// it must be complete.
    AllOrNone,
}

impl Section {
    pub(crate) const fn new(field: &'static str, prefix: &'static str, group: Group) -> Self {
        Self { field, prefix, group }
    }

    /// The field path that holds the section (`db`, or `app.db` when nested twice).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The full prefix of its variables (`APP_DB_`).
    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// How it is loaded.
    pub fn group(&self) -> Group {
        self.group
    }
}

impl VarSpec {
    pub(crate) const fn secret(
        name: &'static str,
        field: &'static str,
        category: Category,
        description: &'static str,
        feature: Option<&'static str>,
        allow_empty: bool,
        credential: Option<&'static str>,
    ) -> Self {
        Self { kind: Kind::Secret, feature, credential, ..Self::plain(name, field, category, description, allow_empty) }
    }

    const fn plain(
        name: &'static str,
        field: &'static str,
        category: Category,
        description: &'static str,
        allow_empty: bool,
    ) -> Self {
        Self {
            name,
            field,
            kind: Kind::Config,
            category,
            description,
            feature: None,
            allow_empty,
            default: None,
            credential: None,
            default_is_expression: false,
            verbatim: false,
            aliases: &[],
            deprecated: &[],
            required_if: None,
            min_len: None,
            accepted: &[],
            section: None,
            list_sep: None,
        }
    }

    pub(crate) const fn config(
        name: &'static str,
        field: &'static str,
        required: bool,
        default: Option<&'static str>,
        description: &'static str,
        allow_empty: bool,
    ) -> Self {
        let category = if required { Category::Required } else { Category::Optional };
        Self { default, ..Self::plain(name, field, category, description, allow_empty) }
    }

    /// Marks the name as given by `env = "..."`: nesting keeps it as written.
    #[doc(hidden)]
    #[must_use]
    pub const fn with_verbatim(mut self) -> Self {
        self.verbatim = true;
        self
    }

    /// Sets the names read when this one is absent.
    #[doc(hidden)]
    #[must_use]
    pub const fn with_aliases(mut self, aliases: &'static [&'static str], deprecated: &'static [&'static str]) -> Self {
        self.aliases = aliases;
        self.deprecated = deprecated;
        self
    }

    /// Makes the variable required exactly when the `bool` setting `name` is true.
    #[doc(hidden)]
    #[must_use]
    pub const fn with_required_if(mut self, name: &'static str) -> Self {
        self.category = Category::RequiredIf;
        self.required_if = Some(name);
        self
    }

    /// Refuses values shorter than `chars` characters.
    #[doc(hidden)]
    #[must_use]
    pub const fn with_min_len(mut self, chars: usize) -> Self {
        self.min_len = Some(chars);
        self
    }

    /// Lists the values a setting accepts (a `ConfigEnum`'s names); empty means any.
    #[doc(hidden)]
    #[must_use]
    pub const fn with_accepted(mut self, values: &'static [&'static str]) -> Self {
        self.accepted = values;
        self
    }

    /// Marks a list of secrets, its items split at `sep`.
    #[doc(hidden)]
    #[must_use]
    pub const fn with_list(mut self, sep: &'static str) -> Self {
        self.list_sep = Some(sep);
        self
    }

    /// Sets a default written as a Rust expression (`8080`, `usize::MAX`), shown as written.
    #[doc(hidden)]
    #[must_use]
    pub const fn with_default_expression(mut self, shown: &'static str) -> Self {
        self.default = Some(shown);
        self.default_is_expression = true;
        self
    }

    /// The environment variable name, prefix included.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The struct field that holds the value.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// Secret or config.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The category; a config is `Required` unless it is an `Option` or has a default.
    pub fn category(&self) -> Category {
        self.category
    }

    /// The description (the attribute's, else the field's doc comment); may be empty.
    pub fn description(&self) -> &'static str {
        self.description
    }

    /// The feature group, for secrets declared with `feature = "..."`.
    pub fn feature(&self) -> Option<&'static str> {
        self.feature
    }

    /// Whether an empty value counts as set (and goes to the parser); without it, an empty value
    /// is unset: a setting's default applies, else it is "set but empty".
    pub fn allow_empty(&self) -> bool {
        self.allow_empty
    }

    /// The file name of this secret in a secrets directory or `$CREDENTIALS_DIRECTORY`: the
    /// `#[secret(credential = "...")]`, else the variable name in lowercase.
    pub fn credential_id(&self) -> std::borrow::Cow<'static, str> {
        match self.credential {
            Some(id) => id.into(),
            None => self.name.to_ascii_lowercase().into(),
        }
    }

    /// The default of a config value: a text parsed like a value, or the Rust expression as
    /// written (see [`default_is_expression`](Self::default_is_expression)).
    pub fn default(&self) -> Option<&'static str> {
        self.default
    }

    /// Whether [`default`](Self::default) is a Rust expression (`default = 8080`) rather than a
    /// text parsed like a value (`default = "8080"`).
    pub fn default_is_expression(&self) -> bool {
        self.default_is_expression
    }

    /// The text default to parse when the variable is unset: `None` for an expression default.
    pub(crate) fn text_default(&self) -> Option<&'static str> {
        if self.default_is_expression { None } else { self.default }
    }

    /// Other names read, in order, when this one is absent (`alias = "..."`).
    pub fn aliases(&self) -> &'static [&'static str] {
        self.aliases
    }

    /// Old names still read when this one is absent, with a warning (`deprecated = "..."`).
    pub fn deprecated_names(&self) -> &'static [&'static str] {
        self.deprecated
    }

    /// For a `required_if` variable, the `bool` setting that makes it required.
    pub fn required_if(&self) -> Option<&'static str> {
        self.required_if
    }

    /// The fewest characters a value may have (`min_len = N`).
    pub fn min_len(&self) -> Option<usize> {
        self.min_len
    }

    /// The values a setting accepts, when they are a closed list (a `ConfigEnum`); else empty.
    pub fn accepted(&self) -> &'static [&'static str] {
        self.accepted
    }

    /// For a list of secrets (`Vec<SecretString>`), the separator of its items.
    pub fn list_separator(&self) -> Option<&'static str> {
        self.list_sep
    }

    /// The nested section the variable belongs to, if any.
    pub fn section(&self) -> Option<&'static Section> {
        self.section
    }

    /// The tag shown in the status report: the category's, or `CONFIG`.
    pub fn tag(&self) -> &'static str {
        match self.kind {
            Kind::Secret => self.category.tag(),
            Kind::Config => "CONFIG",
        }
    }
}

/// Where each contract was placed as a section: its spec, the spec that holds it, and the index
/// of its first variable there.
type Placement = (&'static ContractSpec, &'static ContractSpec, usize);
static SECTIONS: std::sync::Mutex<Vec<Placement>> = std::sync::Mutex::new(Vec::new());

/// Variable `index` of `spec` as it is read: followed up through every contract that holds
/// it as a section, to each loaded contract's own variable (several when the contract is a
/// section of several others). A contract that is also loaded on its own is named as a
/// section still: which of its uses an accessor serves is not known.
pub(crate) fn read_as(spec: &'static ContractSpec, index: usize) -> Vec<&'static VarSpec> {
    let placements: Vec<Placement> = {
        let sections = SECTIONS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        sections.iter().filter(|(inner, _, _)| std::ptr::eq(*inner, spec)).copied().collect()
    };
    if placements.is_empty() {
        return vec![&spec.vars()[index]];
    }
    let mut vars: Vec<&'static VarSpec> =
        placements.into_iter().flat_map(|(_, outer, start)| read_as(outer, index + start)).collect();
    vars.dedup_by(|a, b| a.name == b.name);
    vars
}

/// Keeps a composed text for the life of the program; each contract is composed once.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The static description of a whole contract, from [`SecretContract::spec`](crate::SecretContract::spec).
#[derive(Debug)]
pub struct ContractSpec {
    name: &'static str,
    vars: &'static [VarSpec],
    names: &'static [&'static str],
    prefix: &'static str,
    /// For a contract with nested sections, the index of each field's first variable.
    starts: &'static [usize],
    /// Every prefix its variables carry: its own and each section's.
    prefixes: &'static [&'static str],
}

impl ContractSpec {
    pub(crate) const fn new(
        name: &'static str,
        vars: &'static [VarSpec],
        names: &'static [&'static str],
        prefix: &'static str,
    ) -> Self {
        Self { name, vars, names, prefix, starts: &[], prefixes: &[] }
    }

    /// Composes a contract with nested sections from its parts, in field order: a nested
    /// variable is named with this contract's prefix, the section's, then its name without its
    /// own contract's prefix (a verbatim `env = "..."` name stays as written).
    ///
    /// # Panics
    ///
    /// When two fields read one variable once composed (a section's name equal to another's).
    pub(crate) fn compose(name: &'static str, prefix: &'static str, parts: &'static [Part]) -> &'static Self {
        let spec_name = name;
        let mut vars: Vec<VarSpec> = Vec::new();
        let mut starts = Vec::with_capacity(parts.len());
        let mut prefixes = vec![prefix];
        let mut placed: Vec<(&'static ContractSpec, usize)> = Vec::new();
        let mut seen: std::collections::HashMap<&'static str, &'static str> = std::collections::HashMap::new();
        for part in parts {
            starts.push(vars.len());
            match part {
                Part::Var(var) => vars.push(VarSpec { ..*var }),
                Part::Nested { field, prefix: own, group, spec } => {
                    let inner = spec();
                    placed.push((inner, vars.len()));
                    let full = leak(format!("{prefix}{own}"));
                    let under =
                        |text: &str| leak(format!("{full}{}", text.strip_prefix(inner.prefix()).unwrap_or(text)));
                    let names: Vec<&'static str> =
                        inner.vars().iter().map(|var| if var.verbatim { var.name } else { under(var.name) }).collect();
                    let rename = |name: &'static str| {
                        inner.vars().iter().position(|var| var.name == name).map_or(name, |index| names[index])
                    };
                    let group = match group {
                        Group::EnabledBy(switch) => Group::EnabledBy(
                            parts
                                .iter()
                                .find_map(|part| match part {
                                    Part::Var(var) if var.field == *switch => Some(var.name),
                                    _ => None,
                                })
                                .unwrap_or(switch),
                        ),
                        other => *other,
                    };
                    let section: &'static Section = Box::leak(Box::new(Section::new(field, full, group)));
                    // The sections of the nested contract, moved under this one.
                    let mut moved: Vec<(*const Section, &'static Section)> = Vec::new();
                    for (var, name) in inner.vars().iter().zip(&names) {
                        let section = var.section.map_or(section, |own| {
                            if let Some((_, composed)) = moved.iter().find(|(at, _)| std::ptr::eq(*at, own)) {
                                return *composed;
                            }
                            let group = match own.group {
                                Group::EnabledBy(switch) => Group::EnabledBy(rename(switch)),
                                other => other,
                            };
                            let composed: &'static Section = Box::leak(Box::new(Section::new(
                                leak(format!("{field}.{}", own.field)),
                                under(own.prefix),
                                group,
                            )));
                            moved.push((own, composed));
                            composed
                        });
                        vars.push(VarSpec {
                            name,
                            required_if: var.required_if.map(rename),
                            section: Some(section),
                            ..*var
                        });
                    }
                    prefixes.extend(inner.prefixes().iter().map(|inner_prefix| under(inner_prefix)));
                    prefixes.push(full);
                }
            }
        }
        prefixes.retain(|prefix| !prefix.is_empty());
        prefixes.sort_unstable();
        prefixes.dedup();
        for var in &vars {
            let field = var.section.map_or(var.field, Section::field);
            let names = std::iter::once(var.name).chain(var.aliases.iter().chain(var.deprecated).copied());
            for name in names {
                let Some(first) = seen.insert(name, field) else { continue };
                // Two fields reading one variable is a contract's bug the derive cannot see: the
                // names of a section are known only when it is composed.
                panic!(
                    "contract {spec_name}: `{name}` is read by `{first}` and by `{field}`: rename one or change a prefix"
                );
            }
        }
        let names: Vec<&'static str> = vars.iter().map(|var| var.name).collect();
        let spec: &'static Self = Box::leak(Box::new(Self {
            name,
            vars: Vec::leak(vars),
            names: Vec::leak(names),
            prefix,
            starts: Vec::leak(starts),
            prefixes: Vec::leak(prefixes),
        }));
        let mut sections = SECTIONS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (inner, start) in placed {
            sections.push((inner, spec, start));
        }
        spec
    }

    /// For a contract with nested sections, the index of the first variable of each field.
    #[doc(hidden)]
    pub fn starts(&self) -> &'static [usize] {
        self.starts
    }

    /// Every prefix the contract's variables carry: its own, and each nested section's.
    pub fn prefixes(&self) -> &[&'static str] {
        if self.prefixes.is_empty() && !self.prefix.is_empty() {
            std::slice::from_ref(&self.prefix)
        } else {
            self.prefixes
        }
    }

    /// The `#[contract(prefix = "...")]`, or `""`.
    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// The contract struct's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Every variable, in declaration order.
    pub fn vars(&self) -> &'static [VarSpec] {
        self.vars
    }

    /// Every variable name, in declaration order (what sources are asked for).
    pub fn names(&self) -> &'static [&'static str] {
        self.names
    }
}

/// One field of a contract with nested sections, as the derive declares it.
#[doc(hidden)]
pub enum Part {
    /// A variable of the contract itself.
    Var(VarSpec),
    /// A `#[nested]` field.
    Nested {
        /// The field's name.
        field: &'static str,
        /// The section's prefix, after the contract's own.
        prefix: &'static str,
        /// How the section is loaded; `EnabledBy` names the switch's field here.
        group: Group,
        /// The nested contract's spec.
        spec: fn() -> &'static ContractSpec,
    },
}
