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
#[table(check(name = "ck_accounts_age", expr = "age >= 0"))]
#[table(check(expr = "length(handle_name) > 2"))]
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

/// Every attribute `#[derive(Table)]` accepts, on one struct.
#[derive(retort::Table)]
#[table(
    name = "every_attr",
    schema = "app",
    comment = "all of them",
    renamed_from = "every_old"
)]
#[table(primary_key = ["id", "part"], primary_key_name = "every_attr_pkey")]
#[table(index(name = "ix_named", columns = ["title", "part"], unique))]
#[table(index(columns = ["title"], where = "part > 0", dialects = ["postgres", "sqlite"]))]
#[table(unique(columns = ["code", "part"]), unique(name = "uq_named", columns = ["label"]))]
#[table(foreign_key(columns = ["owner_id", "part"], references = "app.owners(id, part)", on_delete = "set default", on_update = "restrict", deferrable))]
#[table(foreign_key(name = "fk_named", columns = ["label"], references = "labels(name)"))]
#[table(
    check(name = "ck_named", expr = "part >= 0"),
    check(expr = "length(title) > 2")
)]
pub struct EveryAttribute {
    #[column(autoincrement)]
    pub id: i64,
    pub part: i32,
    #[column(
        name = "title",
        length = 200,
        comment = "heading",
        renamed_from = "caption"
    )]
    pub heading: String,
    #[column(precision = 12, scale = 4, server_default = "0")]
    pub amount: rust_decimal::Decimal,
    #[column(sql_type = "CITEXT")]
    pub code: Option<String>,
    #[column(sql_type = "JSONB", nullable = false)]
    pub extra: Option<String>,
    #[column(nullable)]
    pub label: String,
    #[column(unique)]
    pub serial: i64,
    #[column(index)]
    pub rank: i32,
    #[column(unique, index)]
    pub slug: String,
    #[column(unique = false, index = false)]
    pub plain: i16,
    #[column(
        references = "app.owners.id",
        on_delete = "cascade",
        on_update = "set null"
    )]
    pub owner_id: Option<i64>,
    #[column(references = "users.id", index)]
    pub user_id: i64,
    #[column(autoincrement = false)]
    pub counter: i64,
    #[column(server_default = "CURRENT_TIMESTAMP")]
    pub created_at: chrono::NaiveDateTime,
    #[column(skip)]
    pub cached: Vec<u8>,
}

/// `EveryAttribute::table()` as the derive built it before it expanded to static descriptions
/// (a function of builder calls), captured as `{:?}` from that expansion (retort at commit
/// 1cd896d): the description must convert to exactly this table.
const EVERY_ATTRIBUTE_BEFORE: &str = concat!(
    r#"Table { schema: Some("app"), name: "every_attr", comment: Some("all of them"), "#,
    r#"columns: [Column { name: "id", ty: BigInt, nullable: false, default: None, "#,
    r#"autoincrement: true, comment: None, renamed_from: [] }, Column { name: "part", "#,
    r#"ty: Integer, nullable: false, default: None, autoincrement: false, comment: None, "#,
    r#"renamed_from: [] }, Column { name: "title", ty: Varchar(200), nullable: false, "#,
    r#"default: None, autoincrement: false, comment: Some("heading"), "#,
    r#"renamed_from: ["caption"] }, Column { name: "amount", "#,
    r#"ty: Decimal { precision: Some(12), scale: Some(4) }, nullable: false, "#,
    r#"default: Some("0"), autoincrement: false, comment: None, renamed_from: [] }, "#,
    r#"Column { name: "code", ty: Custom("CITEXT"), nullable: true, default: None, "#,
    r#"autoincrement: false, comment: None, renamed_from: [] }, Column { name: "extra", "#,
    r#"ty: Custom("JSONB"), nullable: false, default: None, autoincrement: false, "#,
    r#"comment: None, renamed_from: [] }, Column { name: "label", ty: Text, nullable: true, "#,
    r#"default: None, autoincrement: false, comment: None, renamed_from: [] }, "#,
    r#"Column { name: "serial", ty: BigInt, nullable: false, default: None, "#,
    r#"autoincrement: false, comment: None, renamed_from: [] }, Column { name: "rank", "#,
    r#"ty: Integer, nullable: false, default: None, autoincrement: false, comment: None, "#,
    r#"renamed_from: [] }, Column { name: "slug", ty: Text, nullable: false, default: None, "#,
    r#"autoincrement: false, comment: None, renamed_from: [] }, Column { name: "plain", "#,
    r#"ty: SmallInt, nullable: false, default: None, autoincrement: false, comment: None, "#,
    r#"renamed_from: [] }, Column { name: "owner_id", ty: BigInt, nullable: true, "#,
    r#"default: None, autoincrement: false, comment: None, renamed_from: [] }, "#,
    r#"Column { name: "user_id", ty: BigInt, nullable: false, default: None, "#,
    r#"autoincrement: false, comment: None, renamed_from: [] }, Column { name: "counter", "#,
    r#"ty: BigInt, nullable: false, default: None, autoincrement: false, comment: None, "#,
    r#"renamed_from: [] }, Column { name: "created_at", "#,
    r#"ty: Timestamp { with_time_zone: false }, nullable: false, "#,
    r#"default: Some("CURRENT_TIMESTAMP"), autoincrement: false, comment: None, "#,
    r#"renamed_from: [] }], primary_key: Some(PrimaryKey { name: "every_attr_pkey", "#,
    r#"columns: ["id", "part"] }), indexes: [Index { name: "ix_every_attr_rank", "#,
    r#"columns: ["rank"], unique: false, predicate: None, dialects: [] }, "#,
    r#"Index { name: "ix_every_attr_slug", columns: ["slug"], unique: true, predicate: None, "#,
    r#"dialects: [] }, Index { name: "ix_every_attr_user_id", columns: ["user_id"], "#,
    r#"unique: false, predicate: None, dialects: [] }, Index { name: "ix_named", "#,
    r#"columns: ["title", "part"], unique: true, predicate: None, dialects: [] }, "#,
    r#"Index { name: "ix_every_attr_title", columns: ["title"], unique: false, "#,
    r#"predicate: Some("part > 0"), dialects: [Postgres, Sqlite] }], "#,
    r#"uniques: [Unique { name: "uq_every_attr_serial", columns: ["serial"] }, "#,
    r#"Unique { name: "uq_every_attr_code_part", columns: ["code", "part"] }, "#,
    r#"Unique { name: "uq_named", columns: ["label"] }], "#,
    r#"foreign_keys: [ForeignKey { name: "fk_every_attr_owner_id_owners", "#,
    r#"columns: ["owner_id"], ref_table: QName { schema: Some("app"), name: "owners" }, "#,
    r#"ref_columns: ["id"], on_delete: Some(Cascade), on_update: Some(SetNull), "#,
    r#"deferrable: false }, ForeignKey { name: "fk_every_attr_user_id_users", "#,
    r#"columns: ["user_id"], ref_table: QName { schema: None, name: "users" }, "#,
    r#"ref_columns: ["id"], on_delete: None, on_update: None, deferrable: false }, "#,
    r#"ForeignKey { name: "fk_every_attr_owner_id_part_owners", columns: ["owner_id", "part"], "#,
    r#"ref_table: QName { schema: Some("app"), name: "owners" }, ref_columns: ["id", "part"], "#,
    r#"on_delete: Some(SetDefault), on_update: Some(Restrict), deferrable: true }, "#,
    r#"ForeignKey { name: "fk_named", columns: ["label"], ref_table: QName { schema: None, "#,
    r#"name: "labels" }, ref_columns: ["name"], on_delete: None, on_update: None, "#,
    r#"deferrable: false }], checks: [Check { name: "ck_named", expr: "part >= 0" }, "#,
    r#"Check { name: "ck_every_attr_length_title_2", expr: "length(title) > 2" }], "#,
    r#"renamed_from: ["every_old"], convention_names: ["uq_every_attr_serial", "#,
    r#""ix_every_attr_rank", "uq_every_attr_slug", "ix_every_attr_slug", "#,
    r#""ix_every_attr_user_id", "ix_every_attr_title", "uq_every_attr_code_part"], "#,
    r#"dependents: [] }"#,
);

