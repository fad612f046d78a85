//! Who holds a lock retort waited for: the migration lock (PostgreSQL advisory lock,
//! MySQL/MariaDB `GET_LOCK`) or a table. Best effort: a failed lookup says so. The catalog
//! queries and the words for a session are the backends' ([`Holders`]); this file only
//! turns their rows into the message.

use crate::Db;

/// How a database names the sessions holding a lock (implemented by the backends that can
/// tell). Each query returns, per session: id, user, application, state, seconds, last query,
/// lock mode.
pub(crate) trait Holders: Sync {
    /// The sessions holding the migration lock.
    fn migration_lock_holder_sql(&self, lock: &crate::backend::Lock) -> Option<String>;
    /// The other sessions holding locks that a statement on `table` waits for.
    fn table_lock_holders_sql(&self, table: Option<&retort_schema::QName>) -> Option<String>;
    /// `PostgreSQL session pid 12`, `MySQL/MariaDB connection 12`.
    fn session_name(&self, id: &str) -> String;
    /// The statement that ends session `id`.
    fn end_session_sql(&self, id: &str) -> String;
    /// What the table-lock list is introduced by.
    fn table_lock_lead(&self) -> &'static str;
}

/// One session, as the server describes it.
struct Session {
    id: String,
    user: Option<String>,
    application: Option<String>,
    state: Option<String>,
    seconds: Option<String>,
    query: Option<String>,
    mode: Option<String>,
}

impl Session {
    fn describe(&self, d: &dyn Holders) -> String {
        let mut parts = Vec::new();
        if let Some(a) = self.application.as_deref().filter(|a| !a.is_empty()) {
            parts.push(format!("application `{a}`"));
        }
        if let Some(u) = self.user.as_deref().filter(|u| !u.is_empty()) {
            parts.push(format!("user `{u}`"));
        }
        if let Some(m) = &self.mode {
            parts.push(format!("holding {m}"));
        }
        if let Some(s) = self.state.as_deref().filter(|s| !s.is_empty()) {
            parts.push(format!("state `{s}`"));
        }
        if let Some(t) = &self.seconds {
            parts.push(format!("for {t} s"));
        }
        if let Some(q) = self.query.as_deref().filter(|q| !q.trim().is_empty()) {
            let q: String = q.split_whitespace().collect::<Vec<_>>().join(" ");
            let q = if q.chars().count() > 160 {
                format!("{}...", q.chars().take(160).collect::<String>())
            } else {
                q
            };
            parts.push(format!("last query `{q}`"));
        }
        let who = d.session_name(&self.id);
        if parts.is_empty() {
            who
        } else {
            format!("{who} ({})", parts.join(", "))
        }
    }

    fn end_hint(&self, d: &dyn Holders) -> String {
        d.end_session_sql(&self.id)
    }
}

fn sessions(rows: Vec<Vec<Option<String>>>) -> Vec<Session> {
    rows.into_iter()
        .map(|r| {
            let mut it = r.into_iter();
            let mut next = || it.next().flatten();
            Session {
                id: next().unwrap_or_default(),
                user: next(),
                application: next(),
                state: next(),
                seconds: next(),
                query: next(),
                mode: next(),
            }
        })
        .collect()
}

/// The sessions the query `sql` lists; `None` when there is no query (the database cannot tell).
async fn sessions_of(
    db: &mut Db,
    sql: Option<String>,
) -> Option<Result<Vec<Session>, crate::RunError>> {
    Some(db.query_strings(&sql?).await.map(sessions))
}

/// Says who holds the migration lock (called after the wait for it expired).
pub(crate) async fn migration_lock_holder(
    d: &dyn Holders,
    db: &mut Db,
    lock: &crate::backend::Lock,
) -> String {
    let Some(found) = sessions_of(db, d.migration_lock_holder_sql(lock)).await else {
        return String::new();
    };
    match found {
        Ok(s) if !s.is_empty() => {
            let s = &s[0];
            let mut m = format!("it is held by {}", s.describe(d));
            let active = s
                .state
                .as_deref()
                .is_some_and(|st| st == "active" || st.starts_with("Query"));
            if active && s.query.is_some() {
                m.push_str(
                    ". If that is a retort run that was killed or lost its network, the server is still executing its statement",
                );
            }
            m.push_str(&format!(
                ". Wait for it to finish, or end it with `{}`",
                s.end_hint(d)
            ));
            m
        }
        Ok(_) => "its holder released it just after the wait expired; run again".to_string(),
        Err(e) => format!("the holder could not be looked up ({e})"),
    }
}

/// Says which other sessions hold locks on `table` (PostgreSQL) or have a transaction open
/// (MySQL/MariaDB, which shows metadata-lock holders only through a plugin). Called after the
/// failed statement's transaction was rolled back. Empty when nothing is found.
pub(crate) async fn table_lock_holders(
    d: &dyn Holders,
    db: &mut Db,
    table: Option<&retort_schema::QName>,
) -> String {
    let Some(found) = sessions_of(db, d.table_lock_holders_sql(table)).await else {
        return String::new();
    };
    match found {
        Ok(s) if !s.is_empty() => {
            let lead = d.table_lock_lead();
            let list: Vec<String> = s.iter().map(|x| x.describe(d)).collect();
            let hint = s
                .iter()
                .map(|x| format!("`{}`", x.end_hint(d)))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "{lead} {}; let them finish, or end them with {hint}",
                list.join("; ")
            )
        }
        Ok(_) => String::new(),
        Err(e) => format!("its holder could not be looked up ({e})"),
    }
}
