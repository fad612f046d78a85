//! Passwords never printed: URLs and any text that may hold one (error messages, configuration
//! lines, panic messages) redacted before they are shown.

/// `url` with its password (in the user info or a `password=` parameter) replaced by `***`.
///
/// Users write passwords with `/`, `?`, `#` or `@` in them without percent-encoding them, so
/// the user info is not cut at the first `/`: it runs to the last `@` before the first `/`
/// that follows an `@`.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let auth_start = scheme_end + 3;
        if let Some((colon, at)) = userinfo_password(&out[auth_start..]) {
            out.replace_range(auth_start + colon + 1..auth_start + at, "***");
        }
    }
    if let Some(q) = out.find('?') {
        let (base, query) = out.split_at(q + 1);
        let query = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if is_secret_key(k) => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&");
        out = format!("{base}{query}");
    }
    out
}

/// In the text after `scheme://`: the byte offsets of the colon that starts the password and
/// of the `@` that ends it, if the text has user info with a password.
fn userinfo_password(rest: &str) -> Option<(usize, usize)> {
    let first_at = rest.find('@')?;
    // The last `@` before the first `/` after the first `@` (a password may hold `@` and `/`).
    let after = &rest[first_at..];
    let stop = after.find('/').map_or(rest.len(), |i| first_at + i);
    let at = rest[..stop].rfind('@')?;
    let colon = rest[..at].find(':')?;
    let user = &rest[..colon];
    // `sqlite://app.db failed: bob@x` is no user info: a user name has no space or slash.
    if user.contains(|c: char| c.is_whitespace() || c == '/') {
        return None;
    }
    Some((colon, at))
}

fn is_secret_key(k: &str) -> bool {
    let k = k.trim().to_ascii_lowercase();
    k == "password" || k == "pass" || k == "pwd" || k.ends_with("password") || k == "sslkey"
}

/// `text` (an error message, a configuration line, a panic message) with the password of
/// every URL in it replaced by `***`: the last line of defence before anything is printed.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&redact_line(line));
    }
    out
}

fn redact_line(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("://") {
        // The URL starts at its scheme.
        let start = rest[..i]
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |(p, c)| p + c.len_utf8());
        out.push_str(&rest[..start]);
        let url = &rest[start..];
        // The password runs to its `@`, whatever it holds; the query to the first blank.
        let mut end = url.len();
        if let Some((_, at)) = userinfo_password(&url[i - start + 3..]) {
            let host_from = i - start + 3 + at;
            end = url[host_from..]
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`'))
                .map_or(url.len(), |p| host_from + p);
        } else if let Some(p) =
            url.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`'))
        {
            end = p;
        }
        out.push_str(&redact_url(&url[..end]));
        rest = &url[end..];
    }
    out.push_str(rest);
    out
}

/// The password of `url` removed from a driver message, should the driver quote it.
pub(crate) fn scrub(message: &str, url: &str) -> String {
    let redacted = redact_url(url);
    let mut m = message.replace(url, &redacted);
    if let Some(pw) = password_of(url) {
        if !pw.is_empty() {
            m = m.replace(&pw, "***");
        }
    }
    m
}

fn password_of(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    Some(userinfo.split_once(':')?.1.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://bob:s3cr:et@db.example:5432/app"),
            "postgres://bob:***@db.example:5432/app"
        );
        assert_eq!(
            redact_url("mysql://root@127.0.0.1:3306/test"),
            "mysql://root@127.0.0.1:3306/test"
        );
        assert_eq!(
            redact_url("postgres://db/app?user=x&password=hunter2&sslmode=require"),
            "postgres://db/app?user=x&password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("sqlite://app.db?mode=rwc"),
            "sqlite://app.db?mode=rwc"
        );
        assert_eq!(
            redact_url("postgres://u:p/ss?#w@127.0.0.1:1/db"),
            "postgres://u:***@127.0.0.1:1/db"
        );
        assert_eq!(
            redact_url("postgres://u:a/b@c@host/db?x=1"),
            "postgres://u:***@host/db?x=1"
        );
        assert_eq!(
            redact_text("1 | database_url = \"postgres://u:s3 cr3t@h/db\n  |   ^ here"),
            "1 | database_url = \"postgres://u:***@h/db\n  |   ^ here"
        );
        assert_eq!(
            redact_text("cannot open sqlite://app.db (bob@example said no)"),
            "cannot open sqlite://app.db (bob@example said no)"
        );
        assert_eq!(
            redact_text("a mysql://r:x@h/d?sslpassword=k&y=2 and postgres://q@h"),
            "a mysql://r:***@h/d?sslpassword=***&y=2 and postgres://q@h"
        );
        assert_eq!(
            scrub("bad password hunter2 for bob", "postgres://bob:hunter2@h/d"),
            "bad password *** for bob"
        );
    }
}
