//! Measures the question of docs/ARCHITECTURE.md "Generated scripts": can `quote` +
//! `prettyplease` give the scripts the layout `render_script` gives them?
//!
//! For each script of the example history (`examples/blog/migrations/versions/`), compiled in
//! here: its header, and the operations its `upgrade` / `downgrade` record (with the risk
//! notes the differ gives them). Each is rendered both ways, timed, and the two texts written
//! to `$OUT` (default: a temporary folder) as `<file>.ours.rs` / `<file>.prettyplease.rs`.
//! The prettyplease side gets the same syntax tree (the script's tokens, which is what a
//! `quote!` of the operations builds) and prints it; its time is the printing alone.
//!
//! The scripts are compiled against a stand-in for `retort::migration::prelude` (the runner's
//! `Migration` records the same operations; the stand-in keeps database drivers out of this
//! example's build).
//!
//! `cargo run -p retort-codegen --example layout --release`

// The scripts `use retort::migration::prelude::*`: here, this example's `migration` module.
extern crate self as retort;

use std::path::PathBuf;
use std::time::Instant;

use retort_diff::Note;
use retort_schema::{Dialect, EnumType, Op, QName, Schema};

/// The part of `retort_runner::Migration` the example history uses.
#[derive(Default)]
pub struct Migration {
    ops: Vec<Op>,
}

impl Migration {
    pub fn create_table(&mut self, table: retort_schema::Table) -> &mut Self {
        self.op(Op::CreateTable(table))
    }
    pub fn drop_table(&mut self, t: impl Into<QName>) -> &mut Self {
        self.op(Op::DropTable { table: t.into() })
    }
    pub fn add_column(&mut self, t: impl Into<QName>, column: retort_schema::Column) -> &mut Self {
        self.op(Op::AddColumn {
            table: t.into(),
            column,
        })
    }
    pub fn drop_column(&mut self, t: impl Into<QName>, column: impl Into<String>) -> &mut Self {
        self.op(Op::DropColumn {
            table: t.into(),
            column: column.into(),
        })
    }
    pub fn create_enum(&mut self, e: EnumType) -> &mut Self {
        self.op(Op::CreateEnum(e))
    }
    pub fn drop_enum(&mut self, name: impl Into<QName>) -> &mut Self {
        self.op(Op::DropEnum { name: name.into() })
    }
    fn op(&mut self, op: Op) -> &mut Self {
        self.ops.push(op);
        self
    }
}

pub mod migration {
    pub mod prelude {
        pub use crate::Migration;
        pub use retort_schema::{
            Check, Column, EnumType, FkAction, ForeignKey, Index, SqlType, Table, Unique,
        };
    }
}

#[path = "../../examples/blog/migrations/versions/1a0f3c2e9b7d_create_blog_tables.rs"]
mod s1;
#[path = "../../examples/blog/migrations/versions/5c7e2d8a4f61_add_bio_to_users.rs"]
mod s2;

type Body = fn(&mut Migration);

fn ops_of(f: Body) -> Vec<Op> {
    let mut m = Migration::default();
    f(&mut m);
    m.ops
}

fn notes(before: &Schema, ops: &[Op]) -> Vec<Note> {
    retort_diff::risk_notes(before, ops, Dialect::Postgres)
}

fn main() {
    const ROUNDS: u32 = 2000;
    let dir = std::env::var_os("OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("retort-layout"));
    std::fs::create_dir_all(&dir).unwrap();
    let versions = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/blog/migrations/versions"
    );
    let scripts: [(&str, Body, Body); 2] = [
        (
            "1a0f3c2e9b7d_create_blog_tables.rs",
            s1::upgrade,
            s1::downgrade,
        ),
        (
            "5c7e2d8a4f61_add_bio_to_users.rs",
            s2::upgrade,
            s2::downgrade,
        ),
    ];
    let mut schema = Schema::default();
    for (file, up, down) in scripts {
        let on_disk = std::fs::read_to_string(format!("{versions}/{file}")).unwrap();
        let header = retort_revision::parse_header(&on_disk).unwrap();
        let up_ops = ops_of(up);
        let up_notes = notes(&schema, &up_ops);
        let mut after = schema.clone();
        after.apply_all(&up_ops).unwrap();
        let down_ops = ops_of(down);
        let down_notes = notes(&after, &down_ops);

        let ours = || {
            retort_codegen::render_script(
                &header,
                &retort_codegen::body(&up_ops, &up_notes),
                &retort_codegen::body(&down_ops, &down_notes),
            )
        };
        let text = ours();
        let start = Instant::now();
        for _ in 0..ROUNDS {
            std::hint::black_box(ours());
        }
        let ours_us = start.elapsed().as_secs_f64() * 1e6 / f64::from(ROUNDS);

        // The same tokens as a syntax tree: the `//!` header becomes `#![doc = ..]`
        // attributes; `//` comments and blank lines are not tokens, so they are not in it.
        let tree: syn::File = syn::parse_str(&text).unwrap();
        let pretty = prettyplease::unparse(&tree);
        let start = Instant::now();
        for _ in 0..ROUNDS {
            std::hint::black_box(prettyplease::unparse(&tree));
        }
        let pretty_us = start.elapsed().as_secs_f64() * 1e6 / f64::from(ROUNDS);

        std::fs::write(dir.join(format!("{file}.ours.rs")), &text).unwrap();
        std::fs::write(dir.join(format!("{file}.prettyplease.rs")), &pretty).unwrap();
        let differing = text
            .lines()
            .zip(pretty.lines())
            .filter(|(a, b)| a != b)
            .count()
            + text.lines().count().abs_diff(pretty.lines().count());
        // The scripts on disk were written without the downgrade's risk notes.
        let without_notes: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("// WARNING"))
            .map(|l| format!("{l}\n"))
            .collect();
        println!(
            "{file}: ours {ours_us:.1} us/script (the file on disk but for the notes: {}), prettyplease {pretty_us:.1} us/script; {} vs {} lines, {differing} differ; warning comments {} vs {}",
            without_notes == on_disk,
            text.lines().count(),
            pretty.lines().count(),
            text.matches("// WARNING").count(),
            pretty.matches("// WARNING").count(),
        );
        schema = after;
    }
    println!("outputs in {}", dir.display());
}
