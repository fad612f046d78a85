use std::collections::HashMap;

#[derive(retort::Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    settings: HashMap<String, String>,
}

fn main() {}
