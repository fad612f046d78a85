// TEMPORARY (not committed): stands in for retort-diff until it lands.
use retort_schema::{Dialect, Op, Schema};
pub struct Options {
    pub dialect: Dialect,
    pub compare_server_default: bool,
    pub compare_types: bool,
    pub compare_comments: bool,
}
pub struct Note {
    pub op_index: usize,
    pub risk: String,
    pub message: String,
}
pub struct Diff {
    pub ops: Vec<Op>,
    pub notes: Vec<Note>,
}
pub fn diff(from: &Schema, to: &Schema, _o: &Options) -> Diff {
    let mut ops = Vec::new();
    let mut notes = Vec::new();
    for t in &to.tables {
        if from.table(&t.qname()).is_none() {
            ops.push(Op::CreateTable(t.clone()));
        }
    }
    for t in &from.tables {
        if to.table(&t.qname()).is_none() {
            notes.push(Note {
                op_index: ops.len(),
                risk: "destructive".into(),
                message: format!("drop table {} loses its rows", t.qname()),
            });
            ops.push(Op::DropTable { table: t.qname() });
        }
    }
    Diff { ops, notes }
}
pub fn downgrade(from: &Schema, ops: &[Op]) -> Result<Vec<Op>, retort_schema::ApplyError> {
    retort_schema::reverse_all(from, ops)
}
pub fn render_rust(ops: &[Op], notes: &[Note]) -> String {
    let mut s = String::new();
    for (i, op) in ops.iter().enumerate() {
        for n in notes.iter().filter(|n| n.op_index == i) {
            s.push_str(&format!("// WARNING {}: {}\n", n.risk, n.message));
        }
        match op {
            Op::DropTable { table } => s.push_str(&format!("m.drop_table(\"{table}\");\n")),
            Op::CreateTable(t) => s.push_str(&format!(
                "m.execute(\"CREATE TABLE {} (id INTEGER PRIMARY KEY)\");\n",
                t.name
            )),
            _ => {}
        }
    }
    s
}
