//! PostgreSQL: `ALTER TABLE` for everything, comments as `COMMENT ON`, enum types of their own.

use retort_schema::{AlterColumn, Column, Dialect, EnumType, QName, SqlType, Table};

use super::narrow;
use super::pg_enum::{create_enum_sql, set_enum_values};
use super::{add_column_sql, alter, Ctx, EnumChange, Renderer, Sql};
use crate::ddl::qi;
use crate::quote::{quote_qname, quote_string};
use crate::types::render_type_in;

const D: Dialect = Dialect::Postgres;

pub(crate) struct Postgres;

impl Renderer for Postgres {
    fn dialect(&self) -> Dialect {
        D
    }

    /// `COMMENT ON` the table and its columns.
    fn table_comments(&self, t: &Table) -> Vec<String> {
        let q = t.qname();
        let mut out = Vec::new();
        if let Some(c) = &t.comment {
            out.push(comment_table(&q, Some(c)));
        }
        for c in &t.columns {
            if let Some(cm) = &c.comment {
                out.push(comment_column(&q, &c.name, Some(cm)));
            }
        }
        out
    }

    fn add_column(&self, cx: &Ctx<'_>, table: &QName, column: &Column) -> Sql {
        let mut v = vec![add_column_sql(cx, table, column)?];
        if let Some(cm) = &column.comment {
            v.push(comment_column(table, &column.name, Some(cm)));
        }
        Ok(v)
    }

    fn alter_column(&self, cx: &Ctx<'_>, a: &AlterColumn) -> Sql {
        change_column(cx, a)
    }

    fn set_table_comment(&self, table: &QName, comment: Option<&str>) -> Vec<String> {
        vec![comment_table(table, comment)]
    }

    fn create_enum(&self, e: &EnumType) -> Vec<String> {
        vec![create_enum_sql(&e.qname(), &e.values)]
    }

    fn drop_enum(&self, name: &QName) -> Vec<String> {
        vec![format!("DROP TYPE {}", quote_qname(name, D))]
    }

    fn change_enum(&self, cx: &Ctx<'_>, name: &QName, change: EnumChange<'_>) -> Sql {
        Ok(match change {
            EnumChange::Add { value, before } => {
                let mut s = format!(
                    "ALTER TYPE {} ADD VALUE {}",
                    quote_qname(name, D),
                    quote_string(value, D)
                );
                if let Some(b) = before {
                    s.push_str(" BEFORE ");
                    s.push_str(&quote_string(b, D));
                }
                vec![s]
            }
            EnumChange::Set(values) => set_enum_values(cx, name, values),
        })
    }
}

fn comment_table(q: &QName, comment: Option<&str>) -> String {
    format!(
        "COMMENT ON TABLE {} IS {}",
        quote_qname(q, D),
        comment.map_or("NULL".to_string(), |c| quote_string(c, D))
    )
}

fn comment_column(q: &QName, column: &str, comment: Option<&str>) -> String {
    format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        quote_qname(q, D),
        qi(column, D),
        comment.map_or("NULL".to_string(), |c| quote_string(c, D))
    )
}

fn change_column(cx: &Ctx<'_>, a: &AlterColumn) -> Sql {
    let d = D;
    let t = cx.table_before(&a.table)?;
    let col = t.column(&a.column).ok_or_else(|| {
        cx.state_error(format!("column `{}.{}` does not exist", a.table, a.column))
    })?;
    let final_name = a.new_name.clone().unwrap_or_else(|| a.column.clone());
    let after_col = cx
        .table_after(&a.table)?
        .column(&final_name)
        .ok_or_else(|| {
            cx.state_error(format!("column `{}.{final_name}` does not exist", a.table))
        })?;
    let q = &a.table;
    let c = qi(&a.column, d);
    let mut v = Vec::new();
    let mut default_done = false;
    if let Some(ty) = &a.ty {
        let tyr = render_type_in(ty, d, t.schema.as_deref());
        if col.default.is_some() {
            // The old default may not cast to the new type: drop it and set the final one after.
            v.push(alter(q, d, &format!("ALTER COLUMN {c} DROP DEFAULT")));
        }
        let using = match (&a.using, narrow::truncate_to(cx, a)?) {
            (Some(u), _) => Some(u.clone()),
            // The explicit cast cuts strings to the new length.
            (None, Some(_)) => Some(format!("{c}::{tyr}")),
            // An assignment cast: fails on a value that does not fit, never truncates.
            (None, None) if narrow::pg_assignment_cast(&col.ty, ty) => None,
            (None, None) => {
                let via_text =
                    matches!(ty, SqlType::Enum { .. }) || matches!(col.ty, SqlType::Enum { .. });
                Some(if via_text {
                    format!("{c}::text::{tyr}")
                } else {
                    format!("{c}::{tyr}")
                })
            }
        };
        let using = using.map(|u| format!(" USING {u}")).unwrap_or_default();
        v.push(alter(q, d, &format!("ALTER COLUMN {c} TYPE {tyr}{using}")));
        if col.default.is_some() {
            if let Some(def) = &after_col.default {
                v.push(alter(q, d, &format!("ALTER COLUMN {c} SET DEFAULT {def}")));
            }
            default_done = true;
        }
    }
    if !default_done {
        match &a.default {
            Some(Some(def)) => v.push(alter(q, d, &format!("ALTER COLUMN {c} SET DEFAULT {def}"))),
            Some(None) => v.push(alter(q, d, &format!("ALTER COLUMN {c} DROP DEFAULT"))),
            None => {}
        }
    }
    match a.nullable {
        Some(true) => v.push(alter(q, d, &format!("ALTER COLUMN {c} DROP NOT NULL"))),
        Some(false) => v.push(alter(q, d, &format!("ALTER COLUMN {c} SET NOT NULL"))),
        None => {}
    }
    if final_name != a.column {
        v.push(alter(
            q,
            d,
            &format!("RENAME COLUMN {c} TO {}", qi(&final_name, d)),
        ));
    }
    if let Some(cm) = &a.comment {
        v.push(comment_column(q, &final_name, cm.as_deref()));
    }
    Ok(v)
}
