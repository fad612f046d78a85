//! SQLite: `sqlite_schema` plus the table-valued pragma functions, one query per kind of
//! object (4 queries), then pure parsing of the rows and (in [`ddl`]) of the `CREATE`
//! statements.

mod ddl;

use std::collections::{BTreeSet, HashMap};

use retort_schema::{
    naming, Check, Column, Dependent, DependentKind, FkAction, ForeignKey, Index, PrimaryKey,
    QName, Schema, SqlType, Unique,
};
use sqlx::SqliteConnection;

use crate::common::{decimal, group_sorted, split_type, visible, Counter, Tables};
use crate::{IntrospectError, Introspection, Options};
use ddl::{enum_check_values, parse_create_index, parse_create_table, ParsedTable};

// ---------------------------------------------------------------------------------------------
// Queries

const Q_MASTER: &str = "SELECT type AS kind, name, tbl_name, sql FROM sqlite_schema \
     WHERE type IN ('table', 'index', 'trigger', 'view') ORDER BY name";

const Q_COLUMNS: &str = "SELECT m.name AS \"table\", p.cid, p.name, \
     coalesce(p.type, '') AS decl_type, p.\"notnull\", p.dflt_value AS \"default\", p.pk, p.hidden \
     FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p \
     WHERE m.type = 'table' ORDER BY m.name, p.cid";

const Q_INDEXES: &str = "SELECT m.name AS \"table\", il.name AS \"index\", il.\"unique\", \
     il.origin, il.partial, ii.seqno, ii.cid, ii.name AS \"column\" \
     FROM sqlite_schema m JOIN pragma_index_list(m.name) il \
     JOIN pragma_index_info(il.name) ii \
     WHERE m.type = 'table' ORDER BY m.name, il.name, ii.seqno";

const Q_FOREIGN_KEYS: &str = "SELECT m.name AS \"table\", f.id, f.seq, f.\"table\" AS ref_table, \
     f.\"from\" AS \"column\", f.\"to\" AS ref_column, f.on_update, f.on_delete \
     FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f \
     WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq";

/// Reads the `main` schema of a SQLite database (4 queries).
pub async fn sqlite(
    conn: &mut SqliteConnection,
    opts: &Options,
) -> Result<Introspection, IntrospectError> {
    if let Some(s) = opts.schemas.iter().find(|s| s.as_str() != "main") {
        return Err(IntrospectError::Unsupported(format!(
            "SQLite introspection reads only the `main` schema, not `{s}`: remove it from the schemas to read"
        )));
    }
    let mut n = Counter::default();
    let master: Vec<MasterRow> = n
        .fetch("sqlite_schema", sqlx::query(Q_MASTER), &mut *conn)
        .await?;
    let columns: Vec<ColumnRow> = n
        .fetch("pragma_table_xinfo", sqlx::query(Q_COLUMNS), &mut *conn)
        .await?;
    let indexes: Vec<IndexRow> = n
        .fetch("pragma_index_list", sqlx::query(Q_INDEXES), &mut *conn)
        .await?;
    let fks: Vec<FkRow> = n
        .fetch(
            "pragma_foreign_key_list",
            sqlx::query(Q_FOREIGN_KEYS),
            &mut *conn,
        )
        .await?;
    let schema = build(&master, &columns, &indexes, &fks, opts)?;
    Ok(Introspection {
        schema,
        queries: n.0,
    })
}

