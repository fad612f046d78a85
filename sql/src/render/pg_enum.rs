//! PostgreSQL `SetEnumValues` (a value removed or the values reordered): the type is rebuilt
//! and every column of it converted, with what depends on those columns handled around the
//! swap.
//!
//! A partial-index predicate or a CHECK comparing the column with an enum literal is bound to
//! the old type (`status = 'shipped'::order_status`): after the rename it compares the new type
//! with `order_status__old` and `ALTER COLUMN .. TYPE` fails (`operator does not exist`). They
//! are dropped before the conversion and created again after it, from the schema before the
//! operation, as are column defaults. Views are not in the schema model: a guard statement
//! stops the migration before anything changes, naming each view and what to do.

use retort_schema::{Dialect, QName, SqlType};

use super::{enum_columns, Ctx};
use crate::ddl::{check_clause, create_index_sql, drop_index_sql, qi};
use crate::quote::{quote_qname, quote_string};
use crate::types::pg_enum_name;

const D: Dialect = Dialect::Postgres;

fn alter(q: &QName, rest: &str) -> String {
    super::alter(q, D, rest)
}

/// `CREATE TYPE .. AS ENUM (..)`.
pub(crate) fn create_enum_sql(q: &QName, values: &[String]) -> String {
    let vals: Vec<String> = values.iter().map(|v| quote_string(v, D)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        quote_qname(q, D),
        vals.join(", ")
    )
}

/// Whether `expr` names `column` (as a whole identifier, quoted or not).
fn mentions(expr: &str, column: &str) -> bool {
    let lower = expr.to_ascii_lowercase();
    let col = column.to_ascii_lowercase();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let bytes: Vec<char> = lower.chars().collect();
    let needle: Vec<char> = col.chars().collect();
    if needle.is_empty() || needle.len() > bytes.len() {
        return false;
    }
    (0..=bytes.len() - needle.len()).any(|i| {
        bytes[i..i + needle.len()] == needle[..]
            && (i == 0 || !ident(bytes[i - 1]))
            && bytes.get(i + needle.len()).is_none_or(|&c| !ident(c))
    })
}

/// The statements for `SetEnumValues { name, values }` on PostgreSQL.
pub(crate) fn set_enum_values(cx: &Ctx<'_>, name: &QName, values: &[String]) -> Vec<String> {
    let old = QName::with_schema(name.schema.clone(), format!("{}__old", name.name));
    let columns = enum_columns(cx.before, name);
    let mut v = Vec::new();
    if let Some(guard) = view_guard(name, &columns) {
        v.push(guard);
    }
    v.push(format!(
        "ALTER TYPE {} RENAME TO {}",
        quote_qname(name, D),
        qi(&old.name, D)
    ));
    v.push(create_enum_sql(name, values));
    let mut recreate = Vec::new();
    for (t, c) in &columns {
        let q = t.qname();
        let col = qi(&c.name, D);
        let SqlType::Enum { name: n, .. } = &c.ty else {
            continue;
        };
        let ty = pg_enum_name(n, t.schema.as_deref());
        for i in t.indexes.iter().filter(|i| i.exists_on(D)) {
            let bound = i.predicate.as_deref().is_some_and(|p| mentions(p, &c.name));
            if bound && !recreate.contains(&create_index_sql(t, i, D)) {
                v.push(drop_index_sql(&q, &i.name, D));
                recreate.push(create_index_sql(t, i, D));
            }
        }
        for k in &t.checks {
            let add = alter(&q, &format!("ADD {}", check_clause(&k.name, &k.expr, D)));
            if mentions(&k.expr, &c.name) && !recreate.contains(&add) {
                v.push(alter(&q, &format!("DROP CONSTRAINT {}", qi(&k.name, D))));
                recreate.push(add);
            }
        }
        if c.default.is_some() {
            v.push(alter(&q, &format!("ALTER COLUMN {col} DROP DEFAULT")));
        }
        v.push(alter(
            &q,
            &format!("ALTER COLUMN {col} TYPE {ty} USING {col}::text::{ty}"),
        ));
        if let Some(def) = &c.default {
            v.push(alter(&q, &format!("ALTER COLUMN {col} SET DEFAULT {def}")));
        }
    }
    v.extend(recreate);
    v.push(format!("DROP TYPE {}", quote_qname(&old, D)));
    v
}

/// A `DO` block that raises an error naming the views using any of `columns` (PostgreSQL
/// refuses to change the type of a column a view uses).
fn view_guard(
    name: &QName,
    columns: &[(&retort_schema::Table, &retort_schema::Column)],
) -> Option<String> {
    if columns.is_empty() {
        return None;
    }
    let conds: Vec<String> = columns
        .iter()
        .map(|(t, c)| {
            format!(
                "(d.refobjid = {}::regclass AND a.attname = {})",
                quote_string(&quote_qname(&t.qname(), D), D),
                quote_string(&c.name, D)
            )
        })
        .collect();
    let cols: Vec<String> = columns
        .iter()
        .map(|(t, c)| format!("{}.{}", t.qname(), c.name))
        .collect();
    // `%` is RAISE's placeholder: the one for the views stays, any in names is escaped.
    let message = format!(
        "cannot change the values of enum type {}: view(s) % use its column(s) {}; drop the view(s) in this migration before the enum change (m.execute(\"DROP VIEW ..\")) and create them again after it",
        name.to_string().replace('%', "%%"),
        cols.join(", ").replace('%', "%%")
    );
    Some(format!(
        "DO $retort$\nDECLARE views text;\nBEGIN\n  SELECT string_agg(DISTINCT r.ev_class::regclass::text, ', ') INTO views\n  FROM pg_depend d\n  JOIN pg_rewrite r ON r.oid = d.objid\n  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid\n  WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass\n    AND r.ev_class <> d.refobjid\n    AND ({});\n  IF views IS NOT NULL THEN\n    RAISE EXCEPTION {}, views;\n  END IF;\nEND\n$retort$",
        conds.join("\n      OR "),
        quote_string(&message, D)
    ))
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn mentions_whole_identifiers_only() {
        for (expr, column, want) in [
            ("status = 'shipped'", "status", true),
            ("(\"Status\" <> 'x')", "status", true),
            ("order_status = 'x'", "status", false),
            ("statuses > 0", "status", false),
        ] {
            assert_eq!(mentions(expr, column), want, "{column:?} in {expr:?}");
        }
    }
}
