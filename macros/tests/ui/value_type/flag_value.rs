#[derive(retort::Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(unique = "yes")]
    email: String,
}

fn main() {}
