#[derive(retort::DbEnum)]
#[db_enum(nam = "status")]
enum Status {
    Active,
    #[db_enum(renam = "gone")]
    Deleted,
}

fn main() {}
