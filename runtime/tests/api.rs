//! The README's list of the `retort` crate's API ("The `retort` crate's API") and the crate's
//! root stay the same set: every listed item is used here by its path (removing one breaks the
//! build), and the names in the list equal the public names at the root of `src/lib.rs`
//! (adding one without listing it, or listing one that is not there, fails the test).

use std::collections::BTreeSet;
use std::path::Path;

// Every root item of the README list, by path.
#[allow(unused_imports)]
use retort::{
    include_migrations, migrate_to_head, registrations, schema_test, target_schema, ColumnType,
    DbEnum, Json, MigrationSet, Model, ModelProblem, Models, RegistryError, TableRegistration,
    TypeArgs,
};
// Every module of the list.
#[allow(unused_imports)]
use retort::{cli, migration, migration::prelude, schema, testing};

#[derive(retort::Table)]
#[table(name = "api_users")]
pub struct ApiUser {
    #[column(primary_key)]
    pub id: i64,
    pub status: ApiStatus,
    pub settings: Json<Vec<String>>,
}

#[derive(retort::DbEnum)]
pub enum ApiStatus {
    Active,
}

/// The paths a user writes, with the types the list says they have.
#[test]
fn listed_items_have_the_listed_shapes() {
    let table: schema::Table = <ApiUser as Model>::table();
    assert_eq!(table.name, "api_users");
    assert_eq!(<ApiStatus as DbEnum>::NAME, "api_status");
    assert_eq!(
        <String as ColumnType>::sql_type(&TypeArgs::new().with_length(Some(3))),
        schema::SqlType::Varchar(3)
    );
    let explicit: Result<schema::Schema, RegistryError> = Models::new().add::<ApiUser>().schema();
    assert_eq!(explicit.unwrap().tables.len(), 1);
    let registered: Vec<&TableRegistration> = registrations()
        .filter(|r| r.struct_name() == "ApiUser")
        .collect();
    assert_eq!(registered.len(), 1);
    assert!(target_schema().is_ok());
    let _: fn(RegistryError) -> Option<Vec<ModelProblem>> = |e| match e {
        RegistryError::Invalid(p) => Some(p),
        _ => None,
    };
    let set: MigrationSet = MigrationSet::empty();
    // migrate_to_head is an async fn taking a URL and a set.
    drop(migrate_to_head("sqlite::memory:", &set));
    let _: fn(&MigrationSet, &schema::Schema) -> Result<(), testing::SchemaCheckError> =
        testing::check;
    let _: fn(migration::Migration) = |_| {};
    let _: fn(prelude::Migration) = |_| {};
    let _: fn(MigrationSet) -> ! = cli::main;
}

/// The section of the README that lists the API.
fn readme_section() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .expect("README.md at the workspace root");
    let start = readme
        .find("## The `retort` crate's API")
        .expect("README has a section \"The `retort` crate's API\"");
    let rest = &readme[start + 3..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_string()
}

/// The top-level names the README list mentions: the first code span of each `- ` line,
/// `#[derive(retort::X)]` -> `X`, `retort::x::y` / `retort::f()` / `retort::m!()` /
/// `retort::T<U>` -> `x` / `f` / `m` / `T`.
fn listed_names(section: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in section.lines() {
        let Some(item) = line.strip_prefix("- `") else {
            continue;
        };
        let span = &item[..item.find('`').expect("closing backtick")];
        let path = span
            .strip_prefix("#[derive(")
            .and_then(|s| s.strip_suffix(")]"))
            .unwrap_or(span);
        let path = path
            .strip_prefix("retort::")
            .unwrap_or_else(|| panic!("README API list: `{span}` does not start with retort::"));
        let end = path
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(path.len());
        names.insert(path[..end].to_string());
    }
    names
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("doc")
            && a.meta
                .require_list()
                .is_ok_and(|l| l.tokens.to_string() == "hidden")
    })
}

fn use_names(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(p) => use_names(&p.tree, out),
        syn::UseTree::Name(n) => {
            out.insert(n.ident.to_string());
        }
        syn::UseTree::Rename(r) => {
            out.insert(r.rename.to_string());
        }
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_names(t, out)),
        syn::UseTree::Glob(_) => panic!("a glob re-export at the root of retort"),
    }
}

/// The public names at the root of `src/lib.rs` (re-exports, modules, items, and the
/// `#[macro_export]` macros of every file in `src/`), `#[doc(hidden)]` ones left out.
fn root_names() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = syn::parse_file(&std::fs::read_to_string(src.join("lib.rs")).unwrap()).unwrap();
    let mut names = BTreeSet::new();
    for item in &lib.items {
        match item {
            syn::Item::Use(u) if is_pub(&u.vis) && !hidden(&u.attrs) => {
                use_names(&u.tree, &mut names)
            }
            syn::Item::Mod(m) if is_pub(&m.vis) && !hidden(&m.attrs) => {
                names.insert(m.ident.to_string());
            }
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                names.insert(f.sig.ident.to_string());
            }
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                names.insert(s.ident.to_string());
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                names.insert(e.ident.to_string());
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                names.insert(t.ident.to_string());
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                names.insert(t.ident.to_string());
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                names.insert(c.ident.to_string());
            }
            _ => {}
        }
    }
    let mut files = vec![src];
    while let Some(dir) = files.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.push(path);
                continue;
            }
            let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for item in &file.items {
                if let syn::Item::Macro(m) = item {
                    if m.attrs.iter().any(|a| a.path().is_ident("macro_export")) {
                        names.insert(m.ident.as_ref().expect("macro_rules! name").to_string());
                    }
                }
            }
        }
    }
    names
}

#[test]
fn readme_lists_exactly_the_root_items() {
    let listed = listed_names(&readme_section());
    let root = root_names();
    let unlisted: Vec<_> = root.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&root).collect();
    assert!(
        unlisted.is_empty() && gone.is_empty(),
        "README \"The `retort` crate's API\" and runtime/src/lib.rs differ:\n  \
         public at the root but not listed: {unlisted:?}\n  \
         listed but not public at the root: {gone:?}"
    );
    // Sanity: the parser sees what the list is about.
    for name in [
        "Table",
        "Model",
        "migrate_to_head",
        "schema_test",
        "migration",
        "cli",
    ] {
        assert!(
            root.contains(name),
            "{name} not found at the root: {root:?}"
        );
    }
}
