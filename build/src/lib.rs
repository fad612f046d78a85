//! retort: compiles a migrations folder into a binary (for `build.rs`).
//!
//! In the `build.rs` of the crate whose binary runs the migrations:
//!
//! ```no_run
//! retort_build::migrations("../migrations").unwrap();
//! ```
//!
//! and in that crate: `retort::include_migrations!();`, which defines
//! `fn migrations() -> retort::MigrationSet`.
//!
//! [`migrations`] scans `<dir>/versions/*.rs`, parses every script's `//!` header, checks
//! that each file name starts with its revision id, builds the revision graph (duplicate ids,
//! missing parents, cycles... fail the build), tells cargo to re-run when the folder changes,
//! and writes `$OUT_DIR/retort_migrations.rs`. Every error names the file (and line) and what
//! to do; `.unwrap()` prints it readably because [`BuildError`]'s `Debug` is its message.

use std::fmt;
use std::path::{Path, PathBuf};

use retort_revision::{
    file_hash, header_block, parse_header, version_files, GraphError, Header, HeaderError,
    RevisionMap,
};

/// The name of the generated file in `$OUT_DIR`.
pub const OUTPUT_FILE: &str = "retort_migrations.rs";

/// Why the migrations cannot be compiled in.
#[non_exhaustive]
pub enum BuildError {
    /// The folder or a file cannot be read or written.
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A script is not UTF-8.
    NotUtf8 {
        /// The script.
        path: PathBuf,
    },
    /// A script's header cannot be read.
    Header {
        /// The script.
        path: PathBuf,
        /// What is wrong (with its line).
        error: HeaderError,
    },
    /// A script's file name does not start with its revision id.
    FileName {
        /// The script.
        path: PathBuf,
        /// The revision id in its header.
        revision: String,
    },
    /// The scripts do not form a valid revision graph.
    Graph {
        /// The versions folder.
        versions: PathBuf,
        /// What is wrong.
        error: GraphError,
    },
    /// `OUT_DIR` is not set: [`migrations`] was called outside a build script.
    NoOutDir,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Io { path, source } => {
                write!(
                    f,
                    "retort: cannot read or write {}: {source}",
                    path.display()
                )?;
                if source.kind() == std::io::ErrorKind::NotFound
                    && path.file_name().is_some_and(|n| n == "versions")
                {
                    write!(
                        f,
                        " (the migrations folder needs a `versions` subfolder; `init` creates it)"
                    )?;
                }
                Ok(())
            }
            BuildError::NotUtf8 { path } => write!(
                f,
                "retort: migration script {} is not valid UTF-8",
                path.display()
            ),
            BuildError::Header { path, error } => {
                write!(f, "retort: migration script {}: {error}", path.display())
            }
            BuildError::FileName { path, revision } => write!(
                f,
                "retort: migration script {} has `Revision ID: {revision}`, but its file name \
                 does not start with `{revision}`; rename it to `{revision}_<slug>.rs`",
                path.display()
            ),
            BuildError::Graph { versions, error } => {
                write!(f, "retort: migrations in {}: {error}", versions.display())
            }
            BuildError::NoOutDir => write!(
                f,
                "retort: OUT_DIR is not set; call retort_build::migrations from a build.rs"
            ),
        }
    }
}

