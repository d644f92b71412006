//! Python bindings for ferrocov-files: file naming, matchers, `[paths]`
//! aliases and the measured-or-not decision (`InOut`).
use std::cell::RefCell;

use ferrocov_files::path::{self, NtAbsRule, RelativeDir};
use ferrocov_files::{FrameFacts, InOut, InOutSettings, PackageLocation, PathAliases, ReportFilter, SysPathFacts};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::config::PyConfig;
use crate::errors;

/// `(package, origin file or None, submodule search path)` triples from `find_spec`.
type PyLocation = (String, Option<String>, Vec<String>);

fn locations(raw: Vec<PyLocation>) -> Vec<PackageLocation> {
    raw.into_iter().map(|(package, file, search_path)| PackageLocation { package, file, search_path }).collect()
}

/// `(trace, canonical file name, reason)`.
type Verdict<'py> = (bool, Bound<'py, PyAny>, String);

/// The measured-or-not decision maker, built once per measurement.
#[pyclass(name = "InOut", module = "ferrocov._engine", frozen)]
pub struct PyInOut {
    inner: std::sync::RwLock<InOut>,
}

impl PyInOut {
    /// A name with lone surrogates can't be stored in the data file: coverage
    /// applies its rules and, if none excludes the file, says so as the reason.
    fn decide<'py>(&self, filename: &Bound<'py, PyString>, facts: &FrameFacts) -> PyResult<Verdict<'py>> {
        let py = filename.py();
        if let Ok(name) = filename.to_str() {
            let d = self.read().should_trace_frame(name, Some(facts));
            return Ok((d.trace, PyString::new(py, &d.canonical).into_any(), d.reason));
        }
        let lossy = filename.to_string_lossy();
        let d = self.read().should_trace_frame(&lossy, Some(facts));
        let mut reason = if d.trace { "non-encodable filename".to_string() } else { d.reason };
        if reason.starts_with("module ") && facts.name.is_none() && facts.spec_name.is_none() {
            // The module name came from the undecodable file name: show it as Python would.
            let name = py.import("inspect")?.getattr("getmodulename")?.call1((filename,))?;
            reason = format!("module {} falls outside the --source spec", name.repr()?.to_string_lossy());
        }
        let canonical = if d.canonical == lossy.as_ref() {
            filename.clone().into_any()
        } else {
            // Rust can't hold the name: Python's own path functions make it
            // absolute, as coverage.files.abs_file does for such names.
            let os_path = py.import("os")?.getattr("path")?;
            os_path.call_method1("abspath", (os_path.call_method1("realpath", (filename,))?,))?
        };
        Ok((false, canonical, reason))
    }

    /// The engine's `InOut`, for Rust callers such as the tracer: with a
    /// `Bound<PyInOut>` (the class is frozen), `obj.get().read().should_trace(..)`.
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, InOut> {
        self.inner.read().unwrap_or_else(|p| p.into_inner())
    }
}

