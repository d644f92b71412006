//! Which files are measured: coverage's `InOrOut`, given the facts about the
//! Python environment that only the interpreter can gather (stdlib and
//! site-packages directories, where source packages import from).
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::error::{py_repr, FilesError};
use crate::glob::{prep_patterns, GlobMatcher};
use crate::matchers::{ModuleMatcher, TreeMatcher};
use crate::path::{
    abs_file, canonical_filename, dirname, exists, is_dir, join, module_name_from_path, source_for_file, CanonicalCache,
};
use crate::walk::find_python_files;

/// Where a source package imports from, as `importlib.util.find_spec` says:
/// its origin file (None for namespace packages) and its submodule search path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageLocation {
    pub package: String,
    pub file: Option<String>,
    pub search_path: Vec<String>,
}

/// The facts that change when `sys.path` changes.
#[derive(Debug, Clone, Default)]
pub struct SysPathFacts {
    /// `sys.path` itself.
    pub sys_path: Vec<String>,
    /// `find_spec` results for the source packages (after `source` is split).
    pub source_pkg_locations: Vec<PackageLocation>,
}

/// Everything `InOut` needs to decide, mirroring coverage's configuration plus environment.
#[derive(Debug, Clone, Default)]
pub struct InOutSettings {
    /// `[run] source`: entries that are directories are source dirs, the rest packages.
    pub source: Vec<String>,
    /// `[run] source_dirs`.
    pub source_dirs: Vec<String>,
    /// `[run] source_pkgs`.
    pub source_pkgs: Vec<String>,
    /// `[run] include`, as written.
    pub include: Vec<String>,
    /// `[run] omit`, as written.
    pub omit: Vec<String>,
    pub cover_pylib: bool,
    pub include_namespace_packages: bool,
    /// sysconfig's `stdlib` and `platstdlib` for every scheme.
    pub stdlib_dirs: Vec<String>,
    /// sysconfig's `platlib`, `purelib` and `scripts` for every scheme.
    pub third_party_dirs: Vec<String>,
    /// The measuring tool's own package directories, never measured.
    pub cover_dirs: Vec<String>,
    /// `importlib.machinery.all_suffixes()`, to name `__main__` modules by file.
    pub module_suffixes: Vec<String>,
    pub sys_path_facts: SysPathFacts,
}

/// The verdict for one file, as coverage's `FileDisposition`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposition {
    pub trace: bool,
    /// The canonical file name (the original name when it isn't a real file).
    pub canonical: String,
    /// Empty when traced; otherwise coverage's reason text.
    pub reason: String,
}

/// What a frame tells about its module: `__file__`, `__name__`, `__spec__.name`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FrameFacts<'a> {
    pub file: Option<&'a str>,
    pub name: Option<&'a str>,
    pub spec_name: Option<&'a str>,
}

/// A warning coverage would emit, with its slug for `disable_warnings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub message: String,
    pub slug: String,
}

/// The sys.path-dependent matchers, rebuilt when sys.path changes.
#[derive(Debug, Clone, Default)]
struct SysPathMatchers {
    sys_path: Vec<String>,
    third_paths: Vec<String>,
    third: TreeMatcher,
    source_in_third_paths: Vec<String>,
    source_in_third: TreeMatcher,
}

/// The measured-or-not decision maker.
#[derive(Debug)]
pub struct InOut {
    source_dirs: Vec<String>,
    source_pkgs: Vec<String>,
    source_pkg_seen: Vec<AtomicBool>,
    include: Vec<String>,
    omit: Vec<String>,
    include_namespace_packages: bool,
    module_suffixes: Vec<String>,
    pylib_paths: Vec<String>,
    cover_paths: Vec<String>,
    sysconfig_third: Vec<String>,
    source_match: Option<TreeMatcher>,
    source_pkgs_match: Option<ModuleMatcher>,
    pylib_match: Option<TreeMatcher>,
    include_match: Option<GlobMatcher>,
    omit_match: Option<GlobMatcher>,
    coverage_match: TreeMatcher,
    env: SysPathMatchers,
    canonical: Mutex<CanonicalCache>,
}

