//! Checks that need the whole struct: attribute combinations, types, column names.

use proc_macro2::Span;
use syn::LitStr;

use crate::ast::{Container, Field};
use crate::attr::StrList;
use crate::symbol::*;
use crate::ty::{self, Kind};
use crate::util::{did_you_mean, type_name, Errors};

pub fn check(c: &Container, errs: &mut Errors) {
    for f in &c.fields {
        field(f, errs);
    }
    duplicate_columns(c, errs);
    table_level(c, errs);
    if let Some(n) = &c.attrs.primary_key_name {
        if c.primary_key().is_empty() {
            errs.on(
                n,
                "`primary_key_name` names a primary key, but the struct has none: mark a field `#[column(primary_key)]` or add `#[table(primary_key = [..])]`",
            );
        }
    }
    if c.columns().next().is_none() {
        errs.on(
            c.ident,
            format!(
                "struct `{}` has no columns: a table needs at least one field that is not `skip`",
                c.ident
            ),
        );
    }
}

fn field(f: &Field, errs: &mut Errors) {
    let a = &f.attrs;
    let kind = ty::kind(f.ty);
    let tyname = type_name(f.ty);

    if a.skipped() {
        for (k, span) in &a.keys {
            if *k != SKIP {
                errs.at(
                    *span,
                    format!(
                        "`{k}` has no effect on a `skip`ped field: `skip` leaves `{}` out of the table; remove one of them",
                        f.ident
                    ),
                );
            }
        }
        return;
    }

    if let Some(sql) = &a.sql_type {
        for k in [LENGTH, PRECISION, SCALE] {
            if let Some(span) = a.span_of(k) {
                errs.at(
                    span,
                    format!(
                        "`{k}` has no effect with `sql_type = \"{}\"`: write the whole type there (e.g. `sql_type = \"VARCHAR(10)\"`)",
                        sql.value()
                    ),
                );
            }
        }
    } else {
        if let Some(len) = a.length {
            if !matches!(kind, Kind::String | Kind::Other) {
                errs.at(
                    len.key_span,
                    format!(
                        "`length` applies to string columns, but `{tyname}` is {}; remove `length` (or use `sql_type = \"..\"`)",
                        kind.describe()
                    ),
                );
            }
        }
        for (k, n) in [(PRECISION, a.precision), (SCALE, a.scale)] {
            if let Some(n) = n {
                if !matches!(kind, Kind::Decimal | Kind::Other) {
                    errs.at(
                        n.key_span,
                        format!(
                            "`{k}` applies to decimal columns (rust_decimal::Decimal), but `{tyname}` is {}; remove `{k}`",
                            kind.describe()
                        ),
                    );
                }
            }
        }
        match (a.precision, a.scale) {
            (None, Some(s)) => errs.at(
                s.key_span,
                "`scale` needs `precision` too: write `precision = 10, scale = 2` for NUMERIC(10, 2)",
            ),
            (Some(p), Some(s)) if s.value > p.value => errs.at(
                s.key_span,
                format!(
                    "`scale = {}` is larger than `precision = {}`: a NUMERIC(p, s) has s <= p",
                    s.value, p.value
                ),
            ),
            _ => {}
        }
    }

    if let Some(pk) = a.primary_key.filter(|p| p.value) {
        if let Some(inner) = ty::option_inner(f.ty) {
            errs.at(
                pk.span,
                format!(
                    "a primary key column cannot be NULL, but `{}: {tyname}` allows NULL; use `{}` instead of `{tyname}`",
                    f.ident,
                    type_name(inner)
                ),
            );
        } else if let Some(n) = a.nullable.filter(|n| n.value) {
            errs.at(
                n.span,
                "a primary key column cannot be NULL: remove `nullable` or `primary_key`",
            );
        }
    }

    if let Some(ai) = a.autoincrement.filter(|x| x.value) {
        if a.sql_type.is_none() && !matches!(kind, Kind::Integer | Kind::Other) {
            errs.at(
                ai.span,
                format!(
                    "`autoincrement` needs an integer column, but `{tyname}` is {}",
                    kind.describe()
                ),
            );
        }
    }

    if a.references.is_none() {
        for (k, act) in [(ON_DELETE, &a.on_delete), (ON_UPDATE, &a.on_update)] {
            if let Some(act) = act {
                errs.at(
                    act.key_span,
                    format!(
                        "`{k}` belongs to a foreign key: add `references = \"table.column\"` to `{}`",
                        f.ident
                    ),
                );
            }
        }
    }
}

