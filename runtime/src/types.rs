//! Rust type -> SQL type: the [`ColumnType`] trait and its built-in implementations.

use retort_schema::SqlType;

/// The column attributes that shape a SQL type: `length`, `precision` and `scale` from
/// `#[column(..)]`. Passed to [`ColumnType::sql_type`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TypeArgs {
    /// `#[column(length = n)]`: `String` becomes `VARCHAR(n)`.
    pub length: Option<u32>,
    /// `#[column(precision = p)]`: `NUMERIC(p, ..)`.
    pub precision: Option<u32>,
    /// `#[column(scale = s)]`: `NUMERIC(.., s)`.
    pub scale: Option<u32>,
}

impl TypeArgs {
    /// No arguments: every field `None`.
    pub const fn new() -> Self {
        TypeArgs {
            length: None,
            precision: None,
            scale: None,
        }
    }

    /// Sets `length`.
    pub const fn with_length(mut self, length: Option<u32>) -> Self {
        self.length = length;
        self
    }

    /// Sets `precision`.
    pub const fn with_precision(mut self, precision: Option<u32>) -> Self {
        self.precision = precision;
        self
    }

    /// Sets `scale`.
    pub const fn with_scale(mut self, scale: Option<u32>) -> Self {
        self.scale = scale;
        self
    }
}

/// A Rust type that can be stored in a column: it knows its SQL type.
///
/// `#[derive(Table)]` calls this for every field that has no `sql_type = ".."`.
/// Implement it for your own newtypes:
///
/// ```
/// use retort::schema::SqlType;
/// use retort::{ColumnType, TypeArgs};
///
/// /// An e-mail address, stored as `VARCHAR(320)` unless the field says otherwise.
/// pub struct Email(pub String);
///
/// impl ColumnType for Email {
///     fn sql_type(args: &TypeArgs) -> SqlType {
///         SqlType::Varchar(args.length.unwrap_or(320))
///     }
/// }
///
/// #[derive(retort::Table)]
/// #[table(name = "subscribers")]
/// pub struct Subscriber {
///     #[column(primary_key)]
///     pub id: i64,
///     pub email: Email,
/// }
///
/// use retort::Model;
/// let table = Subscriber::table();
/// assert_eq!(table.column("email").unwrap().ty, SqlType::Varchar(320));
/// ```
///
/// A type whose values may be `NULL` sets [`ColumnType::NULLABLE`] (as `Option<T>` does).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a column type",
    label = "retort does not know the SQL type of `{Self}`",
    note = "implement `retort::ColumnType` for `{Self}`, or give the SQL type with `#[column(sql_type = \"..\")]`, or leave the field out of the table with `#[column(skip)]`"
)]
pub trait ColumnType {
    /// The SQL type of a column holding this Rust type.
    fn sql_type(args: &TypeArgs) -> SqlType;

    /// Whether the column allows `NULL` (true for `Option<T>`).
    const NULLABLE: bool = false;

    /// [`ColumnType::sql_type`] and [`ColumnType::NULLABLE`] in one item: what
    /// `#[derive(Table)]` names for each column, so that a column costs the compiler one
    /// trait resolution rather than two (the models crate's rebuild, BENCHMARKS.md). Not to
    /// be overridden.
    #[doc(hidden)]
    const DESC: ColumnTypeDesc = ColumnTypeDesc {
        sql_type: Self::sql_type,
        nullable: Self::NULLABLE,
    };
}

/// What a column's Rust type gives its description: see [`ColumnType::DESC`].
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct ColumnTypeDesc {
    /// [`ColumnType::sql_type`].
    pub sql_type: fn(&TypeArgs) -> SqlType,
    /// [`ColumnType::NULLABLE`].
    pub nullable: bool,
}

macro_rules! simple {
    ($($ty:ty => $sql:expr),* $(,)?) => {
        $(
            impl ColumnType for $ty {
                fn sql_type(_: &TypeArgs) -> SqlType {
                    $sql
                }
            }
        )*
    };
}

simple! {
    bool => SqlType::Boolean,
    i16 => SqlType::SmallInt,
    i32 => SqlType::Integer,
    i64 => SqlType::BigInt,
    f32 => SqlType::Real,
    f64 => SqlType::Double,
    Vec<u8> => SqlType::Blob,
}

/// `TEXT`, or `VARCHAR(n)` with `#[column(length = n)]`.
impl ColumnType for String {
    fn sql_type(args: &TypeArgs) -> SqlType {
        match args.length {
            Some(n) => SqlType::Varchar(n),
            None => SqlType::Text,
        }
    }
}

/// `T`'s type, `NULL` allowed.
impl<T: ColumnType> ColumnType for Option<T> {
    fn sql_type(args: &TypeArgs) -> SqlType {
        T::sql_type(args)
    }
    const NULLABLE: bool = true;
}

#[cfg(feature = "chrono")]
simple! {
    chrono::NaiveDate => SqlType::Date,
    chrono::NaiveTime => SqlType::Time,
    chrono::NaiveDateTime => SqlType::Timestamp { with_time_zone: false },
    chrono::DateTime<chrono::Utc> => SqlType::Timestamp { with_time_zone: true },
    chrono::DateTime<chrono::FixedOffset> => SqlType::Timestamp { with_time_zone: true },
}

