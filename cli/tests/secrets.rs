//! A password never reaches the terminal: malformed `retort.toml` and `.env` files, URLs with
//! unencoded `/ ? # @` or a blank in the password, unreachable servers, a wrong password, clap's
//! own errors and offline SQL — each run through the real `cli` binary, in a folder of its own.
//! Every case asserts the exit code, that the message names the problem, and that no secret
//! appears on stdout or stderr.

mod common;
use common::*;
use std::process::Command;

/// The secret every case hides somewhere; no output may contain it (nor its distinctive core).
const SECRET: &str = "Zq9sEcReT";

struct Case {
    name: &'static str,
    toml: Option<String>,
    dotenv: Option<String>,
    env_url: Option<String>,
    args: Vec<String>,
    /// `Some(code)`: the exit code; 0 for the offline cases that succeed.
    code: i32,
    /// A piece of the message that says what is wrong.
    says: &'static str,
}

fn case(name: &'static str, code: i32, says: &'static str) -> Case {
    Case {
        name,
        toml: None,
        dotenv: None,
        env_url: None,
        args: Vec::new(),
        code,
        says,
    }
}

impl Case {
    fn toml(mut self, t: &str) -> Case {
        self.toml = Some(t.replace("SECRET", SECRET));
        self
    }
    fn dotenv(mut self, t: &str) -> Case {
        self.dotenv = Some(t.replace("SECRET", SECRET));
        self
    }
    fn env_url(mut self, t: &str) -> Case {
        self.env_url = Some(t.replace("SECRET", SECRET));
        self
    }
    fn args(mut self, a: &[&str]) -> Case {
        self.args = a.iter().map(|s| s.replace("SECRET", SECRET)).collect();
        self
    }
}

