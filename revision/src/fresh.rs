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

/// What proves a file unchanged since it was compiled in without reading it: its size, its
/// modification time and its status-change time (ctime).
///
/// The ctime is what makes the proof hold: the kernel sets it to the current time on every
/// write, truncation, rename, link or attribute change, and nothing (no `touch -d`, `cp -p`,
/// `rsync -t`, `git checkout` of an old version) can set it back, whereas the mtime is the
/// file's to choose. An in-place edit that keeps the size and restores the old mtime still
/// moves the ctime. (On platforms without a ctime, `changed_ns` is 0 on both sides and the
/// proof is size + mtime.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub modified_ns: u128,
    /// Status-change time (ctime), nanoseconds since the Unix epoch; 0 where there is none.
    pub changed_ns: u128,
}

/// How recent a stamp may be when it is recorded and still be trusted later. A file written
/// within this window before the build read it could be written again after the read within
/// the same timestamp tick (filesystem clocks are coarse: a jiffy, a few milliseconds), leaving
/// an equal stamp over other bytes; such a "racily clean" file (git's term) is not stamped
/// ([`Stamp::settled`]), and the build waits the window out before reading ([`settle`]).
pub const RACY_WINDOW_NS: u128 = 100_000_000;

/// For the build, before it stamps and reads `paths`: waits (at most [`RACY_WINDOW_NS`]) until
/// the newest of them is older than the window, so that their stamps can be recorded.
pub fn settle(paths: &[PathBuf]) {
    let newest = paths
        .iter()
        .filter_map(|p| Stamp::of(&std::fs::metadata(p).ok()?))
        .map(|s| s.modified_ns.max(s.changed_ns))
        .max();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    if let Some(newest) = newest {
        let wait = (newest + RACY_WINDOW_NS)
            .saturating_sub(now)
            .min(RACY_WINDOW_NS);
        if wait > 0 {
            std::thread::sleep(std::time::Duration::from_nanos(wait as u64 + 1_000_000));
        }
    }
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
            changed_ns: changed_ns(meta)?,
        })
    }

    /// The stamp of `meta` if it can be trusted later: `None` when the file changed within
    /// [`RACY_WINDOW_NS`] of `now` (or claims a time after it), so that its bytes are compared
    /// at each check instead. For the build, which takes the metadata before reading the bytes
    /// and `now` after.
    pub fn settled(meta: &std::fs::Metadata, now: std::time::SystemTime) -> Option<Stamp> {
        let st = Stamp::of(meta)?;
        let now_ns = now.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        let newest = st.modified_ns.max(st.changed_ns);
        (newest + RACY_WINDOW_NS <= now_ns).then_some(st)
    }
}

#[cfg(unix)]
fn changed_ns(meta: &std::fs::Metadata) -> Option<u128> {
    use std::os::unix::fs::MetadataExt;
    let secs = u128::try_from(meta.ctime()).ok()?;
    let nanos = u128::try_from(meta.ctime_nsec()).ok()?;
    Some(secs * 1_000_000_000 + nanos)
}

#[cfg(not(unix))]
fn changed_ns(_meta: &std::fs::Metadata) -> Option<u128> {
    Some(0)
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
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StaleError::Io { path, source }
    };
    // The listing: names and entry types (from the directory itself, no `stat`).
    let listing = match std::fs::read_dir(&versions) {
        Err(e) if missing_is_empty && e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        r => r
            .map_err(io(&versions))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(io(&versions))?,
    };
    let mut by_name: std::collections::HashMap<&str, (&Compiled<'_>, bool)> =
        compiled.iter().map(|c| (c.file_name, (c, false))).collect();
    let mut added = Vec::new();
    // Compiled-in files on disk, to prove unchanged: (entry, compiled).
    let mut known = Vec::with_capacity(compiled.len());
    for entry in &listing {
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            continue;
        };
        if !is_script_name(name) || !entry.file_type().map_err(io(&entry.path()))?.is_file() {
            continue;
        }
        match by_name.get_mut(name) {
            None => added.push(name.to_string()),
            Some((c, seen)) => {
                *seen = true;
                known.push((entry, *c));
            }
        }
    }
    let mut edited = edited_files(&known)?;
    let mut removed: Vec<String> = by_name
        .values()
        .filter(|(_, seen)| !seen)
        .map(|(c, _)| c.file_name.to_string())
        .collect();
    if added.is_empty() && removed.is_empty() && edited.is_empty() {
        return Ok(());
    }
    added.sort();
    removed.sort();
    edited.sort();
    Err(StaleError::Changed {
        versions,
        added,
        removed,
        edited,
    })
}

