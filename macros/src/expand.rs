//! Code generation for `#[derive(Table)]`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, LitStr};

use crate::ast::{self, Container, Field};
use crate::attr::{Action, ActionAttr};
use crate::check;
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

fn opt_str(s: Option<&LitStr>) -> TokenStream {
    match s {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

/// A `&'static [&'static str]` of the given strings.
fn strs<T: quote::ToTokens>(items: &[T]) -> TokenStream {
    quote!(&[#(#items),*])
}

fn action(a: Option<&ActionAttr>) -> TokenStream {
    let r = rt();
    match a.map(|a| a.action) {
        None => quote!(::core::option::Option::None),
        Some(act) => {
            let v = match act {
                Action::Cascade => quote!(Cascade),
                Action::SetNull => quote!(SetNull),
                Action::SetDefault => quote!(SetDefault),
                Action::Restrict => quote!(Restrict),
                Action::NoAction => quote!(NoAction),
            };
            quote!(::core::option::Option::Some(#r::FkAction::#v))
        }
    }
}

fn opt_u32(n: Option<u32>) -> TokenStream {
    match n {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    }
}

fn opt_bool(f: Option<bool>) -> TokenStream {
    match f {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

fn flag(f: Option<crate::attr::Flag>) -> bool {
    f.is_some_and(|f| f.value)
}

/// A reference's schema, as a string literal spanned at the reference.
fn ref_schema(schema: Option<&String>, lit: &LitStr) -> TokenStream {
    opt_str(schema.map(|s| LitStr::new(s, lit.span())).as_ref())
}

/// One `ColumnDesc`: plain data, except the field type's `ColumnType::DESC` (its function
/// pointer and nullability in one associated const, spanned at the type so that an
/// unsupported type is reported there).
fn column(f: &Field) -> TokenStream {
    let r = rt();
    let a = &f.attrs;
    let ty = f.ty;
    let name = &f.column;
    let sql_type = match &a.sql_type {
        Some(s) => quote!(#r::TypeDesc::Custom(#s)),
        None => {
            let len = opt_u32(a.length.map(|n| n.value));
            let prec = opt_u32(a.precision.map(|n| n.value));
            let scale = opt_u32(a.scale.map(|n| n.value));
            quote_spanned! {ty.span()=>
                #r::TypeDesc::Rust {
                    ty: <#ty as #r::ColumnType>::DESC,
                    length: #len,
                    precision: #prec,
                    scale: #scale,
                }
            }
        }
    };
    // `None`: the type's `NULLABLE`, read from the same `DESC` as its SQL type.
    let nullable = opt_bool(match (a.nullable, &a.sql_type) {
        (Some(n), _) => Some(n.value),
        (None, Some(_)) => Some(ty::option_inner(ty).is_some()),
        (None, None) => None,
    });
    let autoincrement = opt_bool(a.autoincrement.map(|x| x.value));
    let default = opt_str(a.server_default.as_ref());
    let comment = opt_str(a.comment.as_ref());
    let renamed = strs(&a.renamed_from);
    let unique = flag(a.unique);
    let index = flag(a.index);
    let references = match &a.references {
        None => quote!(::core::option::Option::None),
        Some(rf) => {
            let schema = ref_schema(rf.schema.as_ref(), &rf.lit);
            let table = &rf.table;
            let col = &rf.column;
            let on_delete = action(a.on_delete.as_ref());
            let on_update = action(a.on_update.as_ref());
            quote!(::core::option::Option::Some(#r::ReferenceDesc {
                schema: #schema,
                table: #table,
                column: #col,
                on_delete: #on_delete,
                on_update: #on_update,
            }))
        }
    };
    quote!(#r::ColumnDesc {
        name: #name,
        ty: #sql_type,
        nullable: #nullable,
        autoincrement: #autoincrement,
        default: #default,
        comment: #comment,
        renamed_from: #renamed,
        unique: #unique,
        index: #index,
        references: #references,
    })
}

/// The impl of `Model` and the registration, around a `static` description of the table
/// (`TableDesc`): data the compiler evaluates once, instead of code that builds the table.
fn generate(c: &Container) -> TokenStream {
    let r = rt();
    let ident = c.ident;
    let struct_name = ident.to_string();
    let table = c.table_name();
    let schema = opt_str(c.attrs.schema.as_ref());
    let comment = opt_str(c.attrs.comment.as_ref());
    let renamed = strs(&c.attrs.renamed_from);
    let columns = c.columns().map(column);
    let primary_key = strs(&c.primary_key());
    let primary_key_name = opt_str(c.attrs.primary_key_name.as_ref());

    let indexes = c.attrs.indexes.iter().filter_map(|ix| {
        let cols = ix.columns.as_ref()?;
        let name = opt_str(ix.name.as_ref());
        let columns = strs(&cols.items);
        let unique = ix.unique;
        let predicate = opt_str(ix.predicate.as_ref());
        let dialects = ix
            .dialects
            .iter()
            .map(|d| syn::Ident::new(d.variant(), proc_macro2::Span::call_site()));
        Some(quote!(#r::IndexDesc {
            name: #name,
            columns: #columns,
            unique: #unique,
            predicate: #predicate,
            dialects: &[#(#r::Dialect::#dialects),*],
        }))
    });
    let uniques = c.attrs.uniques.iter().filter_map(|u| {
        let cols = u.columns.as_ref()?;
        let name = opt_str(u.name.as_ref());
        let columns = strs(&cols.items);
        Some(quote!(#r::UniqueDesc {
            name: #name,
            columns: #columns,
        }))
    });
    let fks = c.attrs.foreign_keys.iter().filter_map(|fk| {
        let (Some(cols), Some(rf)) = (&fk.columns, &fk.references) else {
            return None;
        };
        let name = opt_str(fk.name.as_ref());
        let columns = strs(&cols.items);
        let ref_schema = ref_schema(rf.schema.as_ref(), &rf.lit);
        let ref_table = &rf.table;
        let ref_columns = strs(&rf.columns);
        let on_delete = action(fk.on_delete.as_ref());
        let on_update = action(fk.on_update.as_ref());
        let deferrable = fk.deferrable;
        Some(quote!(#r::ForeignKeyDesc {
            name: #name,
            columns: #columns,
            ref_schema: #ref_schema,
            ref_table: #ref_table,
            ref_columns: #ref_columns,
            on_delete: #on_delete,
            on_update: #on_update,
            deferrable: #deferrable,
        }))
    });
    let checks = c.attrs.checks.iter().filter_map(|ck| {
        let expr = ck.expr.as_ref()?;
        let name = opt_str(ck.name.as_ref());
        Some(quote!(#r::CheckDesc {
            name: #name,
            expr: #expr,
        }))
    });

    let field_map = c.columns().map(|f| {
        let col = &f.column;
        let field = f.ident.to_string();
        quote!((#col, #field))
    });

    quote! {
        const _: () = {
            static __TABLE: #r::TableDesc = #r::TableDesc {
                name: #table,
                schema: #schema,
                comment: #comment,
                renamed_from: #renamed,
                columns: &[#(#columns),*],
                primary_key: #primary_key,
                primary_key_name: #primary_key_name,
                indexes: &[#(#indexes),*],
                uniques: &[#(#uniques),*],
                foreign_keys: &[#(#fks),*],
                checks: &[#(#checks),*],
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
            "name: \"users\"",
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
        assert!(
            out.replace(' ', "")
                .contains("primary_key_name:::core::option::Option::Some(\"orders_pkey\")"),
            "{out}"
        );
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
        assert!(
            out.contains("dialects:&[::retort::__private::Dialect::Postgres,::retort::__private::Dialect::Sqlite]"),
            "{out}"
        );
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
