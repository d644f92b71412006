//! The few `posixpath` functions the XML report's names go through
//! (`dirname`, `relpath`), reproduced so names come out exactly as
//! coverage.py computes them, including their corner cases.

use crate::error::ReportError;

/// `posixpath.dirname`: everything before the last "/", with trailing
/// slashes removed unless the head is nothing but slashes.
pub(crate) fn dirname(path: &str) -> &str {
    let head = path.rfind('/').map_or("", |slash| &path[..=slash]);
    if !head.is_empty() && !head.chars().all(|ch| ch == '/') {
        head.trim_end_matches('/')
    } else {
        head
    }
}

/// `posixpath.relpath(path, start)` with the process's current directory
/// `cwd` (an absolute path) as the base for relative names, as
/// `os.path.abspath` uses `os.getcwd()`.
pub(crate) fn relpath(path: &str, start: &str, cwd: &str) -> Result<String, ReportError> {
    if path.is_empty() {
        return Err(ReportError::XmlEmptyPath);
    }
    let start_parts = absolute_parts(start, cwd);
    let path_parts = absolute_parts(path, cwd);
    let common = start_parts.iter().zip(&path_parts).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; start_parts.len() - common];
    parts.extend(path_parts[common..].iter().copied());
    if parts.is_empty() {
        return Ok(".".to_owned());
    }
    Ok(parts.join("/"))
}

/// The non-empty components of `os.path.abspath(path)`: joined to `cwd`
/// when relative, then "." and ".." resolved as `normpath` does (".." at
/// the root stays at the root).
fn absolute_parts<'a>(path: &'a str, cwd: &'a str) -> Vec<&'a str> {
    let joined = if path.starts_with('/') { vec![path] } else { vec![cwd, path] };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.into_iter().flat_map(|p| p.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            name => parts.push(name),
        }
    }
    parts
}

/// `"/".join(path.split("/")[:depth])`: Python slice semantics, so a
/// negative depth drops components from the end.
pub(crate) fn first_components(path: &str, depth: i64) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let len = parts.len();
    let keep = match usize::try_from(depth) {
        Ok(depth) => depth.min(len),
        Err(_) => len.saturating_sub(usize::try_from(depth.unsigned_abs()).unwrap_or(usize::MAX)),
    };
    parts[..keep].join("/")
}

/// `text[:-len(tail)]` with Python's rules: counted in characters, and an
/// empty `tail` (or one as long as `text`) leaves nothing.
pub(crate) fn without_last_chars<'a>(text: &'a str, tail: &str) -> &'a str {
    let drop = tail.chars().count();
    let total = text.chars().count();
    if drop == 0 || drop >= total {
        return "";
    }
    let keep = total - drop;
    text.char_indices().nth(keep).map_or(text, |(byte, _)| &text[..byte])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirname_like_posixpath() {
        assert_eq!(dirname("a/b/c.py"), "a/b");
        assert_eq!(dirname("c.py"), "");
        assert_eq!(dirname("/c.py"), "/");
        assert_eq!(dirname("//c.py"), "//");
        assert_eq!(dirname("a//c.py"), "a");
        assert_eq!(dirname("/x/c.py"), "/x");
    }

    #[test]
    fn relpath_like_posixpath() {
        let cwd = "/home/u/proj";
        assert_eq!(relpath("a/b/c.py", "a/b", cwd).unwrap(), "c.py");
        assert_eq!(relpath("a/b/c.py", "a", cwd).unwrap(), "b/c.py");
        assert_eq!(relpath("c.py", ".", cwd).unwrap(), "c.py");
        assert_eq!(relpath("c.py", "", cwd).unwrap(), "c.py");
        assert_eq!(relpath("/other/x/c.py", "", cwd).unwrap(), "../../../other/x/c.py");
        assert_eq!(relpath("/other/x/c.py", "/other", cwd).unwrap(), "x/c.py");
        assert_eq!(relpath("a/./b/../c.py", "a", cwd).unwrap(), "c.py");
        assert_eq!(relpath("a", "a", cwd).unwrap(), ".");
        assert_eq!(relpath("", "a", cwd), Err(ReportError::XmlEmptyPath));
    }

    #[test]
    fn slices_like_python() {
        assert_eq!(first_components("a/b/c", 99), "a/b/c");
        assert_eq!(first_components("a/b/c", 2), "a/b");
        assert_eq!(first_components("a/b/c", 0), "");
        assert_eq!(first_components("a/b/c", -1), "a/b");
        assert_eq!(first_components("a/b/c", -5), "");
        assert_eq!(first_components(".", 1), ".");
        assert_eq!(without_last_chars("/p/ä/x.py", "ä/x.py"), "/p/");
        assert_eq!(without_last_chars("x.py", "x.py"), "");
        assert_eq!(without_last_chars("x.py", ""), "");
        assert_eq!(without_last_chars("x.py", "longer/x.py"), "");
    }
}
