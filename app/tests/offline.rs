//! Commands that need no database: init, revision, merge, history, heads, branches, show,
//! schema, configuration errors, stale sets, usage errors.

mod common;

use common::*;
use retort_app::Context;
use retort_runner::MigrationSet;

// ----- init ---------------------------------------------------------------------------------

#[tokio::test]
async fn init_scaffolds_a_workspace_and_adds_the_member() {
    let d = tmp();
    let root = d.path();
    let manifest = "# my workspace\n[workspace]\nresolver = \"2\"\nmembers = [\n    \"models\",\n]\n\n[workspace.dependencies]\nserde = \"1\"\n";
    std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
    std::fs::create_dir_all(root.join("models/src")).unwrap();
    std::fs::write(
        root.join("models/Cargo.toml"),
        "[package]\nname = \"my-models\"\n",
    )
    .unwrap();
    let c = ctx(MigrationSet::empty(), root);
    let out = ok(
        &c,
        &[
            "init",
            "--models-crate",
            "my-models",
            "--models-path",
            "models",
        ],
    )
    .await;
    assert!(out.contains("retort.toml"), "{out}");

    let toml = std::fs::read_to_string(root.join("retort.toml")).unwrap();
    assert!(toml.contains("script_location = \"migrations\""));
    // The scaffolded configuration is valid.
    retort_app::config::parse(&toml).unwrap();
    assert!(root.join("migrations/versions/.gitkeep").is_file());

    let cargo = std::fs::read_to_string(root.join("cli/Cargo.toml")).unwrap();
    assert_contains(
        &cargo,
        &[
            "name = \"cli\"",
            "default-features = false, features = [\"cli\", \"sqlite\"] }",
            "my-models = { path = \"../models\" }",
            "retort-build",
        ],
    );
    assert!(
        out.contains("built with the sqlite driver (the default"),
        "{out}"
    );
    let build = std::fs::read_to_string(root.join("cli/build.rs")).unwrap();
    assert!(build.contains("retort_build::migrations(\"../migrations\")"));
    let main = std::fs::read_to_string(root.join("cli/src/main.rs")).unwrap();
    assert!(main.contains("use my_models as _;"), "{main}");
    assert!(main.contains("retort::include_migrations!();"));
    assert!(main.contains("retort::cli::main(migrations())"));
    // Build output and local databases are kept out of git.
    let ignore = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(
        ignore.contains("/target") && ignore.contains("*.db"),
        "{ignore}"
    );

    let new_manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert_eq!(
        new_manifest,
        "# my workspace\n[workspace]\nresolver = \"2\"\nmembers = [\n    \"models\",\n    \"cli\",\n]\n\n[workspace.dependencies]\nserde = \"1\"\n"
    );
}

