//! Shared helpers for the end-to-end tests: isolated live databases (a SQLite temp file, a
//! PostgreSQL schema, a MariaDB database per test), statement execution the way the runner
//! does it, introspection, row checks, and short descriptions of operations.

pub mod scenario;

use retort_schema::{Dialect, Op, Schema, Table, Value};
use retort_sql::Statement;
use sqlx::{Connection, Executor, Row};

/// The databases, in the order the suites run them.
pub const DIALECTS: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql];

pub use retort_test_support::{mysql_url, pg_url, skip_or_fail, unique_suffix};

/// A server connection on which isolated databases are made, one per scenario.
pub enum Server {
    Sqlite,
    Postgres(sqlx::PgConnection),
    Mysql(sqlx::MySqlConnection),
}

impl Server {
    /// Connects to the server for `d`; `None` (after a SKIPPED line) when it is unreachable.
    pub async fn connect(d: Dialect, test: &str) -> Option<Server> {
        Some(match d {
            Dialect::Sqlite => Server::Sqlite,
            Dialect::Postgres => Server::Postgres(retort_test_support::connect_pg(test).await?),
            Dialect::Mysql => Server::Mysql(retort_test_support::connect_mysql(test).await?),
        })
    }

    /// A fresh, empty, isolated database: a SQLite temp file, a PostgreSQL schema that is
    /// first on the `search_path`, a MariaDB database that is `USE`d.
    pub async fn fresh(&mut self) -> Result<Db, String> {
        let suffix = unique_suffix();
        match self {
            Server::Sqlite => {
                let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
                let path = dir.path().join("t.db");
                let url = format!("sqlite://{}?mode=rwc", path.display());
                let conn = sqlx::SqliteConnection::connect(&url)
                    .await
                    .map_err(|e| format!("open {url}: {e}"))?;
                Ok(Db::Sqlite { conn, _dir: dir })
            }
            Server::Postgres(_) => {
                let schema = format!("retort_sc_{suffix}");
                let setup = [
                    format!("CREATE SCHEMA \"{schema}\""),
                    format!("SET search_path TO \"{schema}\""),
                ];
                let conn = connect_with(&pg_url(), &setup).await?;
                Ok(Db::Postgres { conn, schema })
            }
            Server::Mysql(_) => {
                let db = format!("retort_t_{suffix}");
                let setup = [format!("CREATE DATABASE `{db}`"), format!("USE `{db}`")];
                let conn = connect_with(&mysql_url(), &setup).await?;
                Ok(Db::Mysql { conn, db })
            }
        }
    }

