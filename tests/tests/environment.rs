//! The process environment as a source: one lookup per variable for a small contract, one pass
//! over the environment for a large one, and the same results either way.
//!
//! Each test runs again as a child process with exactly the environment it needs: a test cannot
//! set variables in its own process without `unsafe`.

mod child;
mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use child::in_child;
use common::{AppSecrets, FULL};
use secrets_core::{
    EnvSource, ExposeSecret, FileIndirection, Found, MapSource, Origin, SecretContract, Source, SourceError, Sources,
    State,
};

// The generated fields are loaded and never all read.
#[allow(dead_code)]
mod large {
    use secrets_core::{SecretContract, SecretString};

    include!(concat!(env!("OUT_DIR"), "/large.rs"));
}
use large::Large;

/// A source asked one variable at a time, as any source without a batch is.
struct OneAtATime<S>(S);

impl<S: Source> Source for OneAtATime<S> {
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError> {
        self.0.lookup(name)
    }

    fn describe(&self) -> Vec<String> {
        self.0.describe()
    }

    fn names(&self) -> Vec<String> {
        self.0.names()
    }
}

fn large_value(index: usize) -> String {
    format!("large-secret-value-{index:03}")
}

/// Every variable of `Large` but `skip`, and as many unrelated ones, as on a real host.
fn large_environment(skip: &[usize]) -> Vec<(String, OsString)> {
    let contract = (0..150).filter(|i| !skip.contains(i)).map(|i| (format!("LARGE_SECRET_{i:03}"), large_value(i)));
    let unrelated = (0..150).map(|i| (format!("HOST_SETTING_{i:03}"), format!("host-{i}")));
    contract.chain(unrelated).map(|(name, value)| (name, value.into())).collect()
}

#[test]
fn a_large_contract_is_read_in_one_pass() {
    if !in_child("a_large_contract_is_read_in_one_pass", large_environment(&[])) {
        return;
    }
    assert!(EnvSource.lookup_spec(Large::spec()).is_some(), "150 variables are read in one pass");
    let secrets = Large::load_from(&EnvSource).unwrap();
    assert_eq!(secrets.secret_000().expose_secret(), large_value(0));
    assert_eq!(secrets.secret_077().expose_secret(), large_value(77));
    assert_eq!(secrets.secret_149().expose_secret(), large_value(149));
    assert!(!secrets.has_spare());
    let report = Large::status_from(&EnvSource);
    assert!(
        report
            .entries()
            .iter()
            .filter(|entry| entry.spec().name() != "LARGE_SPARE")
            .all(|entry| { entry.state() == &State::Configured && entry.origin() == Some(&Origin::Env) })
    );
    assert_eq!(report.to_json(), Large::status_from(&OneAtATime(EnvSource)).to_json());
}

#[test]
fn one_pass_finds_the_same_problems_as_one_lookup_at_a_time() {
    let mut vars = large_environment(&[7, 8, 9]);
    vars.push(("LARGE_SECRET_08".to_owned(), "a typo".into()));
    vars.push(("LARGE_SECRET_008".to_owned(), "  ".into()));
    vars.push(("LARGE_SECRET_009".to_owned(), OsString::from_vec(b"caf\xe9".to_vec())));
    if !in_child("one_pass_finds_the_same_problems_as_one_lookup_at_a_time", vars) {
        return;
    }
    let error = Large::load_from(&EnvSource).unwrap_err();
    let report = error.report();
    assert_eq!(report.entry("LARGE_SECRET_007").unwrap().state(), &State::Missing);
    assert_eq!(report.entry("LARGE_SECRET_007").unwrap().suggestion(), Some("LARGE_SECRET_08"));
    assert_eq!(report.entry("LARGE_SECRET_008").unwrap().state(), &State::Empty);
    let unreadable = State::Unreadable { reason: "not valid UTF-8".to_owned() };
    assert_eq!(report.entry("LARGE_SECRET_009").unwrap().state(), &unreadable);
    assert_eq!(error.to_string(), Large::load_from(&OneAtATime(EnvSource)).unwrap_err().to_string());
    assert_eq!(report.to_json(), Large::status_from(&OneAtATime(EnvSource)).to_json());
}

