//! Renders a `.env.example` from a contract's spec.

use std::fmt::Write;

use crate::spec::{Category, ContractSpec, Kind};

/// Every variable with its description and category as comments; secrets empty, defaults filled.
pub(crate) fn render(spec: &ContractSpec) -> String {
    let mut out = format!("# Environment for {}. Copy to .env and fill in; never commit real secrets.\n", spec.name());
    for var in spec.vars() {
        out.push('\n');
        for line in var.description().lines().filter(|line| !line.trim().is_empty()) {
            let _ = writeln!(out, "# {}", line.trim_end());
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
        let _ = writeln!(out, "{}={}", var.name(), quoted(var.default().unwrap_or("")));
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
