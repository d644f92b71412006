//! The `sysmon` core: line coverage through `sys.monitoring` (PEP 669),
//! for CPython 3.12+.
//!
//! Why it is shaped this way:
//! - PY_START decides each code object once and answers DISABLE, so an
//!   unmeasured function costs one event in its whole life (until
//!   `restart_events()`); a measured one gets LINE switched on locally.
//! - LINE records the line and answers DISABLE, so each line of each code
//!   object costs one event between resets: after the first call a
//!   measured function runs at full speed.
//! - The callbacks are native functions registered with
//!   `register_callback`; no Python code runs per event.
//! - All state is touched with the GIL held (callbacks and Python method
//!   calls), as in the `ctrace` core, which makes the unsynchronised global
//!   below sound on the GIL builds of CPython we support.
use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict};
use pyo3::import_exception;

use crate::recorder::{GilCell, Recorder};

import_exception!(coverage.exceptions, CoverageException);

/// The name `use_tool_id` registers, the one coverage.py uses, so tools
/// that look at `sys.monitoring.get_tool()` see a coverage tool.
const TOOL_NAME: &str = "coverage.py";

/// The events this core asks for, in one place so branch coverage (3.14's
/// BRANCH_LEFT/BRANCH_RIGHT, PY_RETURN) can be added by extending it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    /// Enabled globally: decides a code object on its first call.
    PyStart,
    /// Enabled locally on measured code objects: records a line.
    Line,
}

impl Event {
    /// Every event we register a callback for.
    const ALL: [Event; 2] = [Event::PyStart, Event::Line];
    /// The events turned on for every code object.
    const GLOBAL: [Event; 1] = [Event::PyStart];
    /// The events turned on for a measured code object.
    const LOCAL: [Event; 1] = [Event::Line];

    /// The attribute of `sys.monitoring.events` naming it.
    fn attr(self) -> &'static str {
        match self {
            Event::PyStart => "PY_START",
            Event::Line => "LINE",
        }
    }
}

/// The `sys.monitoring` objects we use, looked up once per `start()`.
struct Monitoring {
    module: Py<PyAny>,
    tool_id: u8,
    disable: Py<PyAny>,
    set_local_events: Py<PyAny>,
    global_mask: i64,
    local_mask: i64,
}

impl Monitoring {
    fn load(py: Python<'_>) -> PyResult<Self> {
        let module = py.import("sys")?.getattr("monitoring").map_err(|_| {
            CoverageException::new_err("sys.monitoring isn't available in this version of Python")
        })?;
        let events = module.getattr("events")?;
        let mask = |set: &[Event]| -> PyResult<i64> {
            set.iter().try_fold(0i64, |acc, event| Ok(acc | events.getattr(event.attr())?.extract::<i64>()?))
        };
        Ok(Monitoring {
            tool_id: module.getattr("COVERAGE_ID")?.extract()?,
            disable: module.getattr("DISABLE")?.unbind(),
            set_local_events: module.getattr("set_local_events")?.unbind(),
            global_mask: mask(&Event::GLOBAL)?,
            local_mask: mask(&Event::LOCAL)?,
            module: module.unbind(),
        })
    }

    fn call<'py>(&self, py: Python<'py>, name: &str, args: impl pyo3::call::PyCallArgs<'py>) -> PyResult<()> {
        self.module.bind(py).getattr(name)?.call1(args)?;
        Ok(())
    }

    /// Claim the coverage tool id, or say clearly who holds it.
    fn claim_tool(&self, py: Python<'_>) -> PyResult<()> {
        let holder = self.module.bind(py).getattr("get_tool")?.call1((self.tool_id,))?;
        if !holder.is_none() {
            return Err(CoverageException::new_err(format!(
                "Can't measure with sys.monitoring: tool id {} is already in use by {}",
                self.tool_id,
                holder.repr()?
            )));
        }
        self.call(py, "use_tool_id", (self.tool_id, TOOL_NAME))
    }

    fn callback(py: Python<'_>, event: Event) -> PyResult<Bound<'_, PyCFunction>> {
        match event {
            Event::PyStart => wrap_pyfunction!(on_py_start, py),
            Event::Line => wrap_pyfunction!(on_line, py),
        }
    }

    fn register_callbacks(&self, py: Python<'_>) -> PyResult<()> {
        let events = self.module.bind(py).getattr("events")?;
        for event in Event::ALL {
            let callback = Self::callback(py, event)?;
            self.call(py, "register_callback", (self.tool_id, events.getattr(event.attr())?, callback))?;
        }
        Ok(())
    }

    fn unregister_callbacks(&self, py: Python<'_>) -> PyResult<()> {
        let events = self.module.bind(py).getattr("events")?;
        for event in Event::ALL {
            self.call(py, "register_callback", (self.tool_id, events.getattr(event.attr())?, py.None()))?;
        }
        Ok(())
    }

    fn set_local(&self, py: Python<'_>, code: &Bound<'_, PyAny>, mask: i64) -> PyResult<()> {
        self.set_local_events.call1(py, (self.tool_id, code, mask))?;
        Ok(())
    }
}


