#[derive(retort::Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(skip, length = 10)]
    cache: String,
}

fn main() {}