/// The message, so that `build.rs` can simply `.unwrap()`.
impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Io { source, .. } => Some(source),
            BuildError::Header { error, .. } => Some(error),
            BuildError::Graph { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// One script found by [`scan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedScript {
    /// Absolute path of the file.
    pub path: PathBuf,
    /// Its file name (`<rev>_<slug>.rs`).
    pub file_name: String,
    /// The parsed header.
    pub header: Header,
    /// The `//!` block verbatim.
    pub header_text: String,
    /// [`file_hash`] of the file's bytes.
    pub hash: u64,
    /// Size, modification and status-change times, taken before the bytes were read; `None`
    /// for a file changed too recently for them to prove anything later.
    pub stamp: Option<retort_revision::Stamp>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads and checks every script of `<dir>/versions` (sorted by file name), and checks that
/// they form a valid revision graph.
pub fn scan(dir: impl AsRef<Path>) -> Result<Vec<ScannedScript>, BuildError> {
    let dir = dir.as_ref();
    let dir = std::fs::canonicalize(dir).map_err(io(dir))?;
    let versions = dir.join("versions");
    let files = version_files(&dir).map_err(io(&versions))?;
    scan_files(files, versions)
}

/// Like [`scan`], for the original scripts a squash kept in `<dir>/versions/squashed/`
/// (empty when there is no such folder); they form a graph of their own.
pub fn scan_squashed(dir: impl AsRef<Path>) -> Result<Vec<ScannedScript>, BuildError> {
    let dir = dir.as_ref();
    let dir = std::fs::canonicalize(dir).map_err(io(dir))?;
    let squashed = dir.join("versions").join(retort_revision::SQUASHED_DIR);
    let files = retort_revision::squashed_files(&dir).map_err(io(&squashed))?;
    if files.is_empty() {
        return Ok(Vec::new());
    }
    scan_files(files, squashed)
}

fn scan_files(files: Vec<PathBuf>, versions: PathBuf) -> Result<Vec<ScannedScript>, BuildError> {
    let mut scripts = Vec::with_capacity(files.len());
    retort_revision::settle(&files);
    for path in files {
        // Stamp first: a write between the stamp and the read then shows as a changed stamp;
        // a file written during the scan is not stamped at all (`Stamp::settled`: a write
        // right after the read could keep an equal stamp; `settle` waited out older writes).
        let meta = std::fs::metadata(&path).ok();
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        let read_at = std::time::SystemTime::now();
        let stamp = meta.and_then(|m| retort_revision::Stamp::settled(&m, read_at));
        let text =
            std::str::from_utf8(&bytes).map_err(|_| BuildError::NotUtf8 { path: path.clone() })?;
        let header = parse_header(text).map_err(|error| BuildError::Header {
            path: path.clone(),
            error,
        })?;
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| BuildError::NotUtf8 { path: path.clone() })?
            .to_string();
        let stem = file_name.trim_end_matches(".rs");
        let rev = header.revision.as_str();
        if !(stem == rev || stem.strip_prefix(rev).is_some_and(|r| r.starts_with('_'))) {
            return Err(BuildError::FileName {
                path: path.clone(),
                revision: header.revision.clone(),
            });
        }
        scripts.push(ScannedScript {
            header_text: header_block(text).to_string(),
            hash: file_hash(&bytes),
            stamp,
            file_name,
            header,
            path,
        });
    }
    RevisionMap::new(scripts.iter().map(|s| s.header.clone()).collect())
        .map_err(|error| BuildError::Graph { versions, error })?;
    Ok(scripts)
}

/// The Rust source of `$OUT_DIR/retort_migrations.rs` for the migrations folder `dir`.
pub fn generate(dir: &Path) -> Result<String, BuildError> {
    let scripts = scan(dir)?;
    let squashed = scan_squashed(dir)?;
    let abs_dir = std::fs::canonicalize(dir).map_err(io(dir))?;
    Ok(render(&abs_dir, &scripts, &squashed))
}

/// `mod NAME { #[path = ..] pub mod m_<rev>; .. }` for `scripts`.
fn render_modules(out: &mut String, name: &str, scripts: &[ScannedScript]) {
    out.push_str("#[doc(hidden)]\n");
    out.push_str(
        "#[allow(\n    dead_code,\n    unused_imports,\n    unused_variables,\n    unused_mut,\n    \
         missing_docs,\n    non_snake_case,\n    clippy::all\n)]\n",
    );
    out.push_str(&format!("mod {name} {{\n"));
    for s in scripts {
        out.push_str(&format!(
            "    #[path = {:?}]\n    pub mod m_{};\n",
            path_str(&s.path),
            s.header.revision
        ));
    }
    out.push_str("}\n\n");
}

