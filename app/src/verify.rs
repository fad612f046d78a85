//! `verify`: the history up, down and up again on a scratch database.

use std::io::Write;

use crate::commands::Env;
use crate::{AppError, ExitCode};

pub(crate) async fn verify_cmd(
    _env: &Env<'_>,
    _scratch: Option<&str>,
    _out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    Err(AppError::Failed("verify: not written yet".to_string()))
}
