//! `Tracer`: the one Python face of the measurement cores.
//!
//! Python sees a single class whatever measures: the core is chosen here,
//! from the resolved config (`Tracer.for_config`), or named
//! (`Tracer(should_trace, core=...)`). Both cores record into the same
//! `Recorder`, so lines, activity and the hand-over to the data file are
//! one code path; only starting, stopping and threads differ per core.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::config::PyConfig;
use crate::core_choice::{choose_core, CoreName};
use crate::ctrace::CTracer;
use crate::data::PyCoverageData;
use crate::dynamic_context::{ContextSwitcher, DynamicContexts};
use crate::errors;
use crate::recorder::{flush_collected, Recorder};
use crate::sysmon::SysmonTracer;

/// The core measuring right now.
enum Core {
    CTrace(Py<CTracer>),
    Sysmon(Py<SysmonTracer>),
}

impl Core {
    /// `branch`: record arcs; `contexts`: the run's dynamic contexts.
    fn new(
        py: Python<'_>,
        name: CoreName,
        should_trace: &Bound<'_, PyAny>,
        branch: bool,
        contexts: DynamicContexts,
    ) -> PyResult<Core> {
        Ok(match name {
            CoreName::CTrace => Core::CTrace(Py::new(py, CTracer::new(should_trace, branch, contexts)?)?),
            CoreName::Sysmon => Core::Sysmon(Py::new(py, SysmonTracer::new(should_trace, branch, contexts)?)?),
        })
    }

    fn name(&self) -> CoreName {
        match self {
            Core::CTrace(_) => CoreName::CTrace,
            Core::Sysmon(_) => CoreName::Sysmon,
        }
    }

    fn clone_ref(&self, py: Python<'_>) -> Core {
        match self {
            Core::CTrace(t) => Core::CTrace(t.clone_ref(py)),
            Core::Sysmon(t) => Core::Sysmon(t.clone_ref(py)),
        }
    }

    fn with_recorder<R>(&self, py: Python<'_>, body: impl FnOnce(&mut Recorder) -> R) -> PyResult<R> {
        match self {
            Core::CTrace(t) => t.get().with_recorder(py, body),
            Core::Sysmon(t) => t.get().with_recorder(py, body),
        }
    }
}

/// `Tracer`: measures executed lines with the chosen core.
#[pyclass(module = "ferrocov._engine", frozen)]
pub struct Tracer {
    /// Replaced at most once: by `ctrace`, when `sysmon` finds no free
    /// tool id at its first start.
    core: RwLock<Core>,
    should_trace: Py<PyAny>,
    /// Recording arcs (branch coverage)?
    branch: bool,
    /// `warn(message, slug=...)` when the engine chose the core; only then
    /// may it fall back to another one (a core named explicitly fails).
    warn: Option<Py<PyAny>>,
    /// The dynamic contexts the cores were given (for a fallback core).
    contexts: DynamicContexts,
    started: AtomicBool,
}

impl Tracer {
    fn build(
        py: Python<'_>,
        name: CoreName,
        should_trace: &Bound<'_, PyAny>,
        branch: bool,
        warn: Option<Py<PyAny>>,
        contexts: DynamicContexts,
    ) -> PyResult<Self> {
        Ok(Tracer {
            core: RwLock::new(Core::new(py, name, should_trace, branch, contexts.clone_ref(py))?),
            should_trace: should_trace.clone().unbind(),
            branch,
            warn,
            contexts,
            started: AtomicBool::new(false),
        })
    }

    /// The core, cloned out so no lock is held while it runs Python code.
    fn current(&self, py: Python<'_>) -> Core {
        self.core.read().unwrap_or_else(|p| p.into_inner()).clone_ref(py)
    }

    fn send_warning(&self, py: Python<'_>, message: String) -> PyResult<()> {
        let Some(warn) = &self.warn else { return Ok(()) };
        let kwargs = PyDict::new(py);
        kwargs.set_item("slug", "no-sysmon")?;
        warn.bind(py).call((message,), Some(&kwargs))?;
        Ok(())
    }

    /// `sysmon` couldn't start the first time: measure with `ctrace`, saying why.
    fn fall_back_to_ctrace(&self, py: Python<'_>, failure: &PyErr) -> PyResult<()> {
        self.send_warning(py, format!("{}, using core ctrace", failure.value(py)))?;
        let contexts = self.contexts.clone_ref(py);
        let ctrace = Core::new(py, CoreName::CTrace, self.should_trace.bind(py), self.branch, contexts)?;
        let Core::CTrace(tracer) = &ctrace else { unreachable!("Core::new(CTrace) builds a CTracer") };
        let tracer = tracer.clone_ref(py);
        *self.core.write().unwrap_or_else(|p| p.into_inner()) = ctrace;
        CTracer::start(tracer.bind(py))
    }
}

#[pymethods]
impl Tracer {
    /// `should_trace` is a `FileDecider`, or a callable `(filename, frame)
    /// -> name | None`; `core` is "ctrace" or "sysmon" (3.12+); `branch`
    /// records arcs. Dynamic contexts: `should_start_context(frame) ->
    /// label | None` is asked when a function whose name starts with
    /// "test" (or is "runTest") starts with no context running, and
    /// `switch_context(label | None)` called when one starts or ends.
    #[new]
    #[pyo3(signature = (should_trace, core = "ctrace", branch = false, should_start_context = None, switch_context = None))]
    fn new(
        py: Python<'_>,
        should_trace: &Bound<'_, PyAny>,
        core: &str,
        branch: bool,
        should_start_context: Option<Py<PyAny>>,
        switch_context: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let name = CoreName::parse(core).map_err(|e| errors::to_py(&e))?;
        let contexts = contexts_from(should_start_context, switch_context)?;
        Self::build(py, name, should_trace, branch, None, contexts)
    }