/// `::retort::__private::Script::new(..)` entries of a `vec![..]` naming the modules of
/// `module`, each line indented by `pad`.
fn render_entries(out: &mut String, module: &str, scripts: &[ScannedScript], pad: &str) {
    for s in scripts {
        let m = format!("{module}::m_{}", s.header.revision);
        out.push_str(&format!(
            "{pad}::retort::__private::Script::new(\n{pad}    {:?},\n{pad}    {:?},\n{pad}    0x{:016x}u64,\n{pad}    {m}::upgrade,\n{pad}    {m}::downgrade,\n{pad})",
            s.file_name, s.header_text, s.hash
        ));
        if let Some(st) = s.stamp {
            out.push_str(&format!(
                "\n{pad}.stamped({}, {}u128, {}u128)",
                st.len, st.modified_ns, st.changed_ns
            ));
        }
        let h = &s.header;
        out.push_str(&format!(
            "\n{pad}.parsed(\n{pad}    {:?},\n{pad}    {:?},\n{pad}    {:?},\n{pad}    {:?},\n{pad}    {:?},\n{pad}    {:?},\n{pad})",
            h.revision,
            h.down_revisions.join(","),
            h.branch_labels.join(","),
            h.depends_on.join(","),
            h.message,
            h.create_date
        ));
        out.push_str(",\n");
    }
}

fn render(abs_dir: &Path, scripts: &[ScannedScript], squashed: &[ScannedScript]) -> String {
    let mut out = String::new();
    out.push_str("// @generated by retort-build from ");
    out.push_str(&abs_dir.display().to_string().replace('\n', " "));
    out.push_str(". Do not edit.\n\n");
    render_modules(&mut out, "__retort_migrations", scripts);
    if !squashed.is_empty() {
        render_modules(&mut out, "__retort_squashed", squashed);
    }
    out.push_str("/// The migration scripts compiled into this binary.\n");
    out.push_str("#[allow(dead_code, missing_docs)]\n");
    out.push_str("pub fn migrations() -> ::retort::MigrationSet {\n");
    // Data, not code: the compiler evaluates the `const fn` constructors, so that start-up
    // runs no function of thousands of calls (at opt-level 0, each with its own stack slots).
    render_static(&mut out, "SCRIPTS", "__retort_migrations", scripts);
    if !squashed.is_empty() {
        render_static(&mut out, "SQUASHED", "__retort_squashed", squashed);
    }
    out.push_str(&format!("    let dir = {:?};\n", path_str(abs_dir)));
    out.push_str("    ::retort::MigrationSet::new(dir, SCRIPTS.to_vec())");
    if !squashed.is_empty() {
        out.push_str(".with_squashed(SQUASHED.to_vec())");
    }
    out.push_str("\n}\n");
    out
}

