use std::fmt;

/// A column type, independent of any dialect.
///
/// Each dialect renders it (and parses its own catalog spelling back into it) in
/// `retort-sql`. `Custom` is the `sql_type = ".."` escape hatch: kept verbatim.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SqlType {
    Boolean,
    SmallInt,
    Integer,
    BigInt,
    /// 4-byte float (`f32`).
    Real,
    /// 8-byte float (`f64`).
    Double,
    /// Unbounded text (`String` without `length`).
    Text,
    /// `VARCHAR(n)` (`String` with `length = n`).
    Varchar(u32),
    /// Bytes (`Vec<u8>`).
    Blob,
    /// `NUMERIC(p, s)`; both optional.
    Decimal {
        precision: Option<u32>,
        scale: Option<u32>,
    },
    Date,
    Time,
    Timestamp {
        with_time_zone: bool,
    },
    Uuid,
    /// JSON; `binary` selects JSONB on PostgreSQL.
    Json {
        binary: bool,
    },
    /// A named enumeration: a PostgreSQL enum type, a MySQL `ENUM(..)`, a CHECK on SQLite.
    Enum {
        name: String,
        values: Vec<String>,
    },
    /// Verbatim SQL type text, used as written on every dialect.
    Custom(String),
}

impl SqlType {
    pub fn is_integer(&self) -> bool {
        matches!(self, SqlType::SmallInt | SqlType::Integer | SqlType::BigInt)
    }

    pub fn is_string(&self) -> bool {
        matches!(self, SqlType::Text | SqlType::Varchar(_))
    }

    /// Types that every supported database accepts on the two ends of a foreign key: the same
    /// type, or two string types (MySQL/MariaDB insist on the same integer width, so `i32`
    /// referencing a `BIGINT` key is not compatible).
    pub fn compatible_for_fk(&self, other: &SqlType) -> bool {
        self == other || (self.is_string() && other.is_string())
    }
}

impl fmt::Display for SqlType {
    /// A neutral, human readable spelling (used in messages and `schema` output).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlType::Boolean => f.write_str("boolean"),
            SqlType::SmallInt => f.write_str("smallint"),
            SqlType::Integer => f.write_str("integer"),
            SqlType::BigInt => f.write_str("bigint"),
            SqlType::Real => f.write_str("real"),
            SqlType::Double => f.write_str("double"),
            SqlType::Text => f.write_str("text"),
            SqlType::Varchar(n) => write!(f, "varchar({n})"),
            SqlType::Blob => f.write_str("blob"),
            SqlType::Decimal {
                precision: Some(p),
                scale: Some(s),
            } => write!(f, "decimal({p}, {s})"),
            SqlType::Decimal {
                precision: Some(p),
                scale: None,
            } => write!(f, "decimal({p})"),
            SqlType::Decimal { .. } => f.write_str("decimal"),
            SqlType::Date => f.write_str("date"),
            SqlType::Time => f.write_str("time"),
            SqlType::Timestamp {
                with_time_zone: false,
            } => f.write_str("timestamp"),
            SqlType::Timestamp {
                with_time_zone: true,
            } => f.write_str("timestamptz"),
            SqlType::Uuid => f.write_str("uuid"),
            SqlType::Json { binary: false } => f.write_str("json"),
            SqlType::Json { binary: true } => f.write_str("jsonb"),
            SqlType::Enum { name, values } => write!(f, "enum {name}({})", values.join(", ")),
            SqlType::Custom(s) => f.write_str(s),
        }
    }
}
