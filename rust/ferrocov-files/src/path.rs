//! Path naming as coverage.py does it: absolute, symlink-free names
//! (`abs_file`), names found through the import path (`canonical_filename`),
//! names relative to the starting directory (`relative_filename`), and the
//! source file behind a bytecode file (`source_for_file`).
//!
//! Python's `os.path.realpath` is non-strict: missing components are kept as
//! written, so `std::fs::canonicalize` (which fails on them) can't be used.
use std::collections::HashMap;
use std::path::Path;

/// The platform's path separator, as `os.sep`.
pub const OS_SEP: char = std::path::MAIN_SEPARATOR;

/// `os.path.normcase`: identity on POSIX, lower-case with backslashes on Windows.
pub fn normcase(path: &str) -> String {
    if cfg!(windows) {
        path.replace('/', "\\").to_lowercase()
    } else {
        path.to_string()
    }
}

/// The current directory as Python's `os.getcwd()` reports it (already physical).
pub fn current_dir() -> String {
    std::env::current_dir().map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".to_string())
}

/// `os.path.join` for two POSIX components.
pub fn join(base: &str, name: &str) -> String {
    if name.starts_with('/') || base.is_empty() {
        name.to_string()
    } else if base.ends_with('/') {
        format!("{base}{name}")
    } else {
        format!("{base}/{name}")
    }
}

