//! The applied-migrations log on the command line: `current -v`, `history -v`, `check`, and
//! `stamp --accept-edits`.

use std::io::Write;

use retort_runner::{LogEntry, Mismatch};

use crate::commands::{say, Env};
use crate::db::{close, connect};
use crate::{AppError, ExitCode};

/// The log of the configured database and what it says about the compiled-in scripts.
pub(crate) struct Applied {
    log: Vec<LogEntry>,
    /// Applied scripts that changed since they ran.
    pub mismatches: Vec<Mismatch>,
}

/// Reads the version table and the log (an empty log on a database without one).
pub(crate) async fn read(env: &Env<'_>) -> Result<Applied, AppError> {
    let opts = env.run_options();
    let mut db = connect(env).await?;
    let r = async {
        let heads = retort_runner::current(&mut db, &opts).await?;
        let log = retort_runner::read_log(&mut db, &opts).await?;
        let mismatches = retort_runner::mismatches(&env.ctx.migrations, &env.map, &heads, &log);
        Ok::<_, AppError>(Applied { log, mismatches })
    }
    .await;
    close(db).await;
    r
}

/// For `history -v`: the log when a database is configured and reachable; otherwise a note
/// (the history itself needs no database).
pub(crate) async fn log_for_history(env: &Env<'_>, out: &mut dyn Write) -> Option<Applied> {
    env.url().ok()?;
    match read(env).await {
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
pub(crate) fn source_line(env: &Env<'_>) -> String {
    let set = &env.ctx.migrations;
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

/// `stamp --accept-edits`.
pub(crate) async fn accept_edits(env: &Env<'_>, out: &mut dyn Write) -> Result<ExitCode, AppError> {
    let opts = env.run_options();
    let mut db = connect(env).await?;
    let r = async {
        let before = retort_runner::verify_applied(&mut db, &env.ctx.migrations, &opts).await?;
        let report =
            retort_runner::accept_edits(&mut db, &env.ctx.migrations, &opts, &mut |_| {}).await?;
        Ok::<_, AppError>((before, report))
    }
    .await;
    close(db).await;
    let (before, report) = r?;
    if report.applied.is_empty() {
        say!(
            out,
            "No applied script changed since it ran: nothing to accept."
        );
    }
    for rev in &report.applied {
        match before.iter().find(|m| &m.revision == rev) {
            Some(m) => say!(
                out,
                "Accepted the edit of revision {rev} ({}): checksum {} -> {}",
                m.file_name,
                m.recorded,
                m.compiled
            ),
            None => say!(out, "Accepted the edit of revision {rev}"),
        }
    }
    Ok(ExitCode::Success)
}