impl InOut {
    pub fn new(settings: InOutSettings) -> Result<InOut, FilesError> {
        let (source_dirs, source_pkgs) = split_source(&settings)?;
        let include = prep_patterns(&settings.include);
        let omit = prep_patterns(&settings.omit);
        let pylib_paths = if settings.cover_pylib { Vec::new() } else { dedup(settings.stdlib_dirs.clone()) };
        let has_source = !source_dirs.is_empty() || !source_pkgs.is_empty();
        let mut inout = InOut {
            source_match: (!source_dirs.is_empty()).then(|| TreeMatcher::new(&source_dirs)),
            source_pkgs_match: (!source_pkgs.is_empty()).then(|| ModuleMatcher::new(&source_pkgs)),
            pylib_match: (!has_source && !pylib_paths.is_empty()).then(|| TreeMatcher::new(&pylib_paths)),
            include_match: if include.is_empty() { None } else { Some(GlobMatcher::new(&include)?) },
            omit_match: if omit.is_empty() { None } else { Some(GlobMatcher::new(&omit)?) },
            coverage_match: TreeMatcher::new(&settings.cover_dirs),
            source_pkg_seen: source_pkgs.iter().map(|_| AtomicBool::new(false)).collect(),
            source_dirs,
            source_pkgs,
            include,
            omit,
            include_namespace_packages: settings.include_namespace_packages,
            module_suffixes: settings.module_suffixes.clone(),
            pylib_paths,
            cover_paths: dedup(settings.cover_dirs.clone()),
            sysconfig_third: settings.third_party_dirs.clone(),
            env: SysPathMatchers::default(),
            canonical: Mutex::new(CanonicalCache::default()),
        };
        inout.update_sys_path(settings.sys_path_facts);
        Ok(inout)
    }

    /// Rebuild what depends on `sys.path` (third-party areas, source installed there).
    pub fn update_sys_path(&mut self, facts: SysPathFacts) {
        let mut third_paths = self.sysconfig_third.clone();
        third_paths.extend(facts.sys_path.iter().filter(|d| in_a_venv(d)).cloned());
        let third_paths = dedup(third_paths);
        let third = TreeMatcher::new(&third_paths);
        let mut inside = Vec::new();
        for loc in facts.source_pkg_locations.iter().filter(|l| self.source_pkgs.contains(&l.package)) {
            match &loc.file {
                Some(file) => {
                    if third.matches(file) {
                        inside.push(canonical_path(&source_for_file(file), &facts.sys_path));
                    }
                }
                None => inside.extend(loc.search_path.iter().filter(|d| third.matches(d)).cloned()),
            }
        }
        inside.extend(self.source_dirs.iter().filter(|d| third.matches(d)).cloned());
        let inside = dedup(inside);
        self.env = SysPathMatchers {
            source_in_third: TreeMatcher::new(&inside),
            source_in_third_paths: inside,
            third,
            third_paths,
            sys_path: facts.sys_path,
        };
    }

    /// The sys.path this instance was last told about.
    pub fn sys_path(&self) -> &[String] {
        &self.env.sys_path
    }

    /// `canonical_filename`, memoized as coverage does.
    pub fn canonical_filename(&self, filename: &str) -> String {
        let mut cache = self.canonical.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cache.get(filename, &self.env.sys_path)
    }

    /// Decide about a code object's file, knowing only its module's name
    /// (`__name__`, or None to derive it from the file name as coverage does).
    pub fn should_trace(&self, filename: &str, module_name: Option<&str>) -> Disposition {
        let facts = FrameFacts { name: module_name, ..FrameFacts::default() };
        self.should_trace_frame(filename, Some(&facts))
    }

    /// coverage's `should_trace(filename, frame)`: `frame` carries the module
    /// globals; `__file__` is preferred to the code's file name when both have
    /// the same base name (a moved .pyc keeps its old co_filename).
    pub fn should_trace_frame(&self, original: &str, frame: Option<&FrameFacts>) -> Disposition {
        if original.starts_with('<') {
            return nope(original, "original file name is not real");
        }
        let mut filename = original.to_string();
        if let Some(dunder_file) = frame.and_then(|f| f.file).filter(|f| !f.is_empty()) {
            filename = source_for_file(dunder_file);
            if !original.is_empty() && crate::path::basename(original) != crate::path::basename(&filename) {
                filename = original.to_string();
            }
        }
        if filename.is_empty() {
            return nope(original, "empty string isn't a file name");
        }
        if filename.starts_with("memory:") {
            return nope(original, "memory isn't traceable");
        }
        if filename.starts_with('<') {
            return nope(original, "file name is not real");
        }
        let canonical = self.canonical_filename(&filename);
        let module = self.module_name(&canonical, frame);
        match self.check_absolute(&canonical, &canonical, module.as_deref()) {
            Some(reason) => Disposition { trace: false, canonical, reason },
            None => Disposition { trace: true, canonical, reason: String::new() },
        }
    }

