//! What `#[derive(Table)]` expands to: a static, const-evaluated description of the struct's
//! table (`&'static` slices of descriptors with `&'static str` names), turned into the runtime
//! [`Table`] only when the registry asks for it ([`TableDesc::table`]).
//!
//! A derive used to expand to a function that built the `Table` through `Vec`s, `String`s and
//! naming calls: hundreds of lines of code per struct for the compiler to type-check, borrow-check
//! and lower, which made the models crate the slowest part of the edit-to-migration loop. A
//! `static` of plain data costs the compiler almost nothing; the logic that was generated per
//! struct (conventional names, auto-increment, which column attributes make which index or
//! constraint) now lives here, once.

use retort_schema::{
    naming, Check, Column, Dialect, FkAction, ForeignKey, Index, PrimaryKey, QName, SqlType, Table,
    Unique,
};

use crate::types::{ColumnTypeDesc, TypeArgs};

/// A struct's table, as `#[derive(Table)]` describes it. Every field is `const`-constructible.
#[derive(Debug)]
#[doc(hidden)]
pub struct TableDesc {
    pub name: &'static str,
    pub schema: Option<&'static str>,
    pub comment: Option<&'static str>,
    pub renamed_from: &'static [&'static str],
    /// The columns, in declaration order (`skip` fields left out).
    pub columns: &'static [ColumnDesc],
    /// The primary key columns; empty: no primary key.
    pub primary_key: &'static [&'static str],
    /// `primary_key_name = ".."`; `None`: the naming convention's.
    pub primary_key_name: Option<&'static str>,
    /// `#[table(index(..))]`, after the indexes that column attributes declare.
    pub indexes: &'static [IndexDesc],
    /// `#[table(unique(..))]`, after the column-level ones.
    pub uniques: &'static [UniqueDesc],
    /// `#[table(foreign_key(..))]`, after the column-level `references`.
    pub foreign_keys: &'static [ForeignKeyDesc],
    pub checks: &'static [CheckDesc],
}

/// One column: its own attributes plus those that make an index, a unique constraint or a
/// foreign key of one column (`unique`, `index`, `references`).
#[derive(Debug)]
#[doc(hidden)]
pub struct ColumnDesc {
    pub name: &'static str,
    pub ty: TypeDesc,
    /// `nullable = ..`, or what a custom `sql_type`'s field says (`Option<T>`); `None`: the
    /// Rust type's [`ColumnType::NULLABLE`](crate::ColumnType::NULLABLE).
    pub nullable: Option<bool>,
    /// `autoincrement = ..`; `None`: an integer column that is the whole primary key.
    pub autoincrement: Option<bool>,
    pub default: Option<&'static str>,
    pub comment: Option<&'static str>,
    pub renamed_from: &'static [&'static str],
    pub unique: bool,
    pub index: bool,
    pub references: Option<ReferenceDesc>,
}

/// Where a column's SQL type comes from.
#[derive(Debug)]
#[doc(hidden)]
pub enum TypeDesc {
    /// The field's Rust type: `<T as ColumnType>::DESC` (its `sql_type` and `NULLABLE`, one
    /// trait resolution per column), given the column's `length`, `precision` and `scale`
    /// (plain fields rather than a `TypeArgs` built by `const fn` calls, which the compiler
    /// would have to interpret for every column).
    Rust {
        ty: ColumnTypeDesc,
        length: Option<u32>,
        precision: Option<u32>,
        scale: Option<u32>,
    },
    /// `sql_type = ".."`.
    Custom(&'static str),
}

/// `#[column(references = "schema.table.column", on_delete = .., on_update = ..)]`.
#[derive(Debug)]
#[doc(hidden)]
pub struct ReferenceDesc {
    pub schema: Option<&'static str>,
    pub table: &'static str,
    pub column: &'static str,
    pub on_delete: Option<FkAction>,
    pub on_update: Option<FkAction>,
}

/// `#[table(index(..))]`; `name: None`: the naming convention's.
#[derive(Debug)]
#[doc(hidden)]
pub struct IndexDesc {
    pub name: Option<&'static str>,
    pub columns: &'static [&'static str],
    pub unique: bool,
    pub predicate: Option<&'static str>,
    pub dialects: &'static [Dialect],
}

/// `#[table(unique(..))]`.
#[derive(Debug)]
#[doc(hidden)]
pub struct UniqueDesc {
    pub name: Option<&'static str>,
    pub columns: &'static [&'static str],
}

/// `#[table(foreign_key(..))]`.
#[derive(Debug)]
#[doc(hidden)]
pub struct ForeignKeyDesc {
    pub name: Option<&'static str>,
    pub columns: &'static [&'static str],
    pub ref_schema: Option<&'static str>,
    pub ref_table: &'static str,
    pub ref_columns: &'static [&'static str],
    pub on_delete: Option<FkAction>,
    pub on_update: Option<FkAction>,
    pub deferrable: bool,
}

