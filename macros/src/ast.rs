//! The parsed struct: its table attributes and its fields with their column attributes.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attr::{self, ColumnAttrs, TableAttrs};
use crate::util::{snake_case, Errors};

pub struct Container<'a> {
    pub ident: &'a Ident,
    pub attrs: TableAttrs,
    pub fields: Vec<Field<'a>>,
}

pub struct Field<'a> {
    pub ident: Ident,
    pub ty: &'a Type,
    pub attrs: ColumnAttrs,
    /// The column name: `name = ".."` or the field name.
    pub column: String,
    /// Where the column name was written (the `name` literal, else the field).
    pub name_span: Span,
}

impl Container<'_> {
    pub fn table_name(&self) -> String {
        match &self.attrs.name {
            Some(n) => n.value(),
            None => snake_case(&self.ident.unraw().to_string()),
        }
    }

    /// Fields that are columns (not `skip`).
    pub fn columns(&self) -> impl Iterator<Item = &Field<'_>> {
        self.fields.iter().filter(|f| !f.attrs.skipped())
    }

    /// The primary key columns: `#[table(primary_key = [..])]`, else the fields marked
    /// `primary_key`.
    pub fn primary_key(&self) -> Vec<String> {
        match &self.attrs.primary_key {
            Some(list) => list.values(),
            None => self
                .columns()
                .filter(|f| f.attrs.primary_key.is_some_and(|p| p.value))
                .map(|f| f.column.clone())
                .collect(),
        }
    }
}

/// Parses the struct; `None` (with errors pushed) when it is not a struct with named fields.
pub fn container<'a>(input: &'a DeriveInput, errs: &mut Errors) -> Option<Container<'a>> {
    let attrs = attr::table_attrs(&input.attrs, errs);
    if input.generics.lt_token.is_some() || input.generics.where_clause.is_some() {
        errs.on(
            &input.generics,
            "#[derive(Table)] does not support generic structs: a table has one fixed set of columns; use a struct without type or lifetime parameters",
        );
    }
    let named = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(n) => n,
            Fields::Unnamed(u) => {
                errs.on(
                    u,
                    "#[derive(Table)] needs a struct with named fields: each field is a column named after it (tuple structs have no field names)",
                );
                return None;
            }
            Fields::Unit => {
                errs.on(
                    &input.ident,
                    "#[derive(Table)] needs a struct with named fields, one per column; a unit struct has none",
                );
                return None;
            }
        },
        Data::Enum(e) => {
            errs.at(
                e.enum_token.span(),
                "#[derive(Table)] can only be used on a struct with named fields; for an enum stored in a column use #[derive(DbEnum)]",
            );
            return None;
        }
        Data::Union(u) => {
            errs.at(
                u.union_token.span(),
                "#[derive(Table)] can only be used on a struct with named fields, not a union",
            );
            return None;
        }
    };
    let fields = named
        .named
        .iter()
        .filter_map(|f| {
            let ident = f.ident.as_ref()?.unraw();
            let attrs = attr::column_attrs(&f.attrs, errs);
            let (column, name_span) = match &attrs.name {
                Some(n) => (n.value(), n.span()),
                None => (ident.to_string(), ident.span()),
            };
            Some(Field {
                ident,
                ty: &f.ty,
                attrs,
                column,
                name_span,
            })
        })
        .collect();
    Some(Container {
        ident: &input.ident,
        attrs,
        fields,
    })
}
