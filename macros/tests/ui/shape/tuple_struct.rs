#[derive(retort::Table)]
struct User(i64, String);

fn main() {}
