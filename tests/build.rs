//! Generates `Large`: a contract big enough that the process environment is read in one pass;
//! sets `cfg(openbao)` when the OpenBao test servers are named (as `.ci/run` does), so the tests
//! that need them run, and are ignored with a reason otherwise.

use std::fmt::Write;

/// More variables than `EnvSource` looks up one at a time.
const FIELDS: usize = 150;

fn main() {
    let mut out = String::from("/// A contract of 150 required secrets and one optional one.\n");
    out.push_str("#[derive(SecretContract)]\n#[contract(prefix = \"LARGE_\")]\npub(crate) struct Large {\n");
    for i in 0..FIELDS {
        let _ = writeln!(out, "    #[secret(required)]\n    secret_{i:03}: SecretString,");
    }
    out.push_str("    #[secret(optional)]\n    spare: Option<SecretString>,\n}\n");
    let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("large.rs");
    std::fs::write(path, out).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(openbao)");
    println!("cargo::rerun-if-env-changed=SECRETS_TEST_VAULT_ADDR");
    if std::env::var_os("SECRETS_TEST_VAULT_ADDR").is_some() {
        println!("cargo::rustc-cfg=openbao");
    }
}
