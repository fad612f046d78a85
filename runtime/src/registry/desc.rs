//! What `#[derive(Table)]` expands to: a `static` description of the struct's table — one
//! string literal plus the column types — read into the runtime [`Table`] only when the
//! registry asks for it ([`TableDesc::table`]).
//!
//! A derive used to expand to a function that built the `Table` through `Vec`s, `String`s and
//! naming calls, then to nested struct literals of `Option`s and slices: each was code for the
//! compiler to parse, resolve, type-check and const-evaluate for every struct, which made the
//! models crate the slowest part of the edit-to-migration loop (BENCHMARKS.md). A string
//! literal costs it almost nothing; the logic that was generated per struct (conventional
//! names, auto-increment, which column attributes make which index or constraint) and the
//! reading of the text live here, once.

use retort_schema::{
    naming, Check, Column, Dialect, FkAction, ForeignKey, Index, PrimaryKey, QName, SqlType, Table,
    Unique,
};

use crate::types::{ColumnTypeDesc, TypeArgs};

/// A struct's table, as `#[derive(Table)]` describes it: `text`, everything but the column
/// types in one string (format below), and `types`, the `<T as ColumnType>::DESC` of each
/// column whose SQL type comes from its Rust type, in column order.
///
/// The text is a sequence of items, each read knowing what comes next (no names, no
/// separators): a string is its length in bytes, `:`, its bytes (`5:users`); a number is its
/// digits and `;`; a list is its length and `*`, then its items; `~` is an absent optional
/// value; `t`/`f` a flag; one letter a tag. In order: table name, schema?, comment?,
/// renamed_from list, columns list, primary key list, primary key name?, indexes, uniques,
/// foreign keys, checks ([`Desc::read`] and the readers below say each one's fields).
#[derive(Debug)]
#[doc(hidden)]
pub struct TableDesc {
    pub text: &'static str,
    pub types: &'static [ColumnTypeDesc],
}

impl TableDesc {
    /// The runtime table: columns, keys, indexes and constraints, every index and constraint
    /// named (explicitly or by the naming convention), and the names the convention gave
    /// ([`Table::convention_names`]).
    pub fn table(&self) -> Table {
        Desc::read(self).table()
    }
}

/// [`TableDesc`] read: borrowed strings, owned lists.
struct Desc {
    name: &'static str,
    schema: Option<&'static str>,
    comment: Option<&'static str>,
    renamed_from: Vec<&'static str>,
    /// The columns, in declaration order (`skip` fields left out).
    columns: Vec<ColumnDesc>,
    /// The primary key columns; empty: no primary key.
    primary_key: Vec<&'static str>,
    /// `primary_key_name = ".."`; `None`: the naming convention's.
    primary_key_name: Option<&'static str>,
    /// `#[table(index(..))]`, after the indexes that column attributes declare.
    indexes: Vec<IndexDesc>,
    /// `#[table(unique(..))]`, after the column-level ones.
    uniques: Vec<UniqueDesc>,
    /// `#[table(foreign_key(..))]`, after the column-level `references`.
    foreign_keys: Vec<ForeignKeyDesc>,
    checks: Vec<CheckDesc>,
}

/// One column: its own attributes plus those that make an index, a unique constraint or a
/// foreign key of one column (`unique`, `index`, `references`).
struct ColumnDesc {
    name: &'static str,
    ty: TypeDesc,
    /// `nullable = ..`, or what a custom `sql_type`'s field says (`Option<T>`); `None`: the
    /// Rust type's [`ColumnType::NULLABLE`](crate::ColumnType::NULLABLE).
    nullable: Option<bool>,
    /// `autoincrement = ..`; `None`: an integer column that is the whole primary key.
    autoincrement: Option<bool>,
    default: Option<&'static str>,
    comment: Option<&'static str>,
    renamed_from: Vec<&'static str>,
    unique: bool,
    index: bool,
    references: Option<ReferenceDesc>,
}

