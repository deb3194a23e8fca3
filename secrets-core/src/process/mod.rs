//! Process boundaries: a child process gets the contract's variables explicitly.
//!
//! A program's context is not its child's: the `.env` it read, the files, credentials and Vault
//! paths it loaded from are not the child's. [`SecretContract::pass_to`](crate::SecretContract::pass_to)
//! sets every loaded variable on a `std::process::Command` under its declared name, and
//! `secrets run` (feature `cli`) does it for any program.

use std::ffi::OsStr;
use std::io;
use std::path::PathBuf;
use std::process::Command;

use secrecy::{ExposeSecret, SecretString};

use crate::SecretContract;
use crate::spec::{Kind, VarSpec};

#[cfg(all(feature = "cli", unix))]
pub(crate) mod files;
#[cfg(all(feature = "cli", unix))]
pub(crate) mod run;
pub(crate) mod text;

/// The variables [`pass_only_to`](crate::SecretContract::pass_only_to) keeps from the parent's
/// environment: what a program needs to run at all, and no configuration.
pub(crate) const KEPT_VARIABLES: [&str; 7] = ["PATH", "HOME", "USER", "LANG", "TZ", "TERM", "TMPDIR"];

/// What a child is handed: every loaded variable with its text, and the declared variables
/// that were not loaded.
pub(crate) struct Passed {
    /// Each loaded variable under its declared (composed) name, in the contract's order.
    pub(crate) loaded: Vec<(&'static VarSpec, SecretString)>,
    /// The declared variables with no value (an absent optional secret, a disabled section).
    pub(crate) unloaded: Vec<&'static VarSpec>,
}

impl Passed {
    /// The variables of `contract`.
    ///
    /// # Panics
    ///
    /// When a loaded variable's type has no text form (see [`text`]): the message names the
    /// variable and the type.
    pub(crate) fn of<C: SecretContract>(contract: &C) -> Self {
        let vars = C::spec().vars();
        let mut is_loaded = vec![false; vars.len()];
        let loaded = contract
            .__env_texts()
            .into_iter()
            .map(|(index, text)| {
                let var = &vars[index];
                is_loaded[index] = true;
                match text {
                    Ok(text) => (var, text),
                    Err(ty) => panic!("{}", no_text_form(var, ty)),
                }
            })
            .collect();
        let unloaded = vars.iter().zip(is_loaded).filter(|(_, loaded)| !loaded).map(|(var, _)| var).collect();
        Self { loaded, unloaded }
    }

    /// The texts of the loaded secrets, as the child gets them.
    #[cfg(all(feature = "cli", unix))]
    pub(crate) fn secret_texts(&self) -> impl Iterator<Item = &str> {
        self.loaded.iter().filter(|(var, _)| var.kind() == Kind::Secret).map(|(_, text)| text.expose_secret())
    }

