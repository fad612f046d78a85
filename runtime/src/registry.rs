//! The target schema: every `#[derive(Table)]` linked into the binary (through `inventory`), or
//! an explicit list ([`Models`]), checked across tables.
//!
//! Mistakes that one struct cannot see on its own are reported here, all at once, each naming
//! the struct and field: a foreign key to an unknown table or column, a type mismatch across a
//! foreign key, two structs claiming one table, an index or constraint name used twice.

use std::fmt;

use retort_schema::{Schema, Table};

use crate::model::Model;

mod check;
pub(crate) mod desc;

use desc::TableDesc;

/// One `#[derive(Table)]`, as registered with `inventory` by the derive ([`registrations`]):
/// static data only, so registering costs nothing at start-up. The table is built from the
/// description when the registry is read ([`TableRegistration::table`], [`target_schema`]).
#[derive(Debug)]
pub struct TableRegistration {
    struct_name: &'static str,
    module_path: &'static str,
    desc: &'static TableDesc,
    fields: &'static [(&'static str, &'static str)],
}

impl TableRegistration {
    #[doc(hidden)]
    pub const fn new(
        struct_name: &'static str,
        module_path: &'static str,
        desc: &'static TableDesc,
        fields: &'static [(&'static str, &'static str)],
    ) -> Self {
        TableRegistration {
            struct_name,
            module_path,
            desc,
            fields,
        }
    }

    /// The Rust struct (`"User"`).
    pub fn struct_name(&self) -> &'static str {
        self.struct_name
    }

    /// The module that declares the struct (`"blog_models"`).
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// Builds the struct's table from its static description.
    pub fn table(&self) -> Table {
        self.desc.table()
    }

    /// `(column name, field name)` pairs.
    pub fn fields(&self) -> &'static [(&'static str, &'static str)] {
        self.fields
    }
}

inventory::collect!(TableRegistration);

/// Every `#[derive(Table)]` linked into this binary, in no particular order.
pub fn registrations() -> impl Iterator<Item = &'static TableRegistration> {
    inventory::iter::<TableRegistration>.into_iter()
}

/// The schema the models describe: every `#[derive(Table)]` linked into this binary, tables
/// sorted by qualified name, enum types collected from the columns, checked across tables.
///
/// An empty registry is an error ([`RegistryError::Empty`]): comparing an empty target with a
/// database would drop every table.
pub fn target_schema() -> Result<Schema, RegistryError> {
    let entries = registrations()
        .map(|r| Entry {
            struct_name: r.struct_name.to_string(),
            module_path: r.module_path.to_string(),
            table: r.table(),
            fields: r.fields,
        })
        .collect();
    build_schema(entries)
}

/// An explicit list of models, for when relying on link-time registration is not wanted:
///
/// ```
/// #[derive(retort::Table)]
/// #[table(name = "users")]
/// pub struct User {
///     #[column(primary_key)]
///     pub id: i64,
/// }
///
/// let schema = retort::Models::new().add::<User>().schema().unwrap();
/// assert_eq!(schema.tables[0].name, "users");
/// ```
#[derive(Debug, Default)]
pub struct Models {
    entries: Vec<Entry>,
}

impl Models {
    /// An empty list.
    pub fn new() -> Self {
        Models::default()
    }

    /// Adds the table of `M`.
    pub fn add<M: Model>(mut self) -> Self {
        self.entries.push(Entry {
            struct_name: M::STRUCT_NAME.to_string(),
            module_path: String::new(),
            table: M::table(),
            fields: M::FIELDS,
        });
        self
    }

    /// The number of models added.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no model was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The schema of these models, checked like [`target_schema`].
    pub fn schema(self) -> Result<Schema, RegistryError> {
        build_schema(self.entries)
    }
}

#[derive(Debug)]
struct Entry {
    struct_name: String,
    module_path: String,
    table: Table,
    fields: &'static [(&'static str, &'static str)],
}

impl Entry {
    fn field(&self, column: &str) -> String {
        self.fields
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, f)| f.to_string())
            .unwrap_or_else(|| column.to_string())
    }

    fn fields_of(&self, columns: &[String]) -> Vec<String> {
        columns.iter().map(|c| self.field(c)).collect()
    }

    fn problem(&self, fields: Vec<String>, message: String) -> ModelProblem {
        ModelProblem {
            struct_name: self.struct_name.clone(),
            fields,
            message,
        }
    }

    fn describe(&self) -> String {
        if self.module_path.is_empty() {
            format!("`{}`", self.struct_name)
        } else {
            format!("`{}` (in {})", self.struct_name, self.module_path)
        }
    }
}

