//! Compile-fail tests: every mistake inside one struct is a compile error on the user's token.
//! Cases are grouped by family under `tests/ui/<family>/`. The toolchain is pinned
//! (rust-toolchain.toml) so the `.stderr` snapshots stay stable; regenerate them with
//! `TRYBUILD=overwrite cargo test -p retort-macros --test ui` and read every one.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}
