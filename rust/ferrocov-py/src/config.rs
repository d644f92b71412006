//! Python bindings for ferrocov-config: `_engine.Config`, the resolved
//! configuration, and the loader behind `coverage.config.read_coverage_config`.
//!
//! `coverage.config.CoverageConfig` is a view over one `Config`: attribute
//! reads and writes go to [`PyConfig::get_attr`] / [`PyConfig::set_attr`],
//! and the other bindings (`InOut`, the reports) take the `Config` itself.
use std::cell::RefCell;
use std::collections::HashMap;

use ferrocov_config::{
    ConfigError, ConfigFileArg, ConfigSource, CoverageConfig, LoadHost, OptionKind, OptionValue, ReadContext,
    CONFIG_FILE_OPTIONS, DEFAULT_EXCLUDE, DEFAULT_PARTIAL, DEFAULT_PARTIAL_ALWAYS,
};
use pyo3::exceptions::{PyAttributeError, PyTypeError};
use pyo3::prelude::*;

use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};

use crate::errors;

/// The resolved configuration of one `Coverage` object.
#[pyclass(name = "Config", module = "ferrocov._engine")]
#[derive(Clone)]
pub struct PyConfig {
    pub inner: CoverageConfig,
}

#[pymethods]
#[allow(clippy::wrong_self_convention, reason = "from_file/from_args are coverage.py's method names")]
impl PyConfig {
    #[new]
    fn new() -> Self {
        PyConfig { inner: CoverageConfig::default() }
    }

    /// `read_coverage_config(config_file, warn, **kwargs)`: `environ` is a
    /// snapshot of `os.environ`, `warn` is called with each warning text.
    #[staticmethod]
    #[pyo3(signature = (config_file, kwargs, environ, warn))]
    fn load(
        py: Python<'_>,
        config_file: &Bound<'_, PyAny>,
        kwargs: &Bound<'_, PyDict>,
        environ: HashMap<String, String>,
        warn: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let arg = config_file_arg(config_file)?;
        let args = named_values(kwargs)?;
        let inner = with_host(py, &environ, warn, |host| CoverageConfig::load_with_args(&arg, args, host))?;
        Ok(PyConfig { inner })
    }

    /// Read one more file over the current values; returns whether it was used.
    #[pyo3(signature = (filename, our_file, environ, warn))]
    fn from_file(
        &mut self,
        py: Python<'_>,
        filename: &str,
        our_file: bool,
        environ: HashMap<String, String>,
        warn: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        let inner = &mut self.inner;
        with_host(py, &environ, warn, |host| inner.from_file(filename, our_file, host))
    }

    /// Make the final adjustments (`~` in `[paths]`, `exclude_also`, ...).
    fn post_process(&mut self, py: Python<'_>) -> PyResult<()> {
        let expand_user = python_expanduser(py)?;
        self.inner.post_process(&expand_user).map_err(|e| errors::to_py(&e))
    }

    /// Apply constructor arguments (`None` values are skipped).
    #[pyo3(signature = (**kwargs))]
    fn from_args(&mut self, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
        let Some(kwargs) = kwargs else { return Ok(()) };
        let pairs = named_values(kwargs)?;
        self.inner.from_args(pairs).map_err(|e| errors::to_py(&e))
    }