#[pymethods]
impl PyInOut {
    /// The decision maker for `config` (what to measure) in this interpreter
    /// (where the standard library, third-party and coverage's own code live).
    #[new]
    #[pyo3(signature = (config, *, stdlib_dirs=vec![], third_party_dirs=vec![], cover_dirs=vec![],
        module_suffixes=vec![".py".to_string(), ".pyc".to_string()], sys_path=vec![], source_pkg_locations=vec![]))]
    fn new(
        config: PyRef<'_, PyConfig>,
        stdlib_dirs: Vec<String>,
        third_party_dirs: Vec<String>,
        cover_dirs: Vec<String>,
        module_suffixes: Vec<String>,
        sys_path: Vec<String>,
        source_pkg_locations: Vec<PyLocation>,
    ) -> PyResult<Self> {
        let config = &config.inner;
        let settings = InOutSettings {
            source: config.source.clone().unwrap_or_default(),
            source_dirs: config.source_dirs.clone(),
            source_pkgs: config.source_pkgs.clone(),
            include: config.run_include.clone(),
            omit: config.run_omit.clone(),
            cover_pylib: config.cover_pylib,
            include_namespace_packages: config.include_namespace_packages,
            stdlib_dirs,
            third_party_dirs,
            cover_dirs,
            module_suffixes,
            sys_path_facts: SysPathFacts { sys_path, source_pkg_locations: locations(source_pkg_locations) },
        };
        let inner = InOut::new(settings).map_err(errors::to_py)?;
        Ok(PyInOut { inner: std::sync::RwLock::new(inner) })
    }

    /// `(trace, canonical_filename, reason)` for a code object's file name.
    /// `module_name` is the module's `__name__` (None: derive it from the file name).
    #[pyo3(signature = (filename, module_name=None))]
    fn should_trace<'py>(&self, filename: &Bound<'py, PyString>, module_name: Option<&str>) -> PyResult<Verdict<'py>> {
        let facts = FrameFacts { name: module_name, ..FrameFacts::default() };
        self.decide(filename, &facts)
    }

    /// coverage's `should_trace(filename, frame)` given the frame's module
    /// globals `__file__`, `__name__` and `__spec__.name`.
    #[pyo3(signature = (filename, dunder_file=None, dunder_name=None, spec_name=None))]
    fn should_trace_frame<'py>(
        &self,
        filename: &Bound<'py, PyString>,
        dunder_file: Option<&str>,
        dunder_name: Option<&str>,
        spec_name: Option<&str>,
    ) -> PyResult<Verdict<'py>> {
        let facts = FrameFacts { file: dunder_file, name: dunder_name, spec_name };
        self.decide(filename, &facts)
    }

    /// coverage's `name_for_module` from the frame facts.
    #[pyo3(signature = (filename, dunder_name=None, spec_name=None))]
    fn module_name(&self, filename: &str, dunder_name: Option<&str>, spec_name: Option<&str>) -> Option<String> {
        let facts = FrameFacts { file: None, name: dunder_name, spec_name };
        self.read().module_name(filename, Some(&facts))
    }

    /// None to trace, else the reason not to.
    #[pyo3(signature = (filename, module_name=None))]
    fn check_include_omit_etc(&self, filename: &str, module_name: Option<&str>) -> Option<String> {
        self.read().check_include_omit_etc(filename, module_name)
    }

    /// Rebuild the matchers that depend on `sys.path`.
    fn update_sys_path(&self, sys_path: Vec<String>, source_pkg_locations: Vec<PyLocation>) {
        let facts = SysPathFacts { sys_path, source_pkg_locations: locations(source_pkg_locations) };
        self.inner.write().unwrap_or_else(|p| p.into_inner()).update_sys_path(facts);
    }

    fn canonical_filename(&self, filename: &str) -> String {
        self.read().canonical_filename(filename)
    }

    /// Python files under the source packages (their `__file__`s given) and
    /// source directories, canonical, omitted ones dropped.
    fn find_unexecuted(&self, py: Python<'_>, package_files: Vec<String>) -> Vec<String> {
        py.detach(|| self.read().find_possibly_unexecuted_files(&package_files))
    }

    fn is_omitted(&self, filename: &str) -> bool {
        self.read().is_omitted(filename)
    }

    fn unmatched_source_pkgs(&self) -> Vec<String> {
        self.read().unmatched_source_pkgs()
    }

    /// `[(message, slug)]` for coverage's `warn_conflicting_settings`.
    fn conflicting_settings_warnings(&self) -> Vec<(String, String)> {
        self.read().conflicting_settings_warnings().into_iter().map(|w| (w.message, w.slug)).collect()
    }

    fn wants_preimport_check(&self) -> bool {
        self.read().wants_preimport_check()
    }

    #[getter]
    fn source_dirs(&self) -> Vec<String> {
        self.read().source_dirs().to_vec()
    }
    #[getter]
    fn source_pkgs(&self) -> Vec<String> {
        self.read().source_pkgs().to_vec()
    }
    #[getter]
    fn include(&self) -> Vec<String> {
        self.read().include().to_vec()
    }
    #[getter]
    fn omit(&self) -> Vec<String> {
        self.read().omit().to_vec()
    }
    #[getter]
    fn cover_paths(&self) -> Vec<String> {
        self.read().cover_paths().to_vec()
    }
    #[getter]
    fn pylib_paths(&self) -> Vec<String> {
        self.read().pylib_paths().to_vec()
    }
    #[getter]
    fn third_paths(&self) -> Vec<String> {
        self.read().third_paths().to_vec()
    }
    #[getter]
    fn source_in_third_paths(&self) -> Vec<String> {
        self.read().source_in_third_paths().to_vec()
    }
    #[getter]
    fn has_pylib_match(&self) -> bool {
        self.read().has_pylib_match()
    }
    #[getter]
    fn sys_path(&self) -> Vec<String> {
        self.read().sys_path().to_vec()
    }
}

