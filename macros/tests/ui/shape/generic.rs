#[derive(retort::Table)]
struct Wrapper<T> {
    #[column(primary_key)]
    id: i64,
    value: T,
}

fn main() {}
