//! Sets `cfg(openbao)` when the OpenBao test servers are named (as `.ci/run` does), so the tests
//! that need them run, and are ignored with a reason otherwise.

// A build script reads cargo's environment, not the program's secrets.
#[allow(clippy::disallowed_methods)]
fn main() {
    println!("cargo::rustc-check-cfg=cfg(openbao)");
    println!("cargo::rerun-if-env-changed=SECRETS_TEST_VAULT_ADDR");
    // secrets-lint: allow(a build script asks whether the test servers exist, not for a secret)
    if std::env::var_os("SECRETS_TEST_VAULT_ADDR").is_some() {
        println!("cargo::rustc-cfg=openbao");
    }
}
