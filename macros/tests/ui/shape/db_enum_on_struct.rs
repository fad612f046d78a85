#[derive(retort::DbEnum)]
struct Status {
    label: String,
}

fn main() {}
