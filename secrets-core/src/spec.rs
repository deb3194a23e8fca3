//! The static description of a contract: its variables, categories and defaults.

use std::fmt;

use serde::Serialize;

/// What a missing value means for the program; see [`Policy`](crate::Policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// The program cannot run without it: missing is always an error.
    Required,
    /// Enables features that spend money: a warning at startup, an error when billing is included.
    Billing,
    /// A third-party integration: a warning at startup, an error under a strict policy.
    External,
    /// The program has a fallback: missing is fine.
    Optional,
}

impl Category {
    /// The short tag used in the status report: `REQ`, `BILLING`, `EXT`, `OPT`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Required => "REQ",
            Self::Billing => "BILLING",
            Self::External => "EXT",
            Self::Optional => "OPT",
        }
    }

    /// The name used in `#[secret(...)]` and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Billing => "billing",
            Self::External => "external",
            Self::Optional => "optional",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a variable holds a secret (never shown) or a plain setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
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
        Self { name, field, kind: Kind::Secret, category, description, feature, allow_empty, default: None, credential }
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
        Self {
            name,
            field,
            kind: Kind::Config,
            category,
            description,
            feature: None,
            allow_empty,
            default,
            credential: None,
        }
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

    /// The default of a config value.
    pub fn default(&self) -> Option<&'static str> {
        self.default
    }

    /// The tag shown in the status report: the category's, or `CONFIG`.
    pub fn tag(&self) -> &'static str {
        match self.kind {
            Kind::Secret => self.category.tag(),
            Kind::Config => "CONFIG",
        }
    }
}

/// The static description of a whole contract, from [`SecretContract::spec`](crate::SecretContract::spec).
#[derive(Debug)]
pub struct ContractSpec {
    name: &'static str,
    vars: &'static [VarSpec],
    names: &'static [&'static str],
    prefix: &'static str,
}

impl ContractSpec {
    pub(crate) const fn new(
        name: &'static str,
        vars: &'static [VarSpec],
        names: &'static [&'static str],
        prefix: &'static str,
    ) -> Self {
        Self { name, vars, names, prefix }
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
