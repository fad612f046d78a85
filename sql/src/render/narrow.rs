//! Type changes that narrow a string column: they fail on a value that does not fit (as
//! MariaDB's strict mode does), unless the script asks for truncation (`AlterColumn::truncate`).

use retort_schema::{AlterColumn, Dialect, SqlType};

use super::Ctx;
use crate::ddl::qi;
use crate::error::RenderError;
use crate::quote::quote_qname;

/// `VARCHAR(n)`, `CHAR(n)` (also as `sql_type` spellings): the length values are cut to.
fn string_length(ty: &SqlType) -> Option<u32> {
    match ty {
        SqlType::Varchar(n) => Some(*n),
        SqlType::Custom(s) => {
            let lower = s.trim().to_ascii_lowercase();
            let open = lower.find('(')?;
            let base = lower[..open].trim();
            let n = lower[open + 1..].strip_suffix(')')?.trim().parse().ok()?;
            matches!(
                base,
                "varchar" | "character varying" | "char" | "character" | "bpchar" | "nvarchar"
            )
            .then_some(n)
        }
        _ => None,
    }
}

/// Whether `ty` is a string type: PostgreSQL has an assignment cast to it from every type,
/// and that cast fails on a value that is too long (the explicit cast `col::varchar(n)`
/// truncates silently instead).
pub(crate) fn is_string_type(ty: &SqlType) -> bool {
    match ty {
        SqlType::Text | SqlType::Varchar(_) => true,
        SqlType::Custom(s) => {
            let lower = s.trim().to_ascii_lowercase();
            string_length(ty).is_some()
                || matches!(
                    lower.as_str(),
                    "text" | "varchar" | "character varying" | "citext"
                )
        }
        _ => false,
    }
}

/// PostgreSQL: whether `ALTER COLUMN .. TYPE` from `from` to `to` works without `USING`, by an
/// assignment cast that fails on values that do not fit (numbers out of range, strings too
/// long) rather than an explicit cast, which truncates strings silently.
pub(crate) fn pg_assignment_cast(from: &SqlType, to: &SqlType) -> bool {
    use SqlType::*;
    let numeric = |x: &SqlType| {
        matches!(
            x,
            SmallInt | Integer | BigInt | Real | Double | Decimal { .. }
        )
    };
    let temporal = |x: &SqlType| matches!(x, Date | Time | Timestamp { .. });
    match (from, to) {
        (Enum { .. }, _) | (_, Enum { .. }) => false,
        (_, t) if is_string_type(t) => true,
        (a, b) if numeric(a) && numeric(b) => true,
        (a, b) if temporal(a) && temporal(b) => true,
        (Json { .. }, Json { .. }) => true,
        (a, b) => a == b,
    }
}

/// The length to cut values to when `a` asks for truncation; an error when it asks for it on
/// a change that is not to a `VARCHAR(n)`/`CHAR(n)`.
pub(crate) fn truncate_to(cx: &Ctx<'_>, a: &AlterColumn) -> Result<Option<u32>, RenderError> {
    if !a.truncate {
        return Ok(None);
    }
    match a.ty.as_ref().and_then(string_length) {
        Some(n) => Ok(Some(n)),
        None => Err(cx.state_error(format!(
            "`.truncate()` on `{}.{}` needs a change to a type of bounded length (`.ty(SqlType::Varchar(n))` or `CHAR(n)`), got {}; remove `.truncate()` or change the type",
            a.table,
            a.column,
            a.ty.as_ref()
                .map_or("no type change".to_string(), |t| format!("`{t}`"))
        ))),
    }
}

/// `substr(col, 1, n)` in dialect `d`: the expression that cuts `col` to `n` characters.
pub(crate) fn cut_expr(column: &str, n: u32, d: Dialect) -> String {
    let f = if d == Dialect::Mysql {
        "SUBSTRING"
    } else {
        "substr"
    };
    format!("{f}({}, 1, {n})", qi(column, d))
}

/// `UPDATE t SET col = substr(col, 1, n) WHERE length(col) > n` (MySQL/MariaDB, before the
/// `MODIFY COLUMN` that would otherwise fail on a longer value).
pub(crate) fn mysql_cut_update(a: &AlterColumn, n: u32) -> String {
    let d = Dialect::Mysql;
    let c = qi(&a.column, d);
    format!(
        "UPDATE {} SET {c} = {} WHERE CHAR_LENGTH({c}) > {n}",
        quote_qname(&a.table, d),
        cut_expr(&a.column, n, d)
    )
}