/// coverage's report-time `--include`/`--omit` filter.
#[pyclass(name = "ReportFilter", module = "ferrocov._engine", frozen)]
pub struct PyReportFilter {
    inner: ReportFilter,
}

#[pymethods]
impl PyReportFilter {
    #[new]
    #[pyo3(signature = (include=vec![], omit=vec![]))]
    fn new(include: Vec<String>, omit: Vec<String>) -> PyResult<Self> {
        Ok(PyReportFilter { inner: ReportFilter::new(&include, &omit).map_err(errors::to_py)? })
    }

    fn keep(&self, filename: &str) -> bool {
        self.inner.keep(filename)
    }

    /// The subset of `filenames` to report, in order.
    fn filter(&self, filenames: Vec<String>) -> Vec<String> {
        filenames.into_iter().filter(|f| self.inner.keep(f)).collect()
    }
}

/// A compiled set of globs (coverage's `GlobMatcher` regex).
#[pyclass(name = "GlobMatcher", module = "ferrocov._engine", frozen)]
pub struct PyGlobMatcher {
    inner: ferrocov_files::GlobMatcher,
}

#[pymethods]
impl PyGlobMatcher {
    #[new]
    fn new(patterns: Vec<String>) -> PyResult<Self> {
        Ok(PyGlobMatcher { inner: ferrocov_files::GlobMatcher::new(&patterns).map_err(errors::to_py)? })
    }

    #[pyo3(name = "match")]
    fn matches(&self, path: &str) -> bool {
        self.inner.matches(path)
    }
}

/// A directory-tree matcher (coverage's `TreeMatcher`).
#[pyclass(name = "TreeMatcher", module = "ferrocov._engine", frozen)]
pub struct PyTreeMatcher {
    inner: ferrocov_files::TreeMatcher,
}

#[pymethods]
impl PyTreeMatcher {
    #[new]
    fn new(paths: Vec<String>) -> Self {
        PyTreeMatcher { inner: ferrocov_files::TreeMatcher::new(&paths) }
    }

    #[pyo3(name = "match")]
    fn matches(&self, path: &str) -> bool {
        self.inner.matches(path)
    }
}

/// A module-name matcher (coverage's `ModuleMatcher`): a name that is one
/// of the packages or inside one.
#[pyclass(name = "ModuleMatcher", module = "ferrocov._engine", frozen)]
pub struct PyModuleMatcher {
    inner: ferrocov_files::ModuleMatcher,
}

#[pymethods]
impl PyModuleMatcher {
    #[new]
    fn new(modules: Vec<String>) -> Self {
        PyModuleMatcher { inner: ferrocov_files::ModuleMatcher::new(&modules) }
    }

    #[pyo3(name = "match")]
    fn matches(&self, module_name: &str) -> bool {
        self.inner.matches(module_name)
    }
}

/// `[paths]` re-rooting (coverage's `PathAliases`).
#[pyclass(name = "PathAliases", module = "ferrocov._engine")]
pub struct PyPathAliases {
    pub(crate) inner: PathAliases,
}

#[pymethods]
impl PyPathAliases {
    /// `relative_dir` is the directory captured by `set_relative_directory`.
    #[new]
    #[pyo3(signature = (relative=false, relative_dir=None, sys_path=vec![], legacy_ntpath_isabs=false))]
    fn new(relative: bool, relative_dir: Option<String>, sys_path: Vec<String>, legacy_ntpath_isabs: bool) -> Self {
        let dir = match relative_dir {
            Some(d) => RelativeDir::from_prepared(d),
            None => RelativeDir::from_cwd(),
        };
        let rule = if legacy_ntpath_isabs { NtAbsRule::LegacyLeadingSlash } else { NtAbsRule::DriveOrUnc };
        PyPathAliases { inner: PathAliases::new(relative, dir).with_nt_abs_rule(rule).with_sys_path(sys_path) }
    }

    #[getter]
    fn relative(&self) -> bool {
        self.inner.relative()
    }

    fn add(&mut self, pattern: &str, result: &str) -> PyResult<()> {
        self.inner.add(pattern, result).map_err(errors::to_py)
    }

