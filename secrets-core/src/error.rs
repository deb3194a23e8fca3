//! Errors: a contract that does not hold, and a missing optional secret at its accessor.

use std::fmt;

use crate::reports::StatusReport;
use crate::spec::{ContractSpec, Group, Kind, Section, VarSpec};

/// A contract that does not hold: every problem, one per line, and where values were looked for.
///
/// It carries the full [`StatusReport`]; neither holds a value. `Debug` prints the same lines as
/// `Display`, so `fn main() -> Result<(), ContractError>` shows a readable list.
#[derive(Clone)]
pub struct ContractError {
    /// Boxed: a `Result<Contract, ContractError>` is then no larger than the contract.
    report: Box<StatusReport>,
}

impl ContractError {
    pub(crate) fn new(report: StatusReport) -> Self {
        Self { report: Box::new(report) }
    }

    /// The full report, warnings included.
    pub fn report(&self) -> &StatusReport {
        &self.report
    }
}

/// An `Option` secret, setting or section read through its accessor while it is not loaded.
#[derive(Clone, Copy)]
pub struct SecretError {
    what: What,
}

#[derive(Clone, Copy)]
enum What {
    /// Variable `index` of a contract that may be a section of others: named as it is read.
    InSpec(&'static ContractSpec, usize),
    Section(Option<&'static Section>, &'static str),
}

impl SecretError {
    pub(crate) fn missing_in(spec: &'static ContractSpec, index: usize) -> Self {
        Self { what: What::InSpec(spec, index) }
    }

    pub(crate) fn section(section: Option<&'static Section>, field: &'static str) -> Self {
        Self { what: What::Section(section, field) }
    }

    /// The variable that is not set; `None` for a section that is not loaded.
    pub fn var(&self) -> Option<&'static VarSpec> {
        match self.what {
            What::InSpec(spec, index) => crate::spec::read_as(spec, index).first().copied(),
            What::Section(..) => None,
        }
    }

    /// The section that is not loaded; `None` for a variable.
    pub fn section_spec(&self) -> Option<&'static Section> {
        match self.what {
            What::Section(section, _) => section,
            What::InSpec(..) => None,
        }
    }
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report.failure_text())
    }
}

impl std::error::Error for ContractError {}

impl std::error::Error for SecretError {}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.what {
            What::InSpec(spec, index) => {
                let read_as = crate::spec::read_as(spec, index);
                let names: Vec<&str> = read_as.iter().map(|var| var.name()).collect();
                let var = read_as[0];
                write!(f, "{} is not set ({}){}", names.join(" or "), CategoryLabel(var), Description(var))
            }
            What::Section(Some(section), _) => {
                write!(f, "section {} ({}*) is not loaded: ", section.field(), section.prefix())?;
                match section.group() {
                    Group::EnabledBy(switch) => write!(f, "{switch} is not true"),
                    Group::AllOrNone | Group::Always => f.write_str("none of its variables is set"),
                }
            }
            What::Section(None, field) => write!(f, "section {field} is not loaded"),
        }
    }
}

impl fmt::Debug for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Like `Display`, so `.expect()` on an accessor panics with a readable message.
impl fmt::Debug for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

struct CategoryLabel<'a>(&'a VarSpec);

impl fmt::Display for CategoryLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.kind() {
            Kind::Secret => write!(f, "{} secret", self.0.category()),
            Kind::Config => f.write_str("config"),
        }
    }
}

struct Description<'a>(&'a VarSpec);

impl fmt::Display for Description<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.description() {
            "" => Ok(()),
            description => write!(f, ": {description}"),
        }
    }
}