#[tokio::test]
async fn init_refuses_to_overwrite_and_writes_nothing() {
    let d = tmp();
    let root = d.path();
    std::fs::create_dir_all(root.join("cli/src")).unwrap();
    std::fs::write(root.join("cli/src/main.rs"), "fn main() {}\n").unwrap();
    let c = ctx(MigrationSet::empty(), root);
    let (code, _, err) = cmd(&c, &["init", "--models-crate", "models"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cli/src/main.rs"), "{err}");
    assert!(!root.join("retort.toml").exists());
    assert!(!root.join("cli/Cargo.toml").exists());
    assert_eq!(
        std::fs::read_to_string(root.join("cli/src/main.rs")).unwrap(),
        "fn main() {}\n"
    );
}

#[tokio::test]
async fn init_in_an_empty_folder_creates_a_models_crate() {
    let d = tmp();
    let c = ctx(MigrationSet::empty(), d.path());
    let out = ok(&c, &["init"]).await;
    assert!(
        out.contains("created `models` with one example table"),
        "{out}"
    );
    let lib = std::fs::read_to_string(d.path().join("models/src/lib.rs")).unwrap();
    assert!(lib.contains("#[derive(retort::Table)]"), "{lib}");
    let root = std::fs::read_to_string(d.path().join("Cargo.toml")).unwrap();
    assert!(root.contains("members = [\"cli\", \"models\"]"), "{root}");
    let main = std::fs::read_to_string(d.path().join("cli/src/main.rs")).unwrap();
    assert!(main.contains("use models as _;"), "{main}");
}

/// The drivers init compiles in: `--db`, else the URL's database (and that URL in
/// retort.toml), else SQLite; a bad list is a usage error that writes nothing.
#[tokio::test]
async fn init_enables_the_drivers_it_is_told_or_the_urls() {
    let features = |root: &std::path::Path| -> (String, String) {
        let cli = std::fs::read_to_string(root.join("cli/Cargo.toml")).unwrap();
        let models = std::fs::read_to_string(root.join("models/Cargo.toml")).unwrap();
        let line = |t: &str| {
            t.lines()
                .find(|l| l.starts_with("retort = "))
                .unwrap_or_else(|| panic!("no retort line in\n{t}"))
                .to_string()
        };
        (line(&cli), line(&models))
    };

    let d = tmp();
    let c = ctx(MigrationSet::empty(), d.path());
    let out = ok(&c, &["init", "--db", "mysql,postgres"]).await;
    assert!(
        out.contains("built with the postgres, mysql drivers (--db)"),
        "{out}"
    );
    let (cli, models) = features(d.path());
    assert!(
        cli.ends_with("default-features = false, features = [\"cli\", \"postgres\", \"mysql\"] }"),
        "{cli}"
    );
    // The models crate needs no driver: the cli package chooses them.
    assert!(models.ends_with("default-features = false }"), "{models}");
    let toml = std::fs::read_to_string(d.path().join("retort.toml")).unwrap();
    assert!(toml.contains("database_url = \"sqlite:"), "{toml}");

    // --url: its database, and retort.toml points at it.
    let d = tmp();
    let c = ctx(MigrationSet::empty(), d.path());
    let url = "postgres://app@db.internal/shop";
    let out = ok(&c, &["--url", url, "init"]).await;
    assert!(out.contains("the database of --url"), "{out}");
    let (cli, _) = features(d.path());
    assert!(
        cli.ends_with("features = [\"cli\", \"postgres\"] }"),
        "{cli}"
    );
    let toml = std::fs::read_to_string(d.path().join("retort.toml")).unwrap();
    assert!(
        toml.contains(&format!("database_url = \"{url}\"")),
        "{toml}"
    );
    retort_app::config::parse(&toml).unwrap();

    // DATABASE_URL with a password: MariaDB's driver; the password stays out of retort.toml.
    let d = tmp();
    let mut c = ctx(MigrationSet::empty(), d.path());
    c.env.insert(
        "DATABASE_URL".to_string(),
        "mariadb://app:s3cret@db.internal/shop".to_string(),
    );
    let out = ok(&c, &["init"]).await;
    assert!(out.contains("the database of DATABASE_URL"), "{out}");
    assert!(out.contains("retort.toml has no database_url"), "{out}");
    assert!(!out.contains("s3cret"), "{out}");
    let (cli, _) = features(d.path());
    assert!(cli.ends_with("features = [\"cli\", \"mysql\"] }"), "{cli}");
    let toml = std::fs::read_to_string(d.path().join("retort.toml")).unwrap();
    assert!(
        !toml.contains("database_url =") && !toml.contains("s3cret"),
        "{toml}"
    );

    // A database retort does not know: a usage error naming it, nothing written.
    let d = tmp();
    let c = ctx(MigrationSet::empty(), d.path());
    let (code, _, err) = cmd(&c, &["init", "--db", "sqlite,oracle"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`oracle`") && err.contains("sqlite, postgres, mysql"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0);
}

// ----- revision -----------------------------------------------------------------------------

#[tokio::test]
async fn revision_writes_a_named_file_with_a_header() {
    let d = tmp();
    let c = ctx(MigrationSet::empty(), d.path());
    let out = ok(
        &c,
        &[
            "revision",
            "-m",
            "Create users!",
            "--rev-id",
            "abc123def456",
        ],
    )
    .await;
    let path = d
        .path()
        .join("migrations/versions/abc123def456_create_users.rs");
    assert!(path.is_file(), "{out}");
    assert!(
        out.contains("migrations/versions/abc123def456_create_users.rs"),
        "{out}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let h = retort_revision::parse_header(&text).unwrap();
    assert_eq!(h.revision, "abc123def456");
    assert!(h.down_revisions.is_empty());
    assert_eq!(h.message, "Create users!");
    assert!(h.create_date.ends_with(" UTC"), "{}", h.create_date);
    assert!(
        text.contains("pub fn upgrade(m: &mut Migration) {}"),
        "{text}"
    );
    assert!(text.contains("pub fn downgrade(m: &mut Migration) {}"));
    // No temporary file is left behind.
    assert_eq!(versions(d.path()).len(), 1);

    // A random id is 12 hex characters; the parent is the single head.
    let c = ctx(linear(), d.path());
    std::fs::remove_file(&path).unwrap();
    ok(&c, &["revision", "-m", "next"]).await;
    let files = versions(d.path());
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_str().unwrap().to_string();
    assert!(name.ends_with("_next.rs"), "{name}");
    let id = &name[..12];
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{name}");
    let h = retort_revision::parse_header(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    assert_eq!(h.down_revisions, vec![C3.to_string()]);
}

#[tokio::test]
async fn revision_rejects_a_used_or_invalid_rev_id() {
    let d = tmp();
    let c = ctx(linear(), d.path());
    refused(
        &c,
        &["revision", "-m", "x", "--rev-id", A1],
        &["already exists"],
    )
    .await;
    refused(&c, &["revision", "-m", "x", "--rev-id", "a-b"], &["a-b"]).await;
    assert!(versions(d.path()).is_empty());
}

fn header_of(dir: &std::path::Path, rev: &str) -> retort_revision::Header {
    let f = versions(dir)
        .into_iter()
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(rev))
        .unwrap_or_else(|| panic!("no file for {rev}"));
    retort_revision::parse_header(&std::fs::read_to_string(f).unwrap()).unwrap()
}

#[tokio::test]
async fn revision_head_splice_and_branch_label_rules() {
    let d = tmp();
    let c = ctx(branched(), d.path());

    // Two heads and no --head.
    let (code, _, err) = cmd(&c, &["revision", "-m", "x"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Multiple heads"), "{err}");
    assert!(err.contains("--head") && err.contains("merge"), "{err}");

    // --head on a non-head without --splice.
    let (code, _, err) = cmd(&c, &["revision", "-m", "x", "--head", B2]).await;
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("Revision {B2} is not a head revision; please specify --splice to create a new branch from this revision")),
        "{err}"
    );

    // With --splice (and a prefix).
    ok(
        &c,
        &[
            "revision",
            "-m",
            "x",
            "--head",
            "b2b2",
            "--splice",
            "--rev-id",
            "e5e5e5e5e5e5",
        ],
    )
    .await;
    assert_eq!(header_of(d.path(), "e5e5").down_revisions, vec![B2]);

    // A head by label.
    ok(
        &c,
        &[
            "revision",
            "-m",
            "on feature",
            "--head",
            "feature@head",
            "--rev-id",
            "f6f6f6f6f6f6",
        ],
    )
    .await;
    assert_eq!(header_of(d.path(), "f6f6").down_revisions, vec![D4]);

    // A new lineage needs a label.
    refused(
        &c,
        &["revision", "-m", "lib", "--head", "base"],
        &["--branch-label"],
    )
    .await;
    ok(
        &c,
        &[
            "revision",
            "-m",
            "lib",
            "--head",
            "base",
            "--branch-label",
            "lib",
            "--rev-id",
            "a7a7a7a7a7a7",
        ],
    )
    .await;
    let h = header_of(d.path(), "a7a7");
    assert!(h.down_revisions.is_empty());
    assert_eq!(h.branch_labels, vec!["lib"]);

    // A label already used.
    let (code, _, err) = cmd(
        &c,
        &[
            "revision",
            "-m",
            "x",
            "--head",
            C3,
            "--branch-label",
            "feature",
        ],
    )
    .await;
    assert_eq!(code, 2);
    assert!(err.contains("'feature'") && err.contains(D4), "{err}");

    // A label with several heads and no --head.
    refused(
        &c,
        &["revision", "-m", "x", "--branch-label", "new"],
        &["--head base"],
    )
    .await;

    // depends_on by label and by prefix.
    ok(
        &c,
        &[
            "revision",
            "-m",
            "dep",
            "--head",
            C3,
            "--depends-on",
            "feature",
            "--depends-on",
            "a1a1",
            "--rev-id",
            "b8b8b8b8b8b8",
        ],
    )
    .await;
    let h = header_of(d.path(), "b8b8");
    assert_eq!(h.depends_on, vec!["feature".to_string(), A1.to_string()]);
}

#[tokio::test]
async fn merge_heads_writes_a_merge_revision() {
    let d = tmp();
    let c = ctx(branched(), d.path());
    ok(
        &c,
        &[
            "merge",
            "-m",
            "merge feature",
            "heads",
            "--rev-id",
            "eeee0000ffff",
        ],
    )
    .await;
    let h = header_of(d.path(), "eeee0000ffff");
    assert_eq!(h.down_revisions, vec![C3.to_string(), D4.to_string()]);
    assert_eq!(h.message, "merge feature");
    // One revision is not a merge.
    refused(&c, &["merge", "-m", "m", C3], &["at least two"]).await;
    // An ancestor and its descendant.
    refused(&c, &["merge", "-m", "m", A1, C3], &["ancestor"]).await;
}

// ----- graph display ------------------------------------------------------------------------

#[tokio::test]
async fn history_heads_branches_show() {
    let d = tmp();
    let c = ctx(branched(), d.path());
    let out = ok(&c, &["history"]).await;
    // Drawn as a graph (the branches meet at b2); the entries without it:
    assert!(out.lines().any(|l| l == "|/"), "{out}");
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| *l != "|/")
        .map(|l| l.trim_start_matches(['*', '|', ' ']))
        .collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines.contains(&"b2b2b2b2b2b2 -> d4d4d4d4d4d4 (feature) (head), Feature table"),
        "{out}"
    );
    assert!(
        lines.contains(&"b2b2b2b2b2b2 -> c3c3c3c3c3c3 (head), Add tags"),
        "{out}"
    );
    assert_eq!(
        lines[2],
        "a1a1a1a1a1a1 -> b2b2b2b2b2b2 (branchpoint), Add posts"
    );
    assert_eq!(lines[3], "<base> -> a1a1a1a1a1a1, Create users");

    let out = ok(&c, &["history", "-r", "a1a1:b2b2"]).await;
    assert_eq!(out.lines().count(), 2, "{out}");
    let out = ok(&c, &["history", "-r", "b2b2:feature@head"]).await;
    assert!(
        out.contains(D4) && !out.contains(&format!("-> {C3}")),
        "{out}"
    );

    let out = ok(&c, &["heads"]).await;
    let mut lines: Vec<&str> = out.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        vec!["c3c3c3c3c3c3 (head)", "d4d4d4d4d4d4 (feature) (head)"]
    );

    let out = ok(&c, &["branches"]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "b2b2b2b2b2b2 (branchpoint)", "{out}");
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines.contains(&"             -> c3c3c3c3c3c3 (head)"),
        "{out}"
    );
    assert!(
        lines.contains(&"             -> d4d4d4d4d4d4 (feature) (head)"),
        "{out}"
    );

    let out = ok(&c, &["show", "b2b2"]).await;
    assert!(
        out.starts_with("Rev: b2b2b2b2b2b2 (branchpoint)\n"),
        "{out}"
    );
    assert_contains(
        &out,
        &[
            "Parent: a1a1a1a1a1a1\n",
            "Branches into: c3c3c3c3c3c3, d4d4d4d4d4d4\n",
            "Path: ",
            "b2b2b2b2b2b2_add_posts.rs",
            "    Add posts\n",
        ],
    );

    let out = ok(&c, &["show", "feature@head"]).await;
    assert!(out.starts_with("Rev: d4d4d4d4d4d4 (head)\n"), "{out}");
    assert!(out.contains("Branch names: feature"), "{out}");

    let out = ok(&c, &["history", "-v"]).await;
    assert_eq!(out.matches("Rev: ").count(), 4, "{out}");

    // `head` is ambiguous with two heads; an unknown revision is a usage error.
    refused(&c, &["show", "head"], &["Multiple head revisions"]).await;
    refused(&c, &["show", "zzzz9"], &["zzzz9"]).await;
}

#[tokio::test]
async fn merge_points_are_marked_in_history() {
    let d = tmp();
    let c = ctx(merged(), d.path());
    let out = ok(&c, &["history"]).await;
    assert_eq!(
        out.lines().next().unwrap(),
        // The label of d4 applies to its descendants, as in Alembic.
        "*  c3c3c3c3c3c3, d4d4d4d4d4d4 -> e5e5e5e5e5e5 (feature) (head) (mergepoint), Merge tags and feature",
        "{out}"
    );
    let out = ok(&c, &["show", "head"]).await;
    assert!(out.contains("Merges: c3c3c3c3c3c3, d4d4d4d4d4d4"), "{out}");
}

// ----- configuration, staleness, usage ------------------------------------------------------

#[tokio::test]
async fn unknown_config_key_is_a_usage_error_naming_key_and_file() {
    let d = tmp();
    write_config(
        d.path(),
        "script_location = \"migrations\"\nversion_tabel = \"v\"\n",
    );
    let c = ctx(linear(), d.path());
    let (code, _, err) = cmd(&c, &["heads"]).await;
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, &["`version_tabel`", "retort.toml"]);

    // -c names another file, which must exist.
    refused(&c, &["-c", "other.toml", "heads"], &["other.toml"]).await;
}