    /// The core `config` asks for, by coverage.py's rules (sysmon wherever
    /// it can measure); a core that can't be used is reported through
    /// `warn(message, slug="no-sysmon")` and another one measures.
    /// Dynamic contexts as in `Tracer()`.
    #[staticmethod]
    #[pyo3(signature = (config, should_trace, warn, should_start_context = None, switch_context = None))]
    fn for_config(
        py: Python<'_>,
        config: PyRef<'_, PyConfig>,
        should_trace: &Bound<'_, PyAny>,
        warn: &Bound<'_, PyAny>,
        should_start_context: Option<Py<PyAny>>,
        switch_context: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let sysmon_available = py.version_info() >= (3, 12);
        let choice = choose_core(&config.inner, sysmon_available).map_err(|e| errors::to_py(&e))?;
        let branch = config.inner.branch;
        let contexts = contexts_from(should_start_context, switch_context)?;
        let tracer = Self::build(py, choice.core, should_trace, branch, Some(warn.clone().unbind()), contexts)?;
        if let Some(message) = choice.warning {
            tracer.send_warning(py, message)?;
        }
        Ok(tracer)
    }

    /// "ctrace" or "sysmon".
    #[getter]
    fn core(&self, py: Python<'_>) -> &'static str {
        self.current(py).name().config_name()
    }

    /// The core's name as `coverage debug sys` shows it ("CTracer", "SysMonitor").
    #[getter]
    fn name(&self, py: Python<'_>) -> &'static str {
        self.current(py).name().display_name()
    }

    /// Does the core trace with a trace function (so new threads need it installed)?
    #[getter]
    fn systrace(&self, py: Python<'_>) -> bool {
        self.current(py).name() == CoreName::CTrace
    }

    /// The `sys.monitoring` tool id held (None for ctrace, or when stopped).
    #[getter]
    fn tool_id(&self, py: Python<'_>) -> PyResult<Option<u8>> {
        match self.current(py) {
            Core::CTrace(_) => Ok(None),
            Core::Sysmon(t) => t.get().tool_id(py),
        }
    }

    /// Start measuring new frames (ctrace: in the calling thread).
    fn start(&self, py: Python<'_>) -> PyResult<()> {
        let outcome = match self.current(py) {
            Core::CTrace(t) => CTracer::start(t.bind(py)),
            Core::Sysmon(t) => SysmonTracer::start(t.bind(py)),
        };
        let first_start = !self.started.swap(true, Ordering::Relaxed);
        match outcome {
            Err(err) if first_start && self.warn.is_some() && errors::is_coverage_exception(py, &err) => {
                self.fall_back_to_ctrace(py, &err)
            }
            other => other,
        }
    }

    /// Measure the calling thread too (ctrace; sysmon reaches every thread),
    /// from its `threading.settrace` hook called with the thread's first frame.
    fn install_thread(&self, py: Python<'_>, frame: &Bound<'_, PyAny>) {
        if let Core::CTrace(t) = self.current(py) {
            CTracer::install_thread(t.bind(py), frame);
        }
    }

    /// Stop measuring; the first error `should_trace` raised surfaces here.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        match self.current(py) {
            Core::CTrace(t) => t.get().stop(py),
            Core::Sysmon(t) => t.get().stop(py),
        }
    }

    /// Is the core receiving events?
    fn is_active(&self, py: Python<'_>) -> bool {
        match self.current(py) {
            Core::CTrace(t) => t.get().is_active(),
            Core::Sysmon(t) => t.get().is_active(),
        }
    }

    /// Recording arcs (branch coverage)?
    #[getter]
    fn branch(&self) -> bool {
        self.branch
    }

    /// Lines seen so far: `{canonical_filename: [line, ...]}`.
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.current(py).with_recorder(py, |recorder| recorder.lines(py))?
    }

    /// Arcs seen so far: `{canonical_filename: [(from, to), ...]}`.
    fn arcs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.current(py).with_recorder(py, |recorder| recorder.arcs(py))?
    }

    /// Move the collected lines or arcs into `data` (an
    /// `_engine.CoverageData`) without making Python objects; say whether
    /// anything ran since the last flush (nothing is written then).
    fn flush_into(&self, py: Python<'_>, data: &Bound<'_, PyCoverageData>) -> PyResult<bool> {
        flush_collected(py, self.current(py).with_recorder(py, Recorder::take_new_data)?, data)
    }

    /// Was any event seen since the last call? Resets the flag.
    fn take_activity(&self, py: Python<'_>) -> PyResult<bool> {
        self.current(py).with_recorder(py, Recorder::take_activity)
    }

    /// Forget collected lines (the decisions stay valid).
    fn clear(&self, py: Python<'_>) -> PyResult<()> {
        match self.current(py) {
            Core::CTrace(t) => t.get().with_recorder(py, Recorder::clear_lines),
            Core::Sysmon(t) => t.get().clear(py),
        }
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("<ferrocov Tracer core={}>", self.current(py).name().config_name())
    }
}

/// Both callables, or neither.
fn contexts_from(should_start: Option<Py<PyAny>>, switch: Option<Py<PyAny>>) -> PyResult<DynamicContexts> {
    match (should_start, switch) {
        (Some(should_start), Some(switch)) => {
            Ok(DynamicContexts::new(Some(ContextSwitcher::new(should_start, switch))))
        }
        (None, None) => Ok(DynamicContexts::new(None)),
        _ => Err(PyValueError::new_err("should_start_context and switch_context go together")),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Tracer>()?;
    Ok(())
}
