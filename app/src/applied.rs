//! The applied-migrations log on the command line: `current -v`, `history -v` and `check`.

use std::io::Write;

use retort_runner::{LogEntry, Mismatch};

use crate::error::AppError;
use crate::session::Session;
use crate::style::say;

/// The log of the configured database and what it says about the compiled-in scripts.
pub(crate) struct Applied {
    log: Vec<LogEntry>,
    /// Applied scripts that changed since they ran.
    pub mismatches: Vec<Mismatch>,
}

/// Reads the version table and the log (an empty log on a database without one).
pub(crate) async fn read(session: &Session<'_>) -> Result<Applied, AppError> {
    if session.missing_db_file().is_some() {
        // Not created by reading it: an empty database has no log.
        return Ok(Applied {
            log: Vec::new(),
            mismatches: Vec::new(),
        });
    }
    let opts = session.run_options();
    let heads = retort_runner::current(&mut *session.db().await?, &opts).await?;
    read_at(session, &heads).await
}

/// The log, and its mismatches against the scripts applied at `heads` (the version table's
/// rows, read by the caller).
pub(crate) async fn read_at(session: &Session<'_>, heads: &[String]) -> Result<Applied, AppError> {
    let opts = session.run_options();
    let mut db = session.db().await?;
    let log = retort_runner::read_log(&mut db, &opts).await?;
    let mismatches = retort_runner::mismatches(&session.ctx.migrations, &session.map, heads, &log);
    Ok(Applied { log, mismatches })
}

/// For `history -v`: the log when a database is configured and reachable; otherwise a note
/// (the history itself needs no database).
pub(crate) async fn log_for_history(session: &Session<'_>, out: &mut dyn Write) -> Option<Applied> {
    session.url().ok()?;
    match read(session).await {
        Ok(a) => Some(a),
        Err(e) => {
            say!(out, "note: the applied-migrations log is not shown: {e}");
            None
        }
    }
}

impl Applied {
    /// A note when the database has revisions but no log yet (written by an older retort).
    pub(crate) fn missing_log_note(&self, current: &[String]) -> Option<String> {
        (self.log.is_empty() && !current.is_empty()).then(|| {
            "Applied log: none yet (the database was written before retort kept one); the next upgrade, downgrade or stamp creates it, with a baseline row per applied revision".to_string()
        })
    }

    /// The log rows of `rev`, indented, and a warning if its script changed since it ran.
    pub(crate) fn lines_for(&self, rev: &str) -> String {
        let mut s = String::new();
        for e in self.log.iter().filter(|e| e.revision == rev) {
            let took = e
                .duration_ms
                .map(|ms| format!(", {ms} ms"))
                .unwrap_or_default();
            s.push_str(&format!(
                "    Applied log: {} UTC {} (checksum {}{took}, retort {})\n",
                e.applied_at, e.direction, e.checksum, e.retort_version
            ));
        }
        if let Some(m) = self.mismatches.iter().find(|m| m.revision == rev) {
            s.push_str(&format!(
                "    EDITED since it ran: {} recorded checksum {}, this binary has {} (revert the edit, or `stamp --accept-edits`)\n",
                m.file_name, m.recorded, m.compiled
            ));
        }
        if !s.is_empty() {
            s.push('\n');
        }
        s
    }
}

/// Where this binary's migrations come from, for `current -v`.
pub(crate) fn source_line(session: &Session<'_>) -> String {
    let set = &session.ctx.migrations;
    let n = set.scripts().len();
    if set.dir().is_empty() {
        return format!("Migrations: {n} built in code");
    }
    match set.source_versions() {
        Some(v) => format!(
            "Migrations: {n} compiled in from {} (development checkout: the files there must be the compiled-in ones)",
            v.display()
        ),
        None => format!(
            "Migrations: {n} compiled in; the folder they were built from ({}/versions) is not here (deployed binary: applied scripts are verified by checksum against the applied-migrations log)",
            set.dir()
        ),
    }
}