#[test]
fn a_chain_with_the_environment_keeps_its_order_in_one_pass() {
    if !in_child("a_chain_with_the_environment_keeps_its_order_in_one_pass", large_environment(&[7])) {
        return;
    }
    let before = || MapSource::new().with("LARGE_SECRET_005", "from-the-first-layer");
    let after = || MapSource::new().with("LARGE_SECRET_005", "never-asked").with("LARGE_SECRET_007", "from-the-last");
    let chain = Sources::new().with(before()).env().with(after());
    assert!(chain.lookup_spec(Large::spec()).is_some(), "the environment layer answers in one pass");
    let secrets = Large::load_from(&chain).unwrap();
    assert_eq!(secrets.secret_005().expose_secret(), "from-the-first-layer");
    assert_eq!(secrets.secret_006().expose_secret(), large_value(6));
    assert_eq!(secrets.secret_007().expose_secret(), "from-the-last");
    let report = Large::status_from(&chain);
    assert_eq!(report.entry("LARGE_SECRET_005").unwrap().origin(), Some(&Origin::Map));
    assert_eq!(report.entry("LARGE_SECRET_006").unwrap().origin(), Some(&Origin::Env));
    let one_at_a_time = Sources::new().with(before()).with(OneAtATime(EnvSource)).with(after());
    assert_eq!(report.to_json(), Large::status_from(&one_at_a_time).to_json());
}

#[test]
fn name_file_variables_are_read_in_one_pass_too() {
    // The parent writes the file and the child, given its path, reads it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret_003");
    std::fs::write(&path, "from-a-file\n").unwrap();
    let mut vars = large_environment(&[3]);
    vars.push(("LARGE_SECRET_003_FILE".to_owned(), path.clone().into()));
    vars.push(("LARGE_SECRET_004_FILE".to_owned(), path.into()));
    if !in_child("name_file_variables_are_read_in_one_pass_too", vars) {
        return;
    }
    let path = std::path::PathBuf::from(std::env::var_os("LARGE_SECRET_003_FILE").unwrap());
    let chain = Sources::new().file_indirection().env();
    assert!(FileIndirection.lookup_spec(Large::spec()).is_some(), "150 variables are read in one pass");
    let report = Large::load_from(&chain).unwrap_err().report().clone();
    assert_eq!(report.entry("LARGE_SECRET_003").unwrap().origin(), Some(&Origin::File { path }));
    let conflict = "both LARGE_SECRET_004 and LARGE_SECRET_004_FILE are set; unset one";
    assert_eq!(report.entry("LARGE_SECRET_004").unwrap().state(), &State::Unreadable { reason: conflict.to_owned() });
    assert_eq!(report.entry("LARGE_SECRET_005").unwrap().origin(), Some(&Origin::Env));
    let one_at_a_time = Sources::new().with(OneAtATime(FileIndirection)).with(OneAtATime(EnvSource));
    assert_eq!(report.to_json(), Large::status_from(&one_at_a_time).to_json());
}

#[test]
fn a_small_contract_is_read_one_variable_at_a_time_with_the_same_results() {
    let mut vars: Vec<(String, OsString)> = FULL
        .iter()
        .filter(|(name, _)| *name != "REDIS_URL")
        .map(|(name, value)| ((*name).to_owned(), value.into()))
        .collect();
    vars.retain(|(name, _)| name != "OPENAI_API_KEY" && name != "LOG_LEVEL");
    vars.push(("OPENAI_API_KEY".to_owned(), OsString::from_vec(b"sk-\xff".to_vec())));
    vars.push(("LOG_LEVEL".to_owned(), "".into()));
    if !in_child("a_small_contract_is_read_one_variable_at_a_time_with_the_same_results", vars) {
        return;
    }
    assert!(EnvSource.lookup_spec(AppSecrets::spec()).is_none(), "9 variables are looked up one at a time");
    let report = AppSecrets::status_from(&EnvSource);
    assert_eq!(report.entry("REDIS_URL").unwrap().state(), &State::Missing);
    let unreadable = State::Unreadable { reason: "not valid UTF-8".to_owned() };
    assert_eq!(report.entry("OPENAI_API_KEY").unwrap().state(), &unreadable);
    // Set but empty, with a default: the default is used, and the report says so.
    let log_level = report.entry("LOG_LEVEL").unwrap();
    assert_eq!((log_level.state(), log_level.origin()), (&State::Configured, Some(&Origin::Default)));
    assert_eq!(log_level.concerns(), [secrets_core::Concern::EmptyDefaultUsed]);
    assert_eq!(report.entry("DATABASE_URL").unwrap().origin(), Some(&Origin::Env));
    assert_eq!(report.to_json(), AppSecrets::status_from(&OneAtATime(EnvSource)).to_json());
    let error = AppSecrets::load_from(&EnvSource).unwrap_err().to_string();
    assert_eq!(error, AppSecrets::load_from(&OneAtATime(EnvSource)).unwrap_err().to_string());
}

#[test]
fn values_are_the_same_whichever_way_they_are_read() {
    if !in_child("values_are_the_same_whichever_way_they_are_read", large_environment(&[])) {
        return;
    }
    let (batched, single) = (Large::load_from(&EnvSource).unwrap(), Large::load_from(&OneAtATime(EnvSource)).unwrap());
    let text: String = (0..150).map(|i| large_value(i) + " ").collect();
    let masked = batched.redactor().redact(&text);
    assert_eq!(masked, single.redactor().redact(&text));
    assert_eq!(masked, "[REDACTED] ".repeat(150));
}
