//! The process environment as a source, read without ever being modified.

use std::collections::HashMap;
use std::ffi::OsString;
use std::hash::{BuildHasherDefault, Hasher};

use secrecy::SecretString;
use secrecy::zeroize::Zeroize;

use crate::sources::{Answer, Found, Origin, Source, SourceError, not_unicode};
use crate::spec::{ContractSpec, VarSpec};

/// From this many names on, one pass over the environment beats a `getenv` per name.
///
/// Each `getenv` scans the whole environment, so N lookups cost N x E scan steps; a snapshot
/// costs E copies (two allocations each) once. Both grow with E, so the break-even is a number
/// of names, not a share of the environment: the `load` benchmark puts it between 100 and 1000.
pub(crate) const SNAPSHOT_FROM: usize = 128;

/// Reads variables from the process environment.
#[derive(Clone, Copy, Debug, Default)]
pub struct EnvSource;

impl EnvSource {
    /// The process environment.
    pub fn new() -> Self {
        Self
    }
}

impl Source for EnvSource {
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError> {
        std::env::var_os(name).map(|value| Found::from_os(name, value, Origin::Env)).transpose()
    }

    fn answer(&self, var: &'static VarSpec) -> Answer {
        answer(var)
    }

    fn is_process_environment(&self) -> bool {
        true
    }

    fn lookup_spec(&self, spec: &'static ContractSpec) -> Option<Vec<Result<Option<Found>, SourceError>>> {
        let names = spec.names();
        if names.len() < SNAPSHOT_FROM {
            return None;
        }
        let found = |(name, value): (&&str, Option<OsString>)| {
            value.map(|value| Found::from_os(name, value, Origin::Env)).transpose()
        };
        Some(names.iter().zip(read_all(names)).map(found).collect())
    }

    fn describe(&self) -> Vec<String> {
        vec!["process environment".to_owned()]
    }

    fn names(&self) -> Vec<String> {
        let names = std::env::vars_os().map(|(name, value)| {
            value.into_encoded_bytes().zeroize();
            name
        });
        names.filter_map(|name| name.into_string().ok()).collect()
    }
}

/// Looks up one variable in the process environment.
#[inline]
pub(crate) fn answer(var: &'static VarSpec) -> Answer {
    match std::env::var_os(var.name()) {
        Some(value) => match value.into_string() {
            Ok(value) => Answer::Env(SecretString::from(value)),
            Err(value) => Answer::Failed(Box::new(not_unicode(var.name(), value, Origin::Env))),
        },
        None => Answer::Missing,
    }
}

/// The values of `names` in the process environment, read in one pass: one copy of every
/// variable, so it pays from [`SNAPSHOT_FROM`] names on. The copies of values that are not
/// wanted (other programs' secrets, perhaps) are zeroized.
pub(crate) fn read_all<S: AsRef<str>>(names: &[S]) -> Vec<Option<OsString>> {
    let wanted: HashMap<&[u8], usize, BuildHasherDefault<Fnv>> =
        names.iter().enumerate().map(|(index, name)| (name.as_ref().as_bytes(), index)).collect();
    let mut values: Vec<Option<OsString>> = vec![None; names.len()];
    for (key, value) in std::env::vars_os() {
        match wanted.get(key.as_encoded_bytes()) {
            Some(&index) => values[index] = Some(value),
            None => value.into_encoded_bytes().zeroize(),
        }
    }
    values
}

/// FNV-1a: variable names are short and not attacker-chosen, so a fast hash beats SipHash here.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
