//! The `<source>` directories and the name each file is listed under.
//!
//! coverage.py starts from the `[run] source` directories that exist and,
//! for each reported file, strips the first of them that contains it; a
//! file under none of them is named by its relative name, and the
//! directory that name is relative to joins the sources (and is tried for
//! the files after it). Sources are kept in the order they were added,
//! which is the order they are tried in.

use crate::pytext::{neutralize_control, HumanKey};

use super::posix_path::without_last_chars;

/// The source directories seen so far.
pub(crate) struct SourcePaths {
    paths: Vec<String>,
    relative_files: bool,
    cwd: String,
}

impl SourcePaths {
    /// `initial`: the `[run] source` entries that exist, already stripped of
    /// trailing slashes (`relative_files`) or made canonical.
    pub(crate) fn new(initial: &[String], relative_files: bool, cwd: &str) -> Self {
        let mut sources = SourcePaths { paths: Vec::new(), relative_files, cwd: cwd.to_owned() };
        for path in initial {
            sources.add(path.clone());
        }
        sources
    }

    fn add(&mut self, path: String) {
        if !self.paths.contains(&path) {
            self.paths.push(path);
        }
    }

    /// The name `filename` is reported under (control characters replaced),
    /// recording its source directory when no known one contains it.
    /// `filename` is the canonical name, `relative` its relative name.
    pub(crate) fn report_name(&mut self, filename: &str, relative: &str) -> String {
        let forward = filename.replace('\\', "/");
        let found = self.paths.iter().find_map(|source| {
            let source = self.comparable(source);
            let prefix = format!("{}/", source.replace('\\', "/"));
            forward.strip_prefix(&prefix).map(str::to_owned)
        });
        let name = found.unwrap_or_else(|| {
            let relative = relative.replace('\\', "/");
            let base = without_last_chars(filename, &relative).trim_end_matches(['\\', '/']);
            self.add(base.to_owned());
            relative
        });
        neutralize_control(&name)
    }

    /// A source as it is compared with canonical file names: itself with
    /// `relative_files`, else its canonical form. Sources are canonical
    /// already or leading parts of canonical names (so canonical too),
    /// except the empty one a file outside the current directory adds,
    /// whose canonical form is the current directory.
    fn comparable<'a>(&'a self, source: &'a str) -> &'a str {
        if !self.relative_files && source.is_empty() {
            &self.cwd
        } else {
            source
        }
    }

    /// The `<source>` texts, in coverage.py's (human) order.
    pub(crate) fn sorted(&self) -> Vec<String> {
        let mut keys: Vec<HumanKey> = self.paths.iter().map(|path| HumanKey::new(path)).collect();
        keys.sort();
        keys.iter().map(|key| neutralize_control(key.name())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::SourcePaths;

    #[test]
    fn a_file_under_no_source_adds_its_base() {
        let mut sources = SourcePaths::new(&[], false, "/proj");
        assert_eq!(sources.report_name("/proj/pkg/a.py", "pkg/a.py"), "pkg/a.py");
        assert_eq!(sources.report_name("/proj/b.py", "b.py"), "b.py");
        assert_eq!(sources.sorted(), ["/proj"]);
    }

    #[test]
    fn a_configured_source_is_stripped() {
        let mut sources = SourcePaths::new(&["/proj/src".to_owned()], false, "/proj");
        assert_eq!(sources.report_name("/proj/src/pkg/a.py", "src/pkg/a.py"), "pkg/a.py");
        assert_eq!(sources.report_name("/proj/tests/t.py", "tests/t.py"), "tests/t.py");
        assert_eq!(sources.sorted(), ["/proj", "/proj/src"]);
    }

    #[test]
    fn a_file_outside_the_directory_adds_an_empty_source() {
        let mut sources = SourcePaths::new(&[], false, "/proj");
        assert_eq!(sources.report_name("/elsewhere/x.py", "/elsewhere/x.py"), "/elsewhere/x.py");
        // The empty source now stands for the current directory.
        assert_eq!(sources.report_name("/proj/a.py", "a.py"), "a.py");
        assert_eq!(sources.sorted(), [""]);
    }

    #[test]
    fn control_characters_are_replaced() {
        let mut sources = SourcePaths::new(&[], false, "/p\tq");
        assert_eq!(sources.report_name("/p\tq/a\u{1b}.py", "a\u{1b}.py"), "a?.py");
        assert_eq!(sources.sorted(), ["/p?q"]);
    }
}
