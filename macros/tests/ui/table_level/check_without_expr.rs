#[derive(retort::Table)]
#[table(check(name = "ck_users_age"))]
struct User {
    #[column(primary_key)]
    id: i64,
    age: i32,
}

fn main() {}
