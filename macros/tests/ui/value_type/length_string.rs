#[derive(retort::Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(length = "320")]
    email: String,
}

fn main() {}
