#[derive(retort::Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    email: String,
    #[column(name = "email")]
    contact: String,
}

fn main() {}
