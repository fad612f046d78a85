//! The target schema: every `#[derive(Table)]` linked into the binary (through `inventory`), or
//! an explicit list ([`Models`]), checked across tables.
//!
//! Mistakes that one struct cannot see on its own are reported here, all at once, each naming
//! the struct and field: a foreign key to an unknown table or column, a type mismatch across a
//! foreign key, two structs claiming one table, an index or constraint name used twice.

use std::fmt;

use retort_schema::{Schema, Table};

use crate::Model;

mod check;

/// One `#[derive(Table)]`, as registered with `inventory` by the derive ([`registrations`]).
#[derive(Debug)]
pub struct TableRegistration {
    struct_name: &'static str,
    module_path: &'static str,
    build: fn() -> Table,
    fields: &'static [(&'static str, &'static str)],
}

impl TableRegistration {
    #[doc(hidden)]
    pub const fn new(
        struct_name: &'static str,
        module_path: &'static str,
        build: fn() -> Table,
        fields: &'static [(&'static str, &'static str)],
    ) -> Self {
        TableRegistration {
            struct_name,
            module_path,
            build,
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

    /// Builds the struct's table.
    pub fn table(&self) -> Table {
        (self.build)()
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
mod tests {
    use super::*;
    use retort_schema::{Check, Column, ForeignKey, Index, PrimaryKey, QName, SqlType, Unique};

    fn entry(struct_name: &str, table: Table) -> Entry {
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

    fn users() -> Table {
        let mut t = Table::new("users");
        t.columns.push(Column::new("id", SqlType::BigInt));
        t.columns.push(Column::new("email", SqlType::Varchar(320)));
        t.primary_key = Some(PrimaryKey {
            name: "pk_users".into(),
            columns: vec!["id".into()],
        });
        t
    }

    fn fk(cols: &[&str], table: &str, ref_cols: &[&str]) -> ForeignKey {
        ForeignKey {
            name: format!("fk_posts_{}_{table}", cols.join("_")),
            columns: cols.iter().map(|c| c.to_string()).collect(),
            ref_table: QName::parse(table),
            ref_columns: ref_cols.iter().map(|c| c.to_string()).collect(),
            on_delete: None,
            on_update: None,
            deferrable: false,
        }
    }

    fn posts(fk: ForeignKey, author_ty: SqlType) -> Table {
        let mut t = Table::new("posts");
        t.columns.push(Column::new("id", SqlType::BigInt));
        t.columns.push(Column::new("author_id", author_ty));
        t.primary_key = Some(PrimaryKey {
            name: "pk_posts".into(),
            columns: vec!["id".into()],
        });
        t.foreign_keys.push(fk);
        t
    }

    fn problems(entries: Vec<Entry>) -> Vec<String> {
        match build_schema(entries) {
            Err(RegistryError::Invalid(p)) => p.iter().map(|p| p.to_string()).collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn valid_models_make_a_sorted_schema() {
        let s = build_schema(vec![
            entry(
                "Post",
                posts(fk(&["author_id"], "users", &["id"]), SqlType::BigInt),
            ),
            entry("User", users()),
        ])
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
    fn unknown_table_with_suggestion() {
        let p = problems(vec![
            entry(
                "Post",
                posts(fk(&["author_id"], "userz", &["id"]), SqlType::BigInt),
            ),
            entry("User", users()),
        ]);
        assert_eq!(
            p,
            ["Post.author_id: foreign key references unknown table `userz` (did you mean `users`?)"]
        );
    }

    #[test]
    fn unknown_table_without_suggestion() {
        let p = problems(vec![entry(
            "Post",
            posts(fk(&["author_id"], "accounts", &["id"]), SqlType::BigInt),
        )]);
        assert_eq!(
            p,
            ["Post.author_id: foreign key references unknown table `accounts`"]
        );
    }

    #[test]
    fn unknown_referenced_column() {
        let p = problems(vec![
            entry(
                "Post",
                posts(fk(&["author_id"], "users", &["idd"]), SqlType::BigInt),
            ),
            entry("User", users()),
        ]);
        assert_eq!(
            p,
            ["Post.author_id: foreign key references unknown column `users.idd` (did you mean `id`?)"]
        );
    }

    #[test]
    fn unknown_local_column() {
        let p = problems(vec![
            entry(
                "Post",
                posts(fk(&["writer_id"], "users", &["id"]), SqlType::BigInt),
            ),
            entry("User", users()),
        ]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with(
                "Post: foreign key `fk_posts_writer_id_users` names column `writer_id`, which table `posts` does not have"
            ),
            "{p:?}"
        );
    }

    #[test]
    fn incompatible_types_across_a_foreign_key() {
        let p = problems(vec![
            entry(
                "Post",
                posts(fk(&["author_id"], "users", &["id"]), SqlType::Text),
            ),
            entry("User", users()),
        ]);
        assert_eq!(
            p,
            ["Post.author_id: foreign key column type `text` is not compatible with the referenced column `users.id` (User.id: `bigint`); give both the same type"]
        );
    }

    #[test]
    fn integer_widths_must_match_across_a_foreign_key() {
        // MySQL/MariaDB refuse an INT column referencing a BIGINT key.
        let p = problems(vec![
            entry(
                "Post",
                posts(fk(&["author_id"], "users", &["id"]), SqlType::Integer),
            ),
            entry("User", users()),
        ]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("Post.author_id:"), "{p:?}");
    }

    #[test]
    fn arity_mismatch() {
        let p = problems(vec![
            entry(
                "Post",
                posts(fk(&["id", "author_id"], "users", &["id"]), SqlType::BigInt),
            ),
            entry("User", users()),
        ]);
        assert_eq!(
            p,
            ["Post.(id, author_id): foreign key `fk_posts_id_author_id_users` has 2 column(s) but references 1 column(s) of `users` (id); list as many referenced columns as local ones"]
        );
    }

    #[test]
    fn referenced_columns_must_be_a_key() {
        let p = problems(vec![
            entry(
                "Post",
                posts(fk(&["author_id"], "users", &["email"]), SqlType::Text),
            ),
            entry("User", users()),
        ]);
        assert_eq!(
            p,
            ["Post.author_id: foreign key references `users(email)`, which is neither the primary key nor unique; the database needs a primary key or unique constraint on the referenced column(s) (add `unique` to User.email)"]
        );
    }

    #[test]
    fn two_structs_one_table() {
        let p = problems(vec![entry("User", users()), entry("Account", users())]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0],
            "User: table `users` is also declared by `Account` (in app::models); two structs cannot share a table (rename one with #[table(name = \"..\")])"
        );
    }

    #[test]
    fn index_names_are_per_schema() {
        let mut u = users();
        u.indexes.push(Index {
            name: "ix_email".into(),
            columns: vec!["email".into()],
            unique: false,
            predicate: None,
        });
        let mut p = posts(fk(&["author_id"], "users", &["id"]), SqlType::BigInt);
        p.indexes.push(Index {
            name: "ix_email".into(),
            columns: vec!["author_id".into()],
            unique: false,
            predicate: None,
        });
        let got = problems(vec![entry("User", u), entry("Post", p)]);
        assert_eq!(
            got,
            ["User.email: index name `ix_email` is already used by the index on `posts` (author_id) (`Post` (in app::models)); index and constraint names must be unique within a schema (PostgreSQL and SQLite keep index names per schema, MySQL keeps foreign key names per database): choose another `name = \"..\"`"]
        );
    }

    #[test]
    fn same_index_name_in_different_schemas_is_fine() {
        let mut a = users();
        a.indexes.push(Index {
            name: "ix_email".into(),
            columns: vec!["email".into()],
            unique: false,
            predicate: None,
        });
        let mut b = a.clone();
        b.schema = Some("audit".into());
        b.primary_key.as_mut().unwrap().name = "pk_audit_users".into();
        build_schema(vec![entry("User", a), entry("AuditUser", b)]).unwrap();
    }

    #[test]
    fn constraint_names_within_a_table() {
        let mut u = users();
        u.uniques.push(Unique {
            name: "uq_users".into(),
            columns: vec!["email".into()],
        });
        u.checks.push(Check {
            name: "uq_users".into(),
            expr: "id > 0".into(),
        });
        let got = problems(vec![entry("User", u)]);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with(
                "User: check constraint name `uq_users` is already used by the unique constraint on (email);"
            ),
            "{got:?}"
        );
    }

    #[test]
    fn enum_with_two_sets_of_labels() {
        let status = |vals: &[&str]| SqlType::Enum {
            name: "status".into(),
            values: vals.iter().map(|v| v.to_string()).collect(),
        };
        let mut u = users();
        u.columns
            .push(Column::new("status", status(&["active", "banned"])));
        let mut p = posts(fk(&["author_id"], "users", &["id"]), SqlType::BigInt);
        p.columns
            .push(Column::new("state", status(&["draft", "published"])));
        let got = problems(vec![entry("User", u), entry("Post", p)]);
        assert_eq!(
            got,
            ["User.status: enum type `status` has labels [active, banned] here but [draft, published] in Post.state; one database type cannot have two sets of labels (name one of them differently with #[db_enum(name = \"..\")])"]
        );
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

    #[test]
    fn all_problems_at_once() {
        let p = problems(vec![
            entry(
                "Post",
                posts(fk(&["author_id"], "userz", &["id"]), SqlType::BigInt),
            ),
            entry("User", users()),
            entry("Account", users()),
        ]);
        assert_eq!(p.len(), 2, "{p:?}");
        let err = build_schema(vec![
            entry(
                "Post",
                posts(fk(&["author_id"], "userz", &["id"]), SqlType::BigInt),
            ),
            entry("User", users()),
            entry("Account", users()),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("2 problems in the models:\n  - "), "{err}");
    }
}
