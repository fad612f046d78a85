//! The example app's binaries deployed: copied into an empty folder and run where the source
//! tree they were built from does not exist, on SQLite, PostgreSQL and MariaDB.
//!
//! The build-time folder is an absolute path compiled into the binary, and it exists on this
//! machine. To run the binaries as on another machine, each run happens in a private mount
//! namespace (`unshare --user --map-root-user --mount`) where the repository root is an empty
//! tmpfs: the source tree, `retort.toml` and the compiled-in `migrations/versions` are all
//! gone for the binary, and for nothing else on the machine. Without user namespaces the test
//! is skipped loudly (and fails under `CI=true`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{repo_root, text};
use retort_test_support::{assert_contains, assert_ok_text};

retort::include_migrations!();

/// The revision the compiled-in history ends at.
fn head() -> String {
    let map = migrations().revision_map().unwrap();
    let heads = map.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    heads[0].to_string()
}

/// An empty folder holding copies of the `cli` and `blog-app` binaries.
struct Deployed {
    dir: tempfile::TempDir,
}

impl Deployed {
    fn new() -> Option<Deployed> {
        let probe = Command::new("unshare")
            .args(["--user", "--map-root-user", "--mount", "true"])
            .output();
        if !probe.as_ref().is_ok_and(|o| o.status.success()) {
            let why = match probe {
                Ok(o) => text(&o),
                Err(e) => e.to_string(),
            };
            retort_test_support::skip(
                &format!("no user namespaces: `unshare --user --mount` failed: {why}"),
                "deployed binaries",
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        assert!(
            !dir.path().starts_with(repo_root()),
            "the deployment folder must be outside the masked tree"
        );
        for (exe, name) in [
            (env!("CARGO_BIN_EXE_cli"), "cli"),
            (env!("CARGO_BIN_EXE_blog-app"), "blog-app"),
        ] {
            std::fs::copy(exe, dir.path().join(name)).unwrap();
        }
        Some(Deployed { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `./<bin> args` in the deployment folder, with the repository masked.
    fn run(&self, bin: &str, args: &[&str], database_url: Option<&str>) -> Output {
        let root = repo_root();
        let versions: PathBuf = PathBuf::from(migrations().dir()).join("versions");
        // Inside the namespace: mask the repository, prove the compiled-in folder is gone,
        // then exec the binary.
        let script =
            r#"mount -t tmpfs tmpfs "$1" && test ! -e "$2" && cd "$3" && shift 3 && exec "$@""#;
        let mut c = Command::new("unshare");
        c.args([
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            script,
            "sh",
        ])
        .arg(&root)
        .arg(&versions)
        .arg(self.path())
        .arg(format!("./{bin}"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("RETORT_CONFIG");
        if let Some(u) = database_url {
            c.env("DATABASE_URL", u);
        }
        c.output().expect("run unshare")
    }

    fn ok(&self, bin: &str, args: &[&str], database_url: Option<&str>) -> String {
        let what = format!("deployed {bin} {}", args.join(" "));
        assert_ok_text(&self.run(bin, args, database_url), &what)
    }
}

/// The tables a fresh database has after the example history, and its version table.
async fn assert_at_head(url: &str) {
    let mut db = retort::migration::Db::connect(url).await.unwrap();
    let opts = retort::migration::RunOptions::default();
    assert_eq!(
        retort::migration::current(&mut db, &opts).await.unwrap(),
        vec![head()]
    );
    for t in ["users", "posts", "comments", "tags", "post_tags"] {
        let n = db
            .query_strings(&format!("SELECT COUNT(*) FROM {t}"))
            .await
            .unwrap_or_else(|e| panic!("table {t} after the deployed upgrade: {e}"));
        assert_eq!(n[0][0].as_deref(), Some("0"), "{t}");
    }
    // `bio` is the second revision's column.
    db.query_strings("SELECT bio FROM users").await.unwrap();
    let log = retort::migration::read_log(&mut db, &opts).await.unwrap();
    let logged: Vec<&str> = log.iter().map(|e| e.revision.as_str()).collect();
    assert_eq!(logged.len(), migrations().scripts().len(), "{log:?}");
    for s in migrations().scripts() {
        let e = log
            .iter()
            .find(|e| e.file_name == s.file_name())
            .unwrap_or_else(|| panic!("{} not in the log: {log:?}", s.file_name()));
        assert_eq!(e.direction, "upgrade");
        assert_eq!(e.checksum, retort::migration::checksum_hex(s.hash()));
    }
    db.close().await.unwrap();
}

/// The application binary migrates at start-up; the CLI binary works there too; an applied
/// script that differs from the one that ran stops `upgrade` and `check` until accepted.
async fn deployed(app_url: &str, cli_url: &str) {
    let Some(d) = Deployed::new() else { return };

    // The application binary: migrates a fresh database to head, and again is a no-op.
    let out = d.ok("blog-app", &[], Some(app_url));
    assert!(out.contains("2 migration(s) applied"), "{out}");
    assert_at_head(app_url).await;
    let out = d.ok("blog-app", &[], Some(app_url));
    assert!(out.contains("0 migration(s) applied"), "{out}");

    // The command line, with --url (no retort.toml here).
    let cli = |args: &[&str]| {
        let mut v = vec!["--url", cli_url];
        v.extend_from_slice(args);
        d.run("cli", &v, None)
    };
    let ok =
        |args: &[&str]| assert_ok_text(&cli(args), &format!("deployed cli {}", args.join(" ")));
    let out = ok(&["upgrade", "head"]);
    assert!(out.contains("add bio to users"), "{out}");
    assert_at_head(cli_url).await;
    let out = ok(&["check"]);
    assert!(out.contains("No differences"), "{out}");
    let out = ok(&["current", "-v"]);
    assert!(out.contains(&head()), "{out}");
    assert_contains(&out, &["deployed binary", "Applied log:"]);

    // The first script's recorded checksum differs from this binary's (as after an edit of an
    // applied script): upgrade and check refuse, naming the revision, the file and both
    // checksums; `stamp --accept-edits` records the new one.
    let set = migrations();
    let first = &set.scripts()[0];
    let rev = first.header().unwrap().revision;
    let compiled = retort::migration::checksum_hex(first.hash());
    let mut db = retort::migration::Db::connect(cli_url).await.unwrap();
    db.execute(&format!(
        "UPDATE retort_version_log SET checksum = '00000000000000aa' WHERE revision = '{rev}'"
    ))
    .await
    .unwrap();
    db.close().await.unwrap();
    for cmd in [&["upgrade", "head"][..], &["check"][..]] {
        let o = cli(cmd);
        let said = text(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd:?}: {said}");
        for part in [
            rev.as_str(),
            first.file_name(),
            "00000000000000aa",
            compiled.as_str(),
            "stamp --accept-edits",
        ] {
            assert!(said.contains(part), "{cmd:?}: `{part}` missing:\n{said}");
        }
    }
    let out = ok(&["history", "-v"]);
    assert!(out.contains("EDITED since it ran"), "{out}");
    let out = ok(&["stamp", "--accept-edits"]);
    assert!(
        out.contains(&format!("Accepted the edit of revision {rev}")),
        "{out}"
    );
    ok(&["check"]);
    ok(&["upgrade", "head"]);
    assert_eq!(
        ok(&["stamp", "--accept-edits"]).trim(),
        "No applied script changed since it ran: nothing to accept."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    let dbs = tempfile::tempdir().unwrap();
    let a = format!("sqlite://{}?mode=rwc", dbs.path().join("app.db").display());
    let b = format!("sqlite://{}?mode=rwc", dbs.path().join("cli.db").display());
    deployed(&a, &b).await;
}

/// Both binaries against two fresh databases on `server`.
async fn on_server(server: common::Server) {
    let Some(a) = common::database_on(server).await else {
        return;
    };
    let b = common::database_on(server).await.unwrap();
    deployed(&a.url, &b.url).await;
    a.drop().await;
    b.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    on_server(common::Server::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb() {
    on_server(common::Server::Mariadb).await;
}
