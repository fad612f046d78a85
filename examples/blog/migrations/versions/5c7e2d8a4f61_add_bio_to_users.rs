//! add bio to users
//!
//! Revision ID: 5c7e2d8a4f61
//! Revises: 1a0f3c2e9b7d
//! Branch labels:
//! Depends on:
//! Create date: 2026-11-25 09:03:40 UTC

use retort::migration::prelude::*;

pub fn upgrade(m: &mut Migration) {
    m.add_column(
        "users",
        Column::new("bio", SqlType::Text)
            .nullable(true)
            .comment("shown on the profile page"),
    );
}

pub fn downgrade(m: &mut Migration) {
    m.drop_column("users", "bio");
}
