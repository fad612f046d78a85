//! Attribute names, in one place (serde's `symbol.rs`).

pub const TABLE: &str = "table";
pub const COLUMN: &str = "column";
pub const DB_ENUM: &str = "db_enum";

pub const NAME: &str = "name";
pub const SCHEMA: &str = "schema";
pub const COMMENT: &str = "comment";
pub const RENAMED_FROM: &str = "renamed_from";
pub const PRIMARY_KEY: &str = "primary_key";
pub const PRIMARY_KEY_NAME: &str = "primary_key_name";
pub const INDEX: &str = "index";
pub const UNIQUE: &str = "unique";
pub const CHECK: &str = "check";
pub const FOREIGN_KEY: &str = "foreign_key";
pub const COLUMNS: &str = "columns";
pub const WHERE: &str = "where";
pub const DIALECTS: &str = "dialects";
pub const EXPR: &str = "expr";
pub const REFERENCES: &str = "references";
pub const ON_DELETE: &str = "on_delete";
pub const ON_UPDATE: &str = "on_update";
pub const DEFERRABLE: &str = "deferrable";
pub const AUTOINCREMENT: &str = "autoincrement";
pub const LENGTH: &str = "length";
pub const PRECISION: &str = "precision";
pub const SCALE: &str = "scale";
pub const SQL_TYPE: &str = "sql_type";
pub const NULLABLE: &str = "nullable";
pub const SERVER_DEFAULT: &str = "server_default";
pub const SKIP: &str = "skip";
pub const RENAME: &str = "rename";

/// Keys of `#[table(..)]`.
pub const TABLE_KEYS: &[&str] = &[
    NAME,
    SCHEMA,
    COMMENT,
    RENAMED_FROM,
    PRIMARY_KEY,
    PRIMARY_KEY_NAME,
    INDEX,
    UNIQUE,
    CHECK,
    FOREIGN_KEY,
];

/// Keys of `#[column(..)]`.
pub const COLUMN_KEYS: &[&str] = &[
    NAME,
    PRIMARY_KEY,
    AUTOINCREMENT,
    LENGTH,
    PRECISION,
    SCALE,
    SQL_TYPE,
    NULLABLE,
    UNIQUE,
    INDEX,
    REFERENCES,
    ON_DELETE,
    ON_UPDATE,
    SERVER_DEFAULT,
    COMMENT,
    RENAMED_FROM,
    SKIP,
];

pub const INDEX_KEYS: &[&str] = &[NAME, COLUMNS, UNIQUE, WHERE, DIALECTS];
pub const UNIQUE_KEYS: &[&str] = &[NAME, COLUMNS];
pub const CHECK_KEYS: &[&str] = &[NAME, EXPR];
pub const FOREIGN_KEY_KEYS: &[&str] =
    &[NAME, COLUMNS, REFERENCES, ON_DELETE, ON_UPDATE, DEFERRABLE];
pub const DB_ENUM_KEYS: &[&str] = &[NAME];
pub const DB_ENUM_VARIANT_KEYS: &[&str] = &[RENAME];

/// The referential actions, as written in attributes.
pub const FK_ACTIONS: &[&str] = &[
    "cascade",
    "set null",
    "set default",
    "restrict",
    "no action",
];
