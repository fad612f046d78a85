//! MySQL / MariaDB: `information_schema` (`TABLES`, `COLUMNS`, `STATISTICS`,
//! `KEY_COLUMN_USAGE`, `REFERENTIAL_CONSTRAINTS`, `CHECK_CONSTRAINTS` (+ `TABLE_CONSTRAINTS` on
//! MySQL)), one query per kind of object (7 queries), then pure parsing of the rows.

use std::collections::HashMap;

use retort_schema::{
    naming, Check, Column, FkAction, ForeignKey, Index, PrimaryKey, Schema, SqlType, Unique,
};
use sqlx::mysql::MySqlRow;
use sqlx::MySqlConnection;

use crate::common::{
    decimal, group_sorted, qname, split_type, string_list, tokenize, Counter, Lex, Tables,
};
use crate::{IntrospectError, Introspection, Options};

// ---------------------------------------------------------------------------------------------
// Queries. `{in}` is replaced by one `?` per schema read.

const Q_META: &str = "SELECT DATABASE() AS db, VERSION() AS version";

const Q_TABLES: &str = "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS name, \
     COALESCE(TABLE_COMMENT, '') AS comment \
     FROM information_schema.TABLES \
     WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA IN ({in}) ORDER BY 1, 2";

const Q_COLUMNS: &str = "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS tbl, COLUMN_NAME AS name, \
     DATA_TYPE AS data_type, COLUMN_TYPE AS column_type, IS_NULLABLE = 'YES' AS nullable, \
     COLUMN_DEFAULT AS dflt, COALESCE(EXTRA, '') AS extra, \
     COALESCE(COLUMN_COMMENT, '') AS comment \
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN ({in}) \
     ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION";

const Q_INDEXES: &str = "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS tbl, INDEX_NAME AS name, \
     CAST(NON_UNIQUE AS SIGNED) AS non_unique, CAST(SEQ_IN_INDEX AS SIGNED) AS seq, \
     COLUMN_NAME AS col, CAST(SUB_PART AS SIGNED) AS sub_part \
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN ({in}) \
     ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

const Q_FOREIGN_KEYS: &str = "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS tbl, \
     CONSTRAINT_NAME AS name, COLUMN_NAME AS col, \
     CAST(ORDINAL_POSITION AS SIGNED) AS seq, REFERENCED_TABLE_SCHEMA AS ref_schema, \
     REFERENCED_TABLE_NAME AS ref_table, REFERENCED_COLUMN_NAME AS ref_col \
     FROM information_schema.KEY_COLUMN_USAGE \
     WHERE TABLE_SCHEMA IN ({in}) AND REFERENCED_TABLE_NAME IS NOT NULL \
     ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";

/// The actions of the foreign keys, joined to [`Q_FOREIGN_KEYS`] in Rust: in one SQL join
/// MariaDB reads `REFERENTIAL_CONSTRAINTS` of every database on the server (150 ms with 3,600
/// tables elsewhere, whatever the filter).
const Q_FK_RULES: &str = "SELECT CONSTRAINT_SCHEMA AS s, TABLE_NAME AS tbl, \
     CONSTRAINT_NAME AS name, UPDATE_RULE AS on_update, DELETE_RULE AS on_delete \
     FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN ({in})";

/// MariaDB: check constraint names are unique per table, and `CHECK_CONSTRAINTS` has the table.
const Q_CHECKS_MARIADB: &str = "SELECT CONSTRAINT_SCHEMA AS s, TABLE_NAME AS tbl, \
     CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause \
     FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN ({in}) \
     ORDER BY 1, 2, 3";

/// MySQL: names are unique per schema; the table comes from `TABLE_CONSTRAINTS`.
const Q_CHECKS_MYSQL: &str = "SELECT tc.TABLE_SCHEMA AS s, tc.TABLE_NAME AS tbl, \
     cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause \
     FROM information_schema.TABLE_CONSTRAINTS tc \
     JOIN information_schema.CHECK_CONSTRAINTS cc \
       ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
     WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND tc.TABLE_SCHEMA IN ({in}) \
     ORDER BY 1, 2, 3";

