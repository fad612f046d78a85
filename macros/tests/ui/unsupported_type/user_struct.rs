pub struct Money {
    pub cents: i64,
}

#[derive(retort::Table)]
struct Order {
    #[column(primary_key)]
    id: i64,
    total: Option<Money>,
}

fn main() {}
