#[derive(retort::Table)]
#[table(foreign_key(columns = ["org_id"], references = "orgs.id"))]
struct Grant {
    #[column(primary_key)]
    id: i64,
    org_id: i64,
}

fn main() {}