/// Where a column's SQL type comes from.
enum TypeDesc {
    /// The field's Rust type: `<T as ColumnType>::DESC` (its `sql_type` and `NULLABLE`),
    /// given the column's `length`, `precision` and `scale`.
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
struct ReferenceDesc {
    schema: Option<&'static str>,
    table: &'static str,
    column: &'static str,
    on_delete: Option<FkAction>,
    on_update: Option<FkAction>,
}

/// `#[table(index(..))]`; `name: None`: the naming convention's.
struct IndexDesc {
    name: Option<&'static str>,
    columns: Vec<&'static str>,
    unique: bool,
    predicate: Option<&'static str>,
    dialects: Vec<Dialect>,
}

/// `#[table(unique(..))]`.
struct UniqueDesc {
    name: Option<&'static str>,
    columns: Vec<&'static str>,
}

/// `#[table(foreign_key(..))]`.
struct ForeignKeyDesc {
    name: Option<&'static str>,
    columns: Vec<&'static str>,
    ref_schema: Option<&'static str>,
    ref_table: &'static str,
    ref_columns: Vec<&'static str>,
    on_delete: Option<FkAction>,
    on_update: Option<FkAction>,
    deferrable: bool,
}

/// `#[table(check(..))]`; `name: None`: `ck_<table>_<words of the expression>`.
struct CheckDesc {
    name: Option<&'static str>,
    expr: &'static str,
}

/// A cursor over a [`TableDesc`]'s text.
struct Reader {
    text: &'static str,
    types: &'static [ColumnTypeDesc],
    pos: usize,
    /// The next item of `desc.types`.
    next_type: usize,
}

impl Reader {
    /// The derive wrote what this reads; anything else is a `retort-macros` of another
    /// version than this `retort`.
    fn malformed(&self) -> ! {
        panic!(
            "retort: the table description #[derive(Table)] wrote is malformed at byte {} of {:?}: retort-macros and retort must be the same version (cargo update -p retort-macros)",
            self.pos, self.text
        )
    }

    fn byte(&mut self) -> u8 {
        let Some(&b) = self.text.as_bytes().get(self.pos) else {
            self.malformed()
        };
        self.pos += 1;
        b
    }

    /// `~`, taken.
    fn absent(&mut self) -> bool {
        let none = self.text.as_bytes().get(self.pos) == Some(&b'~');
        if none {
            self.pos += 1;
        }
        none
    }

    /// Digits up to `end`.
    fn number(&mut self, end: u8) -> usize {
        let mut n: usize = 0;
        loop {
            match self.byte() {
                b if b == end => return n,
                b @ b'0'..=b'9' => n = n * 10 + usize::from(b - b'0'),
                _ => self.malformed(),
            }
        }
    }

    fn s(&mut self) -> &'static str {
        let len = self.number(b':');
        let text = self.text;
        let Some(s) = text.get(self.pos..self.pos + len) else {
            self.malformed()
        };
        self.pos += len;
        s
    }

    fn opt_s(&mut self) -> Option<&'static str> {
        (!self.absent()).then(|| self.s())
    }

    fn flag(&mut self) -> bool {
        match self.byte() {
            b't' => true,
            b'f' => false,
            _ => self.malformed(),
        }
    }

    fn opt_flag(&mut self) -> Option<bool> {
        (!self.absent()).then(|| self.flag())
    }

    fn opt_u32(&mut self) -> Option<u32> {
        if self.absent() {
            return None;
        }
        let n = self.number(b';');
        Some(u32::try_from(n).unwrap_or_else(|_| self.malformed()))
    }

    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let n = self.number(b'*');
        (0..n).map(|_| item(self)).collect()
    }

    fn strs(&mut self) -> Vec<&'static str> {
        self.list(Self::s)
    }

    fn action(&mut self) -> Option<FkAction> {
        if self.absent() {
            return None;
        }
        Some(match self.byte() {
            b'c' => FkAction::Cascade,
            b'n' => FkAction::SetNull,
            b'd' => FkAction::SetDefault,
            b'r' => FkAction::Restrict,
            b'a' => FkAction::NoAction,
            _ => self.malformed(),
        })
    }

    fn rust_type(&mut self) -> ColumnTypeDesc {
        let Some(t) = self.types.get(self.next_type) else {
            self.malformed()
        };
        self.next_type += 1;
        *t
    }

    /// name, `R` length? precision? scale? (a Rust type: the next of `types`) or `C` sql_type,
    /// nullable?, autoincrement?, default?, comment?, renamed_from, unique, index, and `~` or
    /// `>` schema? table column on_delete? on_update? (references).
    fn column(&mut self) -> ColumnDesc {
        let name = self.s();
        let ty = match self.byte() {
            b'R' => {
                let (length, precision, scale) = (self.opt_u32(), self.opt_u32(), self.opt_u32());
                TypeDesc::Rust {
                    ty: self.rust_type(),
                    length,
                    precision,
                    scale,
                }
            }
            b'C' => TypeDesc::Custom(self.s()),
            _ => self.malformed(),
        };
        ColumnDesc {
            name,
            ty,
            nullable: self.opt_flag(),
            autoincrement: self.opt_flag(),
            default: self.opt_s(),
            comment: self.opt_s(),
            renamed_from: self.strs(),
            unique: self.flag(),
            index: self.flag(),
            references: (!self.absent()).then(|| {
                if self.byte() != b'>' {
                    self.malformed()
                }
                ReferenceDesc {
                    schema: self.opt_s(),
                    table: self.s(),
                    column: self.s(),
                    on_delete: self.action(),
                    on_update: self.action(),
                }
            }),
        }
    }

    /// name?, columns, unique, predicate?, dialects (letters).
    fn index(&mut self) -> IndexDesc {
        IndexDesc {
            name: self.opt_s(),
            columns: self.strs(),
            unique: self.flag(),
            predicate: self.opt_s(),
            dialects: self.list(|r| match r.byte() {
                b's' => Dialect::Sqlite,
                b'p' => Dialect::Postgres,
                b'm' => Dialect::Mysql,
                _ => r.malformed(),
            }),
        }
    }

    /// name?, columns, ref_schema?, ref_table, ref_columns, on_delete?, on_update?, deferrable.
    fn foreign_key(&mut self) -> ForeignKeyDesc {
        ForeignKeyDesc {
            name: self.opt_s(),
            columns: self.strs(),
            ref_schema: self.opt_s(),
            ref_table: self.s(),
            ref_columns: self.strs(),
            on_delete: self.action(),
            on_update: self.action(),
            deferrable: self.flag(),
        }
    }
}