// ---------------------------------------------------------------------------------------------
// Rows

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct MasterRow {
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) tbl_name: String,
    pub(crate) sql: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct ColumnRow {
    pub(crate) table: String,
    pub(crate) cid: i64,
    pub(crate) name: String,
    pub(crate) decl_type: String,
    pub(crate) notnull: bool,
    pub(crate) default: Option<String>,
    /// 1-based position in the primary key, 0 if not part of it.
    pub(crate) pk: i64,
    /// 0 normal, 1 hidden (virtual tables), 2/3 generated.
    pub(crate) hidden: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct IndexRow {
    pub(crate) table: String,
    pub(crate) index: String,
    pub(crate) unique: bool,
    /// `c` CREATE INDEX, `u` UNIQUE constraint, `pk` PRIMARY KEY.
    pub(crate) origin: String,
    pub(crate) partial: bool,
    pub(crate) seqno: i64,
    /// -2 for an expression, -1 for the rowid.
    pub(crate) cid: i64,
    pub(crate) column: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct FkRow {
    pub(crate) table: String,
    pub(crate) id: i64,
    pub(crate) seq: i64,
    pub(crate) ref_table: String,
    pub(crate) column: String,
    /// NULL when the foreign key names only the parent table (its primary key is meant).
    pub(crate) ref_column: Option<String>,
    pub(crate) on_update: String,
    pub(crate) on_delete: String,
}

// ---------------------------------------------------------------------------------------------
// Pure parsing

/// A declared SQLite type as [`SqlType`] (see the crate documentation).
pub(crate) fn parse_type(decl: &str) -> SqlType {
    let custom = || SqlType::Custom(decl.trim().to_string());
    let Some((base, args, rest)) = split_type(decl) else {
        return custom();
    };
    if !rest.is_empty() {
        return custom();
    }
    let ty = match (base.as_str(), args.as_slice()) {
        ("boolean" | "bool", []) => SqlType::Boolean,
        ("smallint", []) => SqlType::SmallInt,
        ("integer" | "int", []) => SqlType::Integer,
        ("bigint", []) => SqlType::BigInt,
        ("real" | "float", []) => SqlType::Real,
        ("double" | "double precision", []) => SqlType::Double,
        ("text", []) => SqlType::Text,
        ("varchar" | "character varying", [n]) => SqlType::Varchar(*n),
        ("blob", []) => SqlType::Blob,
        ("numeric" | "decimal", a) => match decimal(a) {
            Some(t) => t,
            None => return custom(),
        },
        ("date", []) => SqlType::Date,
        ("time", []) => SqlType::Time,
        ("timestamp" | "datetime", []) => SqlType::Timestamp {
            with_time_zone: false,
        },
        ("timestamptz", []) => SqlType::Timestamp {
            with_time_zone: true,
        },
        ("uuid", []) => SqlType::Uuid,
        ("json", []) => SqlType::Json { binary: false },
        ("jsonb", []) => SqlType::Json { binary: true },
        _ => return custom(),
    };
    ty
}

fn fk_action(s: &str) -> Option<FkAction> {
    match FkAction::parse(s) {
        Some(FkAction::NoAction) | None => None,
        a => a,
    }
}

fn is_internal(name: &str) -> bool {
    // Bytes: a name may start with a multi-byte character.
    name.as_bytes()
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"sqlite_"))
}