/// The files of `known` whose bytes are not the compiled-in ones. One `stat` per file (relative
/// to the open directory): an equal [`Stamp`] proves the file unchanged; otherwise its bytes
/// are hashed. Editing a file in place changes nothing about its directory, so no cheaper
/// proof exists than looking at each file's own inode; the `stat`s are spread over a few
/// threads when there are thousands of them.
fn edited_files(known: &[(&std::fs::DirEntry, &Compiled<'_>)]) -> Result<Vec<String>, StaleError> {
    const PER_THREAD: usize = 2_000;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(known.len().div_ceil(PER_THREAD))
        .max(1);
    if threads == 1 {
        return edited_in(known);
    }
    let chunk = known.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = known[chunk..]
            .chunks(chunk)
            .map(|part| s.spawn(move || edited_in(part)))
            .collect();
        let mut edited = edited_in(&known[..chunk])?;
        for h in handles {
            edited.extend(h.join().expect("a freshness thread panicked")?);
        }
        Ok(edited)
    })
}

fn edited_in(known: &[(&std::fs::DirEntry, &Compiled<'_>)]) -> Result<Vec<String>, StaleError> {
    let mut edited = Vec::new();
    for (entry, c) in known {
        let io = |source| StaleError::Io {
            path: entry.path(),
            source,
        };
        let meta = entry.metadata().map_err(io)?;
        if c.stamp.is_some() && c.stamp == Stamp::of(&meta) {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(io)?;
        if c.hash != file_hash(&bytes) {
            edited.push(c.file_name.to_string());
        }
    }
    Ok(edited)
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

    /// `check_fresh_stamped` fails, saying `what`.
    fn assert_stale(dir: &Path, compiled: &[Compiled<'_>], what: &str) {
        let e = check_fresh_stamped(dir, compiled).unwrap_err();
        assert!(e.to_string().contains(what), "{e}");
    }

    /// What the build records of `names` in `<dir>/versions` as they are now: stamp and hash.
    fn compiled_from_disk<'a>(dir: &Path, names: &'a [String]) -> Vec<Compiled<'a>> {
        names
            .iter()
            .map(|n| {
                let path = dir.join("versions").join(n);
                Compiled {
                    file_name: n,
                    hash: file_hash(&std::fs::read(&path).unwrap()),
                    stamp: Stamp::of(&std::fs::metadata(&path).unwrap()),
                }
            })
            .collect()
    }

    /// The stamp is a proof, not a hint: each way of changing a file behind the binary's back
    /// is caught though the file keeps its name, its size and (in the worst case) its mtime.
    #[test]
    fn stamps_catch_every_kind_of_change() {
        let dir = std::env::temp_dir().join(format!("retort-fresh-{}", crate::new_revision_id()));
        std::fs::create_dir_all(dir.join("versions")).unwrap();
        let files = ["a1_one.rs", "b1_two.rs", "c1_three.rs"].map(String::from);
        for f in &files {
            std::fs::write(dir.join("versions").join(f), format!("{f} body")).unwrap();
        }
        let stamp = |f: &str| Stamp::of(&std::fs::metadata(dir.join("versions").join(f)).unwrap());
        let compiled = compiled_from_disk(&dir, &files);
        let stamps: Vec<Option<Stamp>> = compiled.iter().map(|c| c.stamp).collect();
        assert!(stamps.iter().all(|s| s.is_some_and(|s| s.changed_ns > 0)));
        check_fresh_stamped(&dir, &compiled).unwrap();
        let edited_only = |e: StaleError, name: &str| match e {
            StaleError::Changed {
                added,
                removed,
                edited,
                ..
            } => {
                assert!(
                    added.is_empty() && removed.is_empty(),
                    "{added:?} {removed:?}"
                );
                assert_eq!(edited, [name]);
            }
            other => panic!("{other:?}"),
        };

        // An in-place edit keeping the size, its mtime then set back to the stamp's own
        // (what `touch -d`, `cp -p` or `rsync -t` can do): size and mtime are the stamp's, the
        // ctime is not.
        let path = dir.join("versions/a1_one.rs");
        let old_mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, "a1_one.rs BODY").unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(old_mtime).unwrap();
        drop(f);
        let now = stamp("a1_one.rs").unwrap();
        let was = stamps[0].unwrap();
        assert_eq!((now.len, now.modified_ns), (was.len, was.modified_ns));
        edited_only(
            check_fresh_stamped(&dir, &compiled).unwrap_err(),
            "a1_one.rs",
        );
        std::fs::write(&path, "a1_one.rs body").unwrap();
        // Rewritten with the same bytes: the stamp differs, the hash decides: fresh.
        check_fresh_stamped(&dir, &compiled).unwrap();

        // A file touched to an old mtime after an edit of another size.
        let path = dir.join("versions/b1_two.rs");
        std::fs::write(&path, "b1_two.rs body, longer").unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
            .unwrap();
        drop(f);
        edited_only(
            check_fresh_stamped(&dir, &compiled).unwrap_err(),
            "b1_two.rs",
        );
        std::fs::write(&path, "b1_two.rs body").unwrap();

        // Replaced by another file under the same name (an editor's atomic save).
        let tmp = dir.join("versions/.c1_three.rs.swp");
        std::fs::write(&tmp, "c1_three.rs BODY").unwrap();
        std::fs::rename(&tmp, dir.join("versions/c1_three.rs")).unwrap();
        edited_only(
            check_fresh_stamped(&dir, &compiled).unwrap_err(),
            "c1_three.rs",
        );
        std::fs::write(dir.join("versions/c1_three.rs"), "c1_three.rs body").unwrap();
        check_fresh_stamped(&dir, &compiled).unwrap();

        // Added and removed.
        std::fs::write(dir.join("versions/d1_four.rs"), "four").unwrap();
        std::fs::remove_file(dir.join("versions/b1_two.rs")).unwrap();
        assert_stale(&dir, &compiled, "added: d1_four.rs; removed: b1_two.rs");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A stamp taken within the racy window of its recording is not kept; an old one is.
    #[test]
    fn a_stamp_too_recent_to_prove_anything_is_not_kept() {
        let dir = std::env::temp_dir().join(format!("retort-fresh-{}", crate::new_revision_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.rs");
        std::fs::write(&path, "a").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let now = std::time::SystemTime::now();
        assert_eq!(Stamp::settled(&meta, now), None);
        let later = now + std::time::Duration::from_nanos(RACY_WINDOW_NS as u64 + 1_000_000);
        assert_eq!(Stamp::settled(&meta, later), Stamp::of(&meta));
        // `settle` waits the window out: afterwards the same file's stamp is kept.
        settle(std::slice::from_ref(&path));
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(
            Stamp::settled(&meta, std::time::SystemTime::now()),
            Stamp::of(&meta)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Thousands of files: the stats are spread over threads, with the same answers.
    #[test]
    fn many_files_are_checked_on_several_threads_with_the_same_answer() {
        let dir = std::env::temp_dir().join(format!("retort-fresh-{}", crate::new_revision_id()));
        std::fs::create_dir_all(dir.join("versions")).unwrap();
        let names: Vec<String> = (0..4_100).map(|i| format!("r{i:05}_x.rs")).collect();
        for n in &names {
            std::fs::write(dir.join("versions").join(n), n).unwrap();
        }
        let compiled = compiled_from_disk(&dir, &names);
        check_fresh_stamped(&dir, &compiled).unwrap();
        // One edit in each part of the list.
        for i in [10, 2_600, 4_099] {
            std::fs::write(dir.join("versions").join(&names[i]), "changed").unwrap();
        }
        let what = "edited: r00010_x.rs, r02600_x.rs, r04099_x.rs";
        assert_stale(&dir, &compiled, what);
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
