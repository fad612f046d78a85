//! Statements that cannot run inside a transaction block.

use retort_schema::Dialect;
use retort_sqllex::Kind;

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
    let words = leading_words(sql, 8, d);
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

/// The first `n` words of `sql`, uppercased, read with the dialect's lexer: comments and the
/// punctuation `(`, `)`, `;`, `=`, `,` are skipped; a quoted identifier or a string is one word
/// as written (so it never matches a keyword); a dotted name (`main.foreign_keys`) is one word.
fn leading_words(sql: &str, n: usize, d: Dialect) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut glue = false;
    for t in retort_sqllex::lex(sql, d.into()) {
        if out.len() >= n && !glue {
            break;
        }
        match t.kind {
            Kind::Whitespace | Kind::Comment => glue = false,
            Kind::Punct if matches!(t.text, "(" | ")" | ";" | "=" | ",") => glue = false,
            Kind::Punct if t.text == "." => {
                if let Some(last) = out.last_mut() {
                    last.push('.');
                }
                glue = true;
            }
            Kind::Word | Kind::Number | Kind::Punct if glue => {
                let last = out.last_mut().expect("glue follows a word");
                last.push_str(&t.text.to_ascii_uppercase());
            }
            Kind::Word | Kind::Number | Kind::Punct => {
                out.push(t.text.to_ascii_uppercase());
            }
            Kind::QuotedIdent | Kind::Str { .. } => {
                glue = false;
                out.push(t.text.to_string());
            }
        }
    }
    out.truncate(n);
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

    /// The scanner this replaced ended a comment at the first `*/`; PostgreSQL nests them.
    #[test]
    fn nested_comments_hide_their_words() {
        let pg = Dialect::Postgres;
        assert!(!needs_autocommit("/* a /* b */ VACUUM */ SELECT 1", pg));
        assert!(needs_autocommit("/* a /* b */ c */ VACUUM", pg));
        assert!(needs_autocommit(
            "PRAGMA main.foreign_keys = OFF",
            Dialect::Sqlite
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
