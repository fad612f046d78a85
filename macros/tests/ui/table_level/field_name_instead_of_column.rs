#[derive(retort::Table)]
#[table(unique(columns = ["mail"]))]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(name = "email_address")]
    mail: String,
}

fn main() {}