/// Reads the databases in `opts.schemas` (default: the connection's database) of a MySQL or
/// MariaDB server (7 queries).
pub async fn mysql(
    conn: &mut MySqlConnection,
    opts: &Options,
) -> Result<Introspection, IntrospectError> {
    let mut n = Counter::default();
    let meta: MetaRow = n
        .fetch_one("DATABASE(), VERSION()", sqlx::query(Q_META), &mut *conn)
        .await?;
    let schemas: Vec<String> = if opts.schemas.is_empty() {
        vec![meta.db.clone().ok_or(IntrospectError::NoDatabase)?]
    } else {
        opts.schemas.clone()
    };
    // The connection's database is the default; without one, the first schema listed.
    let default_schema = meta.db.unwrap_or_else(|| schemas[0].clone());
    let flavor = if meta.version.contains("MariaDB") {
        Flavor::MariaDb
    } else {
        Flavor::MySql
    };
    let checks_query = match flavor {
        Flavor::MariaDb => Q_CHECKS_MARIADB,
        Flavor::MySql => Q_CHECKS_MYSQL,
    };
    let mut q = Catalog {
        n,
        conn,
        schemas: &schemas,
    };
    let tables: Vec<TableRow> = q.rows("information_schema.TABLES", Q_TABLES).await?;
    let columns: Vec<ColumnRow> = q.rows("information_schema.COLUMNS", Q_COLUMNS).await?;
    let indexes: Vec<IndexRow> = q.rows("information_schema.STATISTICS", Q_INDEXES).await?;
    let rules: Vec<FkRuleRow> = q
        .rows("information_schema.REFERENTIAL_CONSTRAINTS", Q_FK_RULES)
        .await?;
    let mut fks: Vec<FkRow> = q
        .rows("information_schema.KEY_COLUMN_USAGE", Q_FOREIGN_KEYS)
        .await?;
    let checks: Vec<CheckRow> = q
        .rows("information_schema.CHECK_CONSTRAINTS", checks_query)
        .await?;
    let rules: HashMap<(&str, &str, &str), &FkRuleRow> = rules
        .iter()
        .map(|r| ((r.schema.as_str(), r.table.as_str(), r.name.as_str()), r))
        .collect();
    for fk in &mut fks {
        let key = (fk.schema.as_str(), fk.table.as_str(), fk.name.as_str());
        (fk.on_update, fk.on_delete) = match rules.get(&key) {
            Some(r) => (r.on_update.clone(), r.on_delete.clone()),
            None => ("NO ACTION".to_string(), "NO ACTION".to_string()),
        };
    }

    let schema = build(
        flavor,
        &default_schema,
        &tables,
        &columns,
        &indexes,
        &fks,
        &checks,
        opts,
    );
    Ok(Introspection {
        schema,
        queries: q.n.0,
    })
}

/// The catalog queries over the schemas read, counted.
struct Catalog<'a> {
    n: Counter,
    conn: &'a mut MySqlConnection,
    schemas: &'a [String],
}

impl Catalog<'_> {
    /// The rows of `sql`, its `{in}` replaced by one `?` per schema (bound to the schemas).
    async fn rows<R>(&mut self, what: &'static str, sql: &str) -> Result<Vec<R>, IntrospectError>
    where
        R: Send + Unpin + for<'r> sqlx::FromRow<'r, MySqlRow>,
    {
        let text = sql.replace("{in}", &vec!["?"; self.schemas.len()].join(", "));
        let query = self
            .schemas
            .iter()
            .fold(sqlx::query(&text), |q, s| q.bind(s.as_str()));
        self.n.fetch(what, query, &mut *self.conn).await
    }
}

// ---------------------------------------------------------------------------------------------
// Rows

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    MariaDb,
    MySql,
}

