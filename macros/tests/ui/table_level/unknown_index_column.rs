#[derive(retort::Table)]
#[table(index(columns = ["emial"]))]
struct User {
    #[column(primary_key)]
    id: i64,
    email: String,
}

fn main() {}
