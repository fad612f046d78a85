#[derive(retort::Table)]
struct File {
    #[column(primary_key)]
    id: i64,
    #[column(length = 1024)]
    content: Option<Vec<u8>>,
}

fn main() {}