#[cfg(feature = "time")]
simple! {
    time::Date => SqlType::Date,
    time::Time => SqlType::Time,
    time::PrimitiveDateTime => SqlType::Timestamp { with_time_zone: false },
    time::OffsetDateTime => SqlType::Timestamp { with_time_zone: true },
}

#[cfg(feature = "uuid")]
simple! {
    uuid::Uuid => SqlType::Uuid,
}

#[cfg(feature = "json")]
simple! {
    serde_json::Value => SqlType::Json { binary: true },
}

/// `NUMERIC(p, s)` from `#[column(precision = p, scale = s)]` (both optional).
#[cfg(feature = "decimal")]
impl ColumnType for rust_decimal::Decimal {
    fn sql_type(args: &TypeArgs) -> SqlType {
        SqlType::Decimal {
            precision: args.precision,
            scale: args.scale,
        }
    }
}

/// A JSON column holding any serde type: `metadata: Json<Metadata>` is stored as JSON
/// (JSONB on PostgreSQL). Derefs to the inner value.
#[cfg(feature = "json")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Json<T>(pub T);

#[cfg(feature = "json")]
impl<T> Json<T> {
    /// The inner value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

#[cfg(feature = "json")]
impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

#[cfg(feature = "json")]
impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

#[cfg(feature = "json")]
impl<T> From<T> for Json<T> {
    fn from(value: T) -> Self {
        Json(value)
    }
}

#[cfg(feature = "json")]
impl<T: serde::Serialize> serde::Serialize for Json<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

#[cfg(feature = "json")]
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Json<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Json)
    }
}

#[cfg(feature = "json")]
impl<T> ColumnType for Json<T> {
    fn sql_type(_: &TypeArgs) -> SqlType {
        SqlType::Json { binary: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty<T: ColumnType>() -> (SqlType, bool) {
        (T::sql_type(&TypeArgs::new()), T::NULLABLE)
    }

    #[test]
    fn builtin_scalars() {
        assert_eq!(ty::<bool>(), (SqlType::Boolean, false));
        assert_eq!(ty::<i16>(), (SqlType::SmallInt, false));
        assert_eq!(ty::<i32>(), (SqlType::Integer, false));
        assert_eq!(ty::<i64>(), (SqlType::BigInt, false));
        assert_eq!(ty::<f32>(), (SqlType::Real, false));
        assert_eq!(ty::<f64>(), (SqlType::Double, false));
        assert_eq!(ty::<Vec<u8>>(), (SqlType::Blob, false));
    }

    #[test]
    fn string_is_text_or_varchar() {
        assert_eq!(ty::<String>(), (SqlType::Text, false));
        assert_eq!(
            String::sql_type(&TypeArgs::new().with_length(Some(320))),
            SqlType::Varchar(320)
        );
    }

    #[test]
    fn option_is_nullable_and_keeps_the_inner_type() {
        assert_eq!(ty::<Option<i32>>(), (SqlType::Integer, true));
        assert_eq!(
            Option::<String>::sql_type(&TypeArgs::new().with_length(Some(10))),
            SqlType::Varchar(10)
        );
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_types() {
        use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
        assert_eq!(ty::<NaiveDate>().0, SqlType::Date);
        assert_eq!(ty::<NaiveTime>().0, SqlType::Time);
        assert_eq!(
            ty::<NaiveDateTime>().0,
            SqlType::Timestamp {
                with_time_zone: false
            }
        );
        assert_eq!(
            ty::<DateTime<Utc>>().0,
            SqlType::Timestamp {
                with_time_zone: true
            }
        );
        assert_eq!(
            ty::<DateTime<FixedOffset>>().0,
            SqlType::Timestamp {
                with_time_zone: true
            }
        );
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_types() {
        assert_eq!(ty::<time::Date>().0, SqlType::Date);
        assert_eq!(ty::<time::Time>().0, SqlType::Time);
        assert_eq!(
            ty::<time::PrimitiveDateTime>().0,
            SqlType::Timestamp {
                with_time_zone: false
            }
        );
        assert_eq!(
            ty::<time::OffsetDateTime>().0,
            SqlType::Timestamp {
                with_time_zone: true
            }
        );
    }

    #[cfg(feature = "uuid")]
    #[test]
    fn uuid_type() {
        assert_eq!(ty::<uuid::Uuid>(), (SqlType::Uuid, false));
    }

    #[cfg(feature = "json")]
    #[test]
    fn json_types() {
        assert_eq!(ty::<serde_json::Value>().0, SqlType::Json { binary: true });
        assert_eq!(ty::<Json<Vec<String>>>().0, SqlType::Json { binary: true });
        assert_eq!(
            ty::<Option<Json<i32>>>(),
            (SqlType::Json { binary: true }, true)
        );
        let j: Json<Vec<i32>> = serde_json::from_str("[1,2]").unwrap();
        assert_eq!(j.len(), 2);
        assert_eq!(serde_json::to_string(&j).unwrap(), "[1,2]");
    }

    #[cfg(feature = "decimal")]
    #[test]
    fn decimal_takes_precision_and_scale() {
        let args = TypeArgs::new().with_precision(Some(10)).with_scale(Some(2));
        assert_eq!(
            rust_decimal::Decimal::sql_type(&args),
            SqlType::Decimal {
                precision: Some(10),
                scale: Some(2)
            }
        );
        assert_eq!(
            ty::<rust_decimal::Decimal>().0,
            SqlType::Decimal {
                precision: None,
                scale: None
            }
        );
    }
}
