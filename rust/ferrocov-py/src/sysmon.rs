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
//! - The state lives in a `GilRefCell`, as in the `ctrace` core: reached
//!   with the GIL held, never borrowed across a call into Python.
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyCFunction;

use crate::decider::FileDecider;
use crate::errors;
use crate::recorder::{ask, decider_from, Decision, GilRefCell, Recorder};

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
        let module = py
            .import("sys")?
            .getattr("monitoring")
            .map_err(|_| errors::coverage_error("sys.monitoring isn't available in this version of Python"))?;
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

    /// Claim a free tool id, or say clearly who holds them all.
    ///
    /// The ids nobody names (3 and 4) come first and coverage's own id
    /// last, so a measured program (or a tool it runs) that claims
    /// `COVERAGE_ID` itself still can: coverage.py's default core on
    /// 3.12/3.13 is a trace function, which leaves every id free.
    fn claim_tool(&mut self, py: Python<'_>) -> PyResult<()> {
        let module = self.module.bind(py);
        let coverage_id: u8 = module.getattr("COVERAGE_ID")?.extract()?;
        let mut holders = Vec::new();
        for tool_id in [3, 4, coverage_id] {
            let holder = module.getattr("get_tool")?.call1((tool_id,))?;
            if holder.is_none() {
                self.tool_id = tool_id;
                return self.call(py, "use_tool_id", (tool_id, TOOL_NAME));
            }
            holders.push(format!("{tool_id} by {}", holder.repr()?));
        }
        Err(errors::coverage_error(format!(
            "Can't measure with sys.monitoring: tool ids are already in use ({})",
            holders.join(", ")
        )))
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

impl SysmonCore {
    /// Switch LINE on for a measured code object.
    fn measure(&mut self, py: Python<'_>, code: &Bound<'_, PyAny>, file: u32) {
        let Some(monitoring) = &self.monitoring else { return };
        match monitoring.set_local(py, code, monitoring.local_mask) {
            Ok(()) => {
                let key = code.as_ptr() as usize;
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

    fn disable(&self, py: Python<'_>) -> Py<PyAny> {
        match &self.monitoring {
            Some(monitoring) => monitoring.disable.clone_ref(py),
            None => py.None(),
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

/// The tracer whose callbacks are registered, or null. The callbacks are
/// module functions, not bound methods, so that `sys.monitoring` holds no
/// reference to the tracer: dropping a started tracer still frees its
/// tool id. Set and cleared with the GIL held; `Drop` clears it before the
/// tracer goes, so a non-null pointer always points at a live tracer.
static ACTIVE: AtomicPtr<SysmonTracer> = AtomicPtr::new(ptr::null_mut());

/// Run `body` on the tracer receiving events, if there is one.
fn with_active<T>(_py: Python<'_>, idle: impl FnOnce() -> T, body: impl FnOnce(&SysmonTracer) -> T) -> T {
    let tracer = ACTIVE.load(Ordering::Acquire);
    if tracer.is_null() {
        return idle();
    }
    // SAFETY: see ACTIVE; the GIL is held, so Drop cannot run meanwhile.
    body(unsafe { &*tracer })
}

/// PY_START callback: decide the code object, then never hear of it again.
#[pyfunction]
fn on_py_start(py: Python<'_>, code: &Bound<'_, PyAny>, _instruction_offset: &Bound<'_, PyAny>) -> Py<PyAny> {
    with_active(py, || py.None(), |tracer| tracer.on_py_start(py, code))
}

/// LINE callback: record the line, then never hear of it again.
#[pyfunction]
fn on_line(py: Python<'_>, code: &Bound<'_, PyAny>, line_number: i64) -> Py<PyAny> {
    with_active(py, || py.None(), |tracer| tracer.on_line(py, code, line_number))
}

/// The `sysmon` core, reached through `Tracer` (the one face of both
/// cores). A Python object so that its address, which `ACTIVE` holds, is
/// stable for its whole life.
#[pyclass(name = "SysmonTracer", module = "ferrocov._engine", frozen)]
pub struct SysmonTracer {
    /// Recording is being the tracer `ACTIVE` points at: the callbacks
    /// reach no other.
    core: GilRefCell<SysmonCore>,
}

impl SysmonTracer {
    fn begin_monitoring(slf: &Bound<'_, Self>) -> PyResult<()> {
        let py = slf.py();
        let mut monitoring = Monitoring::load(py)?;
        monitoring.claim_tool(py)?;
        let armed = monitoring
            .register_callbacks(py)
            .and_then(|()| monitoring.call(py, "set_events", (monitoring.tool_id, monitoring.global_mask)));
        slf.get().core.with(py, |core| core.monitoring = Some(monitoring))?;
        if let Err(err) = armed {
            let _ = slf.get().core.with(py, |core| core.release(py));
            return Err(err);
        }
        Ok(())
    }

    /// Run an event handler on the core. It must never unwind or raise
    /// into CPython: a panic turns measurement off for this tracer. A busy
    /// core (an event re-entering our own work) gets `idle`, which answers
    /// None: the event comes again rather than being disabled unrecorded.
    fn handle<T>(&self, py: Python<'_>, idle: impl FnOnce() -> T, handler: impl FnOnce(&mut SysmonCore) -> T) -> T {
        let Some(mut core) = self.core.borrow_mut(py) else { return idle() };
        let outcome = catch_unwind(AssertUnwindSafe(|| handler(&mut core)));
        drop(core);
        outcome.unwrap_or_else(|_| {
            self.deactivate();
            idle()
        })
    }
}

impl SysmonTracer {
    /// PY_START: decide the code object, then never hear of it again.
    fn on_py_start(&self, py: Python<'_>, code: &Bound<'_, PyAny>) -> Py<PyAny> {
        let idle = || StartStep::Answer(py.None());
        let step = self.handle(py, idle, |core| {
            core.recorder.activity = true;
            // Seen before (an earlier start, or before a clear()): LINE is
            // switched on again, since stop() switched it off.
            if let Some(file) = core.measured_codes.get(&(code.as_ptr() as usize)).map(|m| m.file) {
                core.measure(py, code, file);
                return StartStep::Answer(core.disable(py));
            }
            match core.recorder.lookup(py, code) {
                Decision::Known(file) => {
                    if let Some(file) = file {
                        core.measure(py, code, file);
                    }
                    StartStep::Answer(core.disable(py))
                }
                Decision::Ask { filename, decider } => StartStep::Ask { filename, decider },
            }
        });
        let (filename, decider) = match step {
            StartStep::Answer(answer) => return answer,
            StartStep::Ask { filename, decider } => (filename, decider),
        };
        // should_trace is Python code: asked with no borrow held.
        let answer = ask(py, &decider, &filename, current_frame(py));
        self.handle(
            py,
            || py.None(),
            |core| {
                if let Some(file) = core.recorder.settle(filename, answer) {
                    core.measure(py, code, file);
                }
                core.disable(py)
            },
        )
    }

    /// LINE: record the line, then never hear of it again.
    fn on_line(&self, py: Python<'_>, code: &Bound<'_, PyAny>, line_number: i64) -> Py<PyAny> {
        self.handle(
            py,
            || py.None(),
            |core| {
                core.on_line(code, line_number);
                core.disable(py)
            },
        )
    }
}

/// What a PY_START event leads to.
enum StartStep {
    /// The callback's answer (DISABLE, or None).
    Answer(Py<PyAny>),
    /// A new file name: `should_trace` must be asked.
    Ask { filename: String, decider: Py<FileDecider> },
}

impl SysmonTracer {
    /// `should_trace` is a `FileDecider`, or a callable
    /// `(filename, frame) -> name | None`.
    pub fn new(should_trace: &Bound<'_, PyAny>) -> PyResult<Self> {
        let core = SysmonCore {
            recorder: Recorder::new(decider_from(should_trace)?, false),
            measured_codes: HashMap::new(),
            monitoring: None,
        };
        Ok(SysmonTracer { core: GilRefCell::new(core) })
    }

    /// Claim a tool id and start measuring new frames in every thread.
    /// Frames already running never get a PY_START, so they are not
    /// measured, as in coverage.py.
    pub fn start(slf: &Bound<'_, Self>) -> PyResult<()> {
        let py = slf.py();
        if slf.get().core.with(py, |core| core.monitoring.is_none())? {
            Self::begin_monitoring(slf)?;
        }
        ACTIVE.store(slf.get().as_ptr(), Ordering::Release);
        // Events we DISABLEd earlier (in an earlier run or before a
        // clear()) must fire again.
        restart_events(py)
    }

    /// Free the tool id; report the first error `should_trace` raised.
    pub fn stop(&self, py: Python<'_>) -> PyResult<()> {
        self.deactivate();
        self.core.with(py, |core| core.release(py))??;
        self.core.with(py, |core| core.recorder.take_error())?
    }

    /// Is this tracer the one receiving events?
    pub fn is_active(&self) -> bool {
        ACTIVE.load(Ordering::Acquire) == self.as_ptr()
    }

    /// The `sys.monitoring` tool id this tracer holds, None when stopped.
    pub fn tool_id(&self, py: Python<'_>) -> PyResult<Option<u8>> {
        self.core.with(py, |core| core.monitoring.as_ref().map(|m| m.tool_id))
    }

    /// Work on the recorder (lines, activity), never across a call into Python.
    pub fn with_recorder<R>(&self, py: Python<'_>, body: impl FnOnce(&mut Recorder) -> R) -> PyResult<R> {
        self.core.with(py, |core| body(&mut core.recorder))
    }

    /// Forget collected lines (the decisions stay valid), and make the
    /// lines we DISABLEd report again so they can be recorded anew.
    pub fn clear(&self, py: Python<'_>) -> PyResult<()> {
        let monitoring = self.core.with(py, |core| {
            core.recorder.clear_lines();
            core.monitoring.is_some()
        })?;
        if monitoring {
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

impl SysmonTracer {
    /// Stop being the tracer the callbacks reach.
    fn deactivate(&self) {
        let _ = ACTIVE.compare_exchange(self.as_ptr(), ptr::null_mut(), Ordering::AcqRel, Ordering::Acquire);
    }

    /// This tracer as `ACTIVE` holds it.
    fn as_ptr(&self) -> *mut SysmonTracer {
        std::ptr::from_ref(self).cast_mut()
    }
}

impl Drop for SysmonTracer {
    fn drop(&mut self) {
        self.deactivate();
        // A tracer dropped while started must not keep the tool id.
        Python::attach(|py| {
            let _ = self.core.with(py, |core| core.release(py));
        });
    }
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
