//! Generates the benchmark contracts: N fields shaped like a real contract (required and
//! optional secrets, `u16`, `bool` and text settings), as a derived contract for N in 10, 100,
//! 1000, as `envconfig` structs for 10 and 100, and the 100 as ten nested sections of ten.

use std::fmt::Write;

/// The field declarations of the `i`-th variable: derive attribute, `envconfig` type, derived type.
fn field(i: usize) -> (&'static str, &'static str, &'static str) {
    match i % 10 {
        0..=3 => ("#[secret(required)]", "String", "SecretString"),
        4 | 5 => ("#[secret(optional)]", "Option<String>", "Option<SecretString>"),
        6 | 7 => ("#[config]", "u16", "u16"),
        8 => ("#[config]", "bool", "bool"),
        _ => ("#[config]", "String", "String"),
    }
}

fn main() {
    let mut out = String::new();
    for n in [10, 100, 1000] {
        let _ = writeln!(out, "/// A derived contract of {n} variables.");
        let _ = writeln!(out, "#[derive(SecretContract)]");
        let _ = writeln!(out, "#[contract(prefix = \"BENCH_\")]");
        let _ = writeln!(out, "pub(crate) struct Derived{n} {{");
        for i in 0..n {
            let (attribute, _, ty) = field(i);
            let _ = writeln!(out, "    {attribute}\n    s{:03}_f{}: {ty},", i / 10, i % 10);
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
            let (_, ty, _) = field(i);
            let _ = writeln!(
                out,
                "    #[envconfig(from = \"BENCH_S{:03}_F{}\")]\n    s{:03}_f{}: {ty},",
                i / 10,
                i % 10,
                i / 10,
                i % 10
            );
        }
        let _ = writeln!(out, "}}\n");
    }
    // The 100 variables again, as ten sections of ten: `BENCH_` + `S003_` + `F7`.
    let _ = writeln!(out, "/// A section of the nested contract: ten variables.");
    let _ = writeln!(out, "#[derive(SecretContract)]");
    let _ = writeln!(out, "pub(crate) struct Section {{");
    for i in 0..10 {
        let (attribute, _, ty) = field(i);
        let _ = writeln!(out, "    {attribute}\n    f{i}: {ty},");
    }
    let _ = writeln!(out, "}}\n");
    let _ = writeln!(out, "/// The 100 variables of `Derived100` in ten nested sections.");
    let _ = writeln!(out, "#[derive(SecretContract)]");
    let _ = writeln!(out, "#[contract(prefix = \"BENCH_\")]");
    let _ = writeln!(out, "pub(crate) struct Nested100 {{");
    for section in 0..10 {
        let _ = writeln!(out, "    #[nested]\n    s{section:03}: Section,");
    }
    let _ = writeln!(out, "}}\n");
    let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("contracts.rs");
    std::fs::write(path, out).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
}