    /// Drops what [`Server::fresh`] made (the SQLite file goes with its temp dir).
    pub async fn dispose(&mut self, db: Db) {
        match (self, db) {
            (Server::Postgres(admin), Db::Postgres { conn, schema }) => {
                let _ = conn.close().await;
                let _ = admin
                    .execute(format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE").as_str())
                    .await;
            }
            (Server::Mysql(admin), Db::Mysql { conn, db }) => {
                let _ = conn.close().await;
                let _ = admin
                    .execute(format!("DROP DATABASE IF EXISTS `{db}`").as_str())
                    .await;
            }
            (_, db) => drop(db),
        }
    }
}

/// One isolated database.
pub enum Db {
    Sqlite {
        conn: sqlx::SqliteConnection,
        _dir: tempfile::TempDir,
    },
    Postgres {
        conn: sqlx::PgConnection,
        schema: String,
    },
    Mysql {
        conn: sqlx::MySqlConnection,
        db: String,
    },
}

impl Db {
    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite { .. } => Dialect::Sqlite,
            Db::Postgres { .. } => Dialect::Postgres,
            Db::Mysql { .. } => Dialect::Mysql,
        }
    }

    /// Runs one statement outside any transaction handling.
    pub async fn exec(&mut self, sql: &str) -> Result<(), String> {
        let r = match self {
            Db::Sqlite { conn, .. } => conn.execute(sql).await.map(|_| ()),
            Db::Postgres { conn, .. } => conn.execute(sql).await.map(|_| ()),
            Db::Mysql { conn, .. } => conn.execute(sql).await.map(|_| ()),
        };
        r.map_err(|e| format!("{e}\n    in: {sql}"))
    }

    /// Runs rendered statements the way retort-runner does:
    /// - SQLite: `PRAGMA foreign_keys=OFF; BEGIN; ..; PRAGMA foreign_key_check; COMMIT;
    ///   PRAGMA foreign_keys=ON`;
    /// - PostgreSQL: one transaction; statements marked autocommit run between transactions;
    /// - MariaDB: one by one (DDL commits implicitly).
    pub async fn run(&mut self, statements: &[Statement]) -> Result<(), String> {
        match self.dialect() {
            Dialect::Sqlite => {
                self.exec("PRAGMA foreign_keys=OFF").await?;
                self.exec("BEGIN").await?;
                let mut result = Ok(());
                for st in statements {
                    if let Err(e) = self.exec(&st.sql).await {
                        result = Err(format!("[{}] {e}", st.comment));
                        break;
                    }
                }
                if result.is_ok() {
                    if let Db::Sqlite { conn, .. } = self {
                        match sqlx::query("PRAGMA foreign_key_check")
                            .fetch_all(&mut *conn)
                            .await
                        {
                            Ok(rows) if rows.is_empty() => {}
                            Ok(rows) => {
                                let tables: Vec<String> = rows
                                    .iter()
                                    .map(|r| r.try_get::<String, _>(0).unwrap_or_default())
                                    .collect();
                                result = Err(format!(
                                    "PRAGMA foreign_key_check: {} violations in {tables:?}",
                                    rows.len()
                                ));
                            }
                            Err(e) => result = Err(format!("PRAGMA foreign_key_check: {e}")),
                        }
                    }
                }
                if result.is_ok() {
                    result = self.exec("COMMIT").await;
                } else {
                    let _ = self.exec("ROLLBACK").await;
                }
                let on = self.exec("PRAGMA foreign_keys=ON").await;
                result.and(on)
            }
            Dialect::Postgres => {
                let mut in_tx = false;
                for st in statements {
                    if st.autocommit {
                        if in_tx {
                            self.exec("COMMIT").await?;
                            in_tx = false;
                        }
                    } else if !in_tx {
                        self.exec("BEGIN").await?;
                        in_tx = true;
                    }
                    if let Err(e) = self.exec(&st.sql).await {
                        if in_tx {
                            let _ = self.exec("ROLLBACK").await;
                        }
                        return Err(format!("[{}] {e}", st.comment));
                    }
                }
                if in_tx {
                    self.exec("COMMIT").await?;
                }
                Ok(())
            }
            Dialect::Mysql => {
                for st in statements {
                    self.exec(&st.sql)
                        .await
                        .map_err(|e| format!("[{}] {e}", st.comment))?;
                }
                Ok(())
            }
        }
    }

    /// Introspects the database.
    pub async fn introspect(
        &mut self,
        opts: &retort_introspect::Options,
    ) -> Result<Schema, String> {
        let r = match self {
            Db::Sqlite { conn, .. } => retort_introspect::sqlite(conn, opts).await,
            Db::Postgres { conn, .. } => retort_introspect::postgres(conn, opts).await,
            Db::Mysql { conn, .. } => retort_introspect::mysql(conn, opts).await,
        };
        r.map(|i| i.schema)
            .map_err(|e| format!("introspection: {e}"))
    }

    /// `SELECT CAST(col AS text), ..` ordered by the first column: every value as text.
    pub async fn select_text(
        &mut self,
        table: &str,
        columns: &[String],
    ) -> Result<Vec<Vec<Option<String>>>, String> {
        let d = self.dialect();
        let text = if d == Dialect::Mysql { "CHAR" } else { "TEXT" };
        let cols: Vec<String> = columns
            .iter()
            .map(|c| format!("CAST({} AS {text})", retort_sql::quote_ident(c, d)))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            cols.join(", "),
            retort_sql::quote_ident(table, d),
            retort_sql::quote_ident(&columns[0], d)
        );
        let n = columns.len();
        macro_rules! fetch {
            ($conn:expr) => {
                sqlx::query(&sql)
                    .fetch_all($conn)
                    .await
                    .map_err(|e| format!("{e}\n    in: {sql}"))?
                    .iter()
                    .map(|r| {
                        (0..n)
                            .map(|i| r.try_get::<Option<String>, _>(i))
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(|e| format!("decode: {e}\n    in: {sql}"))
                    })
                    .collect::<Result<Vec<_>, String>>()
            };
        }
        match self {
            Db::Sqlite { conn, .. } => fetch!(&mut *conn),
            Db::Postgres { conn, .. } => fetch!(&mut *conn),
            Db::Mysql { conn, .. } => fetch!(&mut *conn),
        }
    }

    /// Inserts rows.
    pub async fn insert(&mut self, rows: &Rows) -> Result<(), String> {
        let d = self.dialect();
        let cols: Vec<String> = rows
            .columns
            .iter()
            .map(|c| retort_sql::quote_ident(c, d))
            .collect();
        let tuples: Vec<String> = rows
            .rows
            .iter()
            .map(|r| format!("({})", literals(r, d)))
            .collect();
        let (cols, tuples) = (cols.join(", "), tuples.join(", "));
        self.exec_rows(rows, |t| {
            format!("INSERT INTO {t} ({cols}) VALUES {tuples}")
        })
        .await
    }

    /// Deletes the rows whose first column has one of the values in `rows`.
    pub async fn delete(&mut self, rows: &Rows) -> Result<(), String> {
        let d = self.dialect();
        let keys = literals(rows.rows.iter().map(|r| &r[0]), d);
        self.exec_rows(rows, |t| {
            let key = retort_sql::quote_ident(&rows.columns[0], d);
            format!("DELETE FROM {t} WHERE {key} IN ({keys})")
        })
        .await
    }

    /// Runs the statement `sql` makes of the quoted name of `rows.table`; nothing when there
    /// are no rows.
    async fn exec_rows(
        &mut self,
        rows: &Rows,
        sql: impl FnOnce(&str) -> String,
    ) -> Result<(), String> {
        if rows.rows.is_empty() {
            return Ok(());
        }
        let table = retort_sql::quote_ident(&rows.table, self.dialect());
        self.exec(&sql(&table)).await
    }

    /// Checks that `expected.table` holds exactly `expected.rows` (ordered by the first
    /// column), comparing values loosely across dialects: numbers numerically, booleans as
    /// `1`/`true`/`t`, text exactly.
    pub async fn check_rows(&mut self, expected: &Rows) -> Result<(), String> {
        let got = self.select_text(&expected.table, &expected.columns).await?;
        let mismatch = || {
            format!(
                "table {} ({}): expected rows {:?}, found {:?}",
                expected.table,
                expected.columns.join(", "),
                expected.rows,
                got
            )
        };
        if got.len() != expected.rows.len() {
            return Err(mismatch());
        }
        for (g, e) in got.iter().zip(&expected.rows) {
            for (gv, ev) in g.iter().zip(e) {
                if !value_matches(gv.as_deref(), ev) {
                    return Err(mismatch());
                }
            }
        }
        Ok(())
    }
}

