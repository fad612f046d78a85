#[derive(retort::Table)]
struct User {
    #[column(primary_key, frobnicate)]
    id: i64,
}

fn main() {}
