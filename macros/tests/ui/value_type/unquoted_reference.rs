#[derive(retort::Table)]
struct Post {
    #[column(primary_key)]
    id: i64,
    #[column(references = users.id)]
    author_id: i64,
}

fn main() {}