/// Connects to `url` and runs the `setup` statements on the connection, in order.
async fn connect_with<C>(url: &str, setup: &[String]) -> Result<C, String>
where
    C: Connection,
    for<'c> &'c mut C: Executor<'c, Database = C::Database>,
{
    let mut conn = C::connect(url)
        .await
        .map_err(|e| format!("connect {url}: {e}"))?;
    for sql in setup {
        conn.execute(sql.as_str())
            .await
            .map_err(|e| format!("{sql}: {e}"))?;
    }
    Ok(conn)
}

/// Runs `stmts` in order on the database at `url` through the runner's connection; the first
/// that fails stops it, its error naming the statement.
pub async fn exec_all(url: &str, stmts: &[impl AsRef<str>]) -> Result<(), String> {
    let mut db = retort_runner::Db::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let mut r = Ok(());
    for s in stmts.iter().map(AsRef::as_ref) {
        if let Err(e) = db.execute(s).await {
            r = Err(format!("`{s}`: {e}"));
            break;
        }
    }
    let _ = db.close().await;
    r
}

/// `values` as `d`'s SQL literals, separated by commas.
fn literals<'a>(values: impl IntoIterator<Item = &'a Value>, d: Dialect) -> String {
    let v: Vec<String> = values
        .into_iter()
        .map(|v| retort_sql::render_literal(v, d))
        .collect();
    v.join(", ")
}

/// Whether a value read back as text is the expected value.
pub fn value_matches(got: Option<&str>, expected: &Value) -> bool {
    match (got, expected) {
        (None, Value::Null) => true,
        (None, _) | (Some(_), Value::Null) => false,
        (Some(g), Value::Int(i)) => g.trim().parse::<f64>().is_ok_and(|f| f == *i as f64),
        (Some(g), Value::Float(x)) => g
            .trim()
            .parse::<f64>()
            .is_ok_and(|f| (f - x).abs() <= 1e-6 * x.abs().max(1.0)),
        (Some(g), Value::Bool(b)) => {
            let g = g.trim().to_ascii_lowercase();
            if *b {
                matches!(g.as_str(), "1" | "t" | "true")
            } else {
                matches!(g.as_str(), "0" | "f" | "false")
            }
        }
        (Some(g), Value::Text(t)) => g == t,
        (Some(g), Value::Bytes(b)) => g.as_bytes() == b.as_slice(),
    }
}

