//! `#[derive(Table)]` and `#[derive(DbEnum)]` on real structs: the produced `Table`, field by
//! field, and the registry that collects them.

use retort::schema::{
    naming, Check, Column, FkAction, ForeignKey, Index, PrimaryKey, QName, SqlType, Table, Unique,
};
use retort::{DbEnum, Model};

#[derive(retort::DbEnum, Debug, PartialEq, Clone, Copy)]
pub enum AccountState {
    Active,
    #[db_enum(rename = "on_hold")]
    Suspended,
    InReview,
}

#[derive(retort::DbEnum, Debug, PartialEq)]
#[db_enum(name = "colour")]
pub enum Color {
    Red,
    Green,
}

#[derive(retort::Table)]
#[table(name = "orgs", comment = "organisations")]
pub struct Org {
    #[column(primary_key)]
    pub id: i32,
    #[column(length = 100, unique, comment = "display name")]
    pub name: String,
}

#[derive(retort::Table)]
#[table(name = "accounts", renamed_from = "users")]
#[table(index(name = "ix_accounts_org_email", columns = ["org_id", "email"], unique))]
#[table(index(columns = ["handle_name"], where = "deleted_at IS NULL"))]
#[table(
    check(name = "ck_accounts_age", expr = "age >= 0"),
    check(expr = "length(handle_name) > 2")
)]
pub struct Account {
    #[column(primary_key)]
    pub id: i64,
    #[column(length = 320, unique)]
    pub email: String,
    pub display_name: Option<String>,
    #[column(
        references = "orgs.id",
        on_delete = "cascade",
        on_update = "no action",
        index
    )]
    pub org_id: i32,
    #[column(server_default = "CURRENT_TIMESTAMP")]
    pub created_at: chrono::NaiveDateTime,
    pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    #[column(renamed_from = "nick", name = "handle_name")]
    pub handle: String,
    #[column(server_default = "'active'")]
    pub state: AccountState,
    pub favourite: Option<Color>,
    pub age: i16,
    #[column(precision = 10, scale = 2, server_default = "0")]
    pub balance: rust_decimal::Decimal,
    pub avatar: Option<Vec<u8>>,
    #[column(sql_type = "CITEXT", nullable)]
    pub search: String,
    pub settings: retort::Json<Vec<String>>,
    pub raw: serde_json::Value,
    pub score: f64,
    pub ratio: f32,
    pub active: bool,
    pub token: uuid::Uuid,
    pub birthday: Option<time::Date>,
    #[column(skip)]
    pub cached: Vec<u8>,
}

#[derive(retort::Table)]
#[table(schema = "audit", primary_key = ["account_id", "seq"])]
#[table(unique(columns = ["account_id", "label"]), unique(name = "uq_custom", columns = ["label"]))]
#[table(foreign_key(columns = ["account_id"], references = "accounts(id)", on_delete = "set null", deferrable))]
pub struct AuditEntry {
    pub account_id: i64,
    pub seq: i32,
    #[column(length = 40)]
    pub label: String,
    #[column(name = "type")]
    pub r#kind: String,
}

#[derive(retort::Table)]
pub struct LegacyCounter {
    #[column(primary_key, autoincrement = false)]
    pub id: i64,
    #[column(autoincrement)]
    pub hits: i64,
    #[column(nullable = false)]
    pub maybe: Option<i32>,
    #[column(references = "audit.audit_entry.seq")]
    pub audit_seq: i32,
}

fn col<'a>(t: &'a Table, name: &str) -> &'a Column {
    t.column(name)
        .unwrap_or_else(|| panic!("no column {name} in {}", t.name))
}

#[test]
fn table_name_comment_and_renames() {
    let t = Account::table();
    assert_eq!(t.name, "accounts");
    assert_eq!(t.schema, None);
    assert_eq!(t.comment, None);
    assert_eq!(t.renamed_from, ["users"]);
    assert_eq!(Org::table().comment.as_deref(), Some("organisations"));
    assert_eq!(LegacyCounter::table().name, "legacy_counter");
    assert_eq!(AuditEntry::table().schema.as_deref(), Some("audit"));
    assert_eq!(AuditEntry::table().name, "audit_entry");
    assert_eq!(Account::STRUCT_NAME, "Account");
}