/// Why the models do not make a schema.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// No model at all: comparing an empty target with a database would drop every table.
    #[error(
        "no models found: no `#[derive(retort::Table)]` struct was linked into this binary. \
         A crate that the binary never names is not linked, and its registrations vanish: add \
         `use my_models as _;` (your models crate) to the `main.rs` of the binary (the `cli` \
         crate), or pass the models explicitly with `retort::Models::new().add::<MyModel>()`"
    )]
    Empty,
    /// Cross-table problems, all of them, each naming the struct and field.
    #[error("{} in the models:\n{}", count(.0.len()), list(.0))]
    Invalid(Vec<ModelProblem>),
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 problem".to_string()
    } else {
        format!("{n} problems")
    }
}

fn list(problems: &[ModelProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One cross-table mistake, naming the struct and the field(s) it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelProblem {
    /// The struct (`Post`).
    pub struct_name: String,
    /// The fields concerned (`author_id`), possibly none (a table-level problem).
    pub fields: Vec<String>,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for ModelProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.fields.as_slice() {
            [] => write!(f, "{}: {}", self.struct_name, self.message),
            [one] => write!(f, "{}.{one}: {}", self.struct_name, self.message),
            many => write!(
                f,
                "{}.({}): {}",
                self.struct_name,
                many.join(", "),
                self.message
            ),
        }
    }
}

fn build_schema(mut entries: Vec<Entry>) -> Result<Schema, RegistryError> {
    if entries.is_empty() {
        return Err(RegistryError::Empty);
    }
    entries.sort_by(|a, b| {
        (a.table.qname(), &a.struct_name, &a.module_path).cmp(&(
            b.table.qname(),
            &b.struct_name,
            &b.module_path,
        ))
    });
    let problems = check::validate(&entries);
    if !problems.is_empty() {
        return Err(RegistryError::Invalid(problems));
    }
    let mut schema = Schema {
        tables: entries.into_iter().map(|e| e.table).collect(),
        enums: Vec::new(),
    };
    schema.collect_enums_from_columns();
    schema.normalize_order();
    Ok(schema)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use retort_schema::{Column, ForeignKey, SqlType};

    pub(super) fn entry(struct_name: &str, table: Table) -> Entry {
        let fields: Vec<(&'static str, &'static str)> = table
            .columns
            .iter()
            .map(|c| {
                let name: &'static str = Box::leak(c.name.clone().into_boxed_str());
                (name, name)
            })
            .collect();
        Entry {
            struct_name: struct_name.to_string(),
            module_path: "app::models".to_string(),
            table,
            fields: Box::leak(fields.into_boxed_slice()),
        }
    }

    pub(super) fn users() -> Table {
        Table::new("users")
            .with_column(Column::new("id", SqlType::BigInt))
            .with_column(Column::new("email", SqlType::Varchar(320)))
            .primary_key("pk_users", ["id"])
    }

    pub(super) fn fk(cols: &[&str], table: &str, ref_cols: &[&str]) -> ForeignKey {
        let name = format!("fk_posts_{}_{table}", cols.join("_"));
        ForeignKey::new(name, cols.iter().copied(), table, ref_cols.iter().copied())
    }

    pub(super) fn posts(fk: ForeignKey, author_ty: SqlType) -> Table {
        Table::new("posts")
            .with_column(Column::new("id", SqlType::BigInt))
            .with_column(Column::new("author_id", author_ty))
            .primary_key("pk_posts", ["id"])
            .foreign_key(fk)
    }

    /// `Post` (its foreign key `fk`, its `author_id` of type `author_ty`) and `User`.
    pub(super) fn post_and_user(fk: ForeignKey, author_ty: SqlType) -> Vec<Entry> {
        vec![entry("Post", posts(fk, author_ty)), entry("User", users())]
    }

    pub(super) fn problems(entries: Vec<Entry>) -> Vec<String> {
        match build_schema(entries) {
            Err(RegistryError::Invalid(p)) => p.iter().map(|p| p.to_string()).collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn valid_models_make_a_sorted_schema() {
        let s = build_schema(post_and_user(
            fk(&["author_id"], "users", &["id"]),
            SqlType::BigInt,
        ))
        .unwrap();
        let names: Vec<_> = s.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["posts", "users"]);
    }

    #[test]
    fn empty_is_an_error_that_says_how_to_fix_it() {
        let err = build_schema(vec![]).unwrap_err();
        assert!(matches!(err, RegistryError::Empty));
        let msg = err.to_string();
        assert!(
            msg.contains("no `#[derive(retort::Table)]` struct was linked"),
            "{msg}"
        );
        assert!(msg.contains("use my_models as _;"), "{msg}");
        assert!(msg.contains("retort::Models::new()"), "{msg}");
        assert!(matches!(Models::new().schema(), Err(RegistryError::Empty)));
    }

    #[test]
    fn enums_are_collected() {
        let mut u = users();
        u.columns.push(Column::new(
            "status",
            SqlType::Enum {
                name: "user_status".into(),
                values: vec!["active".into()],
            },
        ));
        let s = build_schema(vec![entry("User", u)]).unwrap();
        assert_eq!(s.enums.len(), 1);
        assert_eq!(s.enums[0].name, "user_status");
    }
}