/// Rows of one table: inserted before a scenario, or expected after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Rows {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Rows {
    pub fn new<I, S>(table: &str, columns: I, rows: Vec<Vec<Value>>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Rows {
            table: table.to_string(),
            columns: columns.into_iter().map(Into::into).collect(),
            rows,
        }
    }
}

/// A schema as the models would produce it: tables sorted, enums collected from the columns.
pub fn model(tables: Vec<Table>) -> Schema {
    let mut s = Schema {
        tables,
        enums: Vec::new(),
    };
    s.collect_enums_from_columns();
    s.normalize_order();
    s
}

/// A short, stable description of an operation for expectations:
/// `AddColumn users.age`, `AlterColumn users.age type+nullable`,
/// `AlterColumn users.nick rename=handle`, `CreateIndex users.ix_users_name`, ...
pub fn describe(op: &Op) -> String {
    match op {
        Op::CreateTable(t) => format!("CreateTable {}", t.qname()),
        Op::DropTable { table } => format!("DropTable {table}"),
        Op::RenameTable { table, new_name } => format!("RenameTable {table}->{new_name}"),
        Op::AddColumn { table, column } => format!("AddColumn {table}.{}", column.name),
        Op::DropColumn { table, column } => format!("DropColumn {table}.{column}"),
        Op::AlterColumn(a) => {
            let mut what = Vec::new();
            if let Some(n) = &a.new_name {
                what.push(format!("rename={n}"));
            }
            if a.ty.is_some() {
                what.push("type".to_string());
            }
            if a.nullable.is_some() {
                what.push("nullable".to_string());
            }
            if a.default.is_some() {
                what.push("default".to_string());
            }
            if a.comment.is_some() {
                what.push("comment".to_string());
            }
            format!("AlterColumn {}.{} {}", a.table, a.column, what.join("+"))
        }
        Op::CreateIndex { table, index } => format!("CreateIndex {table}.{}", index.name),
        Op::DropIndex { table, name } => format!("DropIndex {table}.{name}"),
        Op::AddUnique { table, unique } => format!("AddUnique {table}.{}", unique.name),
        Op::DropUnique { table, name } => format!("DropUnique {table}.{name}"),
        Op::AddForeignKey { table, foreign_key } => {
            format!("AddForeignKey {table}.{}", foreign_key.name)
        }
        Op::DropForeignKey { table, name } => format!("DropForeignKey {table}.{name}"),
        Op::AddCheck { table, check } => format!("AddCheck {table}.{}", check.name),
        Op::DropCheck { table, name } => format!("DropCheck {table}.{name}"),
        Op::AddPrimaryKey { table, primary_key } => {
            format!("AddPrimaryKey {table}.{}", primary_key.name)
        }
        Op::DropPrimaryKey { table, name } => format!("DropPrimaryKey {table}.{name}"),
        Op::SetTableComment { table, .. } => format!("SetTableComment {table}"),
        Op::CreateEnum(e) => format!("CreateEnum {}", e.qname()),
        Op::DropEnum { name } => format!("DropEnum {name}"),
        Op::AddEnumValue { name, value, .. } => format!("AddEnumValue {name}.{value}"),
        Op::SetEnumValues { name, .. } => format!("SetEnumValues {name}"),
        Op::Sql(_) => "Sql".to_string(),
        Op::BulkInsert { table, .. } => format!("BulkInsert {table}"),
    }
}

/// Descriptions of `ops`, in order.
pub fn describe_all(ops: &[Op]) -> Vec<String> {
    ops.iter().map(describe).collect()
}

/// `ops` as a readable multi-line list (for failure messages).
pub fn list_ops(ops: &[Op]) -> String {
    if ops.is_empty() {
        return "    (none)".to_string();
    }
    ops.iter()
        .map(|op| format!("    {op:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_loosely_across_dialects() {
        assert!(value_matches(Some("1.50"), &Value::Float(1.5)));
        assert!(value_matches(Some("42"), &Value::Int(42)));
        assert!(!value_matches(Some("43"), &Value::Int(42)));
        assert!(value_matches(Some("true"), &Value::Bool(true)));
        assert!(value_matches(Some("0"), &Value::Bool(false)));
        assert!(!value_matches(Some("x"), &Value::Null));
        assert!(value_matches(None, &Value::Null));
        assert!(!value_matches(Some("ab "), &Value::Text("ab".into())));
    }

    #[test]
    fn describe_names_the_changed_parts() {
        let a = retort_schema::AlterColumn::new("users", "nick")
            .rename("handle")
            .ty(retort_schema::SqlType::Text);
        assert_eq!(
            describe(&Op::AlterColumn(a)),
            "AlterColumn users.nick rename=handle+type"
        );
    }
}
