//! Renders a `.env.example` from a contract's spec.

use std::fmt::Write;

use crate::spec::{Category, ContractSpec, Group, Kind, Section};

/// Every variable with its description and category as comments; secrets empty, defaults filled.
pub(crate) fn render(spec: &ContractSpec) -> String {
    let mut out = format!("# Environment for {}. Copy to .env and fill in; never commit real secrets.\n", spec.name());
    let mut section: Option<&Section> = None;
    for var in spec.vars() {
        out.push('\n');
        if let Some(current) = var.section().filter(|current| !section.is_some_and(|last| std::ptr::eq(last, *current)))
        {
            let when = match current.group() {
                Group::Always => String::new(),
                Group::EnabledBy(switch) => format!(", read only when {switch} is true"),
                Group::AllOrNone => ", all or none: set every required one, or none".to_owned(),
            };
            let _ = writeln!(out, "# --- section {} ({}*){when} ---\n", current.field(), current.prefix());
        }
        section = var.section();
        for line in var.description().lines().filter(|line| !line.trim().is_empty()) {
            let _ = writeln!(out, "# {}", line.trim_end());
        }
        let meaning = match (var.kind(), var.category()) {
            (Kind::Secret, Category::Required) => "required secret: the program does not start without it",
            (Kind::Secret, Category::Billing) => "billing secret: enables features that spend money",
            (Kind::Secret, Category::External) => "external secret: a third-party integration",
            (Kind::Secret, Category::Optional) => "optional secret: the program has a fallback",
            (Kind::Secret, Category::RequiredIf) => "secret, required when the setting below is true",
            (Kind::Config, Category::Required) => "required setting",
            (Kind::Config, Category::RequiredIf) => "setting, required when the setting below is true",
            (Kind::Config, _) => "optional setting",
        };
        let _ = write!(out, "# {meaning}");
        if let Some(feature) = var.feature() {
            let _ = write!(out, " (feature: {feature})");
        }
        out.push('\n');
        if let Some(switch) = var.required_if() {
            let _ = writeln!(out, "# required when {switch} is true");
        }
        if !var.accepted().is_empty() {
            let _ = writeln!(out, "# one of: {}", var.accepted().join(", "));
        }
        if !var.aliases().is_empty() {
            let _ = writeln!(out, "# also read from: {}", var.aliases().join(", "));
        }
        if !var.deprecated_names().is_empty() {
            let _ = writeln!(out, "# formerly: {} (still read, with a warning)", var.deprecated_names().join(", "));
        }
        if let (true, Some(default)) = (var.default_is_expression(), var.default()) {
            // An expression is Rust, not a value: left empty, the default applies.
            let _ = writeln!(out, "# default: {}", default.replace('\n', " "));
        }
        let _ = writeln!(out, "{}={}", var.name(), quoted(var.text_default().unwrap_or("")));
    }
    out
}

/// A value as the library's own `.env` reader reads it back: bare when it is plain, else in
/// double quotes with `\\`, `\"`, `\$` and `\n` escaped.
fn quoted(value: &str) -> String {
    let plain = !value.contains(|c: char| c.is_whitespace() || matches!(c, '#' | '"' | '\'' | '\\' | '$' | '`'));
    if plain {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' | '"' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn plain_values_stay_bare_and_others_are_quoted() {
        assert_eq!(quoted("info"), "info");
        assert_eq!(quoted("127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(quoted(""), "");
        assert_eq!(quoted("a b"), "\"a b\"");
        assert_eq!(quoted("x#y \"q\" \\ $HOME\nz"), "\"x#y \\\"q\\\" \\\\ \\$HOME\\nz\"");
    }
}