#[test]
fn static_description_builds_the_table_the_builder_expansion_built() {
    assert_eq!(
        format!("{:?}", EveryAttribute::table()),
        EVERY_ATTRIBUTE_BEFORE
    );
    let registered = retort::registrations()
        .find(|r| r.struct_name() == "EveryAttribute")
        .unwrap();
    assert_eq!(registered.table(), EveryAttribute::table());
    assert_eq!(
        EveryAttribute::FIELDS.iter().find(|(c, _)| *c == "title"),
        Some(&("title", "heading"))
    );
}

/// The derive's text form carries any string: lengths in bytes (multi-byte characters), and the
/// format's own marks (`:`, `~`, `*`, `;`, digits) and quotes, backslashes and newlines inside
/// names, comments, defaults and expressions.
#[derive(retort::Table)]
#[table(
    name = "odd:~*;1",
    schema = "s~2",
    comment = "naïve \"quoted\"\nsecond line \\ 3:"
)]
#[table(check(name = "ck_odd", expr = "price >= 0 AND label <> '~*;'"))]
#[table(index(name = "ix:odd", columns = ["ünïcode"], where = "ünïcode IS NOT NULL"))]
pub struct Odd {
    #[column(primary_key)]
    pub id: i64,
    #[column(name = "ünïcode", length = 12, comment = "12:", server_default = "'~'")]
    pub unicode: Option<String>,
    #[column(sql_type = "NUMERIC(10, 2)", renamed_from = "2*old")]
    pub price: f64,
    pub label: String,
}

#[test]
fn odd_strings_round_trip() {
    let t = Odd::table();
    assert_eq!(t.name, "odd:~*;1");
    assert_eq!(t.schema.as_deref(), Some("s~2"));
    assert_eq!(
        t.comment.as_deref(),
        Some("naïve \"quoted\"\nsecond line \\ 3:")
    );
    let u = col(&t, "ünïcode");
    assert_eq!(u.ty, SqlType::Varchar(12));
    assert!(u.nullable);
    assert_eq!(u.comment.as_deref(), Some("12:"));
    assert_eq!(u.default.as_deref(), Some("'~'"));
    let p = col(&t, "price");
    assert_eq!(p.ty, SqlType::Custom("NUMERIC(10, 2)".into()));
    assert_eq!(p.renamed_from, ["2*old"]);
    assert!(!p.nullable);
    assert_eq!(
        t.checks,
        [Check {
            name: "ck_odd".into(),
            expr: "price >= 0 AND label <> '~*;'".into()
        }]
    );
    assert_eq!(t.indexes.len(), 1);
    assert_eq!(t.indexes[0].name, "ix:odd");
    assert_eq!(t.indexes[0].columns, ["ünïcode"]);
    assert_eq!(
        t.indexes[0].predicate.as_deref(),
        Some("ünïcode IS NOT NULL")
    );
    assert_eq!(
        t.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "ünïcode", "price", "label"]
    );
}
