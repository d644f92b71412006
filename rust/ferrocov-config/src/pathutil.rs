//! `os.path.expanduser` and `os.path.abspath` (POSIX rules), so file options
//! and the recorded config file names are spelled as coverage.py spells them.
use crate::envsubst::EnvLookup;

/// `~` and `~user` at the start of `path` become home directories.
pub fn expanduser(path: &str, env: EnvLookup<'_>) -> String {
    let Some(rest) = path.strip_prefix('~') else {
        return path.to_string();
    };
    let split = rest.find('/').unwrap_or(rest.len());
    let (user, tail) = rest.split_at(split);
    let home = if user.is_empty() { env("HOME").or_else(current_user_home) } else { passwd_home(user) };
    let Some(home) = home else {
        return path.to_string();
    };
    let joined = format!("{}{tail}", home.trim_end_matches('/'));
    if joined.is_empty() { "/".into() } else { joined }
}

fn current_user_home() -> Option<String> {
    // Without $HOME Python asks the password database for the current uid.
    let uid = std::fs::read_to_string("/proc/self/status").ok()?.lines().find_map(|line| {
        line.strip_prefix("Uid:").and_then(|v| v.split_whitespace().next()).map(str::to_string)
    })?;
    passwd_entries().find(|fields| fields.get(2) == Some(&uid)).and_then(|f| f.get(5).cloned())
}

fn passwd_home(user: &str) -> Option<String> {
    passwd_entries().find(|fields| fields.first().map(String::as_str) == Some(user)).and_then(|f| f.get(5).cloned())
}

fn passwd_entries() -> impl Iterator<Item = Vec<String>> {
    let text = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let rows: Vec<Vec<String>> = text.lines().map(|l| l.split(':').map(str::to_string).collect()).collect();
    rows.into_iter()
}

/// `os.path.abspath`: joined to the current directory, then normalized
/// lexically (symlinks are not resolved).
pub fn abspath(path: &str) -> String {
    if path.starts_with('/') {
        return normpath(path);
    }
    let cwd = std::env::current_dir().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    normpath(&format!("{cwd}/{path}"))
}

/// `os.path.normpath` for POSIX paths.
pub fn normpath(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    // POSIX keeps exactly two leading slashes; three or more become one.
    let leading = if path.starts_with("//") && !path.starts_with("///") {
        "//"
    } else if path.starts_with('/') {
        "/"
    } else {
        ""
    };
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if !leading.is_empty() => {}
            other => parts.push(other),
        }
    }
    let joined = format!("{leading}{}", parts.join("/"));
    if joined.is_empty() { ".".into() } else { joined }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "HOME").then(|| "/home/me/".to_string())
    }

    #[test]
    fn expands_home() {
        assert_eq!(expanduser("~/data", &env), "/home/me/data");
        assert_eq!(expanduser("~", &env), "/home/me");
        assert_eq!(expanduser("x/~", &env), "x/~");
        assert_eq!(expanduser("~no_such_user_xyz/a", &env), "~no_such_user_xyz/a");
        assert_eq!(expanduser("~root/a", &env), "/root/a");
    }

    #[test]
    fn normalizes() {
        assert_eq!(normpath("/a/./b/../c//d/"), "/a/c/d");
        assert_eq!(normpath("/../a"), "/a");
        assert_eq!(normpath("../a/.."), "..");
        assert_eq!(normpath("//a"), "//a");
        assert_eq!(normpath("///a"), "/a");
        assert!(abspath("x/../y").ends_with("/y"));
    }
}
