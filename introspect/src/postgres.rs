//! PostgreSQL: the system catalogs (`pg_class`, `pg_attribute`, `pg_index`, `pg_constraint`,
//! `pg_type`, `pg_enum`, `pg_description`), one query per kind of object (6 queries), then pure
//! parsing of the rows.

use std::collections::HashMap;

use retort_schema::{
    Check, Column, EnumType, FkAction, ForeignKey, Index, PrimaryKey, Schema, SqlType, Unique,
};
use sqlx::{PgConnection, Postgres};

use crate::common::{decimal, qname, qualify, split_type, Counter, Tables};
use crate::{IntrospectError, Introspection, Options};

// ---------------------------------------------------------------------------------------------
// Queries. `$1` is the list of schemas to read.

const Q_CURRENT: &str = "SELECT current_schema()::text AS s";

const Q_TABLES: &str = "SELECT n.nspname::text AS schema, c.relname::text AS name, \
     d.description AS comment \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_description d ON d.objoid = c.oid \
       AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0 \
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1) \
     ORDER BY 1, 2";

const Q_COLUMNS: &str = "SELECT n.nspname::text AS schema, c.relname::text AS tbl, \
     a.attname::text AS name, a.attnum::int4 AS num, \
     format_type(a.atttypid, a.atttypmod) AS type_text, t.typtype::text AS typtype, \
     t.typname::text AS type_name, a.attnotnull AS notnull, \
     pg_get_expr(ad.adbin, ad.adrelid) AS default_expr, a.attidentity::text AS identity, \
     a.attgenerated::text AS generated, d.description AS comment \
     FROM pg_attribute a \
     JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_type t ON t.oid = a.atttypid \
     LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
     LEFT JOIN pg_description d ON d.objoid = c.oid \
       AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum \
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') \
       AND NOT c.relispartition AND n.nspname = ANY($1) \
     ORDER BY 1, 2, 4";

const Q_CONSTRAINTS: &str = "SELECT n.nspname::text AS schema, c.relname::text AS tbl, \
     con.conname::text AS name, con.contype::text AS kind, \
     ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) \
       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num \
       ORDER BY k.ord) AS columns, \
     rn.nspname::text AS ref_schema, rc.relname::text AS ref_table, \
     ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) \
       JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num \
       ORDER BY k.ord) AS ref_columns, \
     con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update, \
     con.condeferrable AS deferrable, pg_get_constraintdef(con.oid) AS def \
     FROM pg_constraint con \
     JOIN pg_class c ON c.oid = con.conrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_class rc ON rc.oid = con.confrelid \
     LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace \
     WHERE con.contype IN ('p', 'u', 'f', 'c') AND c.relkind IN ('r', 'p') \
       AND n.nspname = ANY($1) \
     ORDER BY 1, 2, 3";

const Q_INDEXES: &str = "SELECT n.nspname::text AS schema, c.relname::text AS tbl, \
     ic.relname::text AS name, i.indisunique AS is_unique, \
     ARRAY(SELECT COALESCE(a.attname::text, pg_get_indexdef(i.indexrelid, k.ord::int, true)) \
       FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord) \
       LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num AND k.num > 0 \
       WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns, \
     pg_get_expr(i.indpred, i.indrelid) AS predicate \
     FROM pg_index i \
     JOIN pg_class ic ON ic.oid = i.indexrelid \
     JOIN pg_class c ON c.oid = i.indrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1) \
       AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid \
         AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')) \
     ORDER BY 1, 2, 3";

/// Enum types of the schemas read, and the enum types their columns use wherever they live.
/// The column types are one uncorrelated subquery (hashed once): `pg_attribute` has no index on
/// `atttypid`, and a per-enum `EXISTS` scanned it once per enum type of the whole database,
/// quadratic in a database of many schemas (1,000 tenants, each with its enums).
const Q_ENUMS: &str = "SELECT n.nspname::text AS schema, t.typname::text AS name, \
     ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid \
       ORDER BY e.enumsortorder) AS labels \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     WHERE t.typtype = 'e' AND (n.nspname = ANY($1) OR t.oid IN ( \
       SELECT a.atttypid FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
       JOIN pg_namespace cn ON cn.oid = c.relnamespace \
       WHERE cn.nspname = ANY($1))) \
     ORDER BY 1, 2";