fn cases() -> Vec<Case> {
    vec![
        case("toml: unterminated string holding the URL", 2, "retort.toml")
            .toml("database_url = \"postgres://app:SECRET@db.internal/app\nversion_table = \"v\"\n")
            .args(&["current"]),
        case("toml: URL in a key of the wrong type", 2, "lock_timeout")
            .toml("lock_timeout = \"postgres://app:SECRET@db.internal/app\"\n")
            .args(&["current"]),
        case("toml: database_url given twice", 2, "retort.toml")
            .toml("database_url = \"postgres://app:SECRET@a/app\"\ndatabase_url = \"postgres://app:SECRET@b/app\"\n")
            .args(&["current"]),
        case("toml: unclosed array on the URL line", 2, "retort.toml")
            .toml("database_url = [\"postgres://app:SECRET@h/app\"\n")
            .args(&["current"]),
        case("toml: misspelt key holding the URL", 2, "database_uri")
            .toml("database_uri = \"postgres://app:SECRET@h/app\"\n")
            .args(&["current"]),
        case("toml: URL as a bare word", 2, "retort.toml")
            .toml("database_url = postgres://app:SECRET@h/app\n")
            .args(&["current"]),
        case("toml: password with / ? # and a refused port", 1, "cannot connect")
            .toml("database_url = \"postgres://app:a/SECRET?#x@127.0.0.1:1/app\"\n")
            .args(&["current"]),
        case("toml: password with a blank", 1, "cannot connect")
            .toml("database_url = \"mysql://app:a SECRET@127.0.0.1:1/app\"\n")
            .args(&["current"]),
        case(".env: line without =", 2, ".env")
            .dotenv("DATABASE_URL postgres://app:SECRET@h/app\n")
            .args(&["current"]),
        case(".env: unterminated double quote", 2, ".env")
            .dotenv("DATABASE_URL=\"postgres://app:SECRET@h/app\n")
            .args(&["current"]),
        case(".env: unterminated single quote", 2, ".env")
            .dotenv("DATABASE_URL='postgres://app:SECRET@h/app\n")
            .args(&["current"]),
        case(".env: a URL where the name should be", 2, ".env")
            .dotenv("postgres://app:SECRET@h/app=1\n")
            .args(&["current"]),
        case(".env: a bare password line", 2, ".env")
            .dotenv("DB_PASSWORD SECRET\n")
            .args(&["current"]),
        case(".env: good URL, refused port", 1, "cannot connect")
            .dotenv("DATABASE_URL=postgres://app:SECRET@127.0.0.1:1/app\n")
            .args(&["current"]),
        case("--url: / in the password", 1, "cannot connect")
            .args(&["--url", "postgres://app:p/SECRET@127.0.0.1:1/app", "current"]),
        case("--url: ? and # in the password", 1, "cannot connect")
            .args(&["--url", "postgres://app:p?SECRET#q@127.0.0.1:1/app", "current"]),
        case("--url: @ in the password", 1, "cannot connect")
            .args(&["--url", "mysql://app:p@SECRET@127.0.0.1:1/app", "current"]),
        case("--url: password query parameter", 1, "cannot connect")
            .args(&["--url", "postgres://127.0.0.1:1/app?user=app&password=SECRET", "current"]),
        case("--url: unsupported scheme", 1, "oracle")
            .args(&["--url", "oracle://scott:SECRET@h/x", "current"]),
        case("--url: no host", 1, "cannot connect")
            .args(&["--url", "postgres://app:SECRET@/app", "current"]),
        case("--url: broken IPv6 host", 1, "cannot connect")
            .args(&["--url", "postgres://app:SECRET@[::1/app", "current"]),
        case("--url: wrong password on the MariaDB server", 1, "cannot connect")
            .args(&["--url", "mysql://root:SECRET@127.0.0.1:3306/test", "check"]),
        case("DATABASE_URL: refused port", 1, "cannot connect")
            .env_url("mysql://app:SECRET@127.0.0.1:1/app")
            .args(&["upgrade", "head"]),
        case("clap: misspelt flag before the URL", 2, "--urll")
            .args(&["--urll", "postgres://app:SECRET@h/app", "current"]),
        case("clap: unknown subcommand after the URL", 2, "bogus")
            .args(&["--url", "postgres://app:SECRET@h/app", "bogus"]),
        case("offline upgrade --sql with a password in the URL", 0, "retort_version")
            .args(&["--url", "postgres://app:SECRET@h/app", "upgrade", "head", "--sql"]),
        case("offline stamp --sql with a password in the URL", 0, "retort_version")
            .args(&["--url", "mysql://app:SECRET@h/app", "stamp", "head", "--sql"]),
        // A read-only command does not create a missing SQLite file: `check` fails naming it,
        // `current` sees an empty database.
        case("sqlite URL with a password parameter", 1, "does not exist")
            .args(&["--url", "sqlite:///nonexistent/dir/x.db?password=SECRET", "check"]),
        case("current on a missing sqlite file with a password parameter", 0, "does not exist")
            .args(&["--url", "sqlite:///nonexistent/dir/x.db?password=SECRET", "current", "-v"]),
    ]
}

#[test]
fn no_secret_in_any_output() {
    let cases = cases();
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for c in &cases {
        let dir = tempfile::tempdir().unwrap();
        if let Some(t) = &c.toml {
            std::fs::write(dir.path().join("retort.toml"), t).unwrap();
        }
        if let Some(t) = &c.dotenv {
            std::fs::write(dir.path().join(".env"), t).unwrap();
        }
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cli"));
        cmd.args(&c.args)
            .current_dir(dir.path())
            .env_remove("DATABASE_URL");
        if let Some(u) = &c.env_url {
            cmd.env("DATABASE_URL", u);
        }
        let o = cmd.output().expect("run the cli binary");
        let out = text(&o);
        let code = o.status.code().unwrap_or(-1);
        let mut why = Vec::new();
        if out.contains(SECRET) || out.contains("sEcReT") {
            why.push("prints the secret".to_string());
        }
        if code != c.code {
            why.push(format!("exit code {code}, expected {}", c.code));
        }
        if !out.contains(c.says) {
            why.push(format!("does not say `{}`", c.says));
        }
        if out.contains("panicked") {
            why.push("panics".to_string());
        }
        // Nothing was written: no database file appeared in the folder.
        let made: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "retort.toml" && n != ".env")
            .collect();
        if !made.is_empty() {
            why.push(format!("wrote {made:?}"));
        }
        if !why.is_empty() {
            failures.push(format!("{}: {}\n{out}", c.name, why.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