/// Builds the schema from the rows of the four queries.
pub(crate) fn build(
    master: &[MasterRow],
    columns: &[ColumnRow],
    indexes: &[IndexRow],
    fks: &[FkRow],
    opts: &Options,
) -> Result<Schema, IntrospectError> {
    let index_sql: HashMap<(&str, &str), &str> = master
        .iter()
        .filter(|m| m.kind == "index")
        .filter_map(|m| Some(((m.tbl_name.as_str(), m.name.as_str()), m.sql.as_deref()?)))
        .collect();
    // Primary key columns of every table (visible or not), for foreign keys that name only the
    // parent table.
    let mut pk_cols: HashMap<&str, Vec<(i64, &str)>> = HashMap::new();
    for c in columns.iter().filter(|c| c.pk > 0) {
        pk_cols
            .entry(c.table.as_str())
            .or_default()
            .push((c.pk, c.name.as_str()));
    }

    let user_tables = || {
        master
            .iter()
            .filter(|m| m.kind == "table" && !is_internal(&m.name))
    };
    let mut tables = Tables::new(
        opts,
        "main",
        user_tables().map(|m| ("main", m.name.as_str(), None)),
    );
    let parsed: HashMap<&str, ParsedTable> = user_tables()
        .filter(|m| visible(opts, "main", &m.name))
        .map(|m| {
            let p = m.sql.as_deref().map(parse_create_table).unwrap_or_default();
            (m.name.as_str(), p)
        })
        .collect();

    // Columns and primary keys.
    for c in columns {
        let Some(t) = tables.get_mut("main", &c.table) else {
            continue;
        };
        if c.hidden == 1 {
            continue;
        }
        let mut col = Column::new(c.name.clone(), parse_type(&c.decl_type));
        col.nullable = !c.notnull;
        col.default = c.default.clone();
        t.columns.push(col);
        let _ = c.cid;
    }
    // Columns declared `INTEGER` (a one-column primary key of that type is the rowid), looked
    // up by (table, column) rather than by a scan of every column per table.
    let integer: BTreeSet<(&str, &str)> = columns
        .iter()
        .filter(|r| r.decl_type.trim().eq_ignore_ascii_case("INTEGER"))
        .map(|r| (r.table.as_str(), r.name.as_str()))
        .collect();
    for (name, t) in tables.iter_mut() {
        let parsed = &parsed[name];
        let Some(cols) = pk_cols.get(name) else {
            continue;
        };
        let mut cols = cols.clone();
        cols.sort();
        let cols: Vec<String> = cols.into_iter().map(|(_, c)| c.to_string()).collect();
        if cols.len() == 1 && !parsed.without_rowid {
            if let Some(c) = t.column_mut(&cols[0]) {
                let declared_integer = integer.contains(&(name, c.name.as_str()));
                if declared_integer {
                    // A rowid alias: auto-assigned, never NULL.
                    c.autoincrement = true;
                    c.nullable = false;
                }
            }
        }
        t.primary_key = Some(PrimaryKey {
            name: parsed
                .pk_name
                .clone()
                .unwrap_or_else(|| naming::primary_key(name)),
            columns: cols,
        });
    }

    // Checks, and enum columns.
    for (name, t) in tables.iter_mut() {
        let parsed = &parsed[name];
        let mut unnamed = 0;
        for (cname, expr) in &parsed.checks {
            let cname = match cname {
                Some(n) => n.clone(),
                None => {
                    unnamed += 1;
                    naming::check(name, &unnamed.to_string())
                }
            };
            t.checks.push(Check {
                name: cname,
                expr: expr.clone(),
            });
        }
        let checks = t.checks.clone();
        for col in &mut t.columns {
            if col.ty != SqlType::Text {
                continue;
            }
            let ck = naming::check(name, &format!("{}_enum", col.name));
            if let Some(values) = checks
                .iter()
                .find(|c| c.name == ck)
                .and_then(|c| enum_check_values(&c.expr, &col.name))
            {
                col.ty = SqlType::Enum {
                    name: format!("{name}_{}", col.name),
                    values,
                };
            }
        }
    }

    // Indexes and UNIQUE constraints.
    let grouped = group_sorted(
        indexes,
        |r| (r.table.as_str(), r.index.as_str()),
        |r| r.seqno,
    );
    for ((table, index), rows) in grouped {
        let (Some(t), Some(parsed)) = (tables.get_mut("main", table), parsed.get(table)) else {
            continue;
        };
        let first = rows[0];
        let (sql_cols, predicate) = index_sql
            .get(&(table, index))
            .map(|s| parse_create_index(s))
            .unwrap_or_default();
        let cols: Vec<String> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| match &r.column {
                Some(c) => c.clone(),
                None => sql_cols
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("<expression {}>", r.cid)),
            })
            .collect();
        match first.origin.as_str() {
            "pk" => {}
            "u" => {
                let name = parsed
                    .uniques
                    .iter()
                    .find(|(_, c)| *c == cols)
                    .and_then(|(n, _)| n.clone())
                    .unwrap_or_else(|| naming::unique(table, &cols));
                t.uniques.push(Unique {
                    name,
                    columns: cols,
                });
            }
            _ => t.indexes.push(Index {
                name: index.to_string(),
                columns: cols,
                unique: first.unique,
                predicate: if first.partial { predicate } else { None },
                dialects: Vec::new(),
            }),
        }
    }

    // Foreign keys.
    for ((table, _), rows) in group_sorted(fks, |r| (r.table.as_str(), r.id), |r| r.seq) {
        let (Some(t), Some(parsed)) = (tables.get_mut("main", table), parsed.get(table)) else {
            continue;
        };
        let first = rows[0];
        let cols: Vec<String> = rows.iter().map(|r| r.column.clone()).collect();
        let mut ref_cols: Vec<String> = Vec::new();
        for r in &rows {
            match &r.ref_column {
                Some(c) => ref_cols.push(c.clone()),
                None => {
                    let mut pk = pk_cols
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(&first.ref_table))
                        .map(|(_, v)| v.clone())
                        .ok_or_else(|| IntrospectError::Parse {
                            table: table.to_string(),
                            what: "a foreign key",
                            message: format!(
                                "it references table `{}` without naming columns, and that table has no primary key",
                                first.ref_table
                            ),
                        })?;
                    pk.sort();
                    ref_cols = pk.into_iter().map(|(_, c)| c.to_string()).collect();
                    break;
                }
            }
        }
        let written = parsed
            .fks
            .iter()
            .find(|f| f.columns == cols && f.ref_table.eq_ignore_ascii_case(&first.ref_table));
        let name = written
            .and_then(|f| f.name.clone())
            .unwrap_or_else(|| naming::foreign_key(table, &cols, &first.ref_table));
        t.foreign_keys.push(ForeignKey {
            name,
            columns: cols,
            ref_table: QName::new(first.ref_table.clone()),
            ref_columns: ref_cols,
            on_delete: fk_action(&first.on_delete),
            on_update: fk_action(&first.on_update),
            deferrable: written.is_some_and(|f| f.deferrable),
        });
    }

    dependents(master, &mut tables);
    Ok(tables.into_schema(Vec::new(), true))
}

