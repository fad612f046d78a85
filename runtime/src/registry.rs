//! The target schema: every `#[derive(Table)]` linked into the binary (through `inventory`), or
//! an explicit list ([`Models`]), checked across tables.
//!
//! Mistakes that one struct cannot see on its own are reported here, all at once, each naming
//! the struct and field: a foreign key to an unknown table or column, a type mismatch across a
//! foreign key, two structs claiming one table, an index or constraint name used twice.

use std::collections::BTreeMap;
use std::fmt;

use retort_schema::{QName, Schema, SqlType, Table};

use crate::Model;

/// One `#[derive(Table)]`, as registered with `inventory` by the derive.
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

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The schema of these models, checked like [`target_schema`].
    pub fn schema(self) -> Result<Schema, RegistryError> {
        build_schema(self.entries)
    }
}

/// The schema of an explicit list of models (same as [`Models::schema`]).
pub fn schema_from_models(models: Models) -> Result<Schema, RegistryError> {
    models.schema()
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
    #[error(
        "no models found: no `#[derive(retort::Table)]` struct was linked into this binary. \
         A crate that the binary never names is not linked, and its registrations vanish: add \
         `use my_models as _;` (your models crate) to the `main.rs` of the binary (the `cli` \
         crate), or pass the models explicitly with `retort::Models::new().add::<MyModel>()`"
    )]
    Empty,
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
    let problems = validate(&entries);
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

fn validate(entries: &[Entry]) -> Vec<ModelProblem> {
    let mut problems = Vec::new();
    duplicate_tables(entries, &mut problems);
    for e in entries {
        duplicate_columns(e, &mut problems);
        foreign_keys(e, entries, &mut problems);
    }
    duplicate_names(entries, &mut problems);
    enum_conflicts(entries, &mut problems);
    problems
}

fn duplicate_tables(entries: &[Entry], problems: &mut Vec<ModelProblem>) {
    for (i, e) in entries.iter().enumerate() {
        let q = e.table.qname();
        if let Some(first) = entries[..i].iter().find(|o| o.table.is(&q)) {
            problems.push(e.problem(
                vec![],
                format!(
                    "table `{}` is also declared by {}; two structs cannot share a table \
                     (rename one with #[table(name = \"..\")])",
                    e.table.qname(),
                    first.describe()
                ),
            ));
        }
    }
}

fn duplicate_columns(e: &Entry, problems: &mut Vec<ModelProblem>) {
    for (i, c) in e.table.columns.iter().enumerate() {
        if e.table.columns[..i].iter().any(|o| o.name == c.name) {
            problems.push(e.problem(
                vec![e.field(&c.name)],
                format!(
                    "column `{}` appears twice in table `{}`",
                    c.name,
                    e.table.qname()
                ),
            ));
        }
    }
}

fn foreign_keys(e: &Entry, entries: &[Entry], problems: &mut Vec<ModelProblem>) {
    let t = &e.table;
    for fk in &t.foreign_keys {
        let fields = e.fields_of(&fk.columns);
        let mut local_ok = true;
        for c in &fk.columns {
            if t.column(c).is_none() {
                local_ok = false;
                problems.push(e.problem(
                    vec![],
                    format!(
                        "foreign key `{}` names column `{c}`, which table `{}` does not have{}",
                        fk.name,
                        t.qname(),
                        did_you_mean(c, t.columns.iter().map(|c| c.name.as_str()))
                    ),
                ));
            }
        }
        let Some(target) = entries.iter().find(|o| o.table.is(&fk.ref_table)) else {
            let names: Vec<String> = entries
                .iter()
                .map(|o| o.table.qname().to_string())
                .collect();
            problems.push(e.problem(
                fields,
                format!(
                    "foreign key references unknown table `{}`{}",
                    fk.ref_table,
                    did_you_mean(&fk.ref_table.to_string(), names.iter().map(String::as_str))
                ),
            ));
            continue;
        };
        let rt = &target.table;
        if fk.columns.len() != fk.ref_columns.len() {
            problems.push(e.problem(
                fields.clone(),
                format!(
                    "foreign key `{}` has {} column(s) but references {} column(s) of `{}` \
                     ({}); list as many referenced columns as local ones",
                    fk.name,
                    fk.columns.len(),
                    fk.ref_columns.len(),
                    rt.qname(),
                    fk.ref_columns.join(", ")
                ),
            ));
            continue;
        }
        let mut ref_ok = true;
        for rc in &fk.ref_columns {
            if rt.column(rc).is_none() {
                ref_ok = false;
                problems.push(e.problem(
                    fields.clone(),
                    format!(
                        "foreign key references unknown column `{}.{rc}`{}",
                        rt.qname(),
                        did_you_mean(rc, rt.columns.iter().map(|c| c.name.as_str()))
                    ),
                ));
            }
        }
        if !(local_ok && ref_ok) {
            continue;
        }
        for (c, rc) in fk.columns.iter().zip(&fk.ref_columns) {
            let (Some(lc), Some(rcol)) = (t.column(c), rt.column(rc)) else {
                continue;
            };
            if !lc.ty.compatible_for_fk(&rcol.ty) {
                problems.push(e.problem(
                    vec![e.field(c)],
                    format!(
                        "foreign key column type `{}` is not compatible with the referenced \
                         column `{}.{rc}` ({}.{}: `{}`); give both the same type",
                        lc.ty,
                        rt.qname(),
                        target.struct_name,
                        target.field(rc),
                        rcol.ty
                    ),
                ));
            }
        }
        if !is_unique_key(rt, &fk.ref_columns) {
            problems.push(e.problem(
                fields,
                format!(
                    "foreign key references `{}({})`, which is neither the primary key nor \
                     unique; the database needs a primary key or unique constraint on the \
                     referenced column(s) (add `unique` to {}.{})",
                    rt.qname(),
                    fk.ref_columns.join(", "),
                    target.struct_name,
                    target.fields_of(&fk.ref_columns).join(", ")
                ),
            ));
        }
    }
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

fn is_unique_key(t: &Table, columns: &[String]) -> bool {
    t.primary_key
        .as_ref()
        .is_some_and(|pk| same_set(&pk.columns, columns))
        || t.uniques.iter().any(|u| same_set(&u.columns, columns))
        || t.indexes
            .iter()
            .any(|i| i.unique && i.predicate.is_none() && same_set(&i.columns, columns))
}

struct NamedThing<'a> {
    entry: &'a Entry,
    kind: &'static str,
    columns: Vec<String>,
}

