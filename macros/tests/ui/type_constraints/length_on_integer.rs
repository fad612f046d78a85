#[derive(retort::Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(length = 3)]
    age: i32,
}

fn main() {}
