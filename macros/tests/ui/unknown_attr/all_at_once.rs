// Three mistakes, three errors: parsing goes on after the first one.
#[derive(retort::Table)]
#[table(nmae = "users")]
struct User {
    #[column(primary_key, uniqe)]
    id: i64,
    #[column(length = "320")]
    email: String,
}

// No cascade: the struct still implements Model.
fn uses_it() -> retort::schema::Table {
    <User as retort::Model>::table()
}

fn main() {
    let _ = uses_it;
}
