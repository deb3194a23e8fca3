//! Where `secrets-core` is for the crate being compiled: `::secrets_core`, or the name a renamed
//! dependency gives it (`sc = { package = "secrets-core", ... }`), read from its `Cargo.toml`.

use std::path::Path;

use proc_macro2::{Span, TokenStream};
use quote::quote;

/// The path of the runtime: the dependency's own name for it when `Cargo.toml` renames it, else
/// `::secrets_core` (also inside `secrets-core` itself, which names itself so).
pub(crate) fn runtime() -> TokenStream {
    let renamed = std::env::var_os("CARGO_MANIFEST_DIR")
        .and_then(|dir| read_manifest(&Path::new(&dir).join("Cargo.toml")))
        .and_then(|manifest| renamed_dependency(&manifest))
        // A name that is no identifier cannot be a crate's: the default then serves.
        .filter(|name| {
            name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    if let Some(name) = renamed {
        let ident = proc_macro2::Ident::new(&name, Span::call_site());
        quote!(::#ident)
    } else {
        quote!(::secrets_core)
    }
}

/// The manifest's text, read only if it is a regular file and at most 1 MiB of it: cargo has
/// read it already, so anything else is not worth a wait or an endless read.
fn read_manifest(path: &Path) -> Option<String> {
    use std::io::Read;
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let mut text = String::new();
    std::fs::File::open(path).ok()?.take(1024 * 1024).read_to_string(&mut text).ok()?;
    Some(text)
}

/// The key under which `manifest` depends on `secrets-core` through `package = "secrets-core"`,
/// as a crate name (`-` read as `_`). Both forms: `sc = { package = "secrets-core" }` and a
/// `[dependencies.sc]` table with `package = "secrets-core"`.
fn renamed_dependency(manifest: &str) -> Option<String> {
    let is_package = |line: &str| {
        line.split_once("package").is_some_and(|(_, rest)| {
            rest.trim_start().strip_prefix('=').is_some_and(|rest| rest.trim_start().starts_with("\"secrets-core\""))
        })
    };
    let mut table: Option<String> = None;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            // `[dependencies.sc]`, `[dev-dependencies.sc]`, `[target.'cfg(unix)'.dependencies.sc]`
            table = line
                .trim_matches(|c| c == '[' || c == ']')
                .rsplit_once("dependencies.")
                .map(|(_, name)| name.trim_matches('"').to_owned());
            continue;
        }
        if let Some(name) = &table {
            if is_package(line) {
                return Some(name.replace('-', "_"));
            }
        } else if let Some((key, value)) = line.split_once('=') {
            if value.trim_start().starts_with('{') && is_package(value) {
                return Some(key.trim().trim_matches('"').replace('-', "_"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::renamed_dependency;

    #[test]
    fn a_renamed_dependency_is_found_in_either_form() {
        let inline = "[dependencies]\nserde = \"1\"\nsc = { version = \"0.1\", package = \"secrets-core\" }\n";
        assert_eq!(renamed_dependency(inline).as_deref(), Some("sc"));
        let table = "[dependencies.my-secrets]\nversion = \"0.1\"\npackage = \"secrets-core\"\n";
        assert_eq!(renamed_dependency(table).as_deref(), Some("my_secrets"));
        let plain = "[dependencies]\nsecrets-core = { path = \"../secrets-core\" }\n";
        assert_eq!(renamed_dependency(plain), None);
        let other = "[dependencies]\nx = { package = \"secrets-core-extra\" }\n";
        assert_eq!(renamed_dependency(other), None);
    }
}