/// `static NAME: &[Script] = &[..];` for `scripts` (of the modules of `module`).
fn render_static(out: &mut String, name: &str, module: &str, scripts: &[ScannedScript]) {
    out.push_str(&format!(
        "    static {name}: &[::retort::__private::Script] = &["
    ));
    if scripts.is_empty() {
        out.push_str("];\n");
        return;
    }
    out.push('\n');
    render_entries(out, module, scripts, "        ");
    out.push_str("    ];\n");
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// For `build.rs`: checks the scripts of `dir` (the `script_location` folder, relative to the
/// package being built), prints `cargo:rerun-if-changed` for the `versions` folder and every
/// script, and writes `$OUT_DIR/retort_migrations.rs` (only when its content changes).
///
/// On error nothing is written and the error says which file and line is wrong; `.unwrap()`
/// it (its `Debug` is the message) or print it and exit with a non-zero code.
pub fn migrations(dir: impl AsRef<Path>) -> Result<(), BuildError> {
    let dir = dir.as_ref();
    // Re-run when the folder changes even if it is broken now.
    println!("cargo:rerun-if-changed={}", dir.join("versions").display());
    let out_dir = std::env::var_os("OUT_DIR").ok_or(BuildError::NoOutDir)?;
    let squashed_dir = dir.join("versions").join(retort_revision::SQUASHED_DIR);
    // Only when it exists: a missing path would re-run this script on every build (creating
    // the folder changes `versions`, which is watched).
    if squashed_dir.is_dir() {
        println!("cargo:rerun-if-changed={}", squashed_dir.display());
    }
    let scripts = scan(dir)?;
    let squashed = scan_squashed(dir)?;
    let abs_dir = std::fs::canonicalize(dir).map_err(io(dir))?;
    for s in scripts.iter().chain(&squashed) {
        println!("cargo:rerun-if-changed={}", s.path.display());
    }
    let source = render(&abs_dir, &scripts, &squashed);
    let out = PathBuf::from(out_dir).join(OUTPUT_FILE);
    if std::fs::read_to_string(&out).ok().as_deref() != Some(source.as_str()) {
        std::fs::write(&out, source).map_err(io(&out))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_codegen::render_script;
    use retort_revision::new_revision_id;

    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            let p = std::env::temp_dir().join(format!("retort-build-{}", new_revision_id()));
            std::fs::create_dir_all(p.join("versions")).unwrap();
            TempDir(p)
        }
        fn write(&self, name: &str, text: &str) -> PathBuf {
            let p = self.0.join("versions").join(name);
            std::fs::write(&p, text).unwrap();
            p
        }
        /// A linear history in `versions/<sub>`: `<rev>_<message>.rs` per `(rev, message)`,
        /// each revising the one before.
        fn chain(&self, sub: &str, revs: &[(&str, &str)]) {
            for (i, (rev, message)) in revs.iter().enumerate() {
                let down: &[&str] = if i == 0 { &[] } else { &[revs[i - 1].0] };
                self.write(
                    &format!("{sub}{rev}_{message}.rs"),
                    &script(rev, down, message),
                );
            }
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn script(rev: &str, down: &[&str], message: &str) -> String {
        let h = Header {
            revision: rev.into(),
            down_revisions: down.iter().map(|s| s.to_string()).collect(),
            message: message.into(),
            create_date: "2026-11-25 08:00:00 UTC".into(),
            ..Header::default()
        };
        render_script(&h, "m.execute(\"SELECT 1\");", "")
    }

    #[test]
    fn generates_modules_and_the_migration_set_for_three_scripts() {
        let d = TempDir::new();
        let a = script("aaaa00000001", &[], "create users");
        let b = script("bbbb00000002", &["aaaa00000001"], "add email \"quoted\"");
        let c = script("cccc00000003", &["bbbb00000002"], "drop stuff");
        d.write("aaaa00000001_create_users.rs", &a);
        d.write("bbbb00000002_add_email.rs", &b);
        d.write("cccc00000003.rs", &c);
        d.write("README.md", "not a script");
        let src = generate(&d.0).unwrap();
        let abs = std::fs::canonicalize(&d.0).unwrap();
        let abs_versions = abs.join("versions");
        for (rev, file, text) in [
            ("aaaa00000001", "aaaa00000001_create_users.rs", &a),
            ("bbbb00000002", "bbbb00000002_add_email.rs", &b),
            ("cccc00000003", "cccc00000003.rs", &c),
        ] {
            let path = abs_versions.join(file);
            assert!(
                src.contains(&format!(
                    "    #[path = {:?}]\n    pub mod m_{rev};\n",
                    path.to_string_lossy()
                )),
                "{src}"
            );
            assert!(src.contains(&format!(
                "        ::retort::__private::Script::new(\n            \"{file}\",\n            {:?},\n            0x{:016x}u64,\n            __retort_migrations::m_{rev}::upgrade,\n            __retort_migrations::m_{rev}::downgrade,\n        )\n        .stamped(",
                header_block(text),
                file_hash(text.as_bytes())
            )), "{src}");
        }
        assert!(src.contains(
            "pub fn migrations() -> ::retort::MigrationSet {\n    static SCRIPTS: &[::retort::__private::Script] = &[\n"
        ));
        assert!(src.contains(&format!(
            "    ];\n    let dir = {:?};\n    ::retort::MigrationSet::new(dir, SCRIPTS.to_vec())\n}}\n",
            abs.to_string_lossy()
        )));
        // Sorted by file name, and the header literal escapes quotes.
        let pa = src.find("m_aaaa00000001::upgrade").unwrap();
        let pb = src.find("m_bbbb00000002::upgrade").unwrap();
        let pc = src.find("m_cccc00000003::upgrade").unwrap();
        assert!(pa < pb && pb < pc);
        assert!(src.contains(r#"//! add email \"quoted\"\n"#), "{src}");
        // The header as parsed, so that the binary does not parse it again.
        assert!(
            src.contains(
                "        .parsed(\n            \"bbbb00000002\",\n            \"aaaa00000001\",\n            \"\",\n            \"\",\n            \"add email \\\"quoted\\\"\",\n            \"2026-11-25 08:00:00 UTC\",\n        ),\n"
            ),
            "{src}"
        );
        assert!(!src.contains("README"));

        let scanned = scan(&d.0).unwrap();
        assert_eq!(scanned.len(), 3);
        assert_eq!(scanned[1].header.down_revisions, ["aaaa00000001"]);
        assert_eq!(scanned[1].hash, file_hash(b.as_bytes()));
    }

    #[test]
    fn generated_source_is_rustfmt_clean() {
        let d = TempDir::new();
        d.chain("", &[("aaaa00000001", "x"), ("bbbb00000002", "y")]);
        retort_test_support::rustfmt_check(&generate(&d.0).unwrap());
    }

    /// The originals a squash kept in `versions/squashed/` are compiled in as a second list
    /// (their own module, so the squashed revision's id can be in both), checked as a graph of
    /// their own; without the folder the output is what it always was.
    #[test]
    fn squashed_originals_are_compiled_in_beside_the_scripts() {
        let d = TempDir::new();
        d.chain("", &[("bbbb00000002", "all"), ("cccc00000003", "z")]);
        let plain = generate(&d.0).unwrap();
        assert!(!plain.contains("squashed"), "{plain}");
        std::fs::create_dir_all(d.0.join("versions/squashed")).unwrap();
        d.chain("squashed/", &[("aaaa00000001", "x"), ("bbbb00000002", "y")]);
        let src = generate(&d.0).unwrap();
        for want in [
            "mod __retort_squashed {",
            "    static SQUASHED: &[::retort::__private::Script] = &[\n        ::retort::__private::Script::new(\n            \"aaaa00000001_x.rs\",",
            "    ::retort::MigrationSet::new(dir, SCRIPTS.to_vec()).with_squashed(SQUASHED.to_vec())\n}\n",
            "__retort_squashed::m_bbbb00000002::upgrade",
            "__retort_migrations::m_bbbb00000002::upgrade",
        ] {
            assert!(src.contains(want), "{want:?} not in\n{src}");
        }
        assert_eq!(scan_squashed(&d.0).unwrap().len(), 2);
        assert_eq!(
            scan(&d.0).unwrap().len(),
            2,
            "the folder is not read as scripts"
        );
        retort_test_support::rustfmt_check(&src);
        // A broken graph among the originals fails the build, naming the folder.
        d.write(
            "squashed/dddd00000004_w.rs",
            &script("dddd00000004", &["ffff00000009"], "w"),
        );
        let e = generate(&d.0).unwrap_err();
        assert!(format!("{e}").contains("squashed"), "{e}");
    }

    #[test]
    fn header_errors_name_the_file_and_line() {
        let d = TempDir::new();
        d.write("aaaa00000001_x.rs", &script("aaaa00000001", &[], "x"));
        let bad = d.write(
            "bbbb00000002_y.rs",
            "//! y\n//!\n//! Revision ID: bbbb00000002\n//! Revises: aaaa00000001\n//! Colour: blue\n",
        );
        let e = generate(&d.0).unwrap_err();
        let text = format!("{e:?}");
        assert!(matches!(e, BuildError::Header { .. }));
        assert!(text.contains("bbbb00000002_y.rs"), "{text}");
        assert!(
            text.contains("line 5: unknown header key `Colour: blue`"),
            "{text}"
        );
        std::fs::remove_file(bad).unwrap();
        assert!(generate(&d.0).is_ok());
    }

    #[test]
    fn file_name_must_start_with_the_revision_id() {
        let d = TempDir::new();
        d.write("aaaa_x.rs", &script("aaaa00000001", &[], "x"));
        let e = scan(&d.0).unwrap_err();
        assert!(matches!(e, BuildError::FileName { .. }), "{e}");
        assert!(
            e.to_string()
                .contains("rename it to `aaaa00000001_<slug>.rs`"),
            "{e}"
        );
        let d = TempDir::new();
        // A longer id that merely starts with the revision id is not accepted either.
        d.write("aaaa00000001x.rs", &script("aaaa00000001", &[], "x"));
        assert!(matches!(
            scan(&d.0).unwrap_err(),
            BuildError::FileName { .. }
        ));
    }

    #[test]
    fn graph_errors_fail_the_build() {
        let d = TempDir::new();
        d.write(
            "aaaa00000001_x.rs",
            &script("aaaa00000001", &["ffff00000000"], "x"),
        );
        let e = scan(&d.0).unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, BuildError::Graph { .. }));
        assert!(
            text.contains("Revision aaaa00000001 revises ffff00000000, which is not present"),
            "{text}"
        );
        let d = TempDir::new();
        d.write("aaaa00000001_x.rs", &script("aaaa00000001", &[], "x"));
        d.write("aaaa00000001_y.rs", &script("aaaa00000001", &[], "y"));
        assert!(scan(&d.0)
            .unwrap_err()
            .to_string()
            .contains("Revision aaaa00000001 is present more than once"));
    }

    #[test]
    fn missing_folder_and_missing_out_dir() {
        let p = std::env::temp_dir().join(format!("retort-build-none-{}", new_revision_id()));
        std::fs::create_dir_all(&p).unwrap();
        let e = scan(&p).unwrap_err();
        assert!(
            e.to_string().contains("needs a `versions` subfolder"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&p);
        let d = TempDir::new();
        if std::env::var_os("OUT_DIR").is_none() {
            assert!(matches!(
                migrations(&d.0).unwrap_err(),
                BuildError::NoOutDir
            ));
        }
    }

    #[test]
    fn empty_versions_folder_gives_an_empty_set() {
        let d = TempDir::new();
        let src = generate(&d.0).unwrap();
        assert!(
            src.contains("    static SCRIPTS: &[::retort::__private::Script] = &[];\n"),
            "{src}"
        );
        assert!(src.contains("mod __retort_migrations {\n}\n"), "{src}");
    }

    /// The generated file, included by a binary, compiles without warnings against a stub
    /// `retort` crate with the facade's paths and the runner's constructor shapes, and runs the scripts' functions.
    #[test]
    fn generated_source_compiles_and_runs() {
        let d = TempDir::new();
        d.write("aaaa00000001_x.rs", &script("aaaa00000001", &[], "x"));
        d.write(
            "bbbb00000002_y.rs",
            &script("bbbb00000002", &["aaaa00000001"], "y"),
        );
        let gen = d.0.join("retort_migrations.rs");
        std::fs::write(&gen, generate(&d.0).unwrap()).unwrap();
        let stub = d.0.join("stub.rs");
        std::fs::write(
            &stub,
            r#"
pub mod migration {
    pub mod prelude {
        pub use super::Migration;
    }
    pub struct Migration {
        pub sql: Vec<String>,
    }
    impl Migration {
        pub fn execute(&mut self, s: &str) {
            self.sql.push(s.to_string());
        }
    }
}
pub mod __private {
    pub type Fun = fn(&mut crate::migration::Migration);
    #[derive(Clone)]
    pub struct Script {
        pub file: &'static str,
        pub header: &'static str,
        pub hash: u64,
        pub up: Fun,
        pub down: Fun,
        pub parsed: (&'static str, &'static str),
    }
    impl Script {
        pub const fn new(file: &'static str, header: &'static str, hash: u64, up: Fun, down: Fun) -> Self {
            Script { file, header, hash, up, down, parsed: ("", "") }
        }
        pub const fn stamped(self, _len: u64, _modified_ns: u128, _changed_ns: u128) -> Self {
            self
        }
        pub const fn parsed(
            mut self,
            revision: &'static str,
            down: &'static str,
            _labels: &'static str,
            _depends: &'static str,
            _message: &'static str,
            _date: &'static str,
        ) -> Self {
            self.parsed = (revision, down);
            self
        }
    }
}
pub struct MigrationSet {
    pub dir: &'static str,
    pub scripts: Vec<__private::Script>,
}
impl MigrationSet {
    pub fn new(dir: &'static str, scripts: Vec<__private::Script>) -> Self {
        MigrationSet { dir, scripts }
    }
}
"#,
        )
        .unwrap();
        let main = d.0.join("main.rs");
        std::fs::write(
            &main,
            format!(
                "include!({:?});\nfn main() {{\n    let set = migrations();\n    println!(\"{{}}\", set.dir);\n    for s in &set.scripts {{\n        let mut m = retort::migration::Migration {{ sql: Vec::new() }};\n        (s.up)(&mut m);\n        (s.down)(&mut m);\n        println!(\"{{}} {{:x}} {{}} {{}} {{}}\", s.file, s.hash, m.sql.join(\";\"), s.header.lines().count(), format!(\"{{}}<{{}}\", s.parsed.0, s.parsed.1));\n    }}\n}}\n",
                gen.to_string_lossy()
            ),
        )
        .unwrap();
        let rustc = |args: &[&std::ffi::OsStr]| {
            let mut cmd = std::process::Command::new("rustc");
            cmd.args(["--edition", "2021", "-D", "warnings"]).args(args);
            retort_test_support::run_ok(&mut cmd, "rustc");
        };
        let rlib = d.0.join("libretort.rlib");
        let exe = d.0.join("main");
        rustc(&[
            "--crate-type".as_ref(),
            "rlib".as_ref(),
            "--crate-name".as_ref(),
            "retort".as_ref(),
            stub.as_os_str(),
            "-o".as_ref(),
            rlib.as_os_str(),
        ]);
        let extern_arg = format!("retort={}", rlib.display());
        rustc(&[
            main.as_os_str(),
            "--extern".as_ref(),
            extern_arg.as_ref(),
            "-o".as_ref(),
            exe.as_os_str(),
        ]);
        let out = std::process::Command::new(&exe).output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = stdout.lines().collect();
        let abs = std::fs::canonicalize(&d.0).unwrap();
        assert_eq!(lines[0], abs.to_string_lossy());
        let hash_a = file_hash(script("aaaa00000001", &[], "x").as_bytes());
        assert_eq!(
            lines[1],
            format!("aaaa00000001_x.rs {hash_a:x} SELECT 1 7 aaaa00000001<")
        );
        assert!(lines[2].starts_with("bbbb00000002_y.rs "), "{stdout}");
        assert!(lines[2].ends_with(" bbbb00000002<aaaa00000001"), "{stdout}");
        assert_eq!(lines.len(), 3);
    }
}
