#[derive(retort::Table)]
#[table(index(columns = ["state"], where = "state = 0", dialects = ["postgress", "sqlite", "sqlite"]))]
#[table(index(columns = ["state"], dialects = []))]
#[table(index(columns = ["state"], dialects = "postgres"))]
struct Job {
    #[column(primary_key)]
    id: i64,
    state: i32,
}

fn main() {}
