//! Errors: a contract that does not hold, and a missing optional secret at its accessor.

use std::fmt;

use crate::reports::StatusReport;
use crate::spec::{Kind, VarSpec};

/// A contract that does not hold: every problem, one per line, and where values were looked for.
///
/// It carries the full [`StatusReport`]; neither holds a value. `Debug` prints the same lines as
/// `Display`, so `fn main() -> Result<(), ContractError>` shows a readable list.
#[derive(Clone, thiserror::Error)]
#[error("{}", .report.failure_text())]
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

/// An `Option` secret or setting read through its accessor while it is not set.
#[derive(Clone, Copy, thiserror::Error)]
#[error("{} is not set ({}){}", .var.name(), CategoryLabel(.var), Description(.var))]
pub struct SecretError {
    var: &'static VarSpec,
}

impl SecretError {
    pub(crate) fn missing(var: &'static VarSpec) -> Self {
        Self { var }
    }

    /// The variable that is not set.
    pub fn var(&self) -> &'static VarSpec {
        self.var
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
