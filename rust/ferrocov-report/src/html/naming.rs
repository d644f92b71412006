//! Page file names: readable, safe on every file system, and unique even
//! when files share a base name in different directories.

use std::collections::HashSet;

use super::hash::hex_of;

/// Longest readable part of a name, so paths stay well under OS limits.
const MAX_STEM: usize = 60;

/// The page name of each relative filename, in order. Names are the path
/// flattened to `[A-Za-z0-9_-]` plus a hash of the whole path; the hash
/// keeps `a/x.py` and `a_x.py` apart, and a (practically impossible) clash
/// still gets a counter so no two files ever share a page.
pub fn page_names<'a>(relative: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    taken.insert("index.html".into());
    taken.insert("function_index.html".into());
    taken.insert("class_index.html".into());
    relative
        .map(|rel| {
            let base = format!("{}_{}", flat_stem(rel), &hex_of(rel)[..12]);
            let mut name = format!("{base}.html");
            let mut n = 1;
            while !taken.insert(name.clone()) {
                n += 1;
                name = format!("{base}_{n}.html");
            }
            name
        })
        .collect()
}

/// The path with every unsafe character replaced by `_`, keeping its end
/// (the file's own name is the useful part when it must be cut).
fn flat_stem(rel: &str) -> String {
    let flat: Vec<char> = rel.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    let start = flat.len().saturating_sub(MAX_STEM);
    flat[start..].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_basename_in_two_dirs_gets_two_pages() {
        let names = page_names(["a/mod.py", "b/mod.py", "a_mod.py"].into_iter());
        assert_eq!(names.len(), 3);
        assert!(names[0].starts_with("a_mod_py_"));
        assert_ne!(names[0], names[1]);
        assert_ne!(names[0], names[2]);
    }

    #[test]
    fn hostile_names_are_flattened() {
        let names = page_names(["../<script>\"x\".py", "CON"].into_iter());
        for name in &names {
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)), "{name}");
            assert!(name.ends_with(".html"));
        }
    }
}