/// `posixpath.normpath`: collapse `.`, `..` and repeated slashes without touching the disk.
pub fn normpath(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    // POSIX keeps exactly two leading slashes; one or three-plus become one.
    let lead = if path.starts_with("//") && !path.starts_with("///") {
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
            ".." => {
                if !lead.is_empty() && parts.is_empty() {
                    continue;
                }
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let body = parts.join("/");
    let out = format!("{lead}{body}");
    if out.is_empty() {
        ".".to_string()
    } else {
        out
    }
}

/// `os.path.abspath`: join with the current directory, then normalize.
pub fn abspath(path: &str) -> String {
    if path.starts_with('/') {
        normpath(path)
    } else {
        normpath(&join(&current_dir(), path))
    }
}

/// `os.path.dirname`.
pub fn dirname(path: &str) -> String {
    let cut = path.rfind('/').map(|i| i + 1).unwrap_or(0);
    let head = &path[..cut];
    if !head.is_empty() && head.chars().any(|c| c != '/') {
        head.trim_end_matches('/').to_string()
    } else {
        head.to_string()
    }
}

/// `os.path.basename`.
pub fn basename(path: &str) -> &str {
    path.rfind('/').map(|i| &path[i + 1..]).unwrap_or(path)
}

/// `os.path.realpath(path)` in its default, non-strict form.
pub fn realpath(path: &str) -> String {
    let start = if path.starts_with('/') { path.to_string() } else { join(&current_dir(), path) };
    let mut seen: HashMap<String, Option<String>> = HashMap::new();
    let (resolved, _) = join_real("/", &start, &mut seen);
    abspath(&resolved)
}

/// Resolve `rest` below the already-resolved `base`, following symlinks.
/// Returns the path and whether resolution completed (false on a symlink loop,
/// where Python gives back the unresolved remainder as it stands).
fn join_real(base: &str, rest: &str, seen: &mut HashMap<String, Option<String>>) -> (String, bool) {
    let mut resolved = base.to_string();
    let mut rest = rest;
    if let Some(stripped) = rest.strip_prefix('/') {
        rest = stripped;
        resolved = "/".to_string();
    }
    let comps: Vec<&str> = rest.split('/').collect();
    for (i, name) in comps.iter().enumerate() {
        match *name {
            "" | "." => continue,
            ".." => {
                resolved = parent_of(&resolved);
                continue;
            }
            _ => {}
        }
        let newpath = join(&resolved, name);
        match seen.get(&newpath) {
            Some(Some(target)) => {
                resolved = target.clone();
                continue;
            }
            Some(None) => {
                // A loop: give back what we have plus the rest, untouched.
                return (join(&newpath, &comps[i + 1..].join("/")), false);
            }
            None => {}
        }
        let is_link = std::fs::symlink_metadata(&newpath).map(|m| m.file_type().is_symlink()).unwrap_or(false);
        if !is_link {
            resolved = newpath;
            continue;
        }
        let target = match std::fs::read_link(&newpath) {
            Ok(t) => t.to_string_lossy().into_owned(),
            Err(_) => {
                resolved = newpath;
                continue;
            }
        };
        seen.insert(newpath.clone(), None);
        let (inner, ok) = join_real(&resolved, &target, seen);
        if !ok {
            let remainder = comps[i + 1..].join("/");
            return (join(&inner, &remainder), false);
        }
        seen.insert(newpath, Some(inner.clone()));
        resolved = inner;
    }
    (resolved, true)
}

fn parent_of(path: &str) -> String {
    if path == "/" {
        return "/".to_string();
    }
    let d = dirname(path);
    if d.is_empty() {
        "/".to_string()
    } else {
        d
    }
}

/// coverage's `abs_file`: absolute, normalized, symlinks resolved.
pub fn abs_file(path: &str) -> String {
    actual_path(&abspath(&realpath(path)))
}

/// coverage's `actual_path`: the on-disk case of a path. Only Windows has a
/// case-insensitive file system where it differs; elsewhere it is the path itself.
pub fn actual_path(path: &str) -> String {
    path.to_string()
}

/// Does a path exist (following symlinks), like `os.path.exists`?
pub fn exists(path: &str) -> bool {
    !path.is_empty() && !path.contains('\0') && Path::new(path).exists()
}

/// Is a path a directory (following symlinks), like `os.path.isdir`?
pub fn is_dir(path: &str) -> bool {
    !path.is_empty() && !path.contains('\0') && Path::new(path).is_dir()
}

/// coverage's `canonical_filename` without its process-wide cache: a relative
/// name is looked for in the current directory and then each `sys.path`
/// entry, the first hit wins; the result is made absolute with `abs_file`.
pub fn canonical_filename(filename: &str, sys_path: &[String]) -> String {
    let mut found = filename.to_string();
    if !filename.starts_with('/') {
        let candidates = std::iter::once(".").chain(sys_path.iter().map(String::as_str));
        for dir in candidates {
            let f = join(dir, filename);
            if exists(&f) {
                found = f;
                break;
            }
        }
    }
    abs_file(&found)
}

/// A memo of `canonical_filename`, as coverage keeps one per relative directory.
#[derive(Debug, Default)]
pub struct CanonicalCache {
    names: HashMap<String, String>,
}

impl CanonicalCache {
    pub fn get(&mut self, filename: &str, sys_path: &[String]) -> String {
        if let Some(hit) = self.names.get(filename) {
            return hit.clone();
        }
        let name = canonical_filename(filename, sys_path);
        self.names.insert(filename.to_string(), name.clone());
        name
    }
}

/// The directory `relative_filename` strips: the normalized current directory
/// with a trailing separator, fixed when measurement starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelativeDir(String);

impl RelativeDir {
    /// `set_relative_directory()`: capture the current directory now.
    pub fn from_cwd() -> Self {
        Self::from_dir(".")
    }

    /// The relative directory for an explicit directory.
    pub fn from_dir(dir: &str) -> Self {
        let mut abs = abs_file(dir);
        if !abs.ends_with(OS_SEP) {
            abs.push(OS_SEP);
        }
        RelativeDir(normcase(&abs))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// coverage's `relative_filename`: strip this directory if the name is under it.
    pub fn relative_filename(&self, filename: &str) -> String {
        if normcase(filename).starts_with(&self.0) {
            filename[self.0.len()..].to_string()
        } else {
            filename.to_string()
        }
    }
}

/// coverage's `source_for_file`: the source file to credit for a traced file name.
pub fn source_for_file(filename: &str) -> String {
    if filename.ends_with(".py") {
        return filename.to_string();
    }
    if filename.ends_with(".pyc") || filename.ends_with(".pyo") {
        let py = &filename[..filename.len() - 1];
        if cfg!(windows) && !exists(py) {
            let pyw = format!("{py}w");
            if exists(&pyw) {
                return pyw;
            }
        }
        return py.to_string();
    }
    filename.to_string()
}

/// coverage's `sep`: the first separator used in a string, else the OS one.
pub fn sep(s: &str) -> char {
    s.chars().find(|c| *c == '/' || *c == '\\').unwrap_or(OS_SEP)
}

/// How Windows decides absoluteness changed in Python 3.13: before it, a
/// single leading backslash counted as absolute; from 3.13 it does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NtAbsRule {
    /// Python 3.13 and later.
    #[default]
    DriveOrUnc,
    /// Python 3.12 and earlier.
    LegacyLeadingSlash,
}

/// `ntpath.isabs(s) or posixpath.isabs(s)`.
pub fn isabs_anywhere(s: &str, rule: NtAbsRule) -> bool {
    if s.starts_with('/') {
        return true;
    }
    let head: String = s.chars().take(3).map(|c| if c == '/' { '\\' } else { c }).collect();
    let drive_root = head.chars().skip(1).take(2).collect::<String>() == ":\\";
    match rule {
        NtAbsRule::DriveOrUnc => drive_root || head.starts_with("\\\\"),
        NtAbsRule::LegacyLeadingSlash => drive_root || head.starts_with('\\'),
    }
}

/// `zip_location`: split a path inside an existing zip-like archive.
pub fn zip_location(filename: &str) -> Option<(String, String)> {
    let s = sep(filename);
    for ext in [".zip", ".whl", ".egg", ".pex", ".par"] {
        let marker = format!("{ext}{s}");
        if let Some(i) = filename.find(&marker) {
            let zipfile = format!("{}{ext}", &filename[..i]);
            if exists(&zipfile) {
                return Some((zipfile, filename[i + marker.len()..].to_string()));
            }
        }
    }
    None
}

/// `source_exists`: the file exists, or lives inside an existing archive.
pub fn source_exists(path: &str) -> bool {
    exists(path) || zip_location(path).is_some()
}

/// `inspect.getmodulename`: strip the longest import suffix from the base name.
pub fn module_name_from_path(path: &str, suffixes: &[String]) -> Option<String> {
    let base = basename(path);
    let mut sorted: Vec<&String> = suffixes.iter().collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    sorted.into_iter().find(|sfx| base.ends_with(sfx.as_str())).map(|sfx| base[..base.len() - sfx.len()].to_string())
}

impl RelativeDir {
    /// A relative directory already in its stored form (normalized, with the
    /// trailing separator), as Python code that captured it passes it back.
    pub fn from_prepared(dir: String) -> Self {
        RelativeDir(dir)
    }
}
