#[derive(retort::Table)]
#[table(unique(columns = ["email"], where = "deleted_at IS NULL"))]
struct User {
    #[column(primary_key)]
    id: i64,
    email: String,
}

fn main() {}
