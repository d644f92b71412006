//! `[paths]` aliases: re-rooting file paths recorded on other machines, as
//! coverage's `PathAliases`.
use regex::Regex;

use crate::error::{py_repr, FilesError};
use crate::glob::{glob_to_python_regex, globs_to_regex};
use crate::path::{abs_file, canonical_filename, isabs_anywhere, sep, NtAbsRule, RelativeDir, OS_SEP};

/// One rule: the pattern as written, its regex, and the root it maps to.
#[derive(Debug, Clone)]
pub struct AliasRule {
    pub pattern: String,
    pub regex: Regex,
    pub result: String,
    /// The regex as coverage.py would show it in its debug output.
    pub shown_regex: String,
}

/// An ordered list of pattern → root rules; the first that applies wins.
#[derive(Debug, Clone)]
pub struct PathAliases {
    rules: Vec<AliasRule>,
    relative: bool,
    relative_dir: RelativeDir,
    nt_abs: NtAbsRule,
    sys_path: Vec<String>,
    described: bool,
}

impl PathAliases {
    /// `relative` is the `relative_files` setting; `relative_dir` is the
    /// directory captured when measurement started (`set_relative_directory`).
    pub fn new(relative: bool, relative_dir: RelativeDir) -> Self {
        PathAliases {
            rules: Vec::new(),
            relative,
            relative_dir,
            nt_abs: NtAbsRule::default(),
            sys_path: Vec::new(),
            described: false,
        }
    }

    /// Which Python's `ntpath.isabs` to follow (it changed in 3.13).
    pub fn with_nt_abs_rule(mut self, rule: NtAbsRule) -> Self {
        self.nt_abs = rule;
        self
    }

    /// The import path `canonical_filename` searches for relative results.
    pub fn with_sys_path(mut self, sys_path: Vec<String>) -> Self {
        self.sys_path = sys_path;
        self
    }

    pub fn rules(&self) -> &[AliasRule] {
        &self.rules
    }

    pub fn relative(&self) -> bool {
        self.relative
    }

    /// Add a rule: paths starting with a match of `pattern` get that prefix replaced by `result`.
    pub fn add(&mut self, pattern: &str, result: &str) -> Result<(), FilesError> {
        let original = pattern.to_string();
        let pattern_sep = sep(pattern);
        let mut pattern = if pattern.chars().count() > 1 {
            pattern.trim_end_matches(['\\', '/']).to_string()
        } else {
            pattern.to_string()
        };
        if pattern.ends_with('*') {
            return Err(FilesError::AliasEndsWithWildcard);
        }
        if !self.relative
            && !pattern.starts_with('*')
            && !isabs_anywhere(&format!("{pattern}{pattern_sep}"), self.nt_abs)
        {
            pattern = abs_file(&pattern);
        }
        if !pattern.ends_with(pattern_sep) {
            pattern.push(pattern_sep);
        }
        let shown_regex = glob_to_python_regex(&pattern)?;
        let regex = globs_to_regex(&[pattern], true, true)?;
        let result_sep = sep(result);
        let result = format!("{}{}", result.trim_end_matches(['\\', '/']), result_sep);
        self.rules.push(AliasRule { pattern: original, regex, result, shown_regex });
        Ok(())
    }

    /// Map `path` through the rules; `exists` decides whether a mapped path is
    /// acceptable (coverage's default is `source_exists`). Unmapped paths come
    /// back unchanged, or relative under `relative_files`, where a rule for the
    /// path's first directory may be generated and tried.
    pub fn map(&mut self, path: &str, exists: &dyn Fn(&str) -> bool) -> String {
        self.map_with(path, &mut |p| exists(p), &mut |_| {})
    }

    /// The rules as coverage's `pprint` lists them for `--debug=pathmap`.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = vec![format!("Aliases (relative={}):", if self.relative { "True" } else { "False" })];
        for r in &self.rules {
            lines.push(format!(
                " Rule: {} -> {} using regex {}",
                py_repr(&r.pattern),
                py_repr(&r.result),
                py_repr(&r.shown_regex)
            ));
        }
        lines
    }

    /// `map`, reporting each step to `debug` with coverage's messages.
    pub fn map_with(
        &mut self,
        path: &str,
        exists: &mut dyn FnMut(&str) -> bool,
        debug: &mut dyn FnMut(String),
    ) -> String {
        if !self.described {
            self.described = true;
            self.describe().into_iter().for_each(&mut *debug);
        }
        for rule in &self.rules {
            let Some(m) = rule.regex.find(path) else { continue };
            let mut new = path.replacen(m.as_str(), &rule.result, 1);
            new = new.replace(sep(path), &sep(&rule.result).to_string());
            if !self.relative {
                new = canonical_filename(&new, &self.sys_path);
            }
            let dot_start =
                (rule.result.starts_with("./") || rule.result.starts_with(".\\")) && rule.result.chars().count() > 2;
            if (new.starts_with("./") || new.starts_with(".\\")) && !dot_start {
                new = new[2..].to_string();
            }
            if !exists(&new) {
                debug(format!(
                    "Rule {} changed {} to {} which doesn't exist, continuing",
                    py_repr(&rule.pattern),
                    py_repr(path),
                    py_repr(&new)
                ));
                continue;
            }
            debug(format!(
                "Matched path {} to rule {} -> {}, producing {}",
                py_repr(path),
                py_repr(&rule.pattern),
                py_repr(&rule.result),
                py_repr(&new)
            ));
            return new;
        }
        let mut path = path.to_string();
        if self.relative {
            path = self.relative_dir.relative_filename(&path);
            if !isabs_anywhere(&path, self.nt_abs) {
                if let Some(generated) = self.first_dir_rule(&path) {
                    debug(format!(
                        "Generating rule: {} -> {} using regex {}",
                        py_repr(&generated.pattern),
                        py_repr(&generated.result),
                        py_repr(&generated.shown_regex)
                    ));
                    self.rules.push(generated);
                    return self.map_with(&path, exists, debug);
                }
            }
        }
        debug(format!("No rules match, path {} is unchanged", py_repr(&path)));
        path
    }

    /// The implicit rule `*/<first dir>` → `<first dir>/` for a relative path,
    /// unless that rule is already present.
    fn first_dir_rule(&self, path: &str) -> Option<AliasRule> {
        let mut parts = path.split(['/', '\\']);
        let dir1 = parts.next()?;
        parts.next()?;
        let pattern = format!("*/{dir1}");
        if self.rules.iter().any(|r| r.pattern == pattern) {
            return None;
        }
        let shown_regex = format!(r"^(.*[\\/])?{}[\\/]", python_re_escape(dir1));
        let regex = Regex::new(&format!(r"\A(.*[\\/])?{}[\\/]", regex::escape(dir1))).ok()?;
        Some(AliasRule { pattern, regex, result: format!("{dir1}{OS_SEP}"), shown_regex })
    }
}

/// Python's `re.escape` (3.7+): a backslash before each regex-special character.
fn python_re_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "()[]{}?*+-|^$\\.&~# \t\n\r\x0b\x0c".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