    fn get_option<'py>(&self, py: Python<'py>, option_name: &str) -> PyResult<Bound<'py, PyAny>> {
        let value = self.inner.get_option(option_name).map_err(|e| errors::to_py(&e))?;
        from_value(py, &value)
    }

    fn set_option(&mut self, option_name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.set_option(option_name, to_value(value)?).map_err(|e| errors::to_py(&e))
    }

    /// coverage.py's attribute names, in declaration order.
    #[staticmethod]
    fn attributes() -> Vec<&'static str> {
        CoverageConfig::ATTRIBUTES.to_vec()
    }

    /// The value of one attribute; AttributeError if there is no such attribute.
    fn get_attr<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let value = self.inner.attr(name).ok_or_else(|| no_attribute(name))?;
        from_value(py, &value)
    }

    /// Set one attribute; AttributeError if there is none, TypeError if the
    /// value can't be held by it (a list where a number belongs, say).
    fn set_attr(&mut self, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let value = to_value(value).map_err(|e| PyTypeError::new_err(format!("config attribute {name}: {e}")))?;
        match self.inner.set_attr(name, value) {
            None => Err(no_attribute(name)),
            Some(Err(reason)) => Err(PyTypeError::new_err(format!("config attribute {name}: {reason}"))),
            Some(Ok(())) => Ok(()),
        }
    }

    /// An independent copy.
    fn copy(&self) -> Self {
        self.clone()
    }

    /// Every public attribute as a dict (attribute name to Python value).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for name in CoverageConfig::ATTRIBUTES {
            dict.set_item(*name, from_value(py, &self.inner.attr(name).unwrap_or_default())?)?;
        }
        Ok(dict)
    }

    /// Build from attribute values; names that are not attributes are ignored.
    #[staticmethod]
    fn from_dict(values: &Bound<'_, PyDict>) -> PyResult<Self> {
        let mut inner = CoverageConfig::default();
        for (key, value) in values.iter() {
            let name: String = key.extract()?;
            if let Some(Err(reason)) = inner.set_attr(&name, to_value(&value)?) {
                return Err(PyTypeError::new_err(format!("config attribute {name}: {reason}")));
            }
        }
        Ok(PyConfig { inner })
    }

    fn debug_info<'py>(&self, py: Python<'py>) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
        self.inner.debug_info().into_iter().map(|(n, v)| Ok((n, from_value(py, &v)?))).collect()
    }

    fn __copy__(&self) -> Self {
        self.clone()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
        self.clone()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.extract::<PyRef<'_, PyConfig>>().is_ok_and(|o| o.inner == self.inner)
    }
}

/// One parsed config file with coverage.py's parser interface, behind the
/// compatibility classes `HandyConfigParser` and `TomlConfigParser`.
#[pyclass(name = "ConfigFile", module = "ferrocov._engine")]
pub struct PyConfigFile {
    toml: bool,
    our_file: bool,
    source: ConfigSource,
}

impl PyConfigFile {
    fn source(&self) -> &ConfigSource {
        &self.source
    }
}

#[pymethods]
impl PyConfigFile {
    #[new]
    fn new(our_file: bool, toml: bool) -> Self {
        PyConfigFile { toml, our_file, source: ConfigSource::empty(toml, our_file) }
    }

    /// Parse `filename`; False if it can't be opened, ConfigError if malformed.
    fn read(&mut self, filename: &str) -> PyResult<bool> {
        let Ok(bytes) = std::fs::read(filename) else { return Ok(false) };
        let text = String::from_utf8_lossy(&bytes);
        let source = ConfigSource::parse_as(self.toml, filename, &text, self.our_file)
            .map_err(|detail| errors::to_py(&ConfigError::BadFile { file: filename.to_string(), detail }))?;
        self.source = source;
        Ok(true)
    }

    fn real_section(&self, section: &str) -> Option<String> {
        self.source().real_section(section)
    }

    fn has_section(&self, section: &str) -> bool {
        self.source().has_section(section)
    }

    fn has_option(&self, section: &str, option: &str) -> bool {
        self.source().has_option(section, option)
    }

    fn options(&self, section: &str) -> PyResult<Vec<String>> {
        if !self.source().has_section(section) {
            return Err(errors::config_error(format!("No section: {}", ferrocov_config::pystr::repr(section))));
        }
        Ok(self.source().options(section))
    }

    /// Read an option as `kind` ("", "boolean", "int", "float", "file", "list", "regexlist").
    fn get<'py>(
        &self,
        py: Python<'py>,
        section: &str,
        option: &str,
        kind: &str,
        environ: HashMap<String, String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Some(message) = self.source().missing(section, option) {
            return Err(errors::config_error(message));
        }
        let kind = kind_from_name(kind)?;
        let lookup = |k: &str| environ.get(k).cloned();
        let regex_check = python_regex_check(py)?;
        let expand_user = python_expanduser(py)?;
        let ctx = ReadContext { env: &lookup, regex_check: &regex_check, expand_user: Some(&expand_user) };
        let value = self.source().read(section, option, kind, ctx).map_err(errors::config_error)?;
        from_value(py, &value)
    }

    fn get_section<'py>(
        &self,
        py: Python<'py>,
        section: &str,
        environ: HashMap<String, String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let lookup = |k: &str| environ.get(k).cloned();
        let ctx = ReadContext { env: &lookup, regex_check: &|_: &str| Ok(()), expand_user: None };
        let items = self.source().get_section(section, ctx).map_err(errors::config_error)?;
        from_value(py, &OptionValue::Table(items))
    }
}

