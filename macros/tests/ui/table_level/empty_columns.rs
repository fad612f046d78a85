#[derive(retort::Table)]
#[table(index(columns = []))]
struct User {
    #[column(primary_key)]
    id: i64,
}

fn main() {}