/// A code object we switched LINE on for. Holding the object keeps its
/// address (our map key) from being reused by another code object.
struct MeasuredCode {
    code: Py<PyAny>,
    file: u32,
}

/// Everything one `SysmonTracer` collects.
struct SysmonCore {
    recorder: Recorder,
    /// Measured code objects by address: the LINE callback's lookup.
    measured_codes: HashMap<usize, MeasuredCode>,
    /// Set while we hold the tool id.
    monitoring: Option<Monitoring>,
}

/// The tracer receiving events now, or null when none is active.
static ACTIVE: GilCell<*mut SysmonCore> = GilCell(UnsafeCell::new(ptr::null_mut()));

fn active() -> *mut SysmonCore {
    unsafe { *ACTIVE.0.get() }
}

fn set_active(core: *mut SysmonCore) {
    unsafe { *ACTIVE.0.get() = core };
}

impl SysmonCore {
    fn on_py_start(&mut self, py: Python<'_>, code: &Bound<'_, PyAny>) {
        self.recorder.activity = true;
        let key = code.as_ptr() as usize;
        let file = match self.measured_codes.get(&key) {
            // Seen before a restart_events(): LINE is already on locally.
            Some(measured) => Some(measured.file),
            // The frame being started is the top frame during PY_START.
            None => self.recorder.decide(py, code, || current_frame(py)),
        };
        let Some(file) = file else { return };
        let Some(monitoring) = &self.monitoring else { return };
        match monitoring.set_local(py, code, monitoring.local_mask) {
            Ok(()) => {
                self.measured_codes.entry(key).or_insert_with(|| MeasuredCode { code: code.clone().unbind(), file });
            }
            Err(err) => {
                self.recorder.remember_error(err);
            }
        }
    }

    fn on_line(&mut self, code: &Bound<'_, PyAny>, line: i64) {
        if let Some(measured) = self.measured_codes.get(&(code.as_ptr() as usize)) {
            if let Ok(line) = u32::try_from(line) {
                self.recorder.record(measured.file, line);
            }
        }
    }

    /// Give the tool id back, leaving no event of ours switched on: a later
    /// holder of the id must not get LINE events for our code objects.
    fn release(&mut self, py: Python<'_>) -> PyResult<()> {
        let Some(monitoring) = self.monitoring.take() else { return Ok(()) };
        monitoring.call(py, "set_events", (monitoring.tool_id, 0))?;
        for measured in self.measured_codes.values() {
            monitoring.set_local(py, measured.code.bind(py), 0)?;
        }
        monitoring.unregister_callbacks(py)?;
        monitoring.call(py, "free_tool_id", (monitoring.tool_id,))
    }
}

/// The frame being started: the top Python frame during a PY_START callback.
fn current_frame(py: Python<'_>) -> Py<PyAny> {
    // PyEval_GetFrame returns a borrowed reference (or NULL).
    unsafe {
        let frame = ffi::PyEval_GetFrame();
        if frame.is_null() {
            py.None()
        } else {
            Bound::from_borrowed_ptr(py, frame.cast()).unbind()
        }
    }
}

/// The DISABLE sentinel to answer with, or None when no tracer is active.
fn disable_answer(py: Python<'_>, core: *mut SysmonCore) -> Py<PyAny> {
    if core.is_null() {
        return py.None();
    }
    match unsafe { &(*core).monitoring } {
        Some(monitoring) => monitoring.disable.clone_ref(py),
        None => py.None(),
    }
}

/// Run an event handler on the active core. It must never unwind or raise
/// into CPython: a panic turns measurement off for this tracer instead.
fn with_active_core(py: Python<'_>, handler: impl FnOnce(&mut SysmonCore)) -> Py<PyAny> {
    let core = active();
    if core.is_null() {
        return py.None();
    }
    let answer = disable_answer(py, core);
    let outcome = catch_unwind(AssertUnwindSafe(|| handler(unsafe { &mut *core })));
    if outcome.is_err() {
        set_active(ptr::null_mut());
    }
    answer
}