/// Reads the schemas in `opts.schemas` (default: the current schema) of a PostgreSQL
/// database (6 queries).
pub async fn postgres(
    conn: &mut PgConnection,
    opts: &Options,
) -> Result<Introspection, IntrospectError> {
    let mut n = Counter::default();
    let current = n
        .fetch_one::<_, CurrentRow, _, _>("current_schema()", sqlx::query(Q_CURRENT), &mut *conn)
        .await?
        .s
        .unwrap_or_else(|| "public".to_string());
    let schemas: Vec<String> = if opts.schemas.is_empty() {
        vec![current.clone()]
    } else {
        opts.schemas.clone()
    };
    let tables: Vec<TableRow> = n
        .fetch("pg_class (tables)", over(Q_TABLES, &schemas), &mut *conn)
        .await?;
    let columns: Vec<ColumnRow> = n
        .fetch(
            "pg_attribute (columns)",
            over(Q_COLUMNS, &schemas),
            &mut *conn,
        )
        .await?;
    let constraints: Vec<ConstraintRow> = n
        .fetch("pg_constraint", over(Q_CONSTRAINTS, &schemas), &mut *conn)
        .await?;
    let indexes: Vec<IndexRow> = n
        .fetch("pg_index", over(Q_INDEXES, &schemas), &mut *conn)
        .await?;
    let enums: Vec<EnumRow> = n
        .fetch("pg_enum", over(Q_ENUMS, &schemas), &mut *conn)
        .await?;

    let schema = build(
        &current,
        &schemas,
        &tables,
        &columns,
        &constraints,
        &indexes,
        &enums,
        opts,
    )?;
    Ok(Introspection {
        schema,
        queries: n.0,
    })
}

/// A catalog query over the schemas read (bound as `$1`).
fn over<'q>(
    sql: &'q str,
    schemas: &'q [String],
) -> sqlx::query::Query<'q, Postgres, <Postgres as sqlx::Database>::Arguments<'q>> {
    sqlx::query(sql).bind(schemas)
}

// ---------------------------------------------------------------------------------------------
// Rows