#[test]
fn columns_in_order_with_types_and_nullability() {
    let t = Account::table();
    let got: Vec<(&str, SqlType, bool)> = t
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.ty.clone(), c.nullable))
        .collect();
    let state = SqlType::Enum {
        name: "account_state".into(),
        values: vec!["active".into(), "on_hold".into(), "in_review".into()],
    };
    let colour = SqlType::Enum {
        name: "colour".into(),
        values: vec!["red".into(), "green".into()],
    };
    let expected = vec![
        ("id", SqlType::BigInt, false),
        ("email", SqlType::Varchar(320), false),
        ("display_name", SqlType::Text, true),
        ("org_id", SqlType::Integer, false),
        (
            "created_at",
            SqlType::Timestamp {
                with_time_zone: false,
            },
            false,
        ),
        (
            "deleted_at",
            SqlType::Timestamp {
                with_time_zone: true,
            },
            true,
        ),
        ("handle_name", SqlType::Text, false),
        ("state", state, false),
        ("favourite", colour, true),
        ("age", SqlType::SmallInt, false),
        (
            "balance",
            SqlType::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
            false,
        ),
        ("avatar", SqlType::Blob, true),
        ("search", SqlType::Custom("CITEXT".into()), true),
        ("settings", SqlType::Json { binary: true }, false),
        ("raw", SqlType::Json { binary: true }, false),
        ("score", SqlType::Double, false),
        ("ratio", SqlType::Real, false),
        ("active", SqlType::Boolean, false),
        ("token", SqlType::Uuid, false),
        ("birthday", SqlType::Date, true),
    ];
    assert_eq!(got, expected);
    assert!(t.column("cached").is_none(), "skip leaves the field out");
}

#[test]
fn defaults_comments_renames_autoincrement() {
    let t = Account::table();
    assert_eq!(
        col(&t, "created_at").default.as_deref(),
        Some("CURRENT_TIMESTAMP")
    );
    assert_eq!(col(&t, "state").default.as_deref(), Some("'active'"));
    assert_eq!(col(&t, "balance").default.as_deref(), Some("0"));
    assert_eq!(col(&t, "email").default, None);
    assert_eq!(col(&t, "handle_name").renamed_from, ["nick"]);
    assert!(col(&t, "id").autoincrement);
    assert!(!col(&t, "org_id").autoincrement);
    let o = Org::table();
    assert_eq!(col(&o, "name").comment.as_deref(), Some("display name"));
    assert!(col(&o, "id").autoincrement, "i32 primary key is identity");

    let l = LegacyCounter::table();
    assert!(!col(&l, "id").autoincrement, "autoincrement = false wins");
    assert!(col(&l, "hits").autoincrement, "explicit autoincrement");
    assert!(
        !col(&l, "maybe").nullable,
        "nullable = false overrides Option"
    );

    let a = AuditEntry::table();
    assert!(
        !col(&a, "account_id").autoincrement,
        "composite keys are not identity"
    );
}

#[test]
fn primary_keys() {
    assert_eq!(
        Account::table().primary_key,
        Some(PrimaryKey {
            name: "pk_accounts".into(),
            columns: vec!["id".into()],
        })
    );
    assert_eq!(
        AuditEntry::table().primary_key,
        Some(PrimaryKey {
            name: "pk_audit_entry".into(),
            columns: vec!["account_id".into(), "seq".into()],
        })
    );
}

#[test]
fn indexes_uniques_checks() {
    let t = Account::table();
    assert_eq!(
        t.uniques,
        [Unique {
            name: "uq_accounts_email".into(),
            columns: vec!["email".into()],
        }]
    );
    assert_eq!(
        t.indexes,
        [
            Index {
                name: "ix_accounts_org_id".into(),
                columns: vec!["org_id".into()],
                unique: false,
                predicate: None,
                dialects: Vec::new(),
            },
            Index {
                name: "ix_accounts_org_email".into(),
                columns: vec!["org_id".into(), "email".into()],
                unique: true,
                predicate: None,
                dialects: Vec::new(),
            },
            Index {
                name: "ix_accounts_handle_name".into(),
                columns: vec!["handle_name".into()],
                unique: false,
                predicate: Some("deleted_at IS NULL".into()),
                dialects: Vec::new(),
            },
        ]
    );
    assert_eq!(
        t.checks,
        [
            Check {
                name: "ck_accounts_age".into(),
                expr: "age >= 0".into(),
            },
            Check {
                name: "ck_accounts_length_handle_name_2".into(),
                expr: "length(handle_name) > 2".into(),
            },
        ]
    );
    let a = AuditEntry::table();
    assert_eq!(
        a.uniques,
        [
            Unique {
                name: "uq_audit_entry_account_id_label".into(),
                columns: vec!["account_id".into(), "label".into()],
            },
            Unique {
                name: "uq_custom".into(),
                columns: vec!["label".into()],
            },
        ]
    );
}

