//! The example app as it ships: one binary that applies its compiled-in migrations at start-up
//! (README, "To apply migrations from your application at start-up"), then goes on with its
//! work. It needs no source tree and no `retort.toml` where it runs: `DATABASE_URL` says
//! where the database is.

retort::include_migrations!();

#[tokio::main]
async fn main() {
    let Ok(database_url) = std::env::var("DATABASE_URL") else {
        eprintln!("error: set DATABASE_URL (e.g. sqlite://blog.db?mode=rwc)");
        std::process::exit(2);
    };
    match retort::migrate_to_head(&database_url, &migrations()).await {
        Ok(report) => println!(
            "database ready: {} migration(s) applied",
            report.applied.len()
        ),
        Err(e) => {
            eprintln!("error: cannot migrate the database: {e}");
            std::process::exit(1);
        }
    }
}