    /// `[(pattern, result, regex shown in debug output)]`.
    fn rules(&self) -> Vec<(String, String, String)> {
        self.inner.rules().iter().map(|r| (r.pattern.clone(), r.result.clone(), r.shown_regex.clone())).collect()
    }

    fn describe(&self) -> Vec<String> {
        self.inner.describe()
    }

    /// Map a path; `exists(path) -> bool` defaults to coverage's `source_exists`;
    /// `debugfn(msg)` receives coverage's pathmap debug messages.
    #[pyo3(signature = (path, exists=None, debugfn=None))]
    fn map(
        &mut self,
        path: &str,
        exists: Option<Bound<'_, PyAny>>,
        debugfn: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let failure: RefCell<Option<PyErr>> = RefCell::new(None);
        let keep_err = |e: PyErr| {
            failure.borrow_mut().get_or_insert(e);
        };
        let mut check = |p: &str| match &exists {
            None => path::source_exists(p),
            Some(f) => f.call1((p,)).and_then(|r| r.is_truthy()).unwrap_or_else(|e| {
                keep_err(e);
                false
            }),
        };
        let mut debug = |msg: String| {
            if let Some(f) = &debugfn {
                if let Err(e) = f.call1((msg,)) {
                    keep_err(e);
                }
            }
        };
        let mapped = self.inner.map_with(path, &mut check, &mut debug);
        match failure.into_inner() {
            Some(e) => Err(e),
            None => Ok(mapped),
        }
    }
}

#[pyfunction]
fn abs_file(path: &str) -> String {
    path::abs_file(path)
}

#[pyfunction]
fn realpath(path: &str) -> String {
    path::realpath(path)
}

/// `canonical_filename` searching `sys_path` (uncached; callers keep their cache).
#[pyfunction]
fn canonical_filename(filename: &str, sys_path: Vec<String>) -> String {
    path::canonical_filename(filename, &sys_path)
}

/// The relative directory `set_relative_directory` records for the current directory.
#[pyfunction]
fn relative_directory_now() -> String {
    RelativeDir::from_cwd().as_str().to_string()
}

#[pyfunction]
fn relative_filename(filename: &str, relative_dir: String) -> String {
    RelativeDir::from_prepared(relative_dir).relative_filename(filename)
}

#[pyfunction]
fn source_for_file(filename: &str) -> String {
    path::source_for_file(filename)
}

#[pyfunction]
fn source_exists(filename: &str) -> bool {
    path::source_exists(filename)
}

#[pyfunction]
fn find_python_files(py: Python<'_>, dirname: String, include_namespace_packages: bool) -> Vec<String> {
    py.detach(|| ferrocov_files::find_python_files(&dirname, include_namespace_packages))
}

#[pyfunction]
fn prep_patterns(patterns: Vec<String>) -> Vec<String> {
    ferrocov_files::prep_patterns(&patterns)
}

/// The Python `re` source coverage's `globs_to_regex` would compile.
#[pyfunction]
#[pyo3(signature = (patterns, partial=false))]
fn globs_to_python_regex(patterns: Vec<String>, partial: bool) -> PyResult<String> {
    ferrocov_files::globs_to_python_regex(&patterns, partial).map_err(errors::to_py)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyInOut>()?;
    m.add_class::<PyReportFilter>()?;
    m.add_class::<PyGlobMatcher>()?;
    m.add_class::<PyTreeMatcher>()?;
    m.add_class::<PyModuleMatcher>()?;
    m.add_class::<PyPathAliases>()?;
    m.add_function(wrap_pyfunction!(abs_file, m)?)?;
    m.add_function(wrap_pyfunction!(realpath, m)?)?;
    m.add_function(wrap_pyfunction!(canonical_filename, m)?)?;
    m.add_function(wrap_pyfunction!(relative_directory_now, m)?)?;
    m.add_function(wrap_pyfunction!(relative_filename, m)?)?;
    m.add_function(wrap_pyfunction!(source_for_file, m)?)?;
    m.add_function(wrap_pyfunction!(source_exists, m)?)?;
    m.add_function(wrap_pyfunction!(find_python_files, m)?)?;
    m.add_function(wrap_pyfunction!(prep_patterns, m)?)?;
    m.add_function(wrap_pyfunction!(globs_to_python_regex, m)?)?;
    Ok(())
}
