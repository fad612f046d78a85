#[derive(retort::DbEnum)]
enum Status {
    Active,
    #[db_enum(rename = "active")]
    Enabled,
}

fn main() {}
