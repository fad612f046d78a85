//! Code generation for `#[derive(Table)]`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, LitStr};

use crate::ast::{self, Container, Field};
use crate::check;
use crate::encode::Enc;
use crate::ty;
use crate::util::{snake_case, Errors};

/// The runtime, as generated code reaches it.
fn rt() -> TokenStream {
    quote!(::retort::__private)
}

/// `#[derive(Table)]`: the impl of `retort::Model` and the inventory registration, or every
/// error found in the struct.
pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let mut errs = Errors::default();
    let container = ast::container(&input, &mut errs);
    if let Some(c) = &container {
        check::check(c, &mut errs);
    }
    match (container, errs.combined()) {
        (Some(c), None) => Ok(generate(&c)),
        (_, Some(e)) => Err(e),
        (None, None) => Err(syn::Error::new_spanned(
            &input.ident,
            "retort-macros internal error: struct rejected without a message; please report it",
        )),
    }
}

/// The shim's fallback: the errors, plus a stand-in impl of `Model` so that code using the
/// struct does not fail too (one error, not a cascade).
pub fn expand_or_errors(input: TokenStream) -> TokenStream {
    match expand(input.clone()) {
        Ok(tokens) => tokens,
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(dummy(input));
            out
        }
    }
}

fn dummy(input: TokenStream) -> TokenStream {
    let Ok(input) = syn::parse2::<DeriveInput>(input) else {
        return TokenStream::new();
    };
    let r = rt();
    let ident = &input.ident;
    let name = snake_case(&ident.to_string());
    let (impl_g, ty_g, where_c) = input.generics.split_for_impl();
    quote! {
        const _: () = {
            impl #impl_g #r::Model for #ident #ty_g #where_c {
                const STRUCT_NAME: &'static str = ::core::stringify!(#ident);
                const FIELDS: &'static [(&'static str, &'static str)] = &[];
                fn table() -> #r::Table {
                    #r::Table::new(#name)
                }
            }
        };
    }
}

fn flag(f: Option<crate::attr::Flag>) -> bool {
    f.is_some_and(|f| f.value)
}

fn value(s: Option<&LitStr>) -> Option<String> {
    s.map(LitStr::value)
}

fn values(items: &[LitStr]) -> Vec<String> {
    items.iter().map(LitStr::value).collect()
}

