//! Which files a tracer core records, and under which name: asked once
//! per file name when a core first sees it.
//!
//! Without plugins the engine's `InOut` answers in Rust, from the frame's
//! module globals, and Python is called only when `sys.path` has changed
//! since the last question (pytest changes it; the Python layer then
//! re-reads the package locations). With plugins, or for tests, a Python
//! callable `should_trace(filename, frame)` answers instead.

use ferrocov_files::{FrameFacts, RelativeDir};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::files::PyInOut;
use crate::recorder::GilRefCell;

/// The question "record this file, under which name?".
#[pyclass(module = "ferrocov._engine", frozen)]
pub struct FileDecider {
    kind: DeciderKind,
}

enum DeciderKind {
    /// A Python `should_trace(filename, frame) -> name | None`.
    Python(Py<PyAny>),
    Engine(EngineDecider),
}

/// The engine's answer, with what it needs to notice a new `sys.path`.
struct EngineDecider {
    inout: Py<PyInOut>,
    /// Called (with no arguments) after `sys.path` changed, before deciding.
    on_sys_path_change: Py<PyAny>,
    /// A copy of `sys.path` as of the last question.
    seen_sys_path: GilRefCell<Py<PyList>>,
    /// With `relative_files`, the directory names are made relative to
    /// (names elsewhere stay as they are); None: absolute names.
    relative_dir: Option<RelativeDir>,
}

impl FileDecider {
    /// A decider over a Python callable (what `Tracer(callable)` builds).
    pub fn from_callable(should_trace: Py<PyAny>) -> Self {
        FileDecider { kind: DeciderKind::Python(should_trace) }
    }

    /// The name to record `filename`'s lines under, or None to skip it.
    /// May run Python code: call it with no core borrowed.
    pub fn decide(&self, py: Python<'_>, filename: &str, frame: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        match &self.kind {
            DeciderKind::Python(should_trace) => should_trace.call1(py, (filename, frame))?.extract(py),
            DeciderKind::Engine(engine) => engine.decide(py, filename, frame),
        }
    }
}

impl EngineDecider {
    fn decide(&self, py: Python<'_>, filename: &str, frame: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        self.refresh_if_sys_path_changed(py)?;
        let globals = frame_globals(frame);
        let facts = ModuleFacts::of(globals.as_ref());
        let disposition = self.inout.bind(py).get().read().should_trace_frame(filename, Some(&facts.as_frame_facts()));
        Ok(disposition.trace.then(|| self.recorded_name(disposition.canonical)))
    }

    /// `coverage.files.relative_filename` or `abs_file`, as the Python
    /// layer's file mapper would make it at save time.
    fn recorded_name(&self, canonical: String) -> String {
        match &self.relative_dir {
            Some(dir) => dir.relative_filename(&canonical),
            None => ferrocov_files::abs_file(&canonical),
        }
    }

    fn refresh_if_sys_path_changed(&self, py: Python<'_>) -> PyResult<()> {
        // A busy cell (a decision re-entered from the refresh itself) counts
        // as changed: the refresh is asked again, never skipped.
        let unchanged = match self.seen_sys_path.borrow_mut(py) {
            Some(seen) => sys_path(py)?.eq(seen.bind(py))?,
            None => false,
        };
        if !unchanged {
            self.on_sys_path_change.call0(py)?;
            let copy = copy_of_sys_path(py)?;
            if let Some(mut seen) = self.seen_sys_path.borrow_mut(py) {
                *seen = copy;
            }
        }
        Ok(())
    }
}

/// `sys.path`, read without an import: decisions are made inside trace
/// events, where the running frame's builtins may be anything.
fn sys_path(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    // SAFETY: PySys_GetObject returns a borrowed reference or NULL.
    let path = unsafe { pyo3::ffi::PySys_GetObject(c"path".as_ptr()) };
    if path.is_null() {
        return Err(pyo3::exceptions::PyRuntimeError::new_err("lost sys.path"));
    }
    Ok(unsafe { Bound::from_borrowed_ptr(py, path) })
}

/// A list holding what `sys.path` holds now.
fn copy_of_sys_path(py: Python<'_>) -> PyResult<Py<PyList>> {
    let items = sys_path(py)?.try_iter()?.collect::<PyResult<Vec<_>>>()?;
    Ok(PyList::new(py, items)?.unbind())
}

/// A frame's `f_globals`, if it has a dict there.
fn frame_globals<'py>(frame: &Bound<'py, PyAny>) -> Option<Bound<'py, PyDict>> {
    let globals = frame.getattr(intern!(frame.py(), "f_globals")).ok()?;
    globals.cast_into::<PyDict>().ok()
}

/// `__file__`, `__name__` and `__spec__.name` of a module, as strings.
struct ModuleFacts {
    file: Option<String>,
    name: Option<String>,
    spec_name: Option<String>,
}

impl ModuleFacts {
    fn of(globals: Option<&Bound<'_, PyDict>>) -> Self {
        let Some(globals) = globals else { return ModuleFacts { file: None, name: None, spec_name: None } };
        let py = globals.py();
        let item = |key: &str| globals.get_item(key).ok().flatten().filter(|v| !v.is_none());
        // str(__file__) when truthy, as coverage does.
        let file = item("__file__")
            .filter(|v| v.is_truthy().unwrap_or(false))
            .and_then(|v| v.str().ok().and_then(|s| s.to_str().ok().map(str::to_owned)));
        let string =
            |v: Bound<'_, PyAny>| v.cast_into::<PyString>().ok().and_then(|s| s.to_str().ok().map(str::to_owned));
        let name = item("__name__").and_then(string);
        let spec_name = item("__spec__")
            .filter(|spec| spec.is_truthy().unwrap_or(false))
            .and_then(|spec| spec.getattr(intern!(py, "name")).ok())
            .and_then(string);
        ModuleFacts { file, name, spec_name }
    }

    fn as_frame_facts(&self) -> FrameFacts<'_> {
        FrameFacts { file: self.file.as_deref(), name: self.name.as_deref(), spec_name: self.spec_name.as_deref() }
    }
}

#[pymethods]
impl FileDecider {
    /// The engine deciding with `inout`; `on_sys_path_change()` is called
    /// when `sys.path` differs from the last time a file was decided.
    #[new]
    #[pyo3(signature = (inout, on_sys_path_change, relative_dir=None))]
    fn new(
        py: Python<'_>,
        inout: Py<PyInOut>,
        on_sys_path_change: Py<PyAny>,
        relative_dir: Option<String>,
    ) -> PyResult<Self> {
        let engine = EngineDecider {
            inout,
            on_sys_path_change,
            seen_sys_path: GilRefCell::new(copy_of_sys_path(py)?),
            relative_dir: relative_dir.map(RelativeDir::from_prepared),
        };
        Ok(FileDecider { kind: DeciderKind::Engine(engine) })
    }

    /// The same question from Python: the name to record under, or None.
    fn __call__(&self, py: Python<'_>, filename: &str, frame: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        self.decide(py, filename, frame)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<FileDecider>()?;
    Ok(())
}
