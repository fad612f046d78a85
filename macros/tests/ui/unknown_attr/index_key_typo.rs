#[derive(retort::Table)]
#[table(index(colums = ["email"]))]
struct User {
    #[column(primary_key)]
    id: i64,
    email: String,
}

fn main() {}