/// `(name, value)` pairs of keyword arguments; a value no attribute can
/// hold is a TypeError naming the attribute.
fn named_values(kwargs: &Bound<'_, PyDict>) -> PyResult<Vec<(String, OptionValue)>> {
    kwargs
        .iter()
        .map(|(k, v)| {
            let name = k.extract::<String>()?;
            let value = to_value(&v).map_err(|e| PyTypeError::new_err(format!("config attribute {name}: {e}")))?;
            Ok((name, value))
        })
        .collect()
}

fn no_attribute(name: &str) -> PyErr {
    PyAttributeError::new_err(format!(
        "'CoverageConfig' object has no attribute {}",
        ferrocov_config::pystr::repr(name)
    ))
}

fn kind_from_name(name: &str) -> PyResult<OptionKind> {
    Ok(match name {
        "" => OptionKind::Str,
        "boolean" => OptionKind::Bool,
        "int" => OptionKind::Int,
        "float" => OptionKind::Float,
        "file" => OptionKind::File,
        "list" => OptionKind::List,
        "regexlist" => OptionKind::RegexList,
        other => return Err(PyTypeError::new_err(format!("unknown option type {other:?}"))),
    })
}

/// Run a load step with the environment snapshot, a warn callback into
/// Python and Python's `re` as regex checker. A Python exception raised by
/// `warn` (warnings turned into errors) wins over the step's result.
fn with_host<T>(
    py: Python<'_>,
    environ: &HashMap<String, String>,
    warn: &Bound<'_, PyAny>,
    step: impl FnOnce(&mut LoadHost<'_>) -> Result<T, ConfigError>,
) -> PyResult<T> {
    let lookup = |k: &str| environ.get(k).cloned();
    let warn_failure: RefCell<Option<PyErr>> = RefCell::new(None);
    let mut send_warning = |text: String| {
        if warn_failure.borrow().is_none() {
            if let Err(e) = warn.call1((text,)) {
                *warn_failure.borrow_mut() = Some(e);
            }
        }
    };
    let regex_check = python_regex_check(py)?;
    let expand_user = python_expanduser(py)?;
    let result = {
        let mut host = LoadHost {
            env: &lookup,
            warn: &mut send_warning,
            regex_check: &regex_check,
            expand_user: Some(&expand_user),
        };
        step(&mut host)
    };
    if let Some(err) = warn_failure.into_inner() {
        return Err(err);
    }
    result.map_err(|e| errors::to_py(&e))
}

/// Regexes are checked by Python's `re`, the engine that will run them.
fn python_regex_check(py: Python<'_>) -> PyResult<impl Fn(&str) -> Result<(), String> + '_> {
    let re_compile = py.import("re")?.getattr("compile")?;
    Ok(move |pattern: &str| re_compile.call1((pattern,)).map(|_| ()).map_err(|e| e.value(py).to_string()))
}

/// `~` is expanded by Python's `os.path.expanduser` (looked up on each call,
/// so it follows `$HOME` changes and test doubles exactly as coverage.py does).
fn python_expanduser(py: Python<'_>) -> PyResult<impl Fn(&str) -> String + '_> {
    let path_module = py.import("os")?.getattr("path")?;
    Ok(move |path: &str| {
        path_module
            .getattr("expanduser")
            .and_then(|f| f.call1((path,)))
            .and_then(|v| v.extract::<String>())
            .unwrap_or_else(|_| path.to_string())
    })
}

/// `True` / `False` / a file name (str or path-like), as `Coverage()` takes it.
fn config_file_arg(obj: &Bound<'_, PyAny>) -> PyResult<ConfigFileArg> {
    if obj.is_instance_of::<PyBool>() || obj.is_none() {
        return Ok(if obj.is_truthy()? { ConfigFileArg::Default } else { ConfigFileArg::Disabled });
    }
    let path = obj.py().import("os")?.getattr("fspath")?.call1((obj,))?;
    let text: String = path.extract()?;
    Ok(if text.is_empty() { ConfigFileArg::Disabled } else { ConfigFileArg::Path(text) })
}

/// A Python value as an option value.
pub fn to_value(obj: &Bound<'_, PyAny>) -> PyResult<OptionValue> {
    if obj.is_none() {
        return Ok(OptionValue::None);
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(OptionValue::Bool(obj.extract()?));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(OptionValue::Int(obj.extract()?));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Ok(OptionValue::Float(obj.extract()?));
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(OptionValue::Str(obj.extract()?));
    }
    if let Ok(mapping) = obj.cast::<PyMapping>() {
        let items = mapping.items()?;
        let mut pairs = Vec::new();
        for item in items.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            pairs.push((k.str()?.to_string(), to_value(&v)?));
        }
        return Ok(OptionValue::Table(pairs));
    }
    if obj.hasattr("__fspath__")? {
        let path = obj.py().import("os")?.getattr("fspath")?.call1((obj,))?;
        return Ok(OptionValue::Str(path.extract()?));
    }
    if let Ok(iter) = obj.try_iter() {
        return Ok(OptionValue::List(iter.map(|item| to_value(&item?)).collect::<PyResult<_>>()?));
    }
    Err(PyTypeError::new_err(format!("unsupported config value: {}", obj.repr()?)))
}

/// An option value as the Python value coverage.py would hold.
pub fn from_value<'py>(py: Python<'py>, value: &OptionValue) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        OptionValue::None => py.None().into_bound(py),
        OptionValue::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        OptionValue::Int(i) => i.into_pyobject(py)?.into_any(),
        OptionValue::Float(f) => PyFloat::new(py, *f).into_any(),
        OptionValue::Str(s) => PyString::new(py, s).into_any(),
        OptionValue::List(items) => {
            let converted = items.iter().map(|v| from_value(py, v)).collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, converted)?.into_any()
        }
        OptionValue::Table(pairs) => {
            let dict = PyDict::new(py);
            for (k, v) in pairs {
                dict.set_item(k, from_value(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

fn kind_name(kind: OptionKind) -> &'static str {
    match kind {
        OptionKind::Str => "",
        OptionKind::Bool => "boolean",
        OptionKind::Int => "int",
        OptionKind::Float => "float",
        OptionKind::File => "file",
        OptionKind::List => "list",
        OptionKind::RegexList => "regexlist",
    }
}

/// coverage.py's `CONFIG_FILE_OPTIONS`: (attr, "section:option", type).
#[pyfunction]
fn config_file_options<'py>(py: Python<'py>) -> PyResult<Vec<Bound<'py, PyTuple>>> {
    CONFIG_FILE_OPTIONS
        .iter()
        .map(|s| PyTuple::new(py, [s.attr.to_string(), s.qualified(), kind_name(s.kind).to_string()]))
        .collect()
}

/// `${VAR}` expansion with coverage.py's rules against `environ`
/// (`coverage.misc.substitute_variables`, which raises CoverageException).
#[pyfunction]
fn substitute_variables(text: &str, environ: HashMap<String, String>) -> PyResult<String> {
    let lookup = |k: &str| environ.get(k).cloned();
    ferrocov_config::substitute(text, &lookup).map_err(errors::coverage_error)
}

/// coverage.py's `config_files_to_try`: (file name, is it coverage's own
/// file, was it named explicitly), in the order they are tried.
#[pyfunction]
fn config_files_to_try(
    config_file: &Bound<'_, PyAny>,
    environ: HashMap<String, String>,
) -> PyResult<Vec<(String, bool, bool)>> {
    let arg = config_file_arg(config_file)?;
    let lookup = |k: &str| environ.get(k).cloned();
    Ok(ferrocov_config::config_files_to_try(&arg, &lookup))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(config_files_to_try, m)?)?;
    m.add_class::<PyConfig>()?;
    m.add_class::<PyConfigFile>()?;
    m.add_function(wrap_pyfunction!(config_file_options, m)?)?;
    m.add_function(wrap_pyfunction!(substitute_variables, m)?)?;
    m.add("DEFAULT_EXCLUDE", DEFAULT_EXCLUDE.to_vec())?;
    m.add("DEFAULT_PARTIAL", DEFAULT_PARTIAL.to_vec())?;
    m.add("DEFAULT_PARTIAL_ALWAYS", DEFAULT_PARTIAL_ALWAYS.to_vec())?;
    Ok(())
}
