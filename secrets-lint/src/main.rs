//! `secrets-lint [--json] PATH...`: report environment reads that bypass a secrets contract.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: secrets-lint [--json] PATH...\n\
    Reports reads of secret-like environment variables that bypass a #[derive(SecretContract)].\n\
    Exit status: 0 clean, 1 findings, 2 usage or unparsable files.";

fn main() -> ExitCode {
    let mut json = false;
    let mut paths = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--json") => json = true,
            Some("-h" | "--help") => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            Some(flag) if flag.starts_with('-') => {
                eprintln!("unknown option {flag}\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if paths.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let files = match secrets_lint::rust_files(&paths) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("secrets-lint: cannot list the sources: {error}");
            return ExitCode::from(2);
        }
    };
    let (findings, failures) = secrets_lint::lint(&files);
    if json {
        println!("{}", serde_json::to_string_pretty(&findings).expect("findings serialize"));
    } else {
        for finding in &findings {
            println!("{finding}");
        }
    }
    for failure in &failures {
        eprintln!("secrets-lint: {} does not parse: {}", failure.file.display(), failure.message);
    }
    if !failures.is_empty() {
        ExitCode::from(2)
    } else if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
