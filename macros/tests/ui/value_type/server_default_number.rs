#[derive(retort::Table)]
struct Counter {
    #[column(primary_key)]
    id: i64,
    #[column(server_default = 0)]
    hits: i64,
}

fn main() {}
