//! Compiles every script in the example app's `migrations/versions/` into the binary; cargo
//! re-runs this when a file there is added, removed or edited.
fn main() {
    if let Err(e) = retort_build::migrations("../examples/blog/migrations") {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
