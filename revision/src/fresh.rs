//! Is the set of scripts on disk the set compiled into the binary?

use std::path::{Path, PathBuf};

use crate::header::file_hash;

/// The scripts on disk differ from the compiled-in set, or the folder cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StaleError {
    /// Files were added, removed or edited since the binary was built.
    #[error(
        "the migration scripts in {} differ from the ones compiled into this binary ({}); \
         rebuild it and run the command again (`cargo run -p cli -- ...` rebuilds \
         automatically; an application that embeds its migrations must be rebuilt)",
        versions.display(),
        describe(added, removed, edited)
    )]
    Changed {
        /// The versions folder.
        versions: PathBuf,
        /// File names on disk but not compiled in.
        added: Vec<String>,
        /// File names compiled in but no longer on disk.
        removed: Vec<String>,
        /// File names whose bytes changed.
        edited: Vec<String>,
    },
    /// The folder or a file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// What could not be read.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn describe(added: &[String], removed: &[String], edited: &[String]) -> String {
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added: {}", added.join(", ")));
    }
    if !removed.is_empty() {
        parts.push(format!("removed: {}", removed.join(", ")));
    }
    if !edited.is_empty() {
        parts.push(format!("edited: {}", edited.join(", ")));
    }
    parts.join("; ")
}

/// A file name that counts as a migration script: `*.rs`, not hidden.
fn is_script_name(name: &str) -> bool {
    !name.starts_with('.') && name.ends_with(".rs")
}

/// The scripts of a `script_location` folder: `<dir>/versions/*.rs`, sorted by file name
/// (hidden files skipped). A missing `versions` folder is an error.
pub fn version_files(dir: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    scripts_in(&dir.join("versions"))
}

/// The original scripts a squash kept: `<dir>/versions/squashed/*.rs`, sorted; empty when the
/// folder does not exist.
pub fn squashed_files(dir: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    match scripts_in(&dir.join("versions").join(SQUASHED_DIR)) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        r => r,
    }
}

fn scripts_in(versions: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(versions)? {
        let entry = entry?;
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !is_script_name(name) || !entry.file_type()?.is_file() {
            continue;
        }
        files.push(path);
    }
    files.sort();
    Ok(files)
}

/// Compares `<dir>/versions/*.rs` with the compiled-in `(file name, file_hash)` pairs.
pub fn check_fresh(dir: &Path, compiled: &[(String, u64)]) -> Result<(), StaleError> {
    let stamped: Vec<Compiled<'_>> = compiled
        .iter()
        .map(|(name, hash)| Compiled {
            file_name: name,
            hash: *hash,
            stamp: None,
        })
        .collect();
    check_fresh_stamped(dir, &stamped)
}

/// One compiled-in script, as [`check_fresh_stamped`] compares it with the disk.
#[derive(Clone, Copy, Debug)]
pub struct Compiled<'a> {
    /// `<rev>_<slug>.rs`.
    pub file_name: &'a str,
    /// [`file_hash`] of the bytes compiled in.
    pub hash: u64,
    /// The file's [`Stamp`] when it was compiled in, if known.
    pub stamp: Option<Stamp>,
}

/// A file's size and modification time. Equal stamps mean the file was not rewritten since it
/// was compiled in (as cargo and make judge it), so its bytes need not be read again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub modified_ns: u128,
}

impl Stamp {
    /// The stamp of a file's metadata (`None` where the platform has no modification time).
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        let modified = meta.modified().ok()?;
        let ns = modified
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Stamp {
            len: meta.len(),
            modified_ns: ns,
        })
    }
}

