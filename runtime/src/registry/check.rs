//! Cross-table validation of the models: what one struct cannot see on its own (the derive
//! checks each struct alone, at compile time). Every problem is collected, none stops the
//! others, and each names the struct and field it concerns ([`ModelProblem`]).

use std::collections::BTreeMap;

use retort_schema::{QName, SqlType, Table};

use super::{Entry, ModelProblem};

/// Every cross-table problem of `entries` (sorted by table), in a stable order: duplicate
/// tables, then per table duplicate columns and foreign keys, then index and constraint names,
/// then enum types.
pub(super) fn validate(entries: &[Entry]) -> Vec<ModelProblem> {
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
    // The first entry of each table, by name (not a scan of the entries before each one).
    let mut first_of: std::collections::HashMap<retort_schema::QName, &Entry> =
        std::collections::HashMap::with_capacity(entries.len());
    for e in entries {
        let q = e.table.qname();
        if let Some(&first) = first_of.get(&q) {
            problems.push(e.problem(
                vec![],
                format!(
                    "table `{}` is also declared by {}; two structs cannot share a table \
                     (rename one with #[table(name = \"..\")])",
                    e.table.qname(),
                    first.describe()
                ),
            ));
        } else {
            first_of.insert(q, e);
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
fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    match retort_schema::naming::closest(word, candidates) {
        Some(c) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::build_schema;
    use crate::registry::tests::{entry, fk, post_and_user, posts, problems, users};
    use retort_schema::{Check, Column, Index, Unique};

    /// Exactly one problem, and it starts with `prefix`.
    fn assert_one_problem(problems: &[String], prefix: &str) {
        assert!(
            problems.len() == 1 && problems[0].starts_with(prefix),
            "expected one problem starting with {prefix:?}, got {problems:?}"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("userz", ["users", "posts"].into_iter()),
            " (did you mean `users`?)"
        );
        assert_eq!(did_you_mean("xyz", ["users", "posts"].into_iter()), "");
        assert_eq!(retort_schema::naming::edit_distance("kitten", "sitting"), 3);
    }

    /// Local columns, referenced table, referenced columns, `posts.author_id`'s type, the problem.
    type FkCase = (
        &'static [&'static str],
        &'static str,
        &'static [&'static str],
        SqlType,
        &'static str,
    );

    /// One `Post` with foreign key `fk_posts_<columns>_<table>` and `User`: one problem, which
    /// starts with (or is) the message each case names.
    #[test]
    fn foreign_key_problems() {
        let cases: [FkCase; 7] = [
            (&["author_id"], "userz", &["id"], SqlType::BigInt,
             "Post.author_id: foreign key references unknown table `userz` (did you mean `users`?)"),
            (&["author_id"], "users", &["idd"], SqlType::BigInt,
             "Post.author_id: foreign key references unknown column `users.idd` (did you mean `id`?)"),
            (&["writer_id"], "users", &["id"], SqlType::BigInt,
             "Post: foreign key `fk_posts_writer_id_users` names column `writer_id`, which table `posts` does not have"),
            (&["author_id"], "users", &["id"], SqlType::Text,
             "Post.author_id: foreign key column type `text` is not compatible with the referenced column `users.id` (User.id: `bigint`); give both the same type"),
            // MySQL/MariaDB refuse an INT column referencing a BIGINT key.
            (&["author_id"], "users", &["id"], SqlType::Integer, "Post.author_id:"),
            (&["id", "author_id"], "users", &["id"], SqlType::BigInt,
             "Post.(id, author_id): foreign key `fk_posts_id_author_id_users` has 2 column(s) but references 1 column(s) of `users` (id); list as many referenced columns as local ones"),
            (&["author_id"], "users", &["email"], SqlType::Text,
             "Post.author_id: foreign key references `users(email)`, which is neither the primary key nor unique; the database needs a primary key or unique constraint on the referenced column(s) (add `unique` to User.email)"),
        ];
        for (cols, table, ref_cols, ty, want) in cases {
            let p = problems(post_and_user(fk(cols, table, ref_cols), ty));
            assert_one_problem(&p, want);
        }
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
        u.indexes.push(Index::new("ix_email", ["email"]));
        let mut p = posts(fk(&["author_id"], "users", &["id"]), SqlType::BigInt);
        p.indexes.push(Index::new("ix_email", ["author_id"]));
        let got = problems(vec![entry("User", u), entry("Post", p)]);
        assert_eq!(
            got,
            ["User.email: index name `ix_email` is already used by the index on `posts` (author_id) (`Post` (in app::models)); index and constraint names must be unique within a schema (PostgreSQL and SQLite keep index names per schema, MySQL keeps foreign key names per database): choose another `name = \"..\"`"]
        );
    }

    #[test]
    fn same_index_name_in_different_schemas_is_fine() {
        let mut a = users();
        a.indexes.push(Index::new("ix_email", ["email"]));
        let mut b = a.clone();
        b.schema = Some("audit".into());
        b.primary_key.as_mut().unwrap().name = "pk_audit_users".into();
        build_schema(vec![entry("User", a), entry("AuditUser", b)]).unwrap();
    }

    #[test]
    fn constraint_names_within_a_table() {
        let mut u = users();
        u.uniques.push(Unique::new("uq_users", ["email"]));
        u.checks.push(Check::new("uq_users", "id > 0"));
        let got = problems(vec![entry("User", u)]);
        assert_one_problem(&got, "User: check constraint name `uq_users` is already used by the unique constraint on (email);");
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
    fn all_problems_at_once() {
        let models = || {
            let mut m = post_and_user(fk(&["author_id"], "userz", &["id"]), SqlType::BigInt);
            m.push(entry("Account", users()));
            m
        };
        let p = problems(models());
        assert_eq!(p.len(), 2, "{p:?}");
        let err = build_schema(models()).unwrap_err().to_string();
        assert!(err.starts_with("2 problems in the models:\n  - "), "{err}");
    }
}