    /// coverage's `name_for_module`: `__name__`, else `__spec__.name` (each unless
    /// `__main__`), else the file's module name, else `__name__` as it was.
    pub fn module_name(&self, filename: &str, frame: Option<&FrameFacts>) -> Option<String> {
        let name = frame.and_then(|f| f.name);
        if let Some(n) = name.filter(|n| *n != "__main__") {
            return Some(n.to_string());
        }
        if let Some(s) = frame.and_then(|f| f.spec_name).filter(|s| *s != "__main__") {
            return Some(s.to_string());
        }
        module_name_from_path(filename, &self.module_suffixes).or_else(|| name.map(str::to_string))
    }

    /// coverage's `check_include_omit_etc`: None to trace, or the reason not to.
    pub fn check_include_omit_etc(&self, filename: &str, module_name: Option<&str>) -> Option<String> {
        self.check_absolute(filename, &abs_file(filename), module_name)
    }

    /// The rules, with tree matchers fed the already-normalized `absolute` name.
    fn check_absolute(&self, filename: &str, absolute: &str, module_name: Option<&str>) -> Option<String> {
        // Our own code is never measured, whatever the settings.
        if self.coverage_match.matches_absolute(absolute) {
            return Some("is part of coverage.py".to_string());
        }
        if self.source_match.is_some() || self.source_pkgs_match.is_some() {
            if let Some(reason) = self.check_source(absolute, module_name) {
                return Some(reason);
            }
        } else if let Some(include) = &self.include_match {
            if !include.matches(filename) {
                return Some("falls outside the --include trees".to_string());
            }
        } else {
            // site-packages is inside the stdlib area, so third-party is checked first.
            if self.env.third.matches_absolute(absolute) {
                return Some("is a third-party module".to_string());
            }
            if self.pylib_match.as_ref().is_some_and(|m| m.matches_absolute(absolute)) {
                return Some("is in the stdlib".to_string());
            }
        }
        if self.omit_match.as_ref().is_some_and(|m| m.matches(filename)) {
            return Some("is inside an --omit pattern".to_string());
        }
        None
    }

    fn check_source(&self, absolute: &str, module_name: Option<&str>) -> Option<String> {
        let mut extra = String::new();
        let mut ok = false;
        if let Some(pkgs) = &self.source_pkgs_match {
            match module_name {
                Some(m) if pkgs.matches(m) => {
                    ok = true;
                    self.note_package_seen(m);
                }
                _ => extra = format!("module {} ", module_name.map(py_repr).unwrap_or_else(|| "None".to_string())),
            }
        }
        if !ok && self.source_match.as_ref().is_some_and(|m| m.matches_absolute(absolute)) {
            ok = true;
        }
        if !ok {
            return Some(format!("{extra}falls outside the --source spec"));
        }
        if self.env.third.matches_absolute(absolute) && !self.env.source_in_third.matches_absolute(absolute) {
            return Some("inside --source, but is third-party".to_string());
        }
        None
    }

    fn note_package_seen(&self, module: &str) {
        if let Some(i) = self.source_pkgs.iter().position(|p| p == module) {
            self.source_pkg_seen[i].store(true, Ordering::Relaxed);
        }
    }