/// `#[table(check(..))]`; `name: None`: `ck_<table>_<words of the expression>`.
#[derive(Debug)]
#[doc(hidden)]
pub struct CheckDesc {
    pub name: Option<&'static str>,
    pub expr: &'static str,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

/// The explicit name, else the convention's, which is then recorded in `conventions`.
fn named(
    name: Option<&str>,
    convention: impl FnOnce() -> String,
    conventions: &mut Vec<String>,
) -> String {
    match name {
        Some(n) => n.to_string(),
        None => {
            let n = convention();
            conventions.push(n.clone());
            n
        }
    }
}

impl TableDesc {
    /// The runtime table: columns, keys, indexes and constraints, every index and constraint
    /// named (explicitly or by the naming convention), and the names the convention gave
    /// ([`Table::convention_names`]).
    pub fn table(&self) -> Table {
        let table = self.name;
        let sole_pk = match self.primary_key {
            [one] => Some(*one),
            _ => None,
        };
        let mut t = Table::new(table);
        t.schema = owned(self.schema);
        t.comment = owned(self.comment);
        t.renamed_from = strings(self.renamed_from);
        t.columns = self.columns.iter().map(|c| c.column(sole_pk)).collect();
        if !self.primary_key.is_empty() {
            t.primary_key = Some(PrimaryKey {
                name: match self.primary_key_name {
                    Some(n) => n.to_string(),
                    None => naming::primary_key(table),
                },
                columns: strings(self.primary_key),
            });
        }

        for c in self.columns {
            let col = [c.name];
            // `unique, index` is one unique index (SQLAlchemy's meaning), not a unique
            // constraint plus a second, redundant plain index.
            if c.unique && !c.index {
                t.uniques.push(Unique {
                    name: naming::unique(table, &col),
                    columns: strings(&col),
                });
            }
            if c.index {
                t.indexes.push(Index {
                    name: naming::index(table, &col),
                    columns: strings(&col),
                    unique: c.unique,
                    predicate: None,
                    dialects: Vec::new(),
                });
            }
            if let Some(r) = &c.references {
                t.foreign_keys.push(ForeignKey {
                    name: naming::foreign_key(table, &col, r.table),
                    columns: strings(&col),
                    ref_table: QName::with_schema(owned(r.schema), r.table),
                    ref_columns: vec![r.column.to_string()],
                    on_delete: r.on_delete,
                    on_update: r.on_update,
                    deferrable: false,
                });
            }
            // Names the convention gives to indexes and unique constraints the model does not
            // name: the differ matches those by columns.
            if c.unique {
                t.convention_names.push(naming::unique(table, &col));
            }
            if c.index {
                t.convention_names.push(naming::index(table, &col));
            }
        }
        for ix in self.indexes {
            let convention = || naming::index(table, ix.columns);
            t.indexes.push(Index {
                name: named(ix.name, convention, &mut t.convention_names),
                columns: strings(ix.columns),
                unique: ix.unique,
                predicate: owned(ix.predicate),
                dialects: ix.dialects.to_vec(),
            });
        }
        for u in self.uniques {
            let convention = || naming::unique(table, u.columns);
            t.uniques.push(Unique {
                name: named(u.name, convention, &mut t.convention_names),
                columns: strings(u.columns),
            });
        }
        for fk in self.foreign_keys {
            t.foreign_keys.push(ForeignKey {
                name: match fk.name {
                    Some(n) => n.to_string(),
                    None => naming::foreign_key(table, fk.columns, fk.ref_table),
                },
                columns: strings(fk.columns),
                ref_table: QName::with_schema(owned(fk.ref_schema), fk.ref_table),
                ref_columns: strings(fk.ref_columns),
                on_delete: fk.on_delete,
                on_update: fk.on_update,
                deferrable: fk.deferrable,
            });
        }
        t.checks = self
            .checks
            .iter()
            .map(|ck| Check {
                name: match ck.name {
                    Some(n) => n.to_string(),
                    None => check_name(table, ck.expr),
                },
                expr: ck.expr.to_string(),
            })
            .collect();
        t
    }
}

impl ColumnDesc {
    fn column(&self, sole_pk: Option<&str>) -> Column {
        let ty = match &self.ty {
            TypeDesc::Rust {
                ty,
                length,
                precision,
                scale,
            } => (ty.sql_type)(
                &TypeArgs::new()
                    .with_length(*length)
                    .with_precision(*precision)
                    .with_scale(*scale),
            ),
            TypeDesc::Custom(s) => SqlType::Custom(s.to_string()),
        };
        let type_nullable = match &self.ty {
            TypeDesc::Rust { ty, .. } => ty.nullable,
            TypeDesc::Custom(_) => false,
        };
        let mut c = Column::new(self.name, ty);
        c.nullable = self.nullable.unwrap_or(type_nullable);
        // An explicit `autoincrement = ..` wins, else an integer column that is the whole
        // primary key.
        c.autoincrement = self
            .autoincrement
            .unwrap_or(sole_pk == Some(self.name) && c.ty.is_integer());
        c.default = owned(self.default);
        c.comment = owned(self.comment);
        c.renamed_from = strings(self.renamed_from);
        c
    }
}

/// The name of an unnamed check: `ck_<table>_<words of the expression>`.
fn check_name(table: &str, expr: &str) -> String {
    let words: Vec<String> = expr
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    naming::check(table, &words.join("_"))
}