/// `current_schema()`.
#[derive(sqlx::FromRow)]
pub(crate) struct CurrentRow {
    pub(crate) s: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct TableRow {
    pub(crate) schema: String,
    pub(crate) name: String,
    pub(crate) comment: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct ColumnRow {
    pub(crate) schema: String,
    #[sqlx(rename = "tbl")]
    pub(crate) table: String,
    pub(crate) name: String,
    /// `format_type(atttypid, atttypmod)`.
    pub(crate) type_text: String,
    /// `pg_type.typtype`: `b` base, `e` enum, `d` domain, ...
    pub(crate) typtype: String,
    pub(crate) type_name: String,
    pub(crate) notnull: bool,
    #[sqlx(rename = "default_expr")]
    pub(crate) default: Option<String>,
    /// `a` always, `d` by default, empty: not an identity.
    pub(crate) identity: String,
    /// `s` stored generated column, empty otherwise.
    pub(crate) generated: String,
    pub(crate) comment: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct ConstraintRow {
    pub(crate) schema: String,
    #[sqlx(rename = "tbl")]
    pub(crate) table: String,
    pub(crate) name: String,
    /// `p`, `u`, `f`, `c`.
    pub(crate) kind: String,
    pub(crate) columns: Vec<String>,
    pub(crate) ref_schema: Option<String>,
    pub(crate) ref_table: Option<String>,
    pub(crate) ref_columns: Vec<String>,
    /// `a` no action, `r` restrict, `c` cascade, `n` set null, `d` set default.
    pub(crate) on_delete: String,
    pub(crate) on_update: String,
    pub(crate) deferrable: bool,
    /// `pg_get_constraintdef`.
    pub(crate) def: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct IndexRow {
    pub(crate) schema: String,
    #[sqlx(rename = "tbl")]
    pub(crate) table: String,
    pub(crate) name: String,
    #[sqlx(rename = "is_unique")]
    pub(crate) unique: bool,
    pub(crate) columns: Vec<String>,
    pub(crate) predicate: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct EnumRow {
    pub(crate) schema: String,
    pub(crate) name: String,
    pub(crate) labels: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Pure parsing

/// `format_type` text as [`SqlType`]; enum types are resolved by the caller.
pub(crate) fn parse_type(text: &str) -> SqlType {
    let custom = || SqlType::Custom(text.to_string());
    let Some((base, args, rest)) = split_type(text) else {
        return custom();
    };
    let ty = match (base.as_str(), args.as_slice(), rest.as_str()) {
        ("boolean", [], "") => SqlType::Boolean,
        ("smallint", [], "") => SqlType::SmallInt,
        ("integer", [], "") => SqlType::Integer,
        ("bigint", [], "") => SqlType::BigInt,
        ("real", [], "") => SqlType::Real,
        ("double precision", [], "") => SqlType::Double,
        ("text", [], "") => SqlType::Text,
        ("character varying", [n], "") => SqlType::Varchar(*n),
        ("bytea", [], "") => SqlType::Blob,
        ("numeric", a, "") => match decimal(a) {
            Some(t) => t,
            None => return custom(),
        },
        ("date", [], "") => SqlType::Date,
        ("time without time zone", [], "") => SqlType::Time,
        ("timestamp without time zone", [], "") => SqlType::Timestamp {
            with_time_zone: false,
        },
        ("timestamp with time zone", [], "") => SqlType::Timestamp {
            with_time_zone: true,
        },
        ("uuid", [], "") => SqlType::Uuid,
        ("json", [], "") => SqlType::Json { binary: false },
        ("jsonb", [], "") => SqlType::Json { binary: true },
        _ => return custom(),
    };
    ty
}

/// `pg_get_constraintdef` of a CHECK without the `CHECK (...)` wrapper (and a trailing
/// `NOT VALID` / `NO INHERIT`): `CHECK ((age >= 0)) NOT VALID` -> `(age >= 0)`.
pub(crate) fn check_expr(def: &str) -> String {
    let mut s = def.trim();
    loop {
        if let Some(x) = s.strip_suffix("NOT VALID") {
            s = x.trim_end();
        } else if let Some(x) = s.strip_suffix("NO INHERIT") {
            s = x.trim_end();
        } else {
            break;
        }
    }
    match s
        .strip_prefix("CHECK")
        .map(str::trim_start)
        .and_then(|x| x.strip_prefix('('))
        .and_then(|x| x.strip_suffix(')'))
    {
        Some(inner) => inner.trim().to_string(),
        None => s.to_string(),
    }
}

/// `confdeltype` / `confupdtype` as an action (`None` for NO ACTION).
pub(crate) fn fk_action(code: &str) -> Option<FkAction> {
    match code {
        "r" => Some(FkAction::Restrict),
        "c" => Some(FkAction::Cascade),
        "n" => Some(FkAction::SetNull),
        "d" => Some(FkAction::SetDefault),
        _ => None,
    }
}

/// A `serial`-style default: `nextval('seq'::regclass)`.
pub(crate) fn is_nextval(default: &str) -> bool {
    default
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("nextval(")
}

/// Builds the schema from the rows of the queries. `current` is the default schema (its
/// tables are unqualified), `schemas` the schemas read.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build(
    current: &str,
    schemas: &[String],
    tables: &[TableRow],
    columns: &[ColumnRow],
    constraints: &[ConstraintRow],
    indexes: &[IndexRow],
    enums: &[EnumRow],
    opts: &Options,
) -> Result<Schema, IntrospectError> {
    let enum_values: HashMap<(&str, &str), &Vec<String>> = enums
        .iter()
        .map(|e| ((e.schema.as_str(), e.name.as_str()), &e.labels))
        .collect();
    // Enum types are looked up by name in the column's own schema first, then anywhere.
    let enum_by_name = |schema: &str, name: &str| -> Option<Vec<String>> {
        enum_values
            .get(&(schema, name))
            .or_else(|| {
                enums
                    .iter()
                    .find(|e| e.name == name)
                    .and_then(|e| enum_values.get(&(e.schema.as_str(), e.name.as_str())))
            })
            .map(|v| (*v).clone())
    };

    let mut out = Tables::new(
        opts,
        current,
        tables
            .iter()
            .map(|t| (t.schema.as_str(), t.name.as_str(), t.comment.clone())),
    );

    for c in columns {
        let Some(t) = out.get_mut(&c.schema, &c.table) else {
            continue;
        };
        let ty = if c.typtype == "e" {
            match enum_by_name(&c.schema, &c.type_name) {
                Some(values) => SqlType::Enum {
                    name: c.type_name.clone(),
                    values,
                },
                None => SqlType::Custom(c.type_text.clone()),
            }
        } else {
            parse_type(&c.type_text)
        };
        let mut col = Column::new(c.name.clone(), ty);
        col.nullable = !c.notnull;
        col.comment = c.comment.clone();
        if !c.identity.is_empty() {
            col.autoincrement = true;
        } else if c.generated.is_empty() {
            match &c.default {
                Some(d) if col.ty.is_integer() && is_nextval(d) => col.autoincrement = true,
                d => col.default = d.clone(),
            }
        }
        t.columns.push(col);
    }

    for c in constraints {
        let Some(t) = out.get_mut(&c.schema, &c.table) else {
            continue;
        };
        match c.kind.as_str() {
            "p" => {
                t.primary_key = Some(PrimaryKey {
                    name: c.name.clone(),
                    columns: c.columns.clone(),
                })
            }
            "u" => t.uniques.push(Unique {
                name: c.name.clone(),
                columns: c.columns.clone(),
            }),
            "c" => t.checks.push(Check {
                name: c.name.clone(),
                expr: check_expr(&c.def),
            }),
            "f" => {
                let (Some(rs), Some(rt)) = (&c.ref_schema, &c.ref_table) else {
                    return Err(IntrospectError::Parse {
                        table: c.table.clone(),
                        what: "a foreign key",
                        message: format!("`{}` has no referenced table", c.name),
                    });
                };
                t.foreign_keys.push(ForeignKey {
                    name: c.name.clone(),
                    columns: c.columns.clone(),
                    ref_table: qname(rs, rt, current),
                    ref_columns: c.ref_columns.clone(),
                    on_delete: fk_action(&c.on_delete),
                    on_update: fk_action(&c.on_update),
                    deferrable: c.deferrable,
                });
            }
            _ => {}
        }
    }

    for i in indexes {
        let Some(t) = out.get_mut(&i.schema, &i.table) else {
            continue;
        };
        t.indexes.push(Index {
            name: i.name.clone(),
            columns: i.columns.clone(),
            unique: i.unique,
            predicate: i.predicate.clone(),
            dialects: Vec::new(),
        });
    }

    let schema_enums = enums
        .iter()
        .filter(|e| schemas.contains(&e.schema))
        .map(|e| EnumType {
            schema: qualify(&e.schema, current),
            name: e.name.clone(),
            values: e.labels.clone(),
        })
        .collect();
    Ok(out.into_schema(schema_enums, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_schema::QName;

    #[test]
    fn format_type_texts() {
        let dec = |p, s| SqlType::Decimal {
            precision: p,
            scale: s,
        };
        let cases: Vec<(&str, SqlType)> = vec![
            ("boolean", SqlType::Boolean),
            ("smallint", SqlType::SmallInt),
            ("integer", SqlType::Integer),
            ("bigint", SqlType::BigInt),
            ("real", SqlType::Real),
            ("double precision", SqlType::Double),
            ("text", SqlType::Text),
            ("character varying(320)", SqlType::Varchar(320)),
            ("bytea", SqlType::Blob),
            ("numeric(10,2)", dec(Some(10), Some(2))),
            ("numeric(8,0)", dec(Some(8), None)),
            ("numeric", dec(None, None)),
            ("date", SqlType::Date),
            ("time without time zone", SqlType::Time),
            (
                "timestamp without time zone",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            ),
            (
                "timestamp with time zone",
                SqlType::Timestamp {
                    with_time_zone: true,
                },
            ),
            ("uuid", SqlType::Uuid),
            ("json", SqlType::Json { binary: false }),
            ("jsonb", SqlType::Json { binary: true }),
            ("integer[]", SqlType::Custom("integer[]".into())),
            (
                "character varying",
                SqlType::Custom("character varying".into()),
            ),
            (
                "time with time zone",
                SqlType::Custom("time with time zone".into()),
            ),
            (
                "timestamp(3) without time zone",
                SqlType::Custom("timestamp(3) without time zone".into()),
            ),
            ("character(2)", SqlType::Custom("character(2)".into())),
            ("inet", SqlType::Custom("inet".into())),
        ];
        for (text, want) in cases {
            assert_eq!(parse_type(text), want, "{text}");
        }
    }

    #[test]
    fn check_wrappers_are_stripped() {
        assert_eq!(check_expr("CHECK ((age >= 0))"), "(age >= 0)");
        assert_eq!(
            check_expr("CHECK ((length(name) > 0)) NOT VALID"),
            "(length(name) > 0)"
        );
        assert_eq!(check_expr("CHECK (flag) NO INHERIT"), "flag");
    }

    #[test]
    fn actions_and_serials() {
        assert_eq!(fk_action("a"), None);
        assert_eq!(fk_action("c"), Some(FkAction::Cascade));
        assert_eq!(fk_action("n"), Some(FkAction::SetNull));
        assert_eq!(fk_action("d"), Some(FkAction::SetDefault));
        assert_eq!(fk_action("r"), Some(FkAction::Restrict));
        assert!(is_nextval("nextval('t_id_seq'::regclass)"));
        assert!(!is_nextval("0"));
    }

    fn column(schema: &str, table: &str, name: &str, ty: &str) -> ColumnRow {
        ColumnRow {
            schema: schema.into(),
            table: table.into(),
            name: name.into(),
            type_text: ty.into(),
            typtype: "b".into(),
            type_name: ty.into(),
            notnull: true,
            default: None,
            identity: String::new(),
            generated: String::new(),
            comment: None,
        }
    }

    #[test]
    fn rows_become_a_schema() {
        let tables = vec![
            TableRow {
                schema: "public".into(),
                name: "users".into(),
                comment: Some("people".into()),
            },
            TableRow {
                schema: "audit".into(),
                name: "events".into(),
                comment: None,
            },
            TableRow {
                schema: "public".into(),
                name: "retort_version".into(),
                comment: None,
            },
        ];
        let mut id = column("public", "users", "id", "integer");
        id.default = Some("nextval('users_id_seq'::regclass)".into());
        let mut mood = column("public", "users", "mood", "mood");
        mood.typtype = "e".into();
        let mut uid = column("audit", "events", "user_id", "bigint");
        uid.identity = "d".into();
        let mut at = column("audit", "events", "at", "timestamp with time zone");
        at.default = Some("now()".into());
        at.notnull = false;
        at.comment = Some("when".into());
        let columns = vec![
            id,
            mood,
            uid,
            at,
            column("public", "retort_version", "version_num", "text"),
        ];
        let constraints = vec![
            ConstraintRow {
                schema: "public".into(),
                table: "users".into(),
                name: "users_pkey".into(),
                kind: "p".into(),
                columns: vec!["id".into()],
                ref_schema: None,
                ref_table: None,
                ref_columns: vec![],
                on_delete: " ".into(),
                on_update: " ".into(),
                deferrable: false,
                def: "PRIMARY KEY (id)".into(),
            },
            ConstraintRow {
                schema: "audit".into(),
                table: "events".into(),
                name: "fk_events_user".into(),
                kind: "f".into(),
                columns: vec!["user_id".into()],
                ref_schema: Some("public".into()),
                ref_table: Some("users".into()),
                ref_columns: vec!["id".into()],
                on_delete: "c".into(),
                on_update: "a".into(),
                deferrable: true,
                def: String::new(),
            },
        ];
        let indexes = vec![IndexRow {
            schema: "audit".into(),
            table: "events".into(),
            name: "ix_events_at".into(),
            unique: false,
            columns: vec!["at".into(), "lower(x)".into()],
            predicate: Some("(at IS NOT NULL)".into()),
        }];
        let enums = vec![EnumRow {
            schema: "public".into(),
            name: "mood".into(),
            labels: vec!["ok".into(), "sad".into()],
        }];
        let s = build(
            "public",
            &["public".into(), "audit".into()],
            &tables,
            &columns,
            &constraints,
            &indexes,
            &enums,
            &Options::default(),
        )
        .unwrap();
        let names: Vec<String> = s.tables.iter().map(|t| t.qname().to_string()).collect();
        assert_eq!(names, ["users", "audit.events"]);
        let users = &s.tables[0];
        assert_eq!(users.comment.as_deref(), Some("people"));
        assert!(users.columns[0].autoincrement);
        assert_eq!(users.columns[0].default, None);
        assert_eq!(
            users.columns[1].ty,
            SqlType::Enum {
                name: "mood".into(),
                values: vec!["ok".into(), "sad".into()]
            }
        );
        assert_eq!(users.primary_key.as_ref().unwrap().name, "users_pkey");
        let events = &s.tables[1];
        assert_eq!(events.schema.as_deref(), Some("audit"));
        assert!(events.columns[0].autoincrement);
        assert_eq!(events.columns[1].default.as_deref(), Some("now()"));
        assert!(events.columns[1].nullable);
        assert_eq!(events.columns[1].comment.as_deref(), Some("when"));
        assert_eq!(events.foreign_keys[0].ref_table, QName::new("users"));
        assert_eq!(events.foreign_keys[0].on_delete, Some(FkAction::Cascade));
        assert_eq!(events.foreign_keys[0].on_update, None);
        assert!(events.foreign_keys[0].deferrable);
        assert_eq!(events.indexes[0].columns, ["at", "lower(x)"]);
        assert_eq!(
            s.enums,
            vec![EnumType {
                schema: None,
                name: "mood".into(),
                values: vec!["ok".into(), "sad".into()]
            }]
        );
    }
}