    /// Sets the variables on `command`: each loaded one under its name, or as the file
    /// `as_file` writes for it (then `NAME_FILE`); each unloaded one empty, which a contract
    /// reads as unset, so that a child with the same contract does not find a value this
    /// program judged missing (in a `.env` of its own, under an alias it inherited). Every
    /// variable's `NAME_FILE`, aliases and deprecated names are removed.
    pub(crate) fn set_on(
        &self,
        command: &mut Command,
        mut as_file: impl FnMut(&'static VarSpec, &SecretString) -> io::Result<Option<PathBuf>>,
    ) -> io::Result<()> {
        for (var, text) in &self.loaded {
            remove_competing_names(command, var);
            match as_file(var, text)? {
                Some(path) => {
                    command.env_remove(var.name());
                    command.env(format!("{}_FILE", var.name()), path);
                }
                None => {
                    command.env(var.name(), text.expose_secret());
                }
            }
        }
        for var in &self.unloaded {
            remove_competing_names(command, var);
            if var.allow_empty() {
                // An empty text would be a value for it: unset is the nearest the child gets.
                command.env_remove(var.name());
            } else {
                command.env(var.name(), "");
            }
        }
        Ok(())
    }
}

/// Why a variable cannot be handed to a child.
fn no_text_form(var: &VarSpec, ty: &str) -> String {
    let fix = match var.kind() {
        Kind::Secret => "implement `SecretValue::secret_text` for it, or `Display` for the type in a `SecretBox`",
        Kind::Config => "implement `Display` for it (in a generic contract, bound the type parameter by `Display`)",
    };
    format!("{} cannot be passed to a child process: no text form was found for its type `{ty}`; {fix}", var.name())
}

/// Removes the names a child must not inherit beside `var`'s own value: `NAME_FILE` (a child
/// with the same contract would refuse both), and the aliases and deprecated names with their
/// `_FILE`.
fn remove_competing_names(command: &mut Command, var: &VarSpec) {
    command.env_remove(format!("{}_FILE", var.name()));
    for name in var.aliases().iter().chain(var.deprecated_names()) {
        command.env_remove(name);
        command.env_remove(format!("{name}_FILE"));
    }
}

/// Sets every variable of `contract` on `command` (see [`SecretContract::pass_to`]).
pub(crate) fn pass_to<'c, C: SecretContract>(contract: &C, command: &'c mut Command) -> &'c mut Command {
    Passed::of(contract).set_on(command, |_, _| Ok(None)).expect("no file is written");
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

    /// A setting type that parses but cannot be written back.
    #[derive(Debug)]
    struct Opaque;

    impl std::str::FromStr for Opaque {
        type Err = std::convert::Infallible;

        fn from_str(_: &str) -> Result<Self, Self::Err> {
            Ok(Self)
        }
    }

    #[derive(crate::SecretContract)]
    struct WithOpaque {
        #[secret(required)]
        token: SecretString,
        #[secret(optional)]
        spare: Option<SecretString>,
        #[config]
        shape: Opaque,
    }

    #[test]
    fn a_value_with_no_text_form_is_named_when_passed() {
        let source = crate::MapSource::new().with("TOKEN", "tok-123456").with("SHAPE", "round");
        let contract = <WithOpaque as SecretContract>::load_from(&source).unwrap();
        let panic = std::panic::catch_unwind(|| Passed::of(&contract)).err().unwrap();
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.starts_with("SHAPE cannot be passed to a child process"), "{message}");
        assert!(message.contains("Opaque") && message.contains("implement `Display`"), "{message}");
        assert!(!message.contains("tok-123456"), "{message}");
    }

    #[test]
    fn unloaded_variables_are_set_empty_and_competing_names_removed() {
        #[derive(crate::SecretContract)]
        struct Job {
            #[secret(required, alias = "OLD_TOKEN")]
            token: SecretString,
            #[secret(optional)]
            spare: Option<SecretString>,
            #[config(allow_empty)]
            note: Option<String>,
        }
        let source = crate::MapSource::new().with("TOKEN", "tok-123456");
        let job = <Job as SecretContract>::load_from(&source).unwrap();
        let mut command = Command::new("true");
        command.env("TOKEN_FILE", "/run/x").env("OLD_TOKEN", "stale").env("NOTE", "inherited");
        pass_to(&job, &mut command);
        let envs: Vec<(String, Option<String>)> = command
            .get_envs()
            .map(|(name, value)| (name.to_string_lossy().into_owned(), value.map(|v| v.to_string_lossy().into_owned())))
            .collect();
        let get = |name: &str| envs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        assert_eq!(get("TOKEN"), Some(Some("tok-123456".to_owned())));
        assert_eq!(get("TOKEN_FILE"), Some(None), "removed");
        assert_eq!(get("OLD_TOKEN"), Some(None), "removed");
        assert_eq!(get("SPARE"), Some(Some(String::new())), "set empty: read as unset");
        assert_eq!(get("NOTE"), Some(None), "an allow_empty variable is removed instead");
    }

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
