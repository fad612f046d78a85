//! How revisions and directions are written in messages, the same in every one.

use retort_revision::Direction;

/// The version table's rows as messages show them (`<base>` when empty).
pub(crate) fn show_rows(rows: &[String]) -> String {
    if rows.is_empty() {
        "<base>".to_string()
    } else {
        rows.join(", ")
    }
}

/// `upgrade` or `downgrade`.
pub(crate) fn direction_word(d: Direction) -> &'static str {
    match d {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    }
}
