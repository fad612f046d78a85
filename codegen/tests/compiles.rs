//! The rendered Rust compiles against retort-schema, and running it gives back the operations
//! it was rendered from (ops -> Rust -> compiled -> ops).

mod common;

use std::process::Command;

use retort_codegen::render_rust;
use retort_test_support::write_package;

/// A stand-in for `retort_runner::Migration` with the signatures of docs/ARCHITECTURE.md.
const STAND_IN: &str = r#"
use retort_schema::*;

#[derive(Default)]
pub struct Migration {
    pub ops: Vec<Op>,
}

#[allow(dead_code)]
impl Migration {
    pub fn op(&mut self, op: Op) -> &mut Self { self.ops.push(op); self }
    pub fn create_table(&mut self, t: Table) -> &mut Self { self.op(Op::CreateTable(t)) }
    pub fn drop_table(&mut self, t: impl Into<QName>) -> &mut Self { self.op(Op::DropTable { table: t.into() }) }
    pub fn rename_table(&mut self, t: impl Into<QName>, new_name: impl Into<String>) -> &mut Self { self.op(Op::RenameTable { table: t.into(), new_name: new_name.into() }) }
    pub fn add_column(&mut self, t: impl Into<QName>, column: Column) -> &mut Self { self.op(Op::AddColumn { table: t.into(), column }) }
    pub fn drop_column(&mut self, t: impl Into<QName>, column: impl Into<String>) -> &mut Self { self.op(Op::DropColumn { table: t.into(), column: column.into() }) }
    pub fn alter_column(&mut self, a: AlterColumn) -> &mut Self { self.op(Op::AlterColumn(a)) }
    pub fn create_index(&mut self, t: impl Into<QName>, index: Index) -> &mut Self { self.op(Op::CreateIndex { table: t.into(), index }) }
    pub fn drop_index(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self { self.op(Op::DropIndex { table: t.into(), name: name.into() }) }
    pub fn add_unique(&mut self, t: impl Into<QName>, unique: Unique) -> &mut Self { self.op(Op::AddUnique { table: t.into(), unique }) }
    pub fn drop_unique(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self { self.op(Op::DropUnique { table: t.into(), name: name.into() }) }
    pub fn add_foreign_key(&mut self, t: impl Into<QName>, foreign_key: ForeignKey) -> &mut Self { self.op(Op::AddForeignKey { table: t.into(), foreign_key }) }
    pub fn drop_foreign_key(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self { self.op(Op::DropForeignKey { table: t.into(), name: name.into() }) }
    pub fn add_check(&mut self, t: impl Into<QName>, check: Check) -> &mut Self { self.op(Op::AddCheck { table: t.into(), check }) }
    pub fn drop_check(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self { self.op(Op::DropCheck { table: t.into(), name: name.into() }) }
    pub fn add_primary_key(&mut self, t: impl Into<QName>, primary_key: PrimaryKey) -> &mut Self { self.op(Op::AddPrimaryKey { table: t.into(), primary_key }) }
    pub fn drop_primary_key(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self { self.op(Op::DropPrimaryKey { table: t.into(), name: name.into() }) }
    pub fn set_table_comment(&mut self, t: impl Into<QName>, comment: Option<&str>) -> &mut Self { self.op(Op::SetTableComment { table: t.into(), comment: comment.map(str::to_string) }) }
    pub fn create_enum(&mut self, e: EnumType) -> &mut Self { self.op(Op::CreateEnum(e)) }
    pub fn drop_enum(&mut self, name: impl Into<QName>) -> &mut Self { self.op(Op::DropEnum { name: name.into() }) }
    pub fn add_enum_value(&mut self, name: impl Into<QName>, value: impl Into<String>) -> &mut Self { self.op(Op::AddEnumValue { name: name.into(), value: value.into(), before: None }) }
    pub fn set_enum_values<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, name: impl Into<QName>, values: I) -> &mut Self { self.op(Op::SetEnumValues { name: name.into(), values: values.into_iter().map(Into::into).collect() }) }
    pub fn execute(&mut self, sql: impl Into<String>) -> &mut Self { self.op(Op::Sql(RawSql { sql: Some(sql.into()), ..RawSql::default() })) }
    pub fn execute_raw(&mut self, sql: RawSql) -> &mut Self { self.op(Op::Sql(sql)) }
    pub fn bulk_insert<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, t: impl Into<QName>, columns: I, rows: Vec<Vec<Value>>) -> &mut Self { self.op(Op::BulkInsert { table: t.into(), columns: columns.into_iter().map(Into::into).collect(), rows }) }
}
"#;

#[test]
fn rendered_rust_compiles_and_gives_back_the_ops() {
    let ops = common::sample_ops();
    let body = render_rust(&ops, &[]);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema");
    write_package(
        root,
        "rendered",
        &format!("[dependencies]\nretort-schema = {{ path = {schema:?} }}\n\n[workspace]\n"),
        &format!(
            "{STAND_IN}\npub fn upgrade(m: &mut Migration) {{\n{body}}}\n\nfn main() {{\n    let mut m = Migration::default();\n    upgrade(&mut m);\n    println!(\"{{:?}}\", m.ops);\n}}\n"
        ),
    );
    // Reuse the workspace's lock file so that no registry lookup is needed.
    let lock = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock");
    std::fs::copy(lock, root.join("Cargo.lock")).unwrap();
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(["run", "--quiet", "--offline"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", "/work/target-diff-compile");
    // Debug output, not JSON: serde cannot tell `Some(None)` (drop the default) from `None`.
    let back = retort_test_support::run_ok(
        &mut cargo,
        &format!("cargo run of the rendered script\n--- body ---\n{body}\n---"),
    );
    assert_eq!(
        back.trim_end(),
        format!("{ops:?}"),
        "ops -> Rust -> ops is not the identity"
    );
}