    /// Source packages never seen by `should_trace` (for "was never imported" warnings).
    pub fn unmatched_source_pkgs(&self) -> Vec<String> {
        self.source_pkgs
            .iter()
            .zip(&self.source_pkg_seen)
            .filter(|(_, seen)| !seen.load(Ordering::Relaxed))
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// coverage's `warn_conflicting_settings`.
    pub fn conflicting_settings_warnings(&self) -> Vec<Warning> {
        if !self.include.is_empty() && (!self.source_dirs.is_empty() || !self.source_pkgs.is_empty()) {
            vec![Warning {
                message: "--include is ignored because --source is set".to_string(),
                slug: "include-ignored".to_string(),
            }]
        } else {
            Vec::new()
        }
    }

    /// Whether `should_trace` can say yes to already-imported files, so they
    /// are worth checking (coverage only looks when include or source is set).
    pub fn wants_preimport_check(&self) -> bool {
        !self.include.is_empty() || !self.source_dirs.is_empty() || !self.source_pkgs.is_empty()
    }

    /// coverage's `find_possibly_unexecuted_files` for Python files: everything
    /// importable under the imported source packages (`package_files` are the
    /// `__file__` of each source package found in `sys.modules`) and the source
    /// directories, canonical, minus omitted files.
    pub fn find_possibly_unexecuted_files(&self, package_files: &[String]) -> Vec<String> {
        let roots = package_files
            .iter()
            .map(|f| canonical_path(&source_for_file(f), &self.env.sys_path))
            .chain(self.source_dirs.iter().cloned());
        let mut found = Vec::new();
        for root in roots {
            for file in find_python_files(&root, self.include_namespace_packages) {
                let file = self.canonical_filename(&file);
                if !self.is_omitted(&file) {
                    found.push(file);
                }
            }
        }
        found
    }

    /// Does the run's omit setting exclude this file?
    pub fn is_omitted(&self, filename: &str) -> bool {
        self.omit_match.as_ref().is_some_and(|m| m.matches(filename))
    }

    pub fn source_dirs(&self) -> &[String] {
        &self.source_dirs
    }
    pub fn source_pkgs(&self) -> &[String] {
        &self.source_pkgs
    }
    pub fn include(&self) -> &[String] {
        &self.include
    }
    pub fn omit(&self) -> &[String] {
        &self.omit
    }
    pub fn cover_paths(&self) -> &[String] {
        &self.cover_paths
    }
    pub fn pylib_paths(&self) -> &[String] {
        &self.pylib_paths
    }
    pub fn third_paths(&self) -> &[String] {
        &self.env.third_paths
    }
    pub fn source_in_third_paths(&self) -> &[String] {
        &self.env.source_in_third_paths
    }
    pub fn has_pylib_match(&self) -> bool {
        self.pylib_match.is_some()
    }
}

fn nope(original: &str, reason: &str) -> Disposition {
    Disposition { trace: false, canonical: original.to_string(), reason: reason.to_string() }
}

/// Split `source` into directories and packages, validate and canonicalize the directories.
fn split_source(settings: &InOutSettings) -> Result<(Vec<String>, Vec<String>), FilesError> {
    let mut pkgs = settings.source_pkgs.clone();
    let mut dirs = settings.source_dirs.clone();
    for src in &settings.source {
        if is_dir(src) {
            dirs.push(src.clone());
        } else {
            pkgs.push(src.clone());
        }
    }
    let sys_path = &settings.sys_path_facts.sys_path;
    let mut canonical_dirs = Vec::with_capacity(dirs.len());
    for src in dirs {
        if !is_dir(&src) {
            return Err(FilesError::SourceNotADirectory(src));
        }
        let canon = canonical_filename(&src, sys_path);
        if dirname(&canon) == canon {
            return Err(FilesError::SourceIsRoot(src));
        }
        canonical_dirs.push(canon);
    }
    Ok((canonical_dirs, pkgs))
}

/// coverage's `canonical_path` for a file: its canonical name, or its directory
/// when it is a package's `__init__.py`.
pub fn canonical_path(file: &str, sys_path: &[String]) -> String {
    let path = canonical_filename(file, sys_path);
    if path.ends_with("__init__.py") {
        dirname(&path)
    } else {
        path
    }
}

/// coverage's `_analyze_directory`: does `d` exist inside a virtualenv (a
/// `pyvenv.cfg` in one of its ancestors)?
pub fn in_a_venv(d: &str) -> bool {
    if !exists(d) {
        return false;
    }
    let mut d = d.to_string();
    loop {
        d = dirname(&d);
        if d == dirname(&d) {
            return false;
        }
        if exists(&join(&d, "pyvenv.cfg")) {
            return true;
        }
    }
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.clone()));
    v
}

/// The report-time `--include`/`--omit` filter (coverage's `get_analysis_to_report`).
#[derive(Debug, Clone)]
pub struct ReportFilter {
    include: Option<GlobMatcher>,
    omit: Option<GlobMatcher>,
}

impl ReportFilter {
    /// Patterns as written; they are prepared with `prep_patterns` here.
    pub fn new<S: AsRef<str>>(include: &[S], omit: &[S]) -> Result<Self, FilesError> {
        let build = |pats: &[S]| -> Result<Option<GlobMatcher>, FilesError> {
            if pats.is_empty() {
                Ok(None)
            } else {
                GlobMatcher::new(&prep_patterns(pats)).map(Some)
            }
        };
        Ok(ReportFilter { include: build(include)?, omit: build(omit)? })
    }

    /// Should a file (its reporter's relative or absolute name) be reported?
    pub fn keep(&self, filename: &str) -> bool {
        self.include.as_ref().is_none_or(|m| m.matches(filename))
            && !self.omit.as_ref().is_some_and(|m| m.matches(filename))
    }
}
