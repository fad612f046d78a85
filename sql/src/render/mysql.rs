//! MySQL / MariaDB: `ALTER TABLE`; a column change restates the whole column (`MODIFY` /
//! `CHANGE COLUMN`); enum values live in the column type; AUTO_INCREMENT and InnoDB's implicit
//! foreign-key indexes handled around key changes.

use retort_schema::{AlterColumn, Column, Dialect, PrimaryKey, QName, Table};

use super::narrow::{self, mysql_cut_update};
use super::{alter, enum_columns, Ctx, EnumChange, Renderer, Sql};
use crate::ddl::{column_def, pk_clause, qi};
use crate::quote::{quote_qname, quote_string};

const D: Dialect = Dialect::Mysql;

pub(crate) struct Mysql;

impl Renderer for Mysql {
    fn dialect(&self) -> Dialect {
        D
    }

    /// The new name keeps the table's database.
    fn rename_table(&self, table: &QName, new_name: &str) -> Vec<String> {
        let new = QName::with_schema(table.schema.clone(), new_name);
        vec![alter(
            table,
            D,
            &format!("RENAME TO {}", quote_qname(&new, D)),
        )]
    }

    fn alter_column(&self, cx: &Ctx<'_>, a: &AlterColumn) -> Sql {
        let d = D;
        if a.is_empty() {
            return Ok(vec![]);
        }
        let t = cx.table_after(&a.table)?;
        let final_name = a.new_name.clone().unwrap_or_else(|| a.column.clone());
        let col = t.column(&final_name).ok_or_else(|| {
            cx.state_error(format!("column `{}.{final_name}` does not exist", a.table))
        })?;
        let renamed = final_name != a.column;
        let mut v = Vec::new();
        if let Some(n) = narrow::truncate_to(cx, a)? {
            v.push(mysql_cut_update(a, n));
        }
        let only_rename =
            a.ty.is_none() && a.nullable.is_none() && a.default.is_none() && a.comment.is_none();
        v.push(if renamed && only_rename {
            alter(
                &a.table,
                d,
                &format!(
                    "RENAME COLUMN {} TO {}",
                    qi(&a.column, d),
                    qi(&final_name, d)
                ),
            )
        } else if renamed {
            alter(
                &a.table,
                d,
                &format!(
                    "CHANGE COLUMN {} {}",
                    qi(&a.column, d),
                    column_def(t, col, d)
                ),
            )
        } else {
            alter(
                &a.table,
                d,
                &format!("MODIFY COLUMN {}", column_def(t, col, d)),
            )
        });
        Ok(v)
    }

    /// Uniques are indexes on MySQL.
    fn drop_unique(&self, table: &QName, name: &str) -> Vec<String> {
        vec![alter(table, D, &format!("DROP INDEX {}", qi(name, D)))]
    }

    fn drop_foreign_key(&self, cx: &Ctx<'_>, table: &QName, name: &str) -> Vec<String> {
        let mut v = vec![alter(
            table,
            D,
            &format!("DROP FOREIGN KEY {}", qi(name, D)),
        )];
        // InnoDB created an index named after the key when no other index could serve it;
        // it outlives the key, so it goes with it.
        if let Some(t) = cx.before.table(table) {
            if fk_has_implicit_index(t, name) {
                v.push(alter(table, D, &format!("DROP INDEX {}", qi(name, D))));
            }
        }
        v
    }

    fn add_primary_key(&self, cx: &Ctx<'_>, table: &QName, primary_key: &PrimaryKey) -> Sql {
        // MySQL keeps an AUTO_INCREMENT column only while it is a key: the flag that
        // `DropPrimaryKey` took off comes back with the new key, in the same statement.
        let t = cx.table_after(table)?;
        let mut parts = vec![format!(
            "ADD {}",
            pk_clause(&primary_key.name, &primary_key.columns, D)
        )];
        for c in auto_increment_columns(t, &primary_key.columns) {
            parts.push(format!("MODIFY COLUMN {}", column_def(t, c, D)));
        }
        Ok(vec![alter(table, D, &parts.join(", "))])
    }

    fn drop_primary_key(&self, cx: &Ctx<'_>, table: &QName, _name: &str) -> Sql {
        // `DROP PRIMARY KEY` fails on an AUTO_INCREMENT column ("there can be only one auto
        // column and it must be defined as a key"): the flag goes first, in the same
        // statement; `AddPrimaryKey` puts it back.
        let t = cx.table_before(table)?;
        let pk_columns = t
            .primary_key
            .as_ref()
            .map(|pk| pk.columns.clone())
            .unwrap_or_default();
        let mut parts = Vec::new();
        for c in auto_increment_columns(t, &pk_columns) {
            let mut plain = c.clone();
            plain.autoincrement = false;
            parts.push(format!("MODIFY COLUMN {}", column_def(t, &plain, D)));
        }
        parts.push("DROP PRIMARY KEY".to_string());
        Ok(vec![alter(table, D, &parts.join(", "))])
    }

    fn set_table_comment(&self, table: &QName, comment: Option<&str>) -> Vec<String> {
        vec![alter(
            table,
            D,
            &format!("COMMENT = {}", quote_string(comment.unwrap_or(""), D)),
        )]
    }

    /// The enum's values are in each column's type: every column of the type is restated.
    fn change_enum(&self, cx: &Ctx<'_>, name: &QName, _change: EnumChange<'_>) -> Sql {
        Ok(enum_columns(cx.after()?, name)
            .into_iter()
            .map(|(t, c)| {
                alter(
                    &t.qname(),
                    D,
                    &format!("MODIFY COLUMN {}", column_def(t, c, D)),
                )
            })
            .collect())
    }
}

/// The columns of `t` among `columns` that MySQL makes AUTO_INCREMENT.
fn auto_increment_columns<'t>(t: &'t Table, columns: &[String]) -> Vec<&'t Column> {
    columns
        .iter()
        .filter_map(|c| t.column(c))
        .filter(|c| c.autoincrement && c.ty.is_integer())
        .collect()
}

/// Whether InnoDB made an index of its own for foreign key `fk_name` of `t`: it does when no
/// other index (primary key, unique, index) of the table starts with the key's columns.
fn fk_has_implicit_index(t: &Table, fk_name: &str) -> bool {
    let Some(fk) = t.foreign_keys.iter().find(|f| f.name == fk_name) else {
        return false;
    };
    let serves = |cols: &[String]| {
        cols.len() >= fk.columns.len() && cols[..fk.columns.len()] == fk.columns[..]
    };
    let pk = t.primary_key.as_ref().is_some_and(|pk| serves(&pk.columns));
    let unique = t.uniques.iter().any(|u| serves(&u.columns));
    let index = t
        .indexes
        .iter()
        .any(|i| i.name != fk_name && i.exists_on(D) && serves(&i.columns));
    !(pk || unique || index)
}
