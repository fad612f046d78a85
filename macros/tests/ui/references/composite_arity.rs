#[derive(retort::Table)]
#[table(foreign_key(columns = ["org_id", "user_id"], references = "members(org_id)"))]
struct Grant {
    #[column(primary_key)]
    id: i64,
    org_id: i64,
    user_id: i64,
}

fn main() {}
