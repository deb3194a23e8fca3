//! Generates the benchmark contracts: N fields as a derived contract, for N in 10, 100, 1000.

use std::fmt::Write;

fn main() {
    let mut out = String::new();
    for n in [10, 100, 1000] {
        let _ = writeln!(out, "/// A derived contract of {n} required secrets.");
        let _ = writeln!(out, "#[derive(SecretContract)]");
        let _ = writeln!(out, "#[contract(prefix = \"BENCH_\")]");
        let _ = writeln!(out, "pub(crate) struct Derived{n} {{");
        for i in 0..n {
            let _ = writeln!(out, "    #[secret(required)]\n    secret_{i:04}: SecretString,");
        }
        let _ = writeln!(out, "}}\n");
        if n > 100 {
            // envconfig's derive chains one `?` per field; at 1000 fields its drop code grows
            // with the square of N and a release build takes more than five minutes.
            continue;
        }
        let _ = writeln!(out, "/// The same {n} variables read by `envconfig`.");
        let _ = writeln!(out, "#[derive(Envconfig)]");
        let _ = writeln!(out, "pub(crate) struct Envconfig{n} {{");
        for i in 0..n {
            let _ = writeln!(out, "    #[envconfig(from = \"BENCH_SECRET_{i:04}\")]\n    secret_{i:04}: String,");
        }
        let _ = writeln!(out, "}}\n");
    }
    let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("contracts.rs");
    std::fs::write(path, out).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
}