#[tokio::test]
async fn script_location_from_config_is_where_revisions_go() {
    let d = tmp();
    write_file(d.path(), "conf.toml", "script_location = \"db/migs\"\n");
    let c = ctx(MigrationSet::empty(), d.path());
    ok(
        &c,
        &[
            "-c",
            "conf.toml",
            "revision",
            "-m",
            "first",
            "--rev-id",
            "aaaa00000001",
        ],
    )
    .await;
    assert!(d
        .path()
        .join("db/migs/versions/aaaa00000001_first.rs")
        .is_file());
}

#[tokio::test]
async fn stale_migration_set_stops_every_command_but_init() {
    let d = tmp();
    let dir = d.path().join("migrations");
    std::fs::create_dir_all(dir.join("versions")).unwrap();
    std::fs::write(dir.join("versions/zz99zz99zz99_new.rs"), "//! new\n").unwrap();
    let dir: &'static str = Box::leak(dir.display().to_string().into_boxed_str());
    let set = MigrationSet::new(dir, vec![script_a1()]);
    let c = ctx(set, d.path());
    for args in [
        vec!["heads"],
        vec!["history"],
        vec!["revision", "-m", "x"],
        vec!["upgrade", "head"],
    ] {
        let (code, _, err) = cmd(&c, &args).await;
        assert_eq!(code, 1, "{args:?}: {err}");
        assert_contains(
            &err,
            &[
                "zz99zz99zz99_new.rs",
                "a1a1a1a1a1a1_create_users.rs",
                "rebuild",
            ],
        );
    }
    // init does not look at the migration set.
    ok(&c, &["init", "--models-crate", "m"]).await;
}

