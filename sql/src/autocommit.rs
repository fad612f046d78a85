//! Statements that cannot run inside a transaction block.

use retort_schema::Dialect;

/// Whether `sql` must run outside a transaction (the runner commits before it and runs it on
/// its own).
///
/// - PostgreSQL: `CREATE [UNIQUE] INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`,
///   `REINDEX .. CONCURRENTLY`, `ALTER TYPE .. ADD VALUE` (allowed in a transaction since
///   PostgreSQL 12, but the new value cannot be used before that transaction commits),
///   `VACUUM`, `CREATE DATABASE`, `DROP DATABASE`, `CREATE TABLESPACE`, `DROP TABLESPACE`,
///   `ALTER SYSTEM`, `CREATE SUBSCRIPTION`, `DROP SUBSCRIPTION`.
/// - SQLite: `VACUUM`, and `PRAGMA foreign_keys` / `PRAGMA journal_mode` (no effect inside a
///   transaction).
/// - MySQL/MariaDB: never (every DDL statement commits implicitly anyway).
///
/// Leading whitespace and `--` / `/* */` comments are skipped; keywords are case-insensitive.
pub fn needs_autocommit(sql: &str, d: Dialect) -> bool {
    let words = leading_words(sql, 8);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match d {
        Dialect::Postgres => match w.as_slice() {
            ["VACUUM", ..] | ["ALTER", "SYSTEM", ..] => true,
            ["CREATE" | "DROP", "DATABASE" | "TABLESPACE" | "SUBSCRIPTION", ..] => true,
            ["CREATE", "INDEX", "CONCURRENTLY", ..]
            | ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", ..]
            | ["DROP", "INDEX", "CONCURRENTLY", ..] => true,
            ["REINDEX", rest @ ..] => rest.contains(&"CONCURRENTLY"),
            ["ALTER", "TYPE", rest @ ..] => rest.windows(2).any(|p| p == ["ADD", "VALUE"]),
            _ => false,
        },
        Dialect::Sqlite => match w.as_slice() {
            ["VACUUM", ..] => true,
            ["PRAGMA", rest @ ..] => {
                let name = rest.first().copied().unwrap_or("");
                let name = name.rsplit('.').next().unwrap_or(name);
                name.starts_with("FOREIGN_KEYS") || name.starts_with("JOURNAL_MODE")
            }
            _ => false,
        },
        Dialect::Mysql => false,
    }
}

/// The first `n` words of `sql`, uppercased, after comments; a word is a run of characters
/// other than whitespace, `(`, `)`, `;`, `=`. A quoted identifier or string becomes one word.
fn leading_words(sql: &str, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() && out.len() < n {
        let c = b[i];
        if c.is_ascii_whitespace() || matches!(c, b'(' | b')' | b';' | b'=' | b',') {
            i += 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
        } else if matches!(c, b'"' | b'\'' | b'`') {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != c {
                i += 1;
            }
            i += 1;
            out.push(sql[start..i.min(b.len())].to_string());
        } else {
            let start = i;
            while i < b.len()
                && !b[i].is_ascii_whitespace()
                && !matches!(b[i], b'(' | b')' | b';' | b'=' | b',' | b'"' | b'\'' | b'`')
            {
                i += 1;
            }
            out.push(sql[start..i].to_ascii_uppercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_statements_outside_transactions() {
        let pg = Dialect::Postgres;
        assert!(needs_autocommit(
            "CREATE INDEX CONCURRENTLY ix ON t (a)",
            pg
        ));
        assert!(needs_autocommit(
            "  -- build it online\n create unique index concurrently ix on t (a)",
            pg
        ));
        assert!(needs_autocommit("DROP INDEX CONCURRENTLY ix", pg));
        assert!(needs_autocommit(
            r#"ALTER TYPE "mood" ADD VALUE 'meh' BEFORE 'sad'"#,
            pg
        ));
        assert!(needs_autocommit(
            r#"ALTER TYPE "s"."mood" ADD VALUE IF NOT EXISTS 'x'"#,
            pg
        ));
        assert!(needs_autocommit("/* c */ VACUUM ANALYZE t", pg));
        assert!(needs_autocommit("REINDEX TABLE CONCURRENTLY t", pg));
        assert!(!needs_autocommit("CREATE INDEX ix ON t (a)", pg));
        assert!(!needs_autocommit(r#"ALTER TYPE "mood" RENAME TO "m""#, pg));
        assert!(!needs_autocommit(
            r#"ALTER TYPE "mood" RENAME VALUE 'a' TO 'b'"#,
            pg
        ));
        assert!(!needs_autocommit("SELECT 'VACUUM'", pg));
        assert!(!needs_autocommit(
            r#"CREATE TABLE "CONCURRENTLY" (a int)"#,
            pg
        ));
    }

    #[test]
    fn sqlite_and_mysql() {
        assert!(needs_autocommit("vacuum", Dialect::Sqlite));
        assert!(needs_autocommit("PRAGMA foreign_keys=OFF", Dialect::Sqlite));
        assert!(!needs_autocommit(
            "PRAGMA foreign_key_check",
            Dialect::Sqlite
        ));
        assert!(!needs_autocommit(
            "CREATE INDEX CONCURRENTLY ix ON t (a)",
            Dialect::Mysql
        ));
    }
}
