//! A crate that renames its `secrets-core` dependency (`sc = { package = "secrets-core" }`)
//! derives contracts without `#[contract(crate = ...)]`: the derive reads the new name from the
//! crate's `Cargo.toml`. Built with cargo, offline, in a target directory of its own.

use std::path::Path;
use std::process::Command;

#[test]
fn a_renamed_dependency_is_found_by_the_derive() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the workspace");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let core = root.join("secrets-core");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"renamed\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nsc = {{ path = {:?}, package = \"secrets-core\" }}\n\n[workspace]\n",
            core.display().to_string()
        ),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    std::fs::write(
        dir.path().join("src/main.rs"),
        "use sc::{MapSource, SecretContract, SecretString};\n\n\
         #[derive(SecretContract)]\nstruct App {\n    #[secret(required)]\n    token: SecretString,\n}\n\n\
         fn main() {\n    let app = App::load_from(&MapSource::new().with(\"TOKEN\", \"a-long-token-value\")).unwrap();\n    \
         assert!(app.has_token());\n}\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline"])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", root.join("target/renamed-dependency"))
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}