/// PY_START callback: decide the code object, then never hear of it again.
#[pyfunction]
fn on_py_start(py: Python<'_>, code: &Bound<'_, PyAny>, _instruction_offset: &Bound<'_, PyAny>) -> Py<PyAny> {
    with_active_core(py, |core| core.on_py_start(py, code))
}

/// LINE callback: record the line, then never hear of it again.
#[pyfunction]
fn on_line(py: Python<'_>, code: &Bound<'_, PyAny>, line_number: i64) -> Py<PyAny> {
    with_active_core(py, |core| core.on_line(code, line_number))
}

/// The Python face: `SysmonTracer(should_trace)`, the same interface as
/// `Tracer`.
#[pyclass(module = "ferrocov._engine")]
pub struct SysmonTracer {
    core: GilCell<Box<SysmonCore>>,
}

impl SysmonTracer {
    fn core_ptr(&self) -> *mut SysmonCore {
        unsafe { &mut **self.core.0.get() as *mut SysmonCore }
    }

    fn core(&self) -> &mut SysmonCore {
        unsafe { &mut **self.core.0.get() }
    }

    fn begin_monitoring(&self, py: Python<'_>) -> PyResult<()> {
        let monitoring = Monitoring::load(py)?;
        monitoring.claim_tool(py)?;
        let armed = monitoring
            .register_callbacks(py)
            .and_then(|()| monitoring.call(py, "set_events", (monitoring.tool_id, monitoring.global_mask)));
        self.core().monitoring = Some(monitoring);
        if let Err(err) = armed {
            let _ = self.core().release(py);
            return Err(err);
        }
        Ok(())
    }
}

#[pymethods]
impl SysmonTracer {
    #[new]
    fn new(should_trace: Py<PyAny>) -> Self {
        let core = SysmonCore {
            recorder: Recorder::new(should_trace),
            measured_codes: HashMap::new(),
            monitoring: None,
        };
        SysmonTracer { core: GilCell(UnsafeCell::new(Box::new(core))) }
    }

    /// Claim coverage's tool id and start measuring new frames in every
    /// thread. Frames already running never get a PY_START, so they are
    /// not measured, as in coverage.py.
    fn start(&self, py: Python<'_>) -> PyResult<()> {
        if self.core().monitoring.is_none() {
            self.begin_monitoring(py)?;
        }
        set_active(self.core_ptr());
        // Events we DISABLEd earlier (in an earlier run or before a
        // clear()) must fire again.
        restart_events(py)
    }

    /// `sys.monitoring` is interpreter-wide: new threads need nothing.
    fn install_thread(&self) {}

    /// Free the tool id; report the first error `should_trace` raised.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        if active() == self.core_ptr() {
            set_active(ptr::null_mut());
        }
        self.core().release(py)?;
        self.core().recorder.take_error()
    }

    /// Is this tracer the one receiving events?
    fn is_active(&self) -> bool {
        active() == self.core_ptr()
    }

    /// Lines seen so far: `{canonical_filename: [line, ...]}`.
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.core().recorder.lines(py)
    }

    /// Was any event seen since the last call? Resets the flag.
    fn take_activity(&self) -> bool {
        self.core().recorder.take_activity()
    }

    /// Forget collected lines (the decisions stay valid), and make the
    /// lines we DISABLEd report again so they can be recorded anew.
    fn clear(&self, py: Python<'_>) -> PyResult<()> {
        self.core().recorder.clear_lines();
        if self.core().monitoring.is_some() {
            restart_events(py)?;
        }
        Ok(())
    }
}

fn restart_events(py: Python<'_>) -> PyResult<()> {
    let monitoring = py
        .import("sys")?
        .getattr("monitoring")
        .map_err(|_| PyRuntimeError::new_err("sys.monitoring isn't available"))?;
    monitoring.getattr("restart_events")?.call0()?;
    Ok(())
}

impl Drop for SysmonTracer {
    fn drop(&mut self) {
        if active() == self.core_ptr() {
            set_active(ptr::null_mut());
        }
        if self.core().monitoring.is_some() {
            // A tracer dropped while started must not keep the tool id.
            Python::attach(|py| {
                let _ = self.core().release(py);
            });
        }
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SysmonTracer>()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Event;

    #[test]
    fn every_enabled_event_has_a_callback() {
        for event in Event::GLOBAL.iter().chain(Event::LOCAL.iter()) {
            assert!(Event::ALL.contains(event));
        }
        assert_eq!(Event::PyStart.attr(), "PY_START");
        assert_eq!(Event::Line.attr(), "LINE");
    }
}
