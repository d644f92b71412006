//! coverage's `find_python_files`: importable Python files below a directory.
use std::fs;

use crate::path::join;

/// Does a file name look like an importable Python file, not editor debris?
/// (coverage: `[^.#~!$@%^&*()+=,]+\.pyw?`, whole name.)
pub fn looks_like_python_file(name: &str) -> bool {
    let stem = name.strip_suffix(".py").or_else(|| name.strip_suffix(".pyw"));
    match stem {
        Some(stem) => !stem.is_empty() && !stem.chars().any(|c| ".#~!$@%^&*()+=,".contains(c)),
        None => false,
    }
}

/// One directory's listing, split as `os.walk` does (symlinks to directories count as directories).
struct Listing {
    dirs: Vec<String>,
    files: Vec<String>,
}

fn list_dir(dir: &str) -> Option<Listing> {
    let entries = fs::read_dir(dir).ok()?;
    let mut listing = Listing { dirs: Vec::new(), files: Vec::new() };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = fs::metadata(entry.path()).map(|m| m.is_dir()).unwrap_or(false);
        if is_dir {
            listing.dirs.push(name);
        } else {
            listing.files.push(name);
        }
    }
    Some(listing)
}

/// All importable Python files in `dirname`, recursively, in `os.walk` order.
/// Sub-directories must be packages (have `__init__.py`) unless
/// `include_namespace_packages`; `dirname` itself need not be.
pub fn find_python_files(dirname: &str, include_namespace_packages: bool) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dirname.to_string()];
    let mut first = true;
    while let Some(dir) = stack.pop() {
        let is_top = std::mem::replace(&mut first, false);
        let Some(listing) = list_dir(&dir) else { continue };
        if !include_namespace_packages && !is_top && !listing.files.iter().any(|f| f == "__init__.py") {
            continue;
        }
        found.extend(listing.files.iter().filter(|f| looks_like_python_file(f)).map(|f| join(&dir, f)));
        for sub in listing.dirs.iter().rev() {
            let path = join(&dir, sub);
            // os.walk does not descend through symlinked directories.
            let is_link = fs::symlink_metadata(&path).map(|m| m.file_type().is_symlink()).unwrap_or(false);
            if !is_link {
                stack.push(path);
            }
        }
    }
    found
}
