#[derive(retort::Table)]
struct Price {
    #[column(primary_key)]
    id: i64,
    #[column(precision = 10, scale = 2)]
    amount: String,
}

fn main() {}