#[tokio::test]
async fn usage_errors_exit_2_and_help_exits_0() {
    let d = tmp();
    let c = ctx(linear(), d.path());
    refused(&c, &["frobnicate"], &["frobnicate"]).await;
    let (code, out, _) = cmd(&c, &["--help"]).await;
    assert_eq!(code, 0);
    assert!(out.contains("upgrade") && !out.contains("autogenerate"));
    let (code, out, _) = cmd(&c, &["revision", "--help"]).await;
    assert_eq!(code, 0);
    assert!(out.contains("--autogenerate"), "{out}");
}

// ----- schema -------------------------------------------------------------------------------

#[tokio::test]
async fn schema_prints_the_target_readably_and_as_sql() {
    let d = tmp();
    let c = ctx(linear(), d.path());
    let out = ok(&c, &["schema"]).await;
    assert_contains(
        &out,
        &[
            "table users\n",
            "  email  varchar(320) not null\n",
            "  primary key pk_users (id)\n",
        ],
    );

    let sql = ok(&c, &["schema", "--dialect", "sqlite"]).await;
    assert!(sql.contains("CREATE TABLE"), "{sql}");
    for stmt in sql.split_inclusive(";\n") {
        assert!(stmt.trim_end().ends_with(';'), "{stmt}");
    }
    // Runnable as-is.
    let url = sqlite_url(d.path(), "schema.db");
    let mut db = retort_runner::Db::connect(&url).await.unwrap();
    db.execute(&sql).await.unwrap();
    let rows = db
        .query_strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .await
        .unwrap();
    let names: Vec<String> = rows.into_iter().map(|r| r[0].clone().unwrap()).collect();
    assert_eq!(names, vec!["posts", "tags", "users"]);

    let pg = ok(&c, &["schema", "--dialect", "postgres"]).await;
    assert!(pg.contains("CREATE TABLE"), "{pg}");
}

#[tokio::test]
async fn a_target_error_is_reported_and_nothing_is_compared() {
    let d = tmp();
    let c = Context::isolated(
        linear(),
        || Err("no models registered".to_string()),
        d.path(),
    );
    let (code, _, err) = cmd(&c, &["schema"]).await;
    assert_eq!(code, 1);
    assert!(err.contains("no models registered"), "{err}");
    let c = Context::isolated(linear(), || Ok(Default::default()), d.path());
    let (code, _, err) = cmd(&c, &["schema"]).await;
    assert_eq!(code, 1);
    assert!(err.contains("use my_models as _"), "{err}");
}
