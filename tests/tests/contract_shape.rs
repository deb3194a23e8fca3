//! Compile-time guarantees: every contract-shape mistake is a spanned error; generated code is hygienic.

#[test]
fn contract_shape() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/pass/*.rs");
}
