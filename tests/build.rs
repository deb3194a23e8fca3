//! Generates `Large`: a contract big enough that the process environment is read in one pass;
//! sets `cfg(openbao)` when the OpenBao test servers are named (as `.ci/run` does), so the tests
//! that need them run, and are ignored with a reason otherwise.

use std::fmt::Write;

/// More variables than `EnvSource` looks up one at a time.
const FIELDS: usize = 150;

/// A contract as large as any the derive must compile (one `let` per field once overflowed
/// rustc's stack at 4,000 fields).
const HUGE: usize = 10_000;

/// `Huge`: a quarter each required secrets, optional secrets in one feature group, `u16` and
/// `bool` settings with defaults.
fn huge() -> String {
    let mut out =
        format!("/// A contract of {HUGE} fields.\n#[derive(SecretContract)]\n#[contract(prefix = \"HUGE_\")]\n");
    out.push_str("pub(crate) struct Huge {\n");
    for i in 0..HUGE {
        let _ = match i % 4 {
            0 => writeln!(out, "    #[secret(required)]\n    secret_{i:05}: SecretString,"),
            1 => {
                writeln!(out, "    #[secret(optional, feature = \"extras\")]\n    extra_{i:05}: Option<SecretString>,")
            }
            2 => writeln!(out, "    #[config(default = \"8080\")]\n    port_{i:05}: u16,"),
            _ => writeln!(out, "    #[config(default = \"false\")]\n    flag_{i:05}: bool,"),
        };
    }
    out.push_str("}\n");
    out
}

fn main() {
    let mut out = String::from("/// A contract of 150 required secrets and one optional one.\n");
    out.push_str("#[derive(SecretContract)]\n#[contract(prefix = \"LARGE_\")]\npub(crate) struct Large {\n");
    for i in 0..FIELDS {
        let _ = writeln!(out, "    #[secret(required)]\n    secret_{i:03}: SecretString,");
    }
    out.push_str("    #[secret(optional)]\n    spare: Option<SecretString>,\n}\n");
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("large.rs"), out).expect("OUT_DIR is writable");
    std::fs::write(out_dir.join("huge.rs"), huge()).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(openbao)");
    println!("cargo::rerun-if-env-changed=SECRETS_TEST_VAULT_ADDR");
    if std::env::var_os("SECRETS_TEST_VAULT_ADDR").is_some() {
        println!("cargo::rustc-cfg=openbao");
    }
}
