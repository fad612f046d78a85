//! Rendering operations against the replayed schema, with a fallback for objects the replay
//! cannot see.

use retort_schema::{
    Check, Column, Dialect, EnumType, ForeignKey, Index, Op, PrimaryKey, QName, Schema, SqlType,
    Table, Unique,
};
use retort_sql::{render_op, RenderError, Statement};

/// Renders `op` against `state` (the schema before it). If `op` does not fit `state`
/// (typically: the history made the object with raw SQL, so the replay does not know it) and
/// the dialect's SQL for this operation needs nothing from the state beyond the operation's
/// own data, it is rendered anyway against a state completed with placeholders. Otherwise the
/// state error stands (it names the operation and the table).
pub(crate) fn render(op: &Op, d: Dialect, state: &Schema) -> Result<Vec<Statement>, RenderError> {
    match render_op(op, d, state) {
        Ok(v) => Ok(v),
        Err(e @ RenderError::State { .. }) => match stub_state(op, d, state) {
            Some(stub) => render_op(op, d, &stub).map_err(|_| e),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// Whether the SQL of `op` on `d` is written from the operation alone.
fn state_free(op: &Op, d: Dialect) -> bool {
    match op {
        Op::CreateTable(_)
        | Op::DropTable { .. }
        | Op::RenameTable { .. }
        | Op::CreateIndex { .. }
        | Op::DropIndex { .. }
        | Op::Sql(_)
        | Op::BulkInsert { .. } => true,
        Op::CreateEnum(_) | Op::DropEnum { .. } => d != Dialect::Mysql,
        Op::AddEnumValue { .. } => d == Dialect::Postgres,
        Op::AddColumn { .. } | Op::DropColumn { .. } | Op::SetTableComment { .. } => {
            d != Dialect::Sqlite
        }
        _ if op.changes_constraint() => d != Dialect::Sqlite,
        _ => false,
    }
}

/// `state` plus placeholders for whatever `op` expects to exist.
fn stub_state(op: &Op, d: Dialect, state: &Schema) -> Option<Schema> {
    if !state_free(op, d) {
        return None;
    }
    let mut s = state.clone();
    fn table<'a>(s: &'a mut Schema, q: &QName) -> &'a mut Table {
        if s.table(q).is_none() {
            let mut t = Table::new(q.name.clone());
            t.schema = q.schema.clone();
            s.tables.push(t);
        }
        s.table_mut(q).expect("just inserted")
    }
    /// Appends `make()` to `items` unless one of them is `wanted`.
    fn ensure<T>(items: &mut Vec<T>, wanted: impl Fn(&T) -> bool, make: impl FnOnce() -> T) {
        if !items.iter().any(wanted) {
            items.push(make());
        }
    }
    const NO_COLUMNS: [&str; 0] = [];
    fn columns(t: &mut Table, cols: &[String]) {
        for c in cols {
            if t.column(c).is_none() {
                t.columns
                    .push(Column::new(c.clone(), SqlType::Text).nullable(true));
            }
        }
    }
    match op {
        Op::DropTable { table: q } | Op::RenameTable { table: q, .. } => {
            table(&mut s, q);
        }
        Op::SetTableComment { table: q, .. } | Op::AddColumn { table: q, .. } => {
            table(&mut s, q);
        }
        Op::DropColumn { table: q, column } => {
            columns(table(&mut s, q), std::slice::from_ref(column))
        }
        Op::CreateIndex { table: q, index } => columns(table(&mut s, q), &index.columns),
        Op::DropIndex { table: q, name } => ensure(
            &mut table(&mut s, q).indexes,
            |i| &i.name == name,
            || Index::new(name, NO_COLUMNS),
        ),
        Op::AddUnique { table: q, unique } => columns(table(&mut s, q), &unique.columns),
        Op::DropUnique { table: q, name } => ensure(
            &mut table(&mut s, q).uniques,
            |u| &u.name == name,
            || Unique::new(name, NO_COLUMNS),
        ),
        Op::AddForeignKey {
            table: q,
            foreign_key,
        } => {
            columns(table(&mut s, q), &foreign_key.columns);
            columns(
                table(&mut s, &foreign_key.ref_table),
                &foreign_key.ref_columns,
            );
        }
        Op::DropForeignKey { table: q, name } => ensure(
            &mut table(&mut s, q).foreign_keys,
            |f| &f.name == name,
            || ForeignKey::new(name, NO_COLUMNS, q.clone(), NO_COLUMNS),
        ),
        Op::AddCheck { table: q, .. } => {
            table(&mut s, q);
        }
        Op::DropCheck { table: q, name } => ensure(
            &mut table(&mut s, q).checks,
            |c| &c.name == name,
            || Check::new(name, "TRUE"),
        ),
        Op::AddPrimaryKey {
            table: q,
            primary_key,
        } => {
            let t = table(&mut s, q);
            t.primary_key = None;
            columns(t, &primary_key.columns);
        }
        Op::DropPrimaryKey { table: q, name } => {
            let t = table(&mut s, q);
            if t.primary_key.is_none() {
                t.primary_key = Some(PrimaryKey::new(name, NO_COLUMNS));
            }
        }
        Op::DropEnum { name } | Op::AddEnumValue { name, .. } if s.enum_type(name).is_none() => {
            s.enums.push(EnumType {
                schema: name.schema.clone(),
                name: name.name.clone(),
                values: Vec::new(),
            });
        }
        Op::BulkInsert {
            table: q,
            columns: c,
            ..
        } => columns(table(&mut s, q), c),
        _ => {}
    }
    Some(s)
}
