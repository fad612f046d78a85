#[derive(retort::Table)]
#[table(primary_key = ["post_id", "tag"])]
struct PostTag {
    post_id: i64,
    tag_id: i64,
}

fn main() {}