#[test]
fn foreign_keys() {
    assert_eq!(
        Account::table().foreign_keys,
        [ForeignKey {
            name: "fk_accounts_org_id_orgs".into(),
            columns: vec!["org_id".into()],
            ref_table: QName::new("orgs"),
            ref_columns: vec!["id".into()],
            on_delete: Some(FkAction::Cascade),
            on_update: Some(FkAction::NoAction),
            deferrable: false,
        }]
    );
    assert_eq!(
        AuditEntry::table().foreign_keys,
        [ForeignKey {
            name: naming::foreign_key("audit_entry", &["account_id"], "accounts"),
            columns: vec!["account_id".into()],
            ref_table: QName::new("accounts"),
            ref_columns: vec!["id".into()],
            on_delete: Some(FkAction::SetNull),
            on_update: None,
            deferrable: true,
        }]
    );
    let l = LegacyCounter::table();
    assert_eq!(
        l.foreign_keys[0].ref_table,
        QName::with_schema(Some("audit".into()), "audit_entry")
    );
    assert_eq!(l.foreign_keys[0].ref_columns, ["seq"]);
}

#[test]
fn raw_identifiers_and_renamed_columns_keep_their_field_names() {
    let a = AuditEntry::table();
    assert_eq!(col(&a, "type").ty, SqlType::Text);
    assert_eq!(AuditEntry::field_of("type"), Some("kind"));
    assert_eq!(Account::field_of("handle_name"), Some("handle"));
    assert_eq!(Account::field_of("cached"), None);
    assert_eq!(Account::FIELDS.len(), 20);
}

#[test]
fn db_enum_trait() {
    assert_eq!(AccountState::NAME, "account_state");
    assert_eq!(AccountState::VALUES, ["active", "on_hold", "in_review"]);
    assert_eq!(AccountState::Suspended.as_str(), "on_hold");
    assert_eq!(
        AccountState::from_str("in_review"),
        Some(AccountState::InReview)
    );
    assert_eq!(AccountState::from_str("Suspended"), None);
    assert_eq!(Color::NAME, "colour");
}

#[test]
fn registry_collects_every_linked_derive() {
    let names: Vec<&str> = retort::registrations().map(|r| r.struct_name()).collect();
    for n in ["Org", "Account", "AuditEntry", "LegacyCounter"] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    let r = retort::registrations()
        .find(|r| r.struct_name() == "Account")
        .unwrap();
    assert_eq!(r.module_path(), "derive");
    assert_eq!(r.table(), Account::table());
}

#[test]
fn target_schema_equals_explicit_list() {
    // LegacyCounter references audit_entry.seq, which is only part of a composite key: the
    // registry must refuse it, naming struct and field.
    let err = retort::target_schema().unwrap_err().to_string();
    assert!(
        err.contains("LegacyCounter.audit_seq: foreign key references `audit.audit_entry(seq)`, which is neither the primary key nor unique"),
        "{err}"
    );
    let explicit = retort::Models::new()
        .add::<Org>()
        .add::<Account>()
        .add::<AuditEntry>()
        .schema()
        .unwrap();
    let names: Vec<String> = explicit
        .tables
        .iter()
        .map(|t| t.qname().to_string())
        .collect();
    assert_eq!(names, ["accounts", "orgs", "audit.audit_entry"]);
    let enums: Vec<&str> = explicit.enums.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(enums, ["account_state", "colour"]);
}

#[test]
fn convention_names_are_the_indexes_and_uniques_the_model_did_not_name() {
    // Matched by columns whatever the database calls them; explicit names by name.
    let t = Account::table();
    let mut names = t.convention_names.clone();
    names.sort();
    assert_eq!(
        names,
        [
            "ix_accounts_handle_name",
            "ix_accounts_org_id",
            "uq_accounts_email"
        ]
    );
    assert!(!names.contains(&"ix_accounts_org_email".to_string()));
    let mut a = AuditEntry::table().convention_names;
    a.sort();
    assert_eq!(a, ["uq_audit_entry_account_id_label"]);
    assert_eq!(Org::table().convention_names, ["uq_orgs_name"]);
}