/// Like [`check_fresh`]; a file whose size and modification time are the compiled-in ones is
/// not read again (10,000 scripts: one `stat` each instead of reading and hashing each).
pub fn check_fresh_stamped(dir: &Path, compiled: &[Compiled<'_>]) -> Result<(), StaleError> {
    check_fresh_in(dir.join("versions"), compiled, false)
}

/// The folder below `versions/` that `squash` moves the original scripts of a squashed range
/// to, so a database inside the range can still reach the squashed revision.
pub const SQUASHED_DIR: &str = "squashed";

/// [`check_fresh_stamped`] for the originals a squash kept in `<dir>/versions/squashed/`
/// (compiled in beside the scripts): a missing folder is an empty one.
pub fn check_fresh_squashed(dir: &Path, compiled: &[Compiled<'_>]) -> Result<(), StaleError> {
    check_fresh_in(dir.join("versions").join(SQUASHED_DIR), compiled, true)
}

fn check_fresh_in(
    versions: std::path::PathBuf,
    compiled: &[Compiled<'_>],
    missing_is_empty: bool,
) -> Result<(), StaleError> {
    if missing_is_empty && !versions.exists() && compiled.is_empty() {
        return Ok(());
    }
    let by_name: std::collections::HashMap<&str, &Compiled<'_>> =
        compiled.iter().map(|c| (c.file_name, c)).collect();
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StaleError::Io { path, source }
    };
    let mut added = Vec::new();
    let mut edited = Vec::new();
    let mut on_disk = std::collections::HashSet::with_capacity(compiled.len());
    let listing = match std::fs::read_dir(&versions) {
        Err(e) if missing_is_empty && e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        r => r
            .map_err(io(&versions))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(io(&versions))?,
    };
    for entry in listing {
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            continue;
        };
        if !is_script_name(name) {
            continue;
        }
        let meta = entry.metadata().map_err(io(&entry.path()))?;
        if !meta.is_file() {
            continue;
        }
        match by_name.get(name) {
            None => added.push(name.to_string()),
            Some(c) => {
                let unchanged = c.stamp.is_some() && c.stamp == Stamp::of(&meta);
                if !unchanged {
                    let path = entry.path();
                    let bytes = std::fs::read(&path).map_err(io(&path))?;
                    if c.hash != file_hash(&bytes) {
                        edited.push(name.to_string());
                    }
                }
            }
        }
        on_disk.insert(name.to_string());
    }
    added.sort();
    edited.sort();
    let mut removed: Vec<String> = compiled
        .iter()
        .filter(|c| !on_disk.contains(c.file_name))
        .map(|c| c.file_name.to_string())
        .collect();
    removed.sort();
    if added.is_empty() && removed.is_empty() && edited.is_empty() {
        Ok(())
    } else {
        Err(StaleError::Changed {
            versions,
            added,
            removed,
            edited,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_added_removed_and_edited_files() {
        let dir = std::env::temp_dir().join(format!("retort-fresh-{}", crate::new_revision_id()));
        std::fs::create_dir_all(dir.join("versions")).unwrap();
        std::fs::write(dir.join("versions/a1_one.rs"), "one").unwrap();
        std::fs::write(dir.join("versions/b1_two.rs"), "two").unwrap();
        std::fs::write(dir.join("versions/.hidden.rs"), "x").unwrap();
        std::fs::write(dir.join("versions/notes.txt"), "x").unwrap();
        let compiled = vec![
            ("a1_one.rs".to_string(), file_hash(b"one")),
            ("b1_two.rs".to_string(), file_hash(b"two")),
        ];
        check_fresh(&dir, &compiled).unwrap();

        std::fs::write(dir.join("versions/b1_two.rs"), "two, edited").unwrap();
        std::fs::write(dir.join("versions/c1_three.rs"), "three").unwrap();
        std::fs::remove_file(dir.join("versions/a1_one.rs")).unwrap();
        let err = check_fresh(&dir, &compiled).unwrap_err();
        match &err {
            StaleError::Changed {
                added,
                removed,
                edited,
                ..
            } => {
                assert_eq!(added, &["c1_three.rs"]);
                assert_eq!(removed, &["a1_one.rs"]);
                assert_eq!(edited, &["b1_two.rs"]);
            }
            other => panic!("{other:?}"),
        }
        let text = err.to_string();
        assert!(text.contains("added: c1_three.rs; removed: a1_one.rs; edited: b1_two.rs"));
        assert!(text.contains("rebuild"), "{text}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The squashed originals: no folder and nothing compiled in is fresh; a folder deleted
    /// (or a file added to it) after the build is stale, as for `versions/`.
    #[test]
    fn squashed_originals_are_checked_like_the_scripts() {
        let dir = std::env::temp_dir().join(format!("retort-fresh-{}", crate::new_revision_id()));
        std::fs::create_dir_all(dir.join("versions")).unwrap();
        check_fresh_squashed(&dir, &[]).unwrap();
        assert!(squashed_files(&dir).unwrap().is_empty());
        let kept = Compiled {
            file_name: "a1_one.rs",
            hash: file_hash(b"one"),
            stamp: None,
        };
        let e = check_fresh_squashed(&dir, &[kept]).unwrap_err();
        assert!(e.to_string().contains("removed: a1_one.rs"), "{e}");
        std::fs::create_dir_all(dir.join("versions/squashed")).unwrap();
        std::fs::write(dir.join("versions/squashed/a1_one.rs"), "one").unwrap();
        check_fresh_squashed(&dir, &[kept]).unwrap();
        assert_eq!(squashed_files(&dir).unwrap().len(), 1);
        std::fs::write(dir.join("versions/squashed/b1_two.rs"), "two").unwrap();
        let e = check_fresh_squashed(&dir, &[kept]).unwrap_err();
        assert!(e.to_string().contains("added: b1_two.rs"), "{e}");
        // The folder is not a script of `versions/`.
        assert!(version_files(&dir).unwrap().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_matching_stamp_skips_the_read_and_a_changed_one_compares_bytes() {
        let dir = std::env::temp_dir().join(format!("retort-fresh-{}", crate::new_revision_id()));
        std::fs::create_dir_all(dir.join("versions")).unwrap();
        let path = dir.join("versions/a1_one.rs");
        std::fs::write(&path, "one").unwrap();
        let stamp = Stamp::of(&std::fs::metadata(&path).unwrap());
        let compiled = |hash: u64, stamp: Option<Stamp>| {
            vec![Compiled {
                file_name: "a1_one.rs",
                hash,
                stamp,
            }]
        };
        // Same stamp: trusted without reading (here the hash given is wrong on purpose).
        check_fresh_stamped(&dir, &compiled(0, stamp)).unwrap();
        // Another stamp (rewritten, same bytes): the bytes decide, and they match.
        let other = stamp.map(|s| Stamp {
            modified_ns: s.modified_ns + 1,
            ..s
        });
        check_fresh_stamped(&dir, &compiled(file_hash(b"one"), other)).unwrap();
        // Another stamp and other bytes: edited.
        let err = check_fresh_stamped(&dir, &compiled(file_hash(b"two"), other)).unwrap_err();
        assert!(err.to_string().contains("edited: a1_one.rs"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn missing_versions_folder_is_an_io_error_naming_it() {
        let dir = std::env::temp_dir().join(format!("retort-fresh-{}", crate::new_revision_id()));
        let err = check_fresh(&dir, &[]).unwrap_err();
        assert!(matches!(err, StaleError::Io { .. }));
        assert!(err.to_string().contains("versions"), "{err}");
    }
}
