//! Generates the benchmark contracts: N fields as a derived contract, for N in 10, 100, 1000,
//! and the same 100 variables as 10 nested sections of 10.

use std::fmt::Write;

fn main() {
    let mut out = String::new();
    for n in [10, 100, 1000] {
        let _ = writeln!(out, "/// A derived contract of {n} required secrets.");
        let _ = writeln!(out, "#[derive(SecretContract)]");
        let _ = writeln!(out, "#[contract(prefix = \"BENCH_\")]");
        let _ = writeln!(out, "pub(crate) struct Derived{n} {{");
        for i in 0..n {
            let _ = writeln!(out, "    #[secret(required)]\n    s{:03}_f{}: SecretString,", i / 10, i % 10);
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
            let _ = writeln!(
                out,
                "    #[envconfig(from = \"BENCH_S{:03}_F{}\")]\n    s{:03}_f{}: String,",
                i / 10,
                i % 10,
                i / 10,
                i % 10
            );
        }
        let _ = writeln!(out, "}}\n");
    }
    // The 100 variables again, as ten sections of ten: `BENCH_` + `S003_` + `F7`.
    for section in 0..10 {
        let _ = writeln!(out, "/// Section {section} of the nested contract.");
        let _ = writeln!(out, "#[derive(SecretContract)]");
        let _ = writeln!(out, "pub(crate) struct Section{section} {{");
        for field in 0..10 {
            let _ = writeln!(out, "    #[secret(required)]\n    f{field}: SecretString,");
        }
        let _ = writeln!(out, "}}\n");
    }
    let _ = writeln!(out, "/// The 100 variables of `Derived100` in ten nested sections.");
    let _ = writeln!(out, "#[derive(SecretContract)]");
    let _ = writeln!(out, "#[contract(prefix = \"BENCH_\")]");
    let _ = writeln!(out, "pub(crate) struct Nested100 {{");
    for section in 0..10 {
        let _ = writeln!(out, "    #[nested]\n    s{section:03}: Section{section},");
    }
    let _ = writeln!(out, "}}\n");
    let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("contracts.rs");
    std::fs::write(path, out).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
}
