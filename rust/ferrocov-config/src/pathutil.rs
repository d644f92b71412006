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
    if joined.is_empty() {
        "/".into()
    } else {
        joined
    }
}

fn current_user_home() -> Option<String> {
    // Without $HOME Python asks the password database for the current uid.
    let uid = std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("Uid:").and_then(|v| v.split_whitespace().next()).map(str::to_string))?;
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

/// `os.path.abspath` is path naming, which ferrocov-files owns; config
/// resolves its file names the same way.
pub use ferrocov_files::path::abspath;

#[cfg(test)]
mod tests {
    use super::*;
    use ferrocov_files::path::normpath;

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
