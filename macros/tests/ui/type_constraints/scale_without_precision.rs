#[derive(retort::Table)]
struct Price {
    #[column(primary_key)]
    id: i64,
    #[column(scale = 2)]
    amount: rust_decimal::Decimal,
}

fn main() {}
