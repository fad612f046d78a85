#[derive(retort::Table)]
enum Status {
    Active,
    Banned,
}

fn main() {}
