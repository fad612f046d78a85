#[derive(retort::Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(lenght = 320)]
    email: String,
}

fn main() {}