/// Index and constraint names must be unique within a schema: PostgreSQL keeps indexes (and the
/// indexes behind primary keys and unique constraints) in one namespace per schema, SQLite keeps
/// index names per database, MySQL keeps foreign key names per database.
fn duplicate_names(entries: &[Entry], problems: &mut Vec<ModelProblem>) {
    let mut seen: BTreeMap<(Option<String>, String), NamedThing<'_>> = BTreeMap::new();
    for (n, e) in entries.iter().enumerate() {
        let t = &e.table;
        let q = t.qname();
        if entries[..n].iter().any(|o| o.table.is(&q)) {
            continue; // already reported as a duplicate table
        }
        let mut named: Vec<(&str, &'static str, Vec<String>)> = Vec::new();
        if let Some(pk) = &t.primary_key {
            named.push((&pk.name, "primary key", pk.columns.clone()));
        }
        for i in &t.indexes {
            named.push((&i.name, "index", i.columns.clone()));
        }
        for u in &t.uniques {
            named.push((&u.name, "unique constraint", u.columns.clone()));
        }
        for f in &t.foreign_keys {
            named.push((&f.name, "foreign key", f.columns.clone()));
        }
        for c in &t.checks {
            named.push((&c.name, "check constraint", vec![]));
        }
        for (name, kind, columns) in named {
            let key = (t.schema.clone(), name.to_string());
            if let Some(first) = seen.get(&key) {
                let whose = if std::ptr::eq(first.entry, e) {
                    format!("by the {} on {}", first.kind, cols(&first.columns))
                } else {
                    format!(
                        "by the {} on `{}` {} ({})",
                        first.kind,
                        first.entry.table.qname(),
                        cols(&first.columns),
                        first.entry.describe()
                    )
                };
                problems.push(e.problem(
                    e.fields_of(&columns),
                    format!(
                        "{kind} name `{name}` is already used {whose}; index and constraint \
                         names must be unique within a schema (PostgreSQL and SQLite keep \
                         index names per schema, MySQL keeps foreign key names per database): \
                         choose another `name = \"..\"`"
                    ),
                ));
            } else {
                seen.insert(
                    key,
                    NamedThing {
                        entry: e,
                        kind,
                        columns,
                    },
                );
            }
        }
    }
}

fn cols(columns: &[String]) -> String {
    if columns.is_empty() {
        "the table".to_string()
    } else {
        format!("({})", columns.join(", "))
    }
}

fn enum_conflicts(entries: &[Entry], problems: &mut Vec<ModelProblem>) {
    let mut seen: BTreeMap<QName, (&Entry, &str, &Vec<String>)> = BTreeMap::new();
    for e in entries {
        for c in &e.table.columns {
            let SqlType::Enum { name, values } = &c.ty else {
                continue;
            };
            let q = QName::with_schema(e.table.schema.clone(), name.clone());
            match seen.get(&q) {
                Some((first, first_col, first_values)) if *first_values != values => {
                    problems.push(e.problem(
                        vec![e.field(&c.name)],
                        format!(
                            "enum type `{q}` has labels [{}] here but [{}] in {}.{}; one \
                             database type cannot have two sets of labels (name one of them \
                             differently with #[db_enum(name = \"..\")])",
                            values.join(", "),
                            first_values.join(", "),
                            first.struct_name,
                            first.field(first_col)
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    seen.insert(q, (e, &c.name, values));
                }
            }
        }
    }
}

/// ` (did you mean `x`?)` when a candidate is close to `word`, else empty.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let best = candidates
        .filter(|c| *c != word)
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (word.len().max(c.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, c)) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    // Optimal string alignment: edits plus transpositions of neighbours (`emial` -> `email`).
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_schema::{Check, Column, ForeignKey, Index, PrimaryKey, Unique};

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
            dialects: Vec::new(),
        });
        let mut p = posts(fk(&["author_id"], "users", &["id"]), SqlType::BigInt);
        p.indexes.push(Index {
            name: "ix_email".into(),
            columns: vec!["author_id".into()],
            unique: false,
            predicate: None,
            dialects: Vec::new(),
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
            dialects: Vec::new(),
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

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("userz", ["users", "posts"].into_iter()),
            " (did you mean `users`?)"
        );
        assert_eq!(did_you_mean("xyz", ["users", "posts"].into_iter()), "");
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