/// Triggers (on their table) and views (on every table their query names) as
/// [`Dependent`]s, so that a table rebuild can recreate them.
fn dependents(master: &[MasterRow], tables: &mut Tables) {
    for m in master {
        let Some(sql) = m.sql.as_deref() else {
            continue;
        };
        match m.kind.as_str() {
            "trigger" => {
                let on = tables
                    .iter_mut()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&m.tbl_name));
                if let Some((_, t)) = on {
                    t.dependents.push(Dependent {
                        kind: DependentKind::Trigger,
                        name: m.name.clone(),
                        sql: sql.to_string(),
                    });
                }
            }
            "view" => {
                // Every identifier of the query that names a table (a false positive only
                // costs recreating the view around a rebuild).
                let names = ddl::names_in(sql);
                for (name, t) in tables.iter_mut() {
                    if names.contains(&name.to_lowercase()) {
                        t.dependents.push(Dependent {
                            kind: DependentKind::View,
                            name: m.name.clone(),
                            sql: sql.to_string(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types() {
        let cases: Vec<(&str, SqlType)> = vec![
            ("BOOLEAN", SqlType::Boolean),
            ("SMALLINT", SqlType::SmallInt),
            ("INTEGER", SqlType::Integer),
            ("integer", SqlType::Integer),
            ("BIGINT", SqlType::BigInt),
            ("REAL", SqlType::Real),
            ("DOUBLE", SqlType::Double),
            ("TEXT", SqlType::Text),
            ("VARCHAR(320)", SqlType::Varchar(320)),
            ("BLOB", SqlType::Blob),
            (
                "NUMERIC(10, 2)",
                SqlType::Decimal {
                    precision: Some(10),
                    scale: Some(2),
                },
            ),
            (
                "NUMERIC(8)",
                SqlType::Decimal {
                    precision: Some(8),
                    scale: None,
                },
            ),
            (
                "NUMERIC",
                SqlType::Decimal {
                    precision: None,
                    scale: None,
                },
            ),
            ("DATE", SqlType::Date),
            ("TIME", SqlType::Time),
            (
                "TIMESTAMP",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            ),
            (
                "TIMESTAMPTZ",
                SqlType::Timestamp {
                    with_time_zone: true,
                },
            ),
            ("UUID", SqlType::Uuid),
            ("JSON", SqlType::Json { binary: false }),
            ("CITEXT", SqlType::Custom("CITEXT".into())),
            (
                "UNSIGNED BIG INT",
                SqlType::Custom("UNSIGNED BIG INT".into()),
            ),
            ("VARCHAR(a)", SqlType::Custom("VARCHAR(a)".into())),
            ("", SqlType::Custom("".into())),
        ];
        for (decl, want) in cases {
            assert_eq!(parse_type(decl), want, "{decl}");
        }
    }

    fn col(table: &str, cid: i64, name: &str, ty: &str, notnull: bool, pk: i64) -> ColumnRow {
        ColumnRow {
            table: table.into(),
            cid,
            name: name.into(),
            decl_type: ty.into(),
            notnull,
            default: None,
            pk,
            hidden: 0,
        }
    }

    #[test]
    fn rows_become_a_schema() {
        let master = vec![
            MasterRow {
                kind: "table".into(),
                name: "users".into(),
                tbl_name: "users".into(),
                sql: Some("CREATE TABLE users (id INTEGER PRIMARY KEY, mood TEXT NOT NULL CONSTRAINT ck_users_mood_enum CHECK (mood IN ('ok','meh')), email VARCHAR(10) UNIQUE)".into()),
            },
            MasterRow {
                kind: "table".into(),
                name: "posts".into(),
                tbl_name: "posts".into(),
                sql: Some("CREATE TABLE posts (id BIGINT NOT NULL, user_id INTEGER REFERENCES users ON DELETE SET NULL, CONSTRAINT pk_posts PRIMARY KEY (id))".into()),
            },
            MasterRow {
                kind: "table".into(),
                name: "legacy_x".into(),
                tbl_name: "legacy_x".into(),
                sql: Some("CREATE TABLE legacy_x (a INT)".into()),
            },
            MasterRow {
                kind: "table".into(),
                name: "sqlite_sequence".into(),
                tbl_name: "sqlite_sequence".into(),
                sql: Some("CREATE TABLE sqlite_sequence(name,seq)".into()),
            },
            MasterRow {
                kind: "index".into(),
                name: "ix_posts_user".into(),
                tbl_name: "posts".into(),
                sql: Some("CREATE INDEX ix_posts_user ON posts (user_id) WHERE user_id > 0".into()),
            },
        ];
        let mut users_id = col("users", 0, "id", "INTEGER", false, 1);
        users_id.default = None;
        let columns = vec![
            users_id,
            col("users", 1, "mood", "TEXT", true, 0),
            col("users", 2, "email", "VARCHAR(10)", false, 0),
            col("posts", 0, "id", "BIGINT", true, 1),
            col("posts", 1, "user_id", "INTEGER", false, 0),
            col("legacy_x", 0, "a", "INT", false, 0),
        ];
        let indexes = vec![
            IndexRow {
                table: "users".into(),
                index: "sqlite_autoindex_users_1".into(),
                unique: true,
                origin: "u".into(),
                partial: false,
                seqno: 0,
                cid: 2,
                column: Some("email".into()),
            },
            IndexRow {
                table: "posts".into(),
                index: "ix_posts_user".into(),
                unique: false,
                origin: "c".into(),
                partial: true,
                seqno: 0,
                cid: 1,
                column: Some("user_id".into()),
            },
        ];
        let fks = vec![FkRow {
            table: "posts".into(),
            id: 0,
            seq: 0,
            ref_table: "users".into(),
            column: "user_id".into(),
            ref_column: None,
            on_update: "NO ACTION".into(),
            on_delete: "SET NULL".into(),
        }];
        let opts = Options {
            exclude_tables: vec!["legacy_*".into()],
            ..Options::default()
        };
        let s = build(&master, &columns, &indexes, &fks, &opts).unwrap();
        let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["posts", "users"]);
        let users = &s.tables[1];
        let id = users.column("id").unwrap();
        assert!(id.autoincrement);
        assert!(!id.nullable);
        assert_eq!(users.primary_key.as_ref().unwrap().name, "pk_users");
        assert_eq!(
            users.column("mood").unwrap().ty,
            SqlType::Enum {
                name: "users_mood".into(),
                values: vec!["ok".into(), "meh".into()]
            }
        );
        assert_eq!(users.checks.len(), 1);
        assert_eq!(
            users.uniques,
            vec![Unique::new("uq_users_email", ["email"])]
        );
        let posts = &s.tables[0];
        assert!(!posts.column("id").unwrap().autoincrement);
        assert_eq!(posts.primary_key.as_ref().unwrap().name, "pk_posts");
        assert_eq!(
            posts.indexes,
            vec![Index::new("ix_posts_user", ["user_id"]).predicate("user_id > 0")]
        );
        assert_eq!(
            posts.foreign_keys,
            vec![
                ForeignKey::new("fk_posts_user_id_users", ["user_id"], "users", ["id"])
                    .on_delete(FkAction::SetNull)
            ]
        );
        assert_eq!(s.enums.len(), 1);
        assert_eq!(s.enums[0].name, "users_mood");
    }

    #[test]
    fn triggers_and_views_are_kept_as_dependents_of_their_tables() {
        let row = |kind: &str, name: &str, tbl: &str, sql: &str| MasterRow {
            kind: kind.into(),
            name: name.into(),
            tbl_name: tbl.into(),
            sql: Some(sql.into()),
        };
        let master = vec![
            row("table", "users", "users", "CREATE TABLE users (id INTEGER PRIMARY KEY)"),
            row("table", "posts", "posts", "CREATE TABLE posts (id INTEGER PRIMARY KEY)"),
            row("table", "log", "log", "CREATE TABLE log (note TEXT)"),
            row(
                "trigger",
                "trg",
                "users",
                "CREATE TRIGGER trg AFTER INSERT ON users BEGIN INSERT INTO log VALUES (NEW.id); END",
            ),
            row(
                "view",
                "v",
                "v",
                "CREATE VIEW v AS SELECT u.id FROM \"Users\" u JOIN posts p ON p.id = u.id",
            ),
        ];
        let columns = vec![
            col("users", 0, "id", "INTEGER", false, 1),
            col("posts", 0, "id", "INTEGER", false, 1),
            col("log", 0, "note", "TEXT", false, 0),
        ];
        let s = build(&master, &columns, &[], &[], &Options::default()).unwrap();
        let deps = |t: &str| -> Vec<(DependentKind, String)> {
            s.table(&QName::new(t))
                .unwrap()
                .dependents
                .iter()
                .map(|d| (d.kind, d.name.clone()))
                .collect()
        };
        assert_eq!(
            deps("users"),
            [
                (DependentKind::Trigger, "trg".to_string()),
                (DependentKind::View, "v".to_string())
            ]
        );
        assert_eq!(deps("posts"), [(DependentKind::View, "v".to_string())]);
        // The trigger's body names `log`, but a trigger belongs to the table it is on.
        assert!(deps("log").is_empty());
        assert!(
            s.tables.iter().all(|t| t.name != "v"),
            "a view is not a table"
        );
    }
}
