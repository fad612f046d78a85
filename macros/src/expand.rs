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

fn opt_string(s: Option<&LitStr>) -> TokenStream {
    match s {
        Some(s) => quote!(::core::option::Option::Some(::std::string::String::from(#s))),
        None => quote!(::core::option::Option::None),
    }
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let items = items.into_iter();
    quote!(::std::vec::Vec::from([#(::std::string::String::from(#items)),*]))
}

fn lits(items: &[LitStr]) -> TokenStream {
    quote!(::std::vec::Vec::from([#(::std::string::String::from(#items)),*]))
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

fn column(f: &Field, sole_pk: Option<&str>) -> TokenStream {
    let r = rt();
    let a = &f.attrs;
    let ty = f.ty;
    let name = &f.column;
    let sql_type = match &a.sql_type {
        Some(s) => quote!(#r::SqlType::Custom(::std::string::String::from(#s))),
        None => {
            let len = opt_u32(a.length.map(|n| n.value));
            let prec = opt_u32(a.precision.map(|n| n.value));
            let scale = opt_u32(a.scale.map(|n| n.value));
            quote_spanned! {ty.span()=>
                <#ty as #r::ColumnType>::sql_type(
                    &#r::TypeArgs::new().with_length(#len).with_precision(#prec).with_scale(#scale)
                )
            }
        }
    };
    let nullable = match (a.nullable, &a.sql_type) {
        (Some(n), _) => {
            let v = n.value;
            quote!(#v)
        }
        (None, Some(_)) => {
            let v = ty::option_inner(ty).is_some();
            quote!(#v)
        }
        (None, None) => quote_spanned!(ty.span()=> <#ty as #r::ColumnType>::NULLABLE),
    };
    let explicit_ai = match a.autoincrement {
        Some(x) => {
            let v = x.value;
            quote!(::core::option::Option::Some(#v))
        }
        None => quote!(::core::option::Option::None),
    };
    let is_sole_pk = sole_pk == Some(name.as_str());
    let default = opt_string(a.server_default.as_ref());
    let comment = opt_string(a.comment.as_ref());
    let renamed = lits(&a.renamed_from);
    quote! {{
        let mut __column = #r::Column::new(#name, #sql_type);
        __column.nullable = #nullable;
        __column.autoincrement = #r::autoincrement(#explicit_ai, #is_sole_pk, &__column.ty);
        __column.default = #default;
        __column.comment = #comment;
        __column.renamed_from = #renamed;
        __column
    }}
}

fn generate(c: &Container) -> TokenStream {
    let r = rt();
    let ident = c.ident;
    let struct_name = ident.to_string();
    let table = c.table_name();
    let schema = opt_string(c.attrs.schema.as_ref());
    let comment = opt_string(c.attrs.comment.as_ref());
    let renamed = lits(&c.attrs.renamed_from);
    let pk = c.primary_key();
    let sole_pk = match pk.as_slice() {
        [one] => Some(one.as_str()),
        _ => None,
    };
    let columns: Vec<TokenStream> = c.columns().map(|f| column(f, sole_pk)).collect();

    let primary_key = if pk.is_empty() {
        quote!(::core::option::Option::None)
    } else {
        let cols = strings(pk.iter().map(String::as_str));
        let name = match &c.attrs.primary_key_name {
            Some(n) => quote!(::std::string::String::from(#n)),
            None => quote!(#r::naming::primary_key(#table)),
        };
        quote!(::core::option::Option::Some(#r::PrimaryKey {
            name: #name,
            columns: #cols,
        }))
    };

    let mut indexes = Vec::new();
    let mut uniques = Vec::new();
    let mut fks = Vec::new();
    let mut checks = Vec::new();

    for f in c.columns() {
        let col = f.column.as_str();
        let a = &f.attrs;
        let unique = a.unique.is_some_and(|u| u.value);
        let index = a.index.is_some_and(|u| u.value);
        // `unique, index` is one unique index (SQLAlchemy's meaning), not a unique constraint
        // plus a second, redundant plain index.
        if unique && !index {
            uniques.push(quote!(#r::Unique {
                name: #r::naming::unique(#table, &[#col]),
                columns: ::std::vec::Vec::from([::std::string::String::from(#col)]),
            }));
        }
        if index {
            indexes.push(quote!(#r::Index {
                name: #r::naming::index(#table, &[#col]),
                columns: ::std::vec::Vec::from([::std::string::String::from(#col)]),
                unique: #unique,
                predicate: ::core::option::Option::None,
                dialects: ::std::vec::Vec::new(),
            }));
        }
        if let Some(rf) = &a.references {
            let ref_table = &rf.table;
            let ref_schema = opt_string(
                rf.schema
                    .as_ref()
                    .map(|s| LitStr::new(s, rf.lit.span()))
                    .as_ref(),
            );
            let ref_col = &rf.column;
            let on_delete = action(a.on_delete.as_ref());
            let on_update = action(a.on_update.as_ref());
            fks.push(quote!(#r::ForeignKey {
                name: #r::naming::foreign_key(#table, &[#col], #ref_table),
                columns: ::std::vec::Vec::from([::std::string::String::from(#col)]),
                ref_table: #r::QName::with_schema(#ref_schema, #ref_table),
                ref_columns: ::std::vec::Vec::from([::std::string::String::from(#ref_col)]),
                on_delete: #on_delete,
                on_update: #on_update,
                deferrable: false,
            }));
        }
    }

    // Names the convention gives to indexes and unique constraints the model does not name:
    // the differ matches those by columns (`Table::convention_names`).
    let mut conventions = Vec::new();
    for f in c.columns() {
        let col = f.column.as_str();
        if f.attrs.unique.is_some_and(|u| u.value) {
            conventions.push(quote!(#r::naming::unique(#table, &[#col])));
        }
        if f.attrs.index.is_some_and(|u| u.value) {
            conventions.push(quote!(#r::naming::index(#table, &[#col])));
        }
    }
    for ix in c.attrs.indexes.iter().filter(|ix| ix.name.is_none()) {
        if let Some(cols) = &ix.columns {
            let values = cols.values();
            conventions.push(quote!(#r::naming::index(#table, &[#(#values),*])));
        }
    }
    for u in c.attrs.uniques.iter().filter(|u| u.name.is_none()) {
        if let Some(cols) = &u.columns {
            let values = cols.values();
            conventions.push(quote!(#r::naming::unique(#table, &[#(#values),*])));
        }
    }

    for ix in &c.attrs.indexes {
        let Some(cols) = &ix.columns else { continue };
        let values = cols.values();
        let name = match &ix.name {
            Some(n) => quote!(::std::string::String::from(#n)),
            None => quote!(#r::naming::index(#table, &[#(#values),*])),
        };
        let unique = ix.unique;
        let predicate = opt_string(ix.predicate.as_ref());
        let columns = lits(&cols.items);
        let dialects = ix
            .dialects
            .iter()
            .map(|d| syn::Ident::new(d.variant(), proc_macro2::Span::call_site()));
        indexes.push(quote!(#r::Index {
            name: #name,
            columns: #columns,
            unique: #unique,
            predicate: #predicate,
            dialects: ::std::vec::Vec::from([#(#r::Dialect::#dialects),*]),
        }));
    }
    for u in &c.attrs.uniques {
        let Some(cols) = &u.columns else { continue };
        let values = cols.values();
        let name = match &u.name {
            Some(n) => quote!(::std::string::String::from(#n)),
            None => quote!(#r::naming::unique(#table, &[#(#values),*])),
        };
        let columns = lits(&cols.items);
        uniques.push(quote!(#r::Unique {
            name: #name,
            columns: #columns,
        }));
    }
    for fk in &c.attrs.foreign_keys {
        let (Some(cols), Some(rf)) = (&fk.columns, &fk.references) else {
            continue;
        };
        let values = cols.values();
        let ref_table = &rf.table;
        let name = match &fk.name {
            Some(n) => quote!(::std::string::String::from(#n)),
            None => quote!(#r::naming::foreign_key(#table, &[#(#values),*], #ref_table)),
        };
        let ref_schema = opt_string(
            rf.schema
                .as_ref()
                .map(|s| LitStr::new(s, rf.lit.span()))
                .as_ref(),
        );
        let columns = lits(&cols.items);
        let ref_columns = strings(rf.columns.iter().map(String::as_str));
        let on_delete = action(fk.on_delete.as_ref());
        let on_update = action(fk.on_update.as_ref());
        let deferrable = fk.deferrable;
        fks.push(quote!(#r::ForeignKey {
            name: #name,
            columns: #columns,
            ref_table: #r::QName::with_schema(#ref_schema, #ref_table),
            ref_columns: #ref_columns,
            on_delete: #on_delete,
            on_update: #on_update,
            deferrable: #deferrable,
        }));
    }
    for ck in &c.attrs.checks {
        let Some(expr) = &ck.expr else { continue };
        let name = match &ck.name {
            Some(n) => quote!(::std::string::String::from(#n)),
            None => quote!(#r::check_name(#table, #expr)),
        };
        checks.push(quote!(#r::Check {
            name: #name,
            expr: ::std::string::String::from(#expr),
        }));
    }

    let field_map = c.columns().map(|f| {
        let col = &f.column;
        let field = f.ident.to_string();
        quote!((#col, #field))
    });

    quote! {
        const _: () = {
            impl #r::Model for #ident {
                const STRUCT_NAME: &'static str = #struct_name;
                const FIELDS: &'static [(&'static str, &'static str)] = &[#(#field_map),*];

                fn table() -> #r::Table {
                    let mut __table = #r::Table::new(#table);
                    __table.schema = #schema;
                    __table.comment = #comment;
                    __table.renamed_from = #renamed;
                    __table.columns = ::std::vec::Vec::from([#(#columns),*]);
                    __table.primary_key = #primary_key;
                    __table.indexes = ::std::vec::Vec::from([#(#indexes),*]);
                    __table.uniques = ::std::vec::Vec::from([#(#uniques),*]);
                    __table.foreign_keys = ::std::vec::Vec::from([#(#fks),*]);
                    __table.checks = ::std::vec::Vec::from([#(#checks),*]);
                    __table.convention_names = ::std::vec::Vec::from([#(#conventions),*]);
                    __table
                }
            }

            #r::inventory::submit! {
                #r::TableRegistration::new(
                    #struct_name,
                    ::core::module_path!(),
                    <#ident as #r::Model>::table,
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
        match expand(src) {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
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
        assert!(
            text.contains("impl ::retort::__private::Model for User"),
            "{text}"
        );
        assert!(
            text.contains("::retort::__private::inventory::submit!"),
            "{text}"
        );
        assert!(text.contains("Table::new(\"users\")"), "{text}");
        assert!(text.contains("(\"email\", \"email\")"), "{text}");
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
        assert!(out.contains("\"orders_pkey\""), "{out}");
        assert!(!out.contains("naming :: primary_key"), "{out}");
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
            out.contains("dialects:::std::vec::Vec::from([::retort::__private::Dialect::Postgres,::retort::__private::Dialect::Sqlite])"),
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
