//! The check a user adds to their own test suite: the example models and the example migration
//! history agree (the history is replayed in memory; no database server is needed).

use blog_models as _;

retort::include_migrations!();
retort::schema_test!(migrations());
