//! Process boundaries: a child process gets the contract's variables explicitly.
//!
//! A program's context is not its child's: the `.env` it read, the files, credentials and Vault
//! paths it loaded from are not the child's. [`SecretContract::pass_to`](crate::SecretContract::pass_to)
//! sets every loaded variable on a `std::process::Command` under its declared name, and
//! `secrets run` (feature `cli`) does it for any program.

use std::ffi::OsStr;
use std::process::Command;

use secrecy::{ExposeSecret, SecretString};

use crate::SecretContract;
use crate::spec::VarSpec;

#[cfg(all(feature = "cli", unix))]
pub(crate) mod files;
#[cfg(all(feature = "cli", unix))]
pub(crate) mod run;
pub(crate) mod text;

/// The variables [`pass_only_to`](crate::SecretContract::pass_only_to) keeps from the parent's
/// environment: what a program needs to run at all, and no configuration.
pub(crate) const KEPT_VARIABLES: [&str; 7] = ["PATH", "HOME", "USER", "LANG", "TZ", "TERM", "TMPDIR"];

/// Every loaded variable, with its declared (composed) name, in the contract's order.
///
/// # Panics
///
/// When a loaded setting's type has no text form (see [`text`]): the message names the variable
/// and the type.
pub(crate) fn variables<C: SecretContract>(contract: &C) -> Vec<(&'static VarSpec, SecretString)> {
    let vars = C::spec().vars();
    contract
        .__env_texts()
        .into_iter()
        .map(|(index, text)| {
            let var = &vars[index];
            match text {
                Ok(text) => (var, text),
                Err(ty) => panic!(
                    "{} cannot be passed to a child process: its type `{ty}` has no text form; \
                     implement `Display` for it",
                    var.name()
                ),
            }
        })
        .collect()
}

/// The names a child must not inherit beside `var`'s own value: `NAME_FILE` (a child with the
/// same contract would refuse both), and the aliases and deprecated names with their `_FILE`.
pub(crate) fn competing_names(var: &VarSpec) -> impl Iterator<Item = String> {
    let others = var.aliases().iter().chain(var.deprecated_names()).copied();
    std::iter::once(format!("{}_FILE", var.name()))
        .chain(others.flat_map(|name| [name.to_owned(), format!("{name}_FILE")]))
}

/// Sets every loaded variable on `command` (see [`SecretContract::pass_to`]).
pub(crate) fn pass_to<'c, C: SecretContract>(contract: &C, command: &'c mut Command) -> &'c mut Command {
    for (var, text) in variables(contract) {
        for name in competing_names(var) {
            command.env_remove(name);
        }
        command.env(var.name(), text.expose_secret());
    }
    command
}

/// Clears `command`'s environment but for [`KEPT_VARIABLES`] and `LC_*`, then passes the contract.
pub(crate) fn pass_only_to<'c, C: SecretContract>(contract: &C, command: &'c mut Command) -> &'c mut Command {
    keep_only_basics(command);
    pass_to(contract, command)
}

/// Clears `command`'s environment but for what a program needs to run (see [`KEPT_VARIABLES`]).
pub(crate) fn keep_only_basics(command: &mut Command) {
    command.env_clear();
    for (name, value) in std::env::vars_os() {
        if is_kept(&name) {
            command.env(name, value);
        }
    }
}

fn is_kept(name: &OsStr) -> bool {
    name.to_str().is_some_and(|name| KEPT_VARIABLES.contains(&name) || name.starts_with("LC_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_basics_and_locales_are_kept() {
        for name in ["PATH", "HOME", "USER", "LANG", "LC_ALL", "LC_TIME", "TZ", "TERM", "TMPDIR"] {
            assert!(is_kept(OsStr::new(name)), "{name}");
        }
        for name in ["DATABASE_URL", "LD_PRELOAD", "SHELL", "path", "LCX", "CREDENTIALS_DIRECTORY", "NOTIFY_SOCKET"] {
            assert!(!is_kept(OsStr::new(name)), "{name}");
        }
    }
}
