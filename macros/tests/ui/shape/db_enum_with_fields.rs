#[derive(retort::DbEnum)]
enum Shape {
    Circle(f64),
    Square,
}

fn main() {}
