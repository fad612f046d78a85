//! `database create` / `database drop`, as sqlx-cli has them: the SQLite file, or the
//! PostgreSQL / MySQL database named by the URL's path (through the server's maintenance
//! database: `postgres` on PostgreSQL, none on MySQL/MariaDB).

use std::io::Write;
use std::path::PathBuf;

use retort_runner::{redact_url, Db};
use retort_schema::Dialect;

use crate::error::{AppError, ExitCode};
use crate::session::{dialect_of, sqlite_file, Session};
use crate::style::say;

/// What a URL names: a SQLite file, or a database on a server.
enum Target {
    /// `None`: an in-memory database.
    Sqlite(Option<PathBuf>),
    Server(Server),
}

/// A database on a PostgreSQL or MySQL/MariaDB server.
struct Server {
    dialect: Dialect,
    /// The URL of the server's maintenance database.
    admin_url: String,
    name: String,
}

fn target(url: &str) -> Result<Target, AppError> {
    let dialect = dialect_of(url)?;
    if dialect == Dialect::Sqlite {
        return Ok(Target::Sqlite(sqlite_file(url).flatten()));
    }
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[authority_start..]
        .find('/')
        .map(|i| authority_start + i)
        .unwrap_or(base.len());
    let name = base[path_start..].trim_start_matches('/').to_string();
    if name.is_empty() || name.contains('/') {
        return Err(AppError::Usage(format!(
            "the URL `{}` names no database: end it with /NAME",
            redact_url(url)
        )));
    }
    let mut admin_url = base[..path_start].to_string();
    if dialect == Dialect::Postgres {
        admin_url.push_str(if name == "postgres" {
            "/template1"
        } else {
            "/postgres"
        });
    }
    if !query.is_empty() {
        admin_url.push('?');
        admin_url.push_str(query);
    }
    Ok(Target::Server(Server {
        dialect,
        admin_url,
        name,
    }))
}

async fn admin(admin_url: &str) -> Result<Db, AppError> {
    Ok(Db::connect(admin_url).await?)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Create,
    Drop,
}

/// `CREATE DATABASE` / `DROP DATABASE` of `name` through the server's maintenance database,
/// unless it already exists / does not exist (said either way).
async fn on_server(server: &Server, change: Change, out: &mut dyn Write) -> Result<(), AppError> {
    let (dialect, name) = (server.dialect, server.name.as_str());
    let q = retort_sql::quote_ident(name, dialect);
    let mut db = admin(&server.admin_url).await?;
    let r = async {
        let create = change == Change::Create;
        if exists(&mut db, dialect, name).await? == create {
            let state = if create {
                "already exists"
            } else {
                "does not exist"
            };
            say!(out, "The database {name} {state}");
            return Ok(());
        }
        let (statement, done) = if create {
            ("CREATE", "Created")
        } else {
            ("DROP", "Dropped")
        };
        db.execute(&format!("{statement} DATABASE {q}")).await?;
        say!(out, "{done} the database {name}");
        Ok::<_, AppError>(())
    }
    .await;
    let _ = db.close().await;
    r
}

/// `database create`: creates the database if it does not exist (exit 0 either way).
pub(crate) async fn create(
    session: &Session<'_>,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let url = session.url()?;
    match target(&url)? {
        Target::Sqlite(None) => say!(out, "an in-memory SQLite database needs no creating"),
        Target::Sqlite(Some(p)) => {
            if p.exists() {
                say!(out, "The database file {} already exists", p.display());
            } else {
                if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| AppError::Io {
                        path: dir.to_path_buf(),
                        source,
                    })?;
                }
                // An empty file is an empty SQLite database.
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&p)
                    .map_err(|source| AppError::Io {
                        path: p.clone(),
                        source,
                    })?;
                say!(out, "Created the database file {}", p.display());
            }
        }
        Target::Server(server) => on_server(&server, Change::Create, out).await?,
    }
    Ok(ExitCode::Success)
}

async fn exists(db: &mut Db, dialect: Dialect, name: &str) -> Result<bool, AppError> {
    let lit = retort_sql::quote_string(name, dialect);
    let sql = match dialect {
        Dialect::Postgres => format!("SELECT datname FROM pg_database WHERE datname = {lit}"),
        _ => {
            format!("SELECT schema_name FROM information_schema.schemata WHERE schema_name = {lit}")
        }
    };
    Ok(!db.query_strings(&sql).await?.is_empty())
}

/// `database drop`: deletes the database (exit 0 if it did not exist). Asks first on a
/// terminal; elsewhere `-y` is required.
pub(crate) async fn drop(
    session: &Session<'_>,
    yes: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let url = session.url()?;
    let t = target(&url)?;
    let what = match &t {
        Target::Sqlite(None) => {
            say!(out, "an in-memory SQLite database needs no dropping");
            return Ok(ExitCode::Success);
        }
        Target::Sqlite(Some(p)) => format!("the database file {}", p.display()),
        Target::Server(server) => format!("the database {}", server.name),
    };
    if !yes && !confirm(session, &what, out)? {
        return Ok(ExitCode::Failure);
    }
    match t {
        Target::Sqlite(None) => {}
        Target::Sqlite(Some(p)) => {
            if !p.exists() {
                say!(out, "The database file {} does not exist", p.display());
                return Ok(ExitCode::Success);
            }
            std::fs::remove_file(&p).map_err(|source| AppError::Io {
                path: p.clone(),
                source,
            })?;
            // The write-ahead log and shared memory of the same database.
            for ext in ["-wal", "-shm", "-journal"] {
                let mut side = p.clone().into_os_string();
                side.push(ext);
                let _ = std::fs::remove_file(PathBuf::from(side));
            }
            say!(out, "Dropped the database file {}", p.display());
        }
        Target::Server(server) => on_server(&server, Change::Drop, out).await?,
    }
    Ok(ExitCode::Success)
}

/// On a terminal: asks `Drop WHAT? [y/N]` on standard input. Elsewhere: refuses.
fn confirm(session: &Session<'_>, what: &str, out: &mut dyn Write) -> Result<bool, AppError> {
    use std::io::IsTerminal;
    if !(session.ctx.terminal && std::io::stdin().is_terminal()) {
        return Err(AppError::Usage(format!(
            "database drop deletes {what} and all its data: pass -y to confirm (standard input is not a terminal to ask on)"
        )));
    }
    let _ = write!(out, "Drop {what} and all its data? [y/N] ");
    let _ = out.flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| AppError::Failed(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(true)
    } else {
        say!(out, "Not dropped.");
        Ok(false)
    }
}
