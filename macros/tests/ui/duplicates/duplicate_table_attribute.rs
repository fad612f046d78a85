#[derive(retort::Table)]
#[table(name = "users")]
#[table(name = "people")]
struct User {
    #[column(primary_key)]
    id: i64,
}

fn main() {}
