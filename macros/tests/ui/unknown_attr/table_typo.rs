#[derive(retort::Table)]
#[table(nmae = "users")]
struct User {
    #[column(primary_key)]
    id: i64,
}

fn main() {}