fn duplicate_columns(c: &Container, errs: &mut Errors) {
    let cols: Vec<&Field> = c.columns().collect();
    for (i, f) in cols.iter().enumerate() {
        if let Some(first) = cols[..i].iter().find(|o| o.column == f.column) {
            errs.at(
                f.name_span,
                format!(
                    "duplicate column name `{}`: fields `{}` and `{}` both map to it; rename one with `#[column(name = \"..\")]`",
                    f.column, first.ident, f.ident
                ),
            );
        }
    }
}

fn table_level(c: &Container, errs: &mut Errors) {
    let names: Vec<String> = c.columns().map(|f| f.column.clone()).collect();
    let check_list = |list: &StrList, what: &str, errs: &mut Errors| {
        for (i, lit) in list.items.iter().enumerate() {
            column_exists(c, &names, lit, what, errs);
            if list.items[..i].iter().any(|o| o.value() == lit.value()) {
                errs.on(
                    lit,
                    format!("column `{}` is listed twice in `{what}`", lit.value()),
                );
            }
        }
    };
    if let Some(pk) = &c.attrs.primary_key {
        check_list(pk, PRIMARY_KEY, errs);
        for f in c.columns() {
            if let Some(flag) = f.attrs.primary_key.filter(|p| p.value) {
                errs.at(
                    flag.span,
                    format!(
                        "the primary key is declared twice: on field `{}` and in `#[table(primary_key = [..])]`; keep one",
                        f.ident
                    ),
                );
            }
        }
        for lit in &pk.items {
            if let Some(f) = c.columns().find(|f| f.column == lit.value()) {
                if ty::option_inner(f.ty).is_some() {
                    errs.on(
                        lit,
                        format!(
                            "a primary key column cannot be NULL, but `{}: {}` allows NULL",
                            f.ident,
                            type_name(f.ty)
                        ),
                    );
                }
            }
        }
    }
    // The `columns = [..]` of an `index(..)`, `unique(..)` or `foreign_key(..)`; `missing`: the
    // error when there are none (unless one was already reported inside).
    let columns_of = |kind: &str,
                      columns: &Option<StrList>,
                      reported: bool,
                      span: Span,
                      missing: &str,
                      errs: &mut Errors| match columns {
        Some(list) => check_list(list, &format!("{kind}(columns = ..)"), errs),
        None if reported => {}
        None => errs.at(span, missing),
    };
    let covering = |kind: &str| {
        format!("`{kind}(..)` needs the columns it covers: `{kind}(columns = [\"a\", \"b\"])`")
    };
    for ix in &c.attrs.indexes {
        let missing = covering("index");
        columns_of("index", &ix.columns, ix.reported, ix.span, &missing, errs);
    }
    for u in &c.attrs.uniques {
        let missing = covering("unique");
        columns_of("unique", &u.columns, u.reported, u.span, &missing, errs);
    }
    for ck in &c.attrs.checks {
        if ck.expr.is_none() && !ck.reported {
            errs.at(
                ck.span,
                "`check(..)` needs the SQL condition: `check(expr = \"price >= 0\")`",
            );
        }
    }
    for fk in &c.attrs.foreign_keys {
        columns_of(
            "foreign_key",
            &fk.columns,
            fk.reported,
            fk.span,
            "`foreign_key(..)` needs its local columns: `foreign_key(columns = [\"a\"], references = \"table(col)\")`",
            errs,
        );
        match &fk.references {
            Some(r) => {
                if let Some(cols) = &fk.columns {
                    if cols.items.len() != r.columns.len() {
                        errs.on(
                            &r.lit,
                            format!(
                                "the foreign key has {} local column(s) ({}) but references {} column(s) ({}); list as many on both sides",
                                cols.items.len(),
                                cols.values().join(", "),
                                r.columns.len(),
                                r.columns.join(", ")
                            ),
                        );
                    }
                }
            }
            None if fk.reported => {}
            None => errs.at(
                fk.span,
                "`foreign_key(..)` needs `references = \"table(column, ..)\"`",
            ),
        }
    }
}

fn column_exists(c: &Container, names: &[String], lit: &LitStr, what: &str, errs: &mut Errors) {
    let v = lit.value();
    if names.contains(&v) {
        return;
    }
    let skipped = c.fields.iter().any(|f| f.attrs.skipped() && f.column == v);
    let hint = if skipped {
        format!(" (field `{v}` is `skip`ped, so it is not a column)")
    } else if let Some(f) = c
        .fields
        .iter()
        .find(|f| f.ident == v.as_str() && f.column != v)
    {
        format!(
            " (field `{}` is stored as column `{}`: `columns` lists column names)",
            f.ident, f.column
        )
    } else {
        did_you_mean(&v, names.iter().map(String::as_str))
    };
    errs.on(
        lit,
        format!(
            "unknown column `{v}` in `{what}`: struct `{}` has no such column{hint}",
            c.ident
        ),
    );
}
