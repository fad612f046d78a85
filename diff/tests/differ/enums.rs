//! PostgreSQL enum types.

use super::*;

#[test]
fn an_enum_type_is_created_before_its_table() {
    let to = with_mood(&["ok", "meh"]);
    assert_plan(
        &schema(vec![]),
        &to,
        &pg(),
        vec![
            Op::CreateEnum(EnumType::new("mood", ["ok", "meh"])),
            Op::CreateTable(to.tables[0].clone()),
        ],
    );
}

#[test]
fn enum_types_come_from_columns_when_the_list_is_empty() {
    let to = schema(vec![users_with(vec![col("mood", mood(&["ok"]))])]);
    let d = diff(&schema(vec![]), &to, &pg());
    assert_eq!(d.ops[0], Op::CreateEnum(EnumType::new("mood", ["ok"])));
}

#[test]
fn appended_enum_values_are_added() {
    let d = assert_plan(
        &with_mood(&["ok"]),
        &with_mood(&["ok", "meh", "sad"]),
        &pg(),
        vec![
            Op::AddEnumValue {
                name: q("mood"),
                value: "meh".into(),
                before: None,
            },
            Op::AddEnumValue {
                name: q("mood"),
                value: "sad".into(),
                before: None,
            },
        ],
    );
    assert!(d.notes.is_empty());
}

#[test]
fn removed_or_reordered_enum_values_are_a_rewrite() {
    for target in [&["ok"][..], &["meh", "ok"][..], &["ok", "new", "meh"][..]] {
        let d = assert_plan(
            &with_mood(&["ok", "meh"]),
            &with_mood(target),
            &pg(),
            vec![Op::SetEnumValues {
                name: q("mood"),
                values: target.iter().map(|v| v.to_string()).collect(),
            }],
        );
        assert_eq!(risks(&d), [(0, Risk::Rewrite)]);
    }
}

#[test]
fn an_enum_type_is_dropped_last() {
    let from = with_mood(&["ok"]);
    assert_plan(
        &from,
        &schema(vec![]),
        &pg(),
        vec![
            Op::DropTable { table: q("users") },
            Op::DropEnum { name: q("mood") },
        ],
    );
}
