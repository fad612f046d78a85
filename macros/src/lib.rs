//! retort: `#[derive(Table)]`, `#[derive(DbEnum)]` and `include_migrations!()`. Use them through the `retort` crate,
//! which documents the attributes; the generated code reaches the runtime only through
//! `::retort::__private`.
//!
//! Layout (after serde_derive): `attr` parses attributes into a small AST, `ast` the struct,
//! `check` validates what needs the whole struct, `expand` generates code. Every problem is
//! reported at once, on the token that caused it; nothing here panics.

#![warn(missing_docs)]

mod ast;
mod attr;
mod check;
mod db_enum;
mod encode;
mod expand;
mod include;
mod symbol;
mod ty;
mod util;

use proc_macro::TokenStream;

/// See `retort::Table`.
#[proc_macro_derive(Table, attributes(table, column))]
pub fn derive_table(input: TokenStream) -> TokenStream {
    expand::expand_or_errors(input.into()).into()
}

/// See `retort::DbEnum`.
#[proc_macro_derive(DbEnum, attributes(db_enum))]
pub fn derive_db_enum(input: TokenStream) -> TokenStream {
    db_enum::expand_or_errors(input.into()).into()
}

/// See `retort::include_migrations!`.
#[proc_macro]
pub fn include_migrations(input: TokenStream) -> TokenStream {
    include::expand(input.into()).into()
}
