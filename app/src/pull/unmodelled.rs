//! What a database holds that retort does not model: views, triggers, functions, free
//! sequences, generated columns, partitioned and virtual tables, full-text and spatial
//! indexes. Read with a few catalog queries per dialect (the introspection reads tables only).

use retort_runner::Db;
use retort_schema::{Dialect, QName};

use super::generate::Skipped;
use crate::error::AppError;

/// A database object outside the models.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    /// `view`, `trigger`, `function`, ...
    pub kind: String,
    pub name: String,
    /// The table it belongs to (a trigger's table), if any.
    pub table: Option<String>,
}

impl std::fmt::Display for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.table {
            Some(t) => write!(f, "{} `{}` on `{t}`", self.kind, self.name),
            None => write!(f, "{} `{}`", self.kind, self.name),
        }
    }
}

/// What [`find`] reports.
#[derive(Clone, Debug, Default)]
pub struct Unmodelled {
    /// Objects that are not tables: left alone by every compare (retort does not read them).
    pub objects: Vec<Object>,
    /// Tables the models cannot represent, with the reason.
    pub tables: Vec<Skipped>,
}

/// `(objects query, tables query)` per dialect: the first returns `kind, name, table`, the
/// second `table, reason`.
fn queries(d: Dialect) -> (&'static str, &'static str) {
    match d {
        Dialect::Sqlite => (
            "SELECT type, name, CASE WHEN type = 'trigger' THEN tbl_name END FROM sqlite_master \
             WHERE type IN ('view', 'trigger') ORDER BY 1, 2",
            "SELECT m.name, 'generated column `' || x.name || '`' FROM sqlite_master m \
             JOIN pragma_table_xinfo(m.name) x WHERE m.type = 'table' AND x.hidden IN (2, 3) \
             UNION ALL SELECT name, 'virtual table' FROM sqlite_master \
             WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY 1, 2",
        ),
        Dialect::Postgres => (
            "SELECT 'view', table_name::text, NULL::text FROM information_schema.views \
             WHERE table_schema = current_schema() \
             UNION ALL SELECT 'materialized view', matviewname::text, NULL FROM pg_matviews \
             WHERE schemaname = current_schema() \
             UNION ALL SELECT DISTINCT 'trigger', trigger_name::text, event_object_table::text \
             FROM information_schema.triggers WHERE trigger_schema = current_schema() \
             UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, \
             p.proname::text, NULL FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
             WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_depend d \
             WHERE d.objid = p.oid AND d.deptype = 'e') \
             UNION ALL SELECT 'sequence', c.relname::text, NULL FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' \
             AND n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_depend d \
             WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) \
             UNION ALL SELECT 'domain', t.typname::text, NULL FROM pg_type t \
             JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' \
             AND n.nspname = current_schema() ORDER BY 1, 2",
            "SELECT table_name::text, 'generated column `' || column_name || '`' \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND is_generated = 'ALWAYS' \
             UNION ALL SELECT c.relname::text, 'partitioned table' FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'p' \
             AND n.nspname = current_schema() ORDER BY 1, 2",
        ),
        Dialect::Mysql => (
            "SELECT 'view', TABLE_NAME, NULL FROM information_schema.VIEWS \
             WHERE TABLE_SCHEMA = DATABASE() \
             UNION ALL SELECT 'trigger', TRIGGER_NAME, EVENT_OBJECT_TABLE \
             FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
             UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME, NULL \
             FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() \
             UNION ALL SELECT 'event', EVENT_NAME, NULL FROM information_schema.EVENTS \
             WHERE EVENT_SCHEMA = DATABASE() ORDER BY 1, 2",
            "SELECT TABLE_NAME, CONCAT('generated column `', COLUMN_NAME, '`') \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
             AND IS_GENERATED = 'ALWAYS' \
             UNION ALL SELECT DISTINCT TABLE_NAME, CONCAT(LOWER(INDEX_TYPE), ' index `', \
             INDEX_NAME, '`') FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
             AND INDEX_TYPE IN ('FULLTEXT', 'SPATIAL') ORDER BY 1, 2",
        ),
    }
}

/// Reads what the database at `db` holds outside the models (default schema / database).
pub async fn find(db: &mut Db) -> Result<Unmodelled, AppError> {
    let d = db.dialect();
    let (objects_sql, tables_sql) = queries(d);
    let failed = |what: &str, e: retort_runner::RunError| {
        AppError::Failed(format!(
            "cannot list the {what} retort does not model: {e}; check that the user can read the catalog"
        ))
    };
    let rows = db
        .query_strings(objects_sql)
        .await
        .map_err(|e| failed("objects", e))?;
    let objects = rows
        .into_iter()
        .filter_map(|r| {
            let mut it = r.into_iter();
            let kind = it.next().flatten()?;
            let name = it.next().flatten()?;
            let table = it.next().flatten();
            Some(Object { kind, name, table })
        })
        .collect();
    let rows = db
        .query_strings(tables_sql)
        .await
        .map_err(|e| failed("tables", e))?;
    let mut tables: Vec<Skipped> = Vec::new();
    for r in rows {
        let mut it = r.into_iter();
        let (Some(table), Some(reason)) = (it.next().flatten(), it.next().flatten()) else {
            continue;
        };
        let q = QName::new(table);
        match tables.iter_mut().find(|s| s.table == q) {
            Some(s) => s.reason = format!("{}, {reason}", s.reason),
            None => tables.push(Skipped { table: q, reason }),
        }
    }
    // SQLite: the shadow tables of a virtual table go with it.
    if d == Dialect::Sqlite {
        let virtuals: Vec<String> = tables
            .iter()
            .filter(|s| s.reason.contains("virtual table"))
            .map(|s| s.table.name.clone())
            .collect();
        let rows = db
            .query_strings("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
            .await
            .map_err(|e| failed("tables", e))?;
        for name in rows
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
        {
            if let Some(v) = virtuals.iter().find(|v| name.starts_with(&format!("{v}_"))) {
                if !tables.iter().any(|s| s.table.name == name) {
                    tables.push(Skipped {
                        table: QName::new(name),
                        reason: format!("shadow table of the virtual table `{v}`"),
                    });
                }
            }
        }
    }
    Ok(Unmodelled { objects, tables })
}
