//! Renders a `.env.example` from a contract's spec.

use std::fmt::Write;

use crate::spec::{Category, ContractSpec, Kind};

/// Every variable with its description and category as comments; secrets empty, defaults filled.
pub(crate) fn render(spec: &ContractSpec) -> String {
    let mut out = format!("# Environment for {}. Copy to .env and fill in; never commit real secrets.\n", spec.name());
    for var in spec.vars() {
        out.push('\n');
        if !var.description().is_empty() {
            let _ = writeln!(out, "# {}", var.description());
        }
        let meaning = match (var.kind(), var.category()) {
            (Kind::Secret, Category::Required) => "required secret: the program does not start without it",
            (Kind::Secret, Category::Billing) => "billing secret: enables features that spend money",
            (Kind::Secret, Category::External) => "external secret: a third-party integration",
            (Kind::Secret, Category::Optional) => "optional secret: the program has a fallback",
            (Kind::Config, Category::Required) => "required setting",
            (Kind::Config, _) => "optional setting",
        };
        let _ = write!(out, "# {meaning}");
        if let Some(feature) = var.feature() {
            let _ = write!(out, " (feature: {feature})");
        }
        out.push('\n');
        let _ = writeln!(out, "{}={}", var.name(), var.default().unwrap_or(""));
    }
    out
}
