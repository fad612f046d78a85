//! Downgrades and their risk notes.

use super::*;

/// Downgrades get the notes upgrades get: re-adding a NOT NULL column without a default,
/// narrowing back, removing an enum value.
#[test]
fn downgrades_carry_risk_notes_like_upgrades() {
    let status = |values: &[&str]| SqlType::Enum {
        name: "status".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    let with_enums = |cols: Vec<retort_schema::Column>| {
        let mut s = schema(vec![users_with(cols)]);
        s.collect_enums_from_columns();
        s
    };
    for opts in [lite(), pg(), my()] {
        let d = opts.dialect;
        // The upgrade drops a NOT NULL column, widens a VARCHAR, adds an enum value.
        let from = with_enums(vec![
            col("code", SqlType::Varchar(10)),
            col("name", SqlType::Varchar(10)),
            col("state", status(&["a", "b"])),
        ]);
        let to = with_enums(vec![
            col("name", SqlType::Varchar(200)),
            col("state", status(&["a", "b", "c"])),
        ]);
        let up = diff(&from, &to, &opts).ops;
        let (down, notes) = retort_diff::downgrade_with_notes(&from, &up, d).unwrap();
        let said: Vec<&str> = notes.iter().map(|n| n.message.as_str()).collect();
        let has = |what: &[&str]| said.iter().any(|m| what.iter().all(|w| m.contains(w)));
        assert!(
            has(&[
                "adds NOT NULL column `users.code` without a default",
                "MySQL/MariaDB fills them with ''"
            ]),
            "{d}: {said:?}"
        );
        assert!(
            has(&["`users.name`", "longer than 10 characters"]),
            "{d}: {said:?}"
        );
        assert!(
            has(&["c"]) && (has(&["removes enum value(s) c"]) || has(&["(a, b, c -> a, b)"])),
            "{d}: removing enum value c is flagged: {said:?}"
        );
        // Each note is attached to the operation it is about (the generated downgrade body
        // writes it as a `// WARNING` comment above that operation: retort-codegen).
        let on_code = notes
            .iter()
            .find(|n| n.message.starts_with("adds NOT NULL column `users.code`"))
            .expect("a note on re-adding users.code");
        assert_eq!(on_code.risk.label(), "may fail", "{d}");
        assert!(
            matches!(&down[on_code.op_index], Op::AddColumn { column, .. } if column.name == "code"),
            "{d}: {:?}",
            down[on_code.op_index]
        );
    }
}

#[test]
fn an_auto_increment_column_in_a_composite_primary_key_is_noted_for_every_database() {
    // The same script runs on the three databases: the note says where it means something
    // else, whichever database it was diffed against.
    let from = schema(vec![
        table("lines").with_column(col("code", SqlType::Varchar(10)))
    ]);
    let mut to = from.clone();
    to.tables[0].primary_key.as_mut().unwrap().columns = vec!["id".into(), "code".into()];
    for o in [lite(), pg(), my()] {
        let d = assert_plan(
            &from,
            &to,
            &o,
            vec![
                Op::DropPrimaryKey {
                    table: q("lines"),
                    name: "pk_lines".into(),
                },
                Op::AddPrimaryKey {
                    table: q("lines"),
                    primary_key: PrimaryKey {
                        name: "pk_lines".into(),
                        columns: vec!["id".into(), "code".into()],
                    },
                },
            ],
        );
        assert!(
            d.notes_for(1).any(|n| n.risk == Risk::MayFail
                && n.message.contains("`lines.id` is auto-increment in a primary key of 2 columns: SQLite gives it no values")),
            "{:?}: {:?}",
            o.dialect,
            d.notes
        );
    }
}
