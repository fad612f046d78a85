//! A whole script: the header round-trips through `retort_revision::parse_header`, the file is
//! what rustfmt would write, file names.

mod common;

use common::rustfmt_check;
use retort_codegen::{file_name, render_header, render_script, slug};
use retort_revision::{parse_header, Header};

/// A script of the example history (`examples/blog/migrations/versions/`), as on disk.
const ON_DISK: &str =
    include_str!("../../examples/blog/migrations/versions/5c7e2d8a4f61_add_bio_to_users.rs");

fn sample() -> Header {
    parse_header(ON_DISK).unwrap()
}

#[test]
fn render_is_the_text_on_disk_and_round_trips() {
    let text = render_header(&sample());
    assert_eq!(text, retort_revision::header_block(ON_DISK));
    assert_eq!(parse_header(&text).unwrap(), sample());
    assert!(text.starts_with(
        "//! add bio to users
//!
//! Revision ID: 5c7e2d8a4f61
"
    ));
}

#[test]
fn round_trip_merge_multi_line_message_and_empty_message() {
    let h = Header {
        revision: "m1".into(),
        down_revisions: vec!["a1".into(), "b1".into()],
        branch_labels: vec!["x".into(), "y_2".into()],
        depends_on: vec!["c1".into(), "net".into()],
        message: "merge heads\n\nRevises: the way users sign in\n\nsecond paragraph: with a colon"
            .into(),
        create_date: String::new(),
    };
    let text = render_header(&h);
    assert!(text.contains("//! Revises: a1, b1\n"));
    assert!(!text.lines().any(|l| l.ends_with(' ')), "{text}");
    assert_eq!(parse_header(&text).unwrap(), h);
    let empty = Header {
        message: String::new(),
        down_revisions: vec![],
        ..h
    };
    let text = render_header(&empty);
    assert!(text.starts_with("//! Revision ID: m1\n"));
    assert_eq!(parse_header(&text).unwrap(), empty);
}

#[test]
fn file_names_and_slugs() {
    assert_eq!(file_name("ab12", "Create users"), "ab12_create_users.rs");
    assert_eq!(
        file_name("ab12", "  add e-mail (unique)!  "),
        "ab12_add_e_mail_unique.rs"
    );
    assert_eq!(file_name("ab12", "Über äpfel"), "ab12_ber_pfel.rs");
    assert_eq!(file_name("ab12", "!!!"), "ab12.rs");
    assert_eq!(file_name("ab12", ""), "ab12.rs");
    let long = "add a very long column name to the users table for testing";
    let s = slug(long);
    assert!(s.len() <= 40, "{s}");
    assert_eq!(s, "add_a_very_long_column_name_to_the_users");
    assert_eq!(slug(&"x".repeat(50)), "x".repeat(40));
    assert_eq!(slug("first line\nsecond line"), "first_line");
}

#[test]
fn render_script_shape() {
    let s = render_script(&sample(), "m.drop_table(\"users\");", "");
    assert!(s.contains(
        "\nuse retort::migration::prelude::*;\n\npub fn upgrade(m: &mut Migration) {\n    m.drop_table(\"users\");\n}\n"
    ));
    assert!(s.ends_with("\npub fn downgrade(m: &mut Migration) {}\n"));
    assert_eq!(parse_header(&s).unwrap(), sample());
}

#[test]
fn render_script_is_rustfmt_clean() {
    let up = "m.create_table(\n    Table::new(\"users\")\n        .column(Column::new(\"id\", SqlType::BigInt).autoincrement())\n        .primary_key(\"pk_users\", [\"id\"]),\n);\n\n\nm.execute(\"UPDATE users SET x = 1\");\n";
    let down = "m.drop_table(\"users\");";
    rustfmt_check(&render_script(&sample(), up, down));
    rustfmt_check(&render_script(&sample(), "", ""));
    let merge = Header {
        revision: "m1".into(),
        down_revisions: vec!["a1".into(), "b1".into()],
        message: "merge heads\n\nwith a second paragraph".into(),
        ..Header::default()
    };
    rustfmt_check(&render_script(&merge, "", "\n"));
    let unnamed = Header {
        revision: "m2".into(),
        ..Header::default()
    };
    rustfmt_check(&render_script(&unnamed, "m.execute(\"SELECT 1\");", ""));
}