impl Desc {
    fn read(desc: &TableDesc) -> Desc {
        let mut r = Reader {
            text: desc.text,
            types: desc.types,
            pos: 0,
            next_type: 0,
        };
        let d = Desc {
            name: r.s(),
            schema: r.opt_s(),
            comment: r.opt_s(),
            renamed_from: r.strs(),
            columns: r.list(Reader::column),
            primary_key: r.strs(),
            primary_key_name: r.opt_s(),
            indexes: r.list(Reader::index),
            uniques: r.list(|r| UniqueDesc {
                name: r.opt_s(),
                columns: r.strs(),
            }),
            foreign_keys: r.list(Reader::foreign_key),
            checks: r.list(|r| CheckDesc {
                name: r.opt_s(),
                expr: r.s(),
            }),
        };
        if r.pos != desc.text.len() || r.next_type != desc.types.len() {
            r.malformed()
        }
        d
    }
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

impl Desc {
    fn table(&self) -> Table {
        let table = self.name;
        let sole_pk = match self.primary_key.as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        let mut t = Table::new(table);
        t.schema = owned(self.schema);
        t.comment = owned(self.comment);
        t.renamed_from = strings(&self.renamed_from);
        t.columns = self.columns.iter().map(|c| c.column(sole_pk)).collect();
        if !self.primary_key.is_empty() {
            t.primary_key = Some(PrimaryKey {
                name: match self.primary_key_name {
                    Some(n) => n.to_string(),
                    None => naming::primary_key(table),
                },
                columns: strings(&self.primary_key),
            });
        }

        for c in &self.columns {
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
        for ix in &self.indexes {
            let convention = || naming::index(table, &ix.columns);
            t.indexes.push(Index {
                name: named(ix.name, convention, &mut t.convention_names),
                columns: strings(&ix.columns),
                unique: ix.unique,
                predicate: owned(ix.predicate),
                dialects: ix.dialects.clone(),
            });
        }
        for u in &self.uniques {
            let convention = || naming::unique(table, &u.columns);
            t.uniques.push(Unique {
                name: named(u.name, convention, &mut t.convention_names),
                columns: strings(&u.columns),
            });
        }
        for fk in &self.foreign_keys {
            t.foreign_keys.push(ForeignKey {
                name: match fk.name {
                    Some(n) => n.to_string(),
                    None => naming::foreign_key(table, &fk.columns, fk.ref_table),
                },
                columns: strings(&fk.columns),
                ref_table: QName::with_schema(owned(fk.ref_schema), fk.ref_table),
                ref_columns: strings(&fk.ref_columns),
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
        c.renamed_from = strings(&self.renamed_from);
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
