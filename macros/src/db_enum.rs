//! `#[derive(DbEnum)]`: a fieldless enum stored as a database enum.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::symbol::*;
use crate::util::{snake_case, unknown_key_hint, Errors};

/// Parses `#[db_enum(key = "..")]` attributes, allowing only `allowed` keys.
fn string_attr(
    attrs: &[syn::Attribute],
    what: &str,
    allowed: &'static [&'static str],
    errs: &mut Errors,
) -> Option<LitStr> {
    let mut out: Option<LitStr> = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident(DB_ENUM)) {
        let r = attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            if !allowed.contains(&name.as_str()) {
                let hint = unknown_key_hint(&name, allowed);
                errs.on(
                    &meta.path,
                    format!("unknown {what} attribute `{name}`{hint}"),
                );
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                return Ok(());
            }
            if out.is_some() {
                errs.on(&meta.path, format!("duplicate {what} attribute `{name}`"));
                meta.value()?.parse::<syn::Expr>()?;
                return Ok(());
            }
            let value: syn::Expr = meta.value()?.parse()?;
            match value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) if !s.value().trim().is_empty() => out = Some(s),
                other => errs.on(
                    &other,
                    format!("`{name}` expects a non-empty string: write `{name} = \"..\"`"),
                ),
            }
            Ok(())
        });
        if let Err(e) = r {
            errs.push(e);
        }
    }
    out
}

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let mut errs = Errors::default();
    let ident = &input.ident;
    let type_name = string_attr(&input.attrs, "db_enum", DB_ENUM_KEYS, &mut errs)
        .map(|s| s.value())
        .unwrap_or_else(|| snake_case(&ident.to_string()));
    if input.generics.lt_token.is_some() {
        errs.on(
            &input.generics,
            "#[derive(DbEnum)] does not support generic enums",
        );
    }
    let mut variants = Vec::new();
    match &input.data {
        Data::Enum(e) => {
            if e.variants.is_empty() {
                errs.on(
                    ident,
                    format!("enum `{ident}` has no variants: a database enum needs at least one label"),
                );
            }
            for v in &e.variants {
                let label = string_attr(&v.attrs, "db_enum variant", DB_ENUM_VARIANT_KEYS, &mut errs);
                let (label, span) = match label {
                    Some(l) => (l.value(), l.span()),
                    None => (snake_case(&v.ident.to_string()), v.ident.span()),
                };
                if !matches!(v.fields, Fields::Unit) {
                    errs.on(
                        &v.fields,
                        format!(
                            "variant `{}` has fields: #[derive(DbEnum)] needs fieldless variants (each one is a label)",
                            v.ident
                        ),
                    );
                }
                if let Some((first, _, _)) = variants.iter().find(|(_, l, _)| *l == label) {
                    errs.at(
                        span,
                        format!(
                            "duplicate label `{label}`: variants `{first}` and `{}` both map to it; use #[db_enum(rename = \"..\")]",
                            v.ident
                        ),
                    );
                }
                variants.push((v.ident.clone(), label, span));
            }
        }
        Data::Struct(s) => errs.at(
            s.struct_token.span(),
            "#[derive(DbEnum)] can only be used on an enum with fieldless variants; for a table use #[derive(Table)]",
        ),
        Data::Union(u) => errs.at(
            u.union_token.span(),
            "#[derive(DbEnum)] can only be used on an enum with fieldless variants",
        ),
    }
    if let Some(e) = errs.combined() {
        return Err(e);
    }
    let r = quote!(::retort::__private);
    let idents: Vec<_> = variants.iter().map(|(i, _, _)| i).collect();
    let labels: Vec<_> = variants.iter().map(|(_, l, _)| l.as_str()).collect();
    Ok(quote! {
        const _: () = {
            impl #r::DbEnum for #ident {
                const NAME: &'static str = #type_name;
                const VALUES: &'static [&'static str] = &[#(#labels),*];

                fn as_str(&self) -> &'static str {
                    match self {
                        #(#ident::#idents => #labels,)*
                    }
                }

                fn from_str(label: &str) -> ::core::option::Option<Self> {
                    match label {
                        #(#labels => ::core::option::Option::Some(#ident::#idents),)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            impl #r::ColumnType for #ident {
                fn sql_type(_: &#r::TypeArgs) -> #r::SqlType {
                    #r::SqlType::Enum {
                        name: ::std::string::String::from(#type_name),
                        values: ::std::vec::Vec::from([#(::std::string::String::from(#labels)),*]),
                    }
                }
            }
        };
    })
}

pub fn expand_or_errors(input: TokenStream) -> TokenStream {
    match expand(input.clone()) {
        Ok(t) => t,
        Err(e) => {
            let mut out = e.to_compile_error();
            if let Ok(input) = syn::parse2::<DeriveInput>(input) {
                let r = quote!(::retort::__private);
                let ident = &input.ident;
                let (ig, tg, wc) = input.generics.split_for_impl();
                out.extend(quote! {
                    const _: () = {
                        impl #ig #r::ColumnType for #ident #tg #wc {
                            fn sql_type(_: &#r::TypeArgs) -> #r::SqlType {
                                #r::SqlType::Custom(::std::string::String::new())
                            }
                        }
                    };
                });
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::error_texts;

    #[test]
    fn labels_and_name() {
        let out = expand(quote! {
            #[db_enum(name = "post_state")]
            enum PostStatus { Draft, #[db_enum(rename = "live")] Published, InReview }
        })
        .unwrap()
        .to_string();
        assert!(out.contains("\"post_state\""), "{out}");
        assert!(
            out.contains("\"draft\" , \"live\" , \"in_review\""),
            "{out}"
        );
    }

    #[test]
    fn errors_at_once() {
        let errs = error_texts(expand(quote! {
            #[db_enum(nme = "x")]
            enum E { A(i32), #[db_enum(rename = "a")] B }
        }));
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert_eq!(
            errs[0],
            "unknown db_enum attribute `nme` (did you mean `name`?)"
        );
        assert!(errs[1].starts_with("variant `A` has fields"), "{errs:?}");
        assert!(errs[2].starts_with("duplicate label `a`"), "{errs:?}");
        // A struct, and an enum without variants: one error each.
        for src in [
            quote!(
                struct S;
            ),
            quote!(
                enum E {}
            ),
        ] {
            assert_eq!(error_texts(expand(src)).len(), 1);
        }
    }
}
