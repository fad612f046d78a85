//! Reserved words and identifiers that need quoting.

use retort_schema::{FkAction, ForeignKey, Index, SqlType};
use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let mixed = || col("Mixed Case", SqlType::Varchar(50));
    let order_rows = Rows::new(
        "order",
        ["id", "Mixed Case"],
        vec![vec![i(1), s("x")], vec![i(2), s("y")]],
    );
    vec![
        Scenario::new(
            "reserved word table and mixed-case column: add column and index",
            vec![order_table(vec![], mixed())],
            vec![order_table(vec![opt("select", SqlType::Integer)], mixed())
                .index(Index::new("ix_order_Mixed Case", ["Mixed Case"]))],
        )
        .expect(&[
            "AddColumn order.select",
            "CreateIndex order.ix_order_Mixed Case",
        ])
        .keeps(order_rows.clone()),
        Scenario::new(
            "mixed-case column widened and made NOT NULL",
            vec![order_table(vec![], opt("Mixed Case", SqlType::Varchar(50)))],
            vec![order_table(
                vec![],
                col("Mixed Case", SqlType::Varchar(100)),
            )],
        )
        .expect(&["AlterColumn order.Mixed Case type+nullable"])
        .keeps(order_rows.clone()),
        Scenario::new(
            "mixed-case table referencing a reserved-word table",
            vec![order_table(vec![], mixed())],
            vec![
                order_table(vec![], mixed()),
                table("Audit Log", vec![col("order", SqlType::BigInt)]).foreign_key(
                    ForeignKey::new("fk_Audit Log_order_order", ["order"], "order", ["id"])
                        .on_delete(FkAction::Cascade),
                ),
            ],
        )
        .expect(&["CreateTable Audit Log"])
        .keeps(order_rows.clone()),
    ]
}
