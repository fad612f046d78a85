//! Writing a generated file so that a reader never sees half of it.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A generated file that could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// [`write_new`]: the file is there already.
    #[error("{} already exists; refusing to overwrite it", .0.display())]
    Exists(PathBuf),
    /// Creating, writing, syncing or renaming failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Writes `bytes` to `path`, which must not exist yet: a temporary file in the same folder,
/// then a rename, so a reader never sees a half-written file.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    if path.exists() {
        return Err(WriteError::Exists(path.to_path_buf()));
    }
    write_atomic(path, bytes)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })()
    .and_then(|()| std::fs::rename(&tmp, path));
    written.map_err(|source| {
        // No half-written file left behind, not even the hidden temporary one.
        let _ = std::fs::remove_file(&tmp);
        WriteError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}
