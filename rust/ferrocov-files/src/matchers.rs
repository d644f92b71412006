//! Directory-tree and module-name matchers, as coverage's `TreeMatcher` and `ModuleMatcher`.
use crate::path::{abs_file, OS_SEP};

/// Files that are one of the given paths or lie below one of them.
#[derive(Debug, Clone, Default)]
pub struct TreeMatcher {
    original: Vec<String>,
    roots: Vec<String>,
}

impl TreeMatcher {
    /// The paths are made absolute (`abs_file`) once, here.
    pub fn new<S: AsRef<str>>(paths: &[S]) -> Self {
        let original: Vec<String> = paths.iter().map(|p| p.as_ref().to_string()).collect();
        let roots = original.iter().map(|p| abs_file(p)).collect();
        TreeMatcher { original, roots }
    }

    /// The paths as given, for `sys_info`.
    pub fn original_paths(&self) -> &[String] {
        &self.original
    }

    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// Does `path` name one of our trees? `path` is normalized first, as coverage does.
    pub fn matches(&self, path: &str) -> bool {
        self.matches_absolute(&abs_file(path))
    }

    /// The same test for a path that is already `abs_file`-normalized: this is
    /// the tracer's path, where re-resolving symlinks would cost system calls.
    pub fn matches_absolute(&self, path: &str) -> bool {
        self.roots.iter().any(|root| {
            path.starts_with(root.as_str()) && (path.len() == root.len() || path[root.len()..].starts_with(OS_SEP))
        })
    }
}

/// Modules that are one of the given dotted names or a submodule of one.
#[derive(Debug, Clone, Default)]
pub struct ModuleMatcher {
    modules: Vec<String>,
}

impl ModuleMatcher {
    pub fn new<S: AsRef<str>>(modules: &[S]) -> Self {
        ModuleMatcher { modules: modules.iter().map(|m| m.as_ref().to_string()).collect() }
    }

    pub fn modules(&self) -> &[String] {
        &self.modules
    }

    pub fn matches(&self, module_name: &str) -> bool {
        !module_name.is_empty()
            && self.modules.iter().any(|m| {
                module_name.starts_with(m.as_str())
                    && (module_name.len() == m.len() || module_name[m.len()..].starts_with('.'))
            })
    }
}