/// `DATABASE()`, `VERSION()`.
#[derive(sqlx::FromRow)]
pub(crate) struct MetaRow {
    pub(crate) db: Option<String>,
    pub(crate) version: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct TableRow {
    #[sqlx(rename = "s")]
    pub(crate) schema: String,
    pub(crate) name: String,
    pub(crate) comment: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct ColumnRow {
    #[sqlx(rename = "s")]
    pub(crate) schema: String,
    #[sqlx(rename = "tbl")]
    pub(crate) table: String,
    pub(crate) name: String,
    pub(crate) data_type: String,
    pub(crate) column_type: String,
    pub(crate) nullable: bool,
    #[sqlx(rename = "dflt")]
    pub(crate) default: Option<String>,
    pub(crate) extra: String,
    pub(crate) comment: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct IndexRow {
    #[sqlx(rename = "s")]
    pub(crate) schema: String,
    #[sqlx(rename = "tbl")]
    pub(crate) table: String,
    pub(crate) name: String,
    pub(crate) non_unique: bool,
    pub(crate) seq: i64,
    /// NULL for a functional index part (MySQL 8).
    #[sqlx(rename = "col")]
    pub(crate) column: Option<String>,
    pub(crate) sub_part: Option<i64>,
}

/// A foreign key's referential actions ([`Q_FK_RULES`]).
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct FkRuleRow {
    #[sqlx(rename = "s")]
    pub(crate) schema: String,
    #[sqlx(rename = "tbl")]
    pub(crate) table: String,
    pub(crate) name: String,
    pub(crate) on_update: String,
    pub(crate) on_delete: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct FkRow {
    #[sqlx(rename = "s")]
    pub(crate) schema: String,
    #[sqlx(rename = "tbl")]
    pub(crate) table: String,
    pub(crate) name: String,
    #[sqlx(rename = "col")]
    pub(crate) column: String,
    pub(crate) seq: i64,
    pub(crate) ref_schema: String,
    pub(crate) ref_table: String,
    #[sqlx(rename = "ref_col")]
    pub(crate) ref_column: String,
    /// From [`FkRuleRow`] (not in this query's columns).
    #[sqlx(default)]
    pub(crate) on_update: String,
    #[sqlx(default)]
    pub(crate) on_delete: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct CheckRow {
    #[sqlx(rename = "s")]
    pub(crate) schema: String,
    #[sqlx(rename = "tbl")]
    pub(crate) table: String,
    pub(crate) name: String,
    pub(crate) clause: String,
}

// ---------------------------------------------------------------------------------------------
// Pure parsing

/// `COLUMN_TYPE` as [`SqlType`]; an `ENUM` is named `<table>_<column>`.
pub(crate) fn parse_type(column_type: &str, table: &str, column: &str) -> SqlType {
    let custom = || SqlType::Custom(column_type.to_string());
    let trimmed = column_type.trim();
    if trimmed.len() > 4 && trimmed[..4].eq_ignore_ascii_case("enum") {
        let toks = tokenize(&trimmed[4..], Lex::Mysql);
        return match string_list(&toks) {
            Some(values) => SqlType::Enum {
                name: format!("{table}_{column}"),
                values,
            },
            None => custom(),
        };
    }
    let Some((base, args, rest)) = split_type(trimmed) else {
        return custom();
    };
    if !rest.is_empty() {
        return custom(); // unsigned, zerofill, ...
    }
    let ty = match (base.as_str(), args.as_slice()) {
        ("tinyint", [1]) | ("boolean" | "bool", []) => SqlType::Boolean,
        ("smallint", _) => SqlType::SmallInt,
        ("int" | "integer", _) => SqlType::Integer,
        ("bigint", _) => SqlType::BigInt,
        ("float", []) => SqlType::Real,
        ("double" | "double precision", []) => SqlType::Double,
        ("text" | "mediumtext" | "longtext", []) => SqlType::Text,
        ("varchar", [n]) => SqlType::Varchar(*n),
        ("blob" | "mediumblob" | "longblob", []) => SqlType::Blob,
        ("decimal" | "numeric", a) => match decimal(a) {
            Some(t) => t,
            None => return custom(),
        },
        ("date", []) => SqlType::Date,
        ("time", [] | [_]) => SqlType::Time,
        ("datetime" | "timestamp", [] | [_]) => SqlType::Timestamp {
            with_time_zone: false,
        },
        ("char", [36]) => SqlType::Uuid,
        ("json", []) => SqlType::Json { binary: false },
        _ => return custom(),
    };
    ty
}

/// The server default as the database spells it. MariaDB reports literals quoted and
/// expressions as written, and `NULL` both for "no default" on a nullable column and for
/// `DEFAULT NULL`: that is no default. MySQL reports literals unquoted: they are quoted back
/// unless numeric or generated (`DEFAULT_GENERATED`).
pub(crate) fn parse_default(
    flavor: Flavor,
    raw: Option<&str>,
    extra: &str,
    ty: &SqlType,
) -> Option<String> {
    let raw = raw?;
    match flavor {
        Flavor::MariaDb => (raw != "NULL").then(|| raw.to_string()),
        Flavor::MySql => {
            let generated = extra.to_ascii_uppercase().contains("DEFAULT_GENERATED");
            let numeric = ty.is_integer()
                || matches!(
                    ty,
                    SqlType::Boolean | SqlType::Real | SqlType::Double | SqlType::Decimal { .. }
                );
            if generated || numeric {
                Some(raw.to_string())
            } else {
                Some(format!("'{}'", raw.replace('\'', "''")))
            }
        }
    }
}

/// A referential rule as an action. InnoDB treats `RESTRICT` and `NO ACTION` alike, and
/// MariaDB reports an unspecified rule as `RESTRICT`: both are `None`.
pub(crate) fn fk_action(rule: &str) -> Option<FkAction> {
    match FkAction::parse(rule) {
        Some(FkAction::NoAction | FkAction::Restrict) | None => None,
        a => a,
    }
}

/// Builds the schema from the rows of the queries. Tables of `default_schema` are unqualified.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build<'a>(
    flavor: Flavor,
    default_schema: &str,
    tables: &[TableRow],
    columns: &[ColumnRow],
    indexes: &'a [IndexRow],
    fks: &'a [FkRow],
    checks: &[CheckRow],
    opts: &Options,
) -> Schema {
    let mut out = Tables::new(
        opts,
        default_schema,
        tables.iter().map(|t| {
            let comment = (!t.comment.is_empty()).then(|| t.comment.clone());
            (t.schema.as_str(), t.name.as_str(), comment)
        }),
    );

    // MariaDB's automatic `json_valid(col)` CHECK on a JSON column (named after the column).
    let is_json_check = |c: &CheckRow, col: &ColumnRow| {
        c.name == col.name
            && c.clause.replace(' ', "").eq_ignore_ascii_case(&format!(
                "json_valid(`{}`)",
                col.name.replace('`', "``").replace(' ', "")
            ))
    };
    let mut json_checks: Vec<(String, String, String)> = Vec::new();

    for c in columns {
        let Some(t) = out.get_mut(&c.schema, &c.table) else {
            continue;
        };
        let mut ty = parse_type(&c.column_type, &c.table, &c.name);
        if flavor == Flavor::MariaDb && c.data_type.eq_ignore_ascii_case("longtext") {
            if let Some(ck) = checks
                .iter()
                .find(|k| k.schema == c.schema && k.table == c.table && is_json_check(k, c))
            {
                ty = SqlType::Json { binary: false };
                json_checks.push((ck.schema.clone(), ck.table.clone(), ck.name.clone()));
            }
        }
        let mut col = Column::new(c.name.clone(), ty);
        col.nullable = c.nullable;
        col.autoincrement = c.extra.to_ascii_lowercase().contains("auto_increment");
        if !col.autoincrement {
            col.default = parse_default(flavor, c.default.as_deref(), &c.extra, &col.ty);
        }
        col.comment = (!c.comment.is_empty()).then(|| c.comment.clone());
        t.columns.push(col);
    }

    for c in checks {
        if json_checks
            .iter()
            .any(|(s, t, n)| *s == c.schema && *t == c.table && *n == c.name)
        {
            continue;
        }
        let Some(t) = out.get_mut(&c.schema, &c.table) else {
            continue;
        };
        t.checks.push(Check {
            name: c.name.clone(),
            expr: standard_string_literals(&c.clause),
        });
    }

    let by_name = |r: &'a FkRow| (r.schema.as_str(), r.table.as_str(), r.name.as_str());
    for ((schema, table, name), rows) in group_sorted(fks, by_name, |r| r.seq) {
        let Some(t) = out.get_mut(schema, table) else {
            continue;
        };
        let first = rows[0];
        t.foreign_keys.push(ForeignKey {
            name: name.to_string(),
            columns: rows.iter().map(|r| r.column.clone()).collect(),
            ref_table: qname(&first.ref_schema, &first.ref_table, default_schema),
            ref_columns: rows.iter().map(|r| r.ref_column.clone()).collect(),
            on_delete: fk_action(&first.on_delete),
            on_update: fk_action(&first.on_update),
            deferrable: false,
        });
    }

    let by_name = |r: &'a IndexRow| (r.schema.as_str(), r.table.as_str(), r.name.to_string());
    for ((schema, table, name), rows) in group_sorted(indexes, by_name, |r| r.seq) {
        let Some(t) = out.get_mut(schema, table) else {
            continue;
        };
        let cols: Vec<String> = rows
            .iter()
            .map(|r| r.column.clone().unwrap_or_else(|| "<expression>".into()))
            .collect();
        let unique = !rows[0].non_unique;
        let prefixed = rows.iter().any(|r| r.sub_part.is_some());
        if name == "PRIMARY" {
            t.primary_key = Some(PrimaryKey {
                name: naming::primary_key(table),
                columns: cols,
            });
        } else if unique && !prefixed {
            t.uniques.push(Unique {
                name,
                columns: cols,
            });
        } else {
            let fk_backing = !unique
                && t.foreign_keys
                    .iter()
                    .any(|f| f.name == name && f.columns == cols);
            if !fk_backing {
                t.indexes.push(Index {
                    name,
                    columns: cols,
                    unique,
                    predicate: None,
                    dialects: Vec::new(),
                });
            }
        }
    }

    out.into_schema(Vec::new(), true)
}

/// A CHECK clause as MySQL/MariaDB show it, with its string literals written the standard
/// way: they show a quote inside a literal as `\'` (and a backslash as `\\`), where the
/// models and the other databases write `''`. Without this, `name <> 'it''s'` read back as
/// `name <> 'it\'s'` and was reported as changed after every upgrade.
fn standard_string_literals(clause: &str) -> String {
    let mut out = String::with_capacity(clause.len());
    for t in retort_sqllex::lex(clause, Lex::Mysql) {
        match t.value() {
            Some(v) if t.is_str() => {
                out.push('\'');
                out.push_str(&v.replace('\'', "''"));
                out.push('\'');
            }
            _ => out.push_str(t.text),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_schema::{EnumType, QName};

    /// Where the scanner this replaced disagreed with MySQL: a quote in a comment opened a
    /// string, and `"..."` strings were copied as they were (read as names elsewhere).
    #[test]
    fn check_literals_follow_mysql_quote_rules() {
        assert_eq!(
            standard_string_literals(r#"`a` = "x\"y" /* it's */ and b = 'z'"#),
            r#"`a` = 'x"y' /* it's */ and b = 'z'"#
        );
        assert_eq!(
            standard_string_literals("`b` <> '' -- it's\n and c = 'it\\'s'"),
            "`b` <> '' -- it's\n and c = 'it''s'"
        );
    }

    #[test]
    fn column_types() {
        let dec = |p, s| SqlType::Decimal {
            precision: p,
            scale: s,
        };
        let ts = SqlType::Timestamp {
            with_time_zone: false,
        };
        let cases: Vec<(&str, SqlType)> = vec![
            ("tinyint(1)", SqlType::Boolean),
            ("smallint(6)", SqlType::SmallInt),
            ("smallint", SqlType::SmallInt),
            ("int(11)", SqlType::Integer),
            ("int", SqlType::Integer),
            ("bigint(20)", SqlType::BigInt),
            ("float", SqlType::Real),
            ("double", SqlType::Double),
            ("longtext", SqlType::Text),
            ("text", SqlType::Text),
            ("mediumtext", SqlType::Text),
            ("varchar(320)", SqlType::Varchar(320)),
            ("longblob", SqlType::Blob),
            ("blob", SqlType::Blob),
            ("decimal(10,2)", dec(Some(10), Some(2))),
            ("decimal(8,0)", dec(Some(8), None)),
            ("date", SqlType::Date),
            ("time(6)", SqlType::Time),
            ("time", SqlType::Time),
            ("datetime(6)", ts.clone()),
            ("datetime", ts.clone()),
            ("timestamp", ts.clone()),
            ("char(36)", SqlType::Uuid),
            ("json", SqlType::Json { binary: false }),
            (
                "bigint(20) unsigned",
                SqlType::Custom("bigint(20) unsigned".into()),
            ),
            ("tinyint(4)", SqlType::Custom("tinyint(4)".into())),
            ("char(2)", SqlType::Custom("char(2)".into())),
            ("tinytext", SqlType::Custom("tinytext".into())),
            ("set('a','b')", SqlType::Custom("set('a','b')".into())),
        ];
        for (text, want) in cases {
            assert_eq!(parse_type(text, "t", "c"), want, "{text}");
        }
        assert_eq!(
            parse_type(r"enum('a','it''s','b\\c')", "order", "status"),
            SqlType::Enum {
                name: "order_status".into(),
                values: vec!["a".into(), "it's".into(), "b\\c".into()]
            }
        );
    }

    #[test]
    fn rules() {
        assert_eq!(fk_action("RESTRICT"), None);
        assert_eq!(fk_action("NO ACTION"), None);
        assert_eq!(fk_action("CASCADE"), Some(FkAction::Cascade));
        assert_eq!(fk_action("SET NULL"), Some(FkAction::SetNull));
        assert_eq!(fk_action("SET DEFAULT"), Some(FkAction::SetDefault));
    }

    #[test]
    fn defaults() {
        use Flavor::*;
        let text = SqlType::Text;
        assert_eq!(
            parse_default(MariaDb, Some("'x'"), "", &text),
            Some("'x'".into())
        );
        assert_eq!(parse_default(MariaDb, Some("NULL"), "", &text), None);
        assert_eq!(parse_default(MariaDb, None, "", &text), None);
        assert_eq!(
            parse_default(MariaDb, Some("current_timestamp(6)"), "", &text),
            Some("current_timestamp(6)".into())
        );
        assert_eq!(
            parse_default(MySql, Some("it's"), "", &text),
            Some("'it''s'".into())
        );
        assert_eq!(
            parse_default(MySql, Some("0"), "", &SqlType::Integer),
            Some("0".into())
        );
        assert_eq!(
            parse_default(
                MySql,
                Some("CURRENT_TIMESTAMP(6)"),
                "DEFAULT_GENERATED",
                &text
            ),
            Some("CURRENT_TIMESTAMP(6)".into())
        );
    }

    fn column(table: &str, name: &str, data_type: &str, column_type: &str) -> ColumnRow {
        ColumnRow {
            schema: "app".into(),
            table: table.into(),
            name: name.into(),
            data_type: data_type.into(),
            column_type: column_type.into(),
            nullable: false,
            default: None,
            extra: String::new(),
            comment: String::new(),
        }
    }

    fn index(table: &str, name: &str, non_unique: bool, seq: i64, col: &str) -> IndexRow {
        IndexRow {
            schema: "app".into(),
            table: table.into(),
            name: name.into(),
            non_unique,
            seq,
            column: Some(col.into()),
            sub_part: None,
        }
    }

    #[test]
    fn rows_become_a_schema() {
        let tables = vec![
            TableRow {
                schema: "app".into(),
                name: "users".into(),
                comment: "people".into(),
            },
            TableRow {
                schema: "app".into(),
                name: "posts".into(),
                comment: String::new(),
            },
            TableRow {
                schema: "other".into(),
                name: "x".into(),
                comment: String::new(),
            },
        ];
        let mut id = column("users", "id", "bigint", "bigint(20)");
        id.extra = "auto_increment".into();
        let mut data = column("users", "data", "longtext", "longtext");
        data.nullable = true;
        data.default = Some("NULL".into());
        let mood = column("users", "mood", "enum", "enum('ok','sad')");
        let columns = vec![
            id,
            data,
            mood,
            column("users", "email", "varchar", "varchar(320)"),
            column("users", "bio", "longtext", "longtext"),
            column("posts", "id", "int", "int(11)"),
            column("posts", "user_id", "bigint", "bigint(20)"),
            column("posts", "title", "longtext", "longtext"),
        ];
        let mut prefixed = index("posts", "ix_posts_title", false, 1, "title");
        prefixed.sub_part = Some(255);
        let mut prefixed_unique = index("users", "ix_users_bio", false, 1, "bio");
        prefixed_unique.sub_part = Some(10);
        let indexes = vec![
            index("users", "PRIMARY", false, 1, "id"),
            index("users", "uq_users_email", false, 1, "email"),
            prefixed_unique,
            index("posts", "PRIMARY", false, 1, "id"),
            index("posts", "fk_posts_user", true, 1, "user_id"),
            prefixed,
        ];
        let fks = vec![FkRow {
            schema: "app".into(),
            table: "posts".into(),
            name: "fk_posts_user".into(),
            column: "user_id".into(),
            seq: 1,
            ref_schema: "app".into(),
            ref_table: "users".into(),
            ref_column: "id".into(),
            on_update: "NO ACTION".into(),
            on_delete: "CASCADE".into(),
        }];
        let checks = vec![
            CheckRow {
                schema: "app".into(),
                table: "users".into(),
                name: "data".into(),
                clause: "json_valid(`data`)".into(),
            },
            CheckRow {
                schema: "app".into(),
                table: "users".into(),
                name: "ck_users_email".into(),
                clause: "`email` <> ''".into(),
            },
        ];
        let s = build(
            Flavor::MariaDb,
            "app",
            &tables,
            &columns,
            &indexes,
            &fks,
            &checks,
            &Options::default(),
        );
        let names: Vec<String> = s.tables.iter().map(|t| t.qname().to_string()).collect();
        assert_eq!(names, ["posts", "users", "other.x"]);
        let users = s.table(&QName::new("users")).unwrap();
        assert_eq!(users.comment.as_deref(), Some("people"));
        assert!(users.columns[0].autoincrement);
        assert_eq!(users.columns[1].ty, SqlType::Json { binary: false });
        assert_eq!(users.columns[1].default, None);
        assert_eq!(
            users.checks,
            vec![Check {
                name: "ck_users_email".into(),
                expr: "`email` <> ''".into()
            }]
        );
        assert_eq!(users.primary_key.as_ref().unwrap().name, "pk_users");
        assert_eq!(
            standard_string_literals(
                r"`a'` <> 'it\'s' and `b` <> '' and `c` <> 'x\\y' and `d` = 'q''r'"
            ),
            r"`a'` <> 'it''s' and `b` <> '' and `c` <> 'x\y' and `d` = 'q''r'"
        );
        assert_eq!(users.uniques.len(), 1);
        assert_eq!(users.uniques[0].name, "uq_users_email");
        assert_eq!(users.indexes.len(), 1);
        assert!(users.indexes[0].unique);
        let posts = s.table(&QName::new("posts")).unwrap();
        // The index InnoDB made for the foreign key is not reported; the prefixed one is.
        assert_eq!(posts.indexes.len(), 1);
        assert_eq!(posts.indexes[0].name, "ix_posts_title");
        assert_eq!(posts.foreign_keys[0].on_delete, Some(FkAction::Cascade));
        assert_eq!(posts.foreign_keys[0].on_update, None);
        assert_eq!(posts.foreign_keys[0].ref_table, QName::new("users"));
        assert_eq!(
            s.enums,
            vec![EnumType {
                schema: None,
                name: "users_mood".into(),
                values: vec!["ok".into(), "sad".into()]
            }]
        );
    }
}
