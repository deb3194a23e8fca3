//! A program whose contract the process tests hand to children: every source kind, an alias, a
//! nested section, settings of several types.
//!
//! - `propagate secrets <subcommand> ...`: the operator commands (`secrets run` among them);
//! - `propagate pass CMD [ARGS...]` / `propagate pass-only CMD [ARGS...]`: loads with
//!   `load_or_exit`, runs CMD with `pass_to` / `pass_only_to`, and exits with its status.

use std::process::Command;
use std::time::Duration;

use secrets_core::{ConfigEnum, SecretBox, SecretContract, SecretString};

/// The database section: `APP_DB_*`.
#[derive(SecretContract)]
struct Pool {
    #[secret(optional)]
    password: Option<SecretString>,
    #[config(default = 10)]
    max_conns: u32,
}

#[derive(ConfigEnum, Debug)]
enum Mode {
    ReadOnly,
    Full,
}

#[derive(SecretContract)]
#[contract(prefix = "APP_")]
struct Propagated {
    /// From the `.env` in the tests
    #[secret(required)]
    database_url: SecretString,
    /// From `APP_API_TOKEN_FILE` in the tests
    #[secret(required)]
    api_token: SecretString,
    /// From `$CREDENTIALS_DIRECTORY/signing-key` in the tests
    #[secret(required, credential = "signing-key")]
    signing_key: SecretString,
    #[secret(optional, alias = "LEGACY_WEBHOOK")]
    webhook: Option<SecretString>,
    #[secret(billing)]
    openai_api_key: Option<SecretString>,
    #[secret(optional)]
    hmac_key: Option<SecretBox<Vec<u8>>>,
    #[config(default = 8080)]
    port: u16,
    #[config(default = "30s")]
    timeout: Duration,
    #[config(default = false)]
    cache_enabled: bool,
    #[config(default = "full")]
    mode: Mode,
    #[config(sep = " ", default = "a.internal b.internal")]
    hosts: Vec<String>,
    #[nested(prefix = "DB_")]
    db: Pool,
}

fn main() {
    let mut args = std::env::args_os().skip(1);
    let mode = args.next().and_then(|mode| mode.into_string().ok());
    match mode.as_deref() {
        Some("secrets") => std::process::exit(secrets_core::cli::run_from::<Propagated>(std::env::args_os().skip(1))),
        Some(mode @ ("pass" | "pass-only")) => {
            let secrets = Propagated::load_or_exit();
            let program = args.next().expect("a command to run");
            let mut command = Command::new(program);
            command.args(args);
            if mode == "pass" {
                secrets.pass_to(&mut command);
            } else {
                secrets.pass_only_to(&mut command);
            }
            let status = command.status().expect("the command starts");
            std::process::exit(status.code().unwrap_or(1));
        }
        _ => {
            eprintln!("usage: propagate secrets ... | propagate pass[-only] CMD [ARGS...]");
            std::process::exit(2);
        }
    }
}