/// One column, in the order `registry/desc.rs` reads it; a Rust-typed column's type is the
/// next item of the `types` array (returned, spanned at the field's type so that an
/// unsupported type is reported there).
fn column(f: &Field, e: &mut Enc) -> Option<TokenStream> {
    let r = rt();
    let a = &f.attrs;
    let ty = f.ty;
    e.s(&f.column);
    let rust_type = match &a.sql_type {
        Some(s) => {
            e.tag('C');
            e.s(&s.value());
            None
        }
        None => {
            e.tag('R');
            e.opt_u32(a.length.map(|n| n.value));
            e.opt_u32(a.precision.map(|n| n.value));
            e.opt_u32(a.scale.map(|n| n.value));
            Some(quote_spanned!(ty.span()=> <#ty as #r::ColumnType>::DESC))
        }
    };
    // None: the type's `NULLABLE`, read from the same `DESC` as its SQL type.
    e.opt_flag(match (a.nullable, &a.sql_type) {
        (Some(n), _) => Some(n.value),
        (None, Some(_)) => Some(ty::option_inner(ty).is_some()),
        (None, None) => None,
    });
    e.opt_flag(a.autoincrement.map(|x| x.value));
    e.opt_s(value(a.server_default.as_ref()).as_deref());
    e.opt_s(value(a.comment.as_ref()).as_deref());
    e.strs(&values(&a.renamed_from));
    e.flag(flag(a.unique));
    e.flag(flag(a.index));
    match &a.references {
        None => e.none(),
        Some(rf) => {
            e.tag('>');
            e.opt_s(rf.schema.as_deref());
            e.s(&rf.table);
            e.s(&rf.column);
            e.action(a.on_delete.as_ref().map(|x| x.action));
            e.action(a.on_update.as_ref().map(|x| x.action));
        }
    }
    rust_type
}

/// The impl of `Model` and the registration, around a `static` description of the table
/// (`TableDesc`): one string literal (`encode`) and the column types, data the compiler
/// evaluates once, instead of code that builds the table.
fn generate(c: &Container) -> TokenStream {
    let r = rt();
    let ident = c.ident;
    let struct_name = ident.to_string();
    let mut e = Enc::default();
    e.s(&c.table_name());
    e.opt_s(value(c.attrs.schema.as_ref()).as_deref());
    e.opt_s(value(c.attrs.comment.as_ref()).as_deref());
    e.strs(&values(&c.attrs.renamed_from));
    e.count(c.columns().count());
    let types: Vec<TokenStream> = c.columns().filter_map(|f| column(f, &mut e)).collect();
    e.strs(&c.primary_key());
    e.opt_s(value(c.attrs.primary_key_name.as_ref()).as_deref());

    // Table-level items without their required key were reported as errors already.
    let indexes = c.attrs.indexes.iter();
    e.list(
        indexes.filter_map(|ix| Some((ix, ix.columns.as_ref()?))),
        |e, (ix, cols)| {
            e.opt_s(value(ix.name.as_ref()).as_deref());
            e.strs(&values(&cols.items));
            e.flag(ix.unique);
            e.opt_s(value(ix.predicate.as_ref()).as_deref());
            e.list(&ix.dialects, |e, d| e.tag(d.tag()));
        },
    );
    let uniques = c.attrs.uniques.iter();
    e.list(
        uniques.filter_map(|u| Some((u, u.columns.as_ref()?))),
        |e, (u, cols)| {
            e.opt_s(value(u.name.as_ref()).as_deref());
            e.strs(&values(&cols.items));
        },
    );
    let fks = c.attrs.foreign_keys.iter();
    let fks = fks.filter_map(|fk| Some((fk, fk.columns.as_ref()?, fk.references.as_ref()?)));
    e.list(fks, |e, (fk, cols, rf)| {
        e.opt_s(value(fk.name.as_ref()).as_deref());
        e.strs(&values(&cols.items));
        e.opt_s(rf.schema.as_deref());
        e.s(&rf.table);
        e.strs(&rf.columns);
        e.action(fk.on_delete.as_ref().map(|x| x.action));
        e.action(fk.on_update.as_ref().map(|x| x.action));
        e.flag(fk.deferrable);
    });
    let checks = c.attrs.checks.iter();
    e.list(
        checks.filter_map(|ck| Some((ck, ck.expr.as_ref()?))),
        |e, (ck, expr)| {
            e.opt_s(value(ck.name.as_ref()).as_deref());
            e.s(&expr.value());
        },
    );
    let text = LitStr::new(&e.0, proc_macro2::Span::call_site());

    let field_map = c.columns().map(|f| {
        let col = &f.column;
        let field = f.ident.to_string();
        quote!((#col, #field))
    });

    quote! {
        const _: () = {
            static __TABLE: #r::TableDesc = #r::TableDesc {
                text: #text,
                types: &[#(#types),*],
            };

            impl #r::Model for #ident {
                const STRUCT_NAME: &'static str = #struct_name;
                const FIELDS: &'static [(&'static str, &'static str)] = &[#(#field_map),*];

                fn table() -> #r::Table {
                    __TABLE.table()
                }
            }

            #r::inventory::submit! {
                #r::TableRegistration::new(
                    #struct_name,
                    ::core::module_path!(),
                    &__TABLE,
                    <#ident as #r::Model>::FIELDS,
                )
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: TokenStream) -> Vec<String> {
        crate::util::error_texts(expand(src))
    }

    #[test]
    fn a_valid_struct_expands_to_model_and_registration() {
        let out = expand(quote! {
            #[table(name = "users", index(columns = ["email"], unique))]
            struct User {
                #[column(primary_key)]
                id: i64,
                #[column(length = 320)]
                email: String,
            }
        })
        .unwrap();
        let file: syn::File = syn::parse2(out).unwrap();
        let text = prettyplease::unparse(&file);
        for want in [
            "impl ::retort::__private::Model for User",
            "::retort::__private::inventory::submit!",
            "static __TABLE: ::retort::__private::TableDesc",
            "text: \"5:users~~0*2*2:idR~~~~~~~0*ff~5:emailR320;~~~~~~0*ff~1*2:id~1*~1*5:emailt~0*0*0*0*\"",
            "(\"email\", \"email\")",
        ] {
            assert!(text.contains(want), "{want:?} not in\n{text}");
        }
    }

    /// The generated code for a representative struct, for review.
    #[test]
    fn expansion_snapshot() {
        let out = expand(quote! {
            #[table(name = "posts", comment = "articles")]
            #[table(unique(columns = ["author_id", "slug"]), check(expr = "tip >= 0"))]
            #[table(foreign_key(columns = ["author_id"], references = "users(id)", on_delete = "cascade"))]
            pub struct Post {
                #[column(primary_key)]
                pub id: i64,
                #[column(index)]
                pub author_id: i64,
                #[column(length = 200, renamed_from = "name")]
                pub slug: String,
                #[column(precision = 10, scale = 2, server_default = "0")]
                pub tip: rust_decimal::Decimal,
                #[column(sql_type = "CITEXT")]
                pub search: Option<String>,
                #[column(skip)]
                pub cache: Vec<u8>,
            }
        })
        .unwrap();
        let file: syn::File = syn::parse2(out).unwrap();
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }

    #[test]
    fn every_error_at_once() {
        let errs = errors(quote! {
            #[table(nme = "users")]
            struct User {
                #[column(lenght = 3)]
                id: i64,
                #[column(length = "10")]
                email: String,
                #[column(primary_key)]
                org: Option<i64>,
            }
        });
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert_eq!(
            errs[0],
            "unknown table attribute `nme` (did you mean `name`?)"
        );
        assert_eq!(
            errs[1],
            "unknown column attribute `lenght` (did you mean `length`?)"
        );
        assert_eq!(
            errs[2],
            "`length` expects an integer, found a string: write `length = 10` without quotes"
        );
        assert!(
            errs[3].starts_with("a primary key column cannot be NULL"),
            "{errs:?}"
        );
    }

    #[test]
    fn primary_key_name_names_the_constraint() {
        let out = expand(quote! {
            #[table(name = "orders", primary_key_name = "orders_pkey")]
            struct Order { #[column(primary_key)] id: i64 }
        })
        .unwrap()
        .to_string();
        assert!(out.contains("1*2:id11:orders_pkey0*"), "{out}");
        let errs = errors(quote! {
            #[table(primary_key_name = "t_pkey")]
            struct T { id: i64 }
        });
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("`primary_key_name` names a primary key"),
            "{errs:?}"
        );
    }

    #[test]
    fn unknown_without_suggestion_lists_the_keys() {
        let errs = errors(quote! {
            struct T { #[column(zzz)] id: i64 }
        });
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0]
                .starts_with("unknown column attribute `zzz`; expected one of: name, primary_key"),
            "{errs:?}"
        );
    }

    #[test]
    fn table_level_columns_must_exist() {
        let errs = errors(quote! {
            #[table(unique(columns = ["emial"]), primary_key = ["id", "id"])]
            struct T { id: i64, email: String }
        });
        assert_eq!(
            errs,
            [
                "column `id` is listed twice in `primary_key`",
                "unknown column `emial` in `unique(columns = ..)`: struct `T` has no such column (did you mean `email`?)"
            ]
        );
    }

    #[test]
    fn index_dialects_name_databases() {
        let errs = errors(quote! {
            #[table(index(columns = ["a"], where = "a > 0", dialects = ["postgres", "mariadb", "postgress", "sqlite", "sqlite"]))]
            #[table(index(columns = ["a"], dialects = []))]
            #[table(index(columns = ["a"], dialects = "postgres"))]
            struct T { id: i64, a: i32 }
        });
        assert_eq!(
            errs,
            [
                "unknown database `postgress` in `dialects`: expected `sqlite`, `postgres` or `mysql` (MySQL and MariaDB) (did you mean `postgres`?)",
                "database `sqlite` is listed twice in `dialects`",
                "`dialects` lists at least one database (an index on none is no index): write `dialects = [\"postgres\", \"sqlite\"]`",
                "`dialects` expects a list of databases, found a string: write `dialects = [\"postgres\", \"sqlite\"]`",
            ]
        );
        let out = expand(quote! {
            #[table(index(columns = ["a"], where = "a > 0", dialects = ["postgres", "sqlite"]))]
            struct T { id: i64, a: i32 }
        })
        .unwrap()
        .to_string()
        .replace(' ', "");
        // The index: unnamed, on `a`, not unique, its predicate, on PostgreSQL and SQLite.
        assert!(out.contains("1*~1*1:af5:a>02*ps"), "{out}");
    }

    #[test]
    fn references_must_be_table_dot_column() {
        let errs = errors(quote! {
            struct T { #[column(references = "users(id)")] id: i64 }
        });
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("write `\"users.id\"`"), "{errs:?}");
    }

    #[test]
    fn shape_errors() {
        assert_eq!(
            errors(quote!(
                enum E {
                    A,
                }
            ))
            .len(),
            1
        );
        assert_eq!(
            errors(quote!(
                struct T(i64);
            ))
            .len(),
            1
        );
        assert_eq!(
            errors(quote!(
                struct T;
            ))
            .len(),
            1
        );
        assert_eq!(
            errors(quote!(
                struct T<X> {
                    x: X,
                }
            ))
            .len(),
            1
        );
        assert_eq!(
            errors(quote!(
                struct T {
                    #[column(skip)]
                    x: i64,
                }
            )),
            ["struct `T` has no columns: a table needs at least one field that is not `skip`"]
        );
    }

    #[test]
    fn errors_come_with_a_stand_in_impl() {
        let out = expand_or_errors(quote! {
            struct T { #[column(lenght = 3)] id: i64 }
        })
        .to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("Model for T"), "{out}");
    }
}
