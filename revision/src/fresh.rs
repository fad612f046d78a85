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

/// The scripts of a `script_location` folder: `<dir>/versions/*.rs`, sorted by file name
/// (hidden files skipped). A missing `versions` folder is an error.
pub fn version_files(dir: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    let versions = dir.join("versions");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&versions)? {
        let entry = entry?;
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') || !name.ends_with(".rs") || !entry.file_type()?.is_file() {
            continue;
        }
        files.push(path);
    }
    files.sort();
    Ok(files)
}

/// Compares `<dir>/versions/*.rs` with the compiled-in `(file name, file_hash)` pairs.
pub fn check_fresh(dir: &Path, compiled: &[(String, u64)]) -> Result<(), StaleError> {
    let versions = dir.join("versions");
    let files = version_files(dir).map_err(|source| StaleError::Io {
        path: versions.clone(),
        source,
    })?;
    let mut added = Vec::new();
    let mut edited = Vec::new();
    let mut on_disk = Vec::with_capacity(files.len());
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let bytes = std::fs::read(&path).map_err(|source| StaleError::Io {
            path: path.clone(),
            source,
        })?;
        match compiled.iter().find(|(f, _)| *f == name) {
            None => added.push(name.clone()),
            Some((_, hash)) if *hash != file_hash(&bytes) => edited.push(name.clone()),
            Some(_) => {}
        }
        on_disk.push(name);
    }
    let mut removed: Vec<String> = compiled
        .iter()
        .filter(|(f, _)| !on_disk.contains(f))
        .map(|(f, _)| f.clone())
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

    #[test]
    fn missing_versions_folder_is_an_io_error_naming_it() {
        let dir = std::env::temp_dir().join(format!("retort-fresh-{}", crate::new_revision_id()));
        let err = check_fresh(&dir, &[]).unwrap_err();
        assert!(matches!(err, StaleError::Io { .. }));
        assert!(err.to_string().contains("versions"), "{err}");
    }
}
