//! `schema [--dialect D]`: the models' target schema, described or as CREATE statements.

use std::io::Write;

use retort_schema::Dialect;

use crate::cli::DialectArg;
use crate::error::{AppError, ExitCode};
use crate::session::Session;
use crate::style::say;

pub(crate) fn schema(
    session: &Session<'_>,
    dialect: Option<DialectArg>,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let schema = session.target_schema()?;
    match dialect {
        Some(d) => {
            let d = match d {
                DialectArg::Sqlite => Dialect::Sqlite,
                DialectArg::Postgres => Dialect::Postgres,
                DialectArg::Mysql => Dialect::Mysql,
            };
            for st in retort_sql::create_schema(&schema, d) {
                let sql = st.sql.trim_end();
                let sql = sql.strip_suffix(';').unwrap_or(sql);
                say!(out, "{sql};");
            }
        }
        None => {
            let _ = write!(out, "{}", crate::describe::schema(&schema));
        }
    }
    Ok(ExitCode::Success)
}
