//! `retort::include_migrations!()`: the file `retort_build::migrations` wrote in `$OUT_DIR`,
//! or a compile error that says what is missing (instead of rustc's bare "environment
//! variable `OUT_DIR` not defined").

use proc_macro2::TokenStream;
use quote::quote;

/// The name `retort_build::OUTPUT_FILE` writes in `$OUT_DIR`.
const OUTPUT_FILE: &str = "retort_migrations.rs";

const SETUP: &str = "Add to this package's Cargo.toml\n\n    [build-dependencies]\n    retort-build = { path = \"<your retort clone>/build\" }\n\nand a build.rs next to it:\n\n    fn main() {\n        retort_build::migrations(\"../migrations\").unwrap(); // the folder holding versions/, relative to this package\n    }\n\n(README, \"To apply migrations from your application at start-up\")";

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    if !input.is_empty() {
        return error(
            "`retort::include_migrations!()` takes no arguments: the migrations folder is the one your build.rs passes to `retort_build::migrations(..)`",
        );
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        return error(&format!(
            "`retort::include_migrations!()` compiles in the migration scripts that retort-build finds in your build script, but this package has no build script (OUT_DIR is not set).\n{SETUP}"
        ));
    };
    let file = std::path::Path::new(&out_dir).join(OUTPUT_FILE);
    if !file.is_file() {
        return error(&format!(
            "`retort::include_migrations!()`: the build script of this package did not write {} (retort_build::migrations was not called, or failed).\n{SETUP}",
            file.display()
        ));
    }
    let name = format!("/{OUTPUT_FILE}");
    quote! {
        include!(concat!(env!("OUT_DIR"), #name));
    }
}

fn error(message: &str) -> TokenStream {
    quote! { ::core::compile_error!(#message); }
}
