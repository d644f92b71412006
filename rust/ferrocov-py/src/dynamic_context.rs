//! `[run] dynamic_context = test_function`, shared by both cores: which
//! code objects may start a context, which frame started the one running,
//! and the calls into Python that name a context and switch to it.
//!
//! Why it is shaped this way:
//! - Whether a code object can start a test-function context depends only
//!   on its name (coverage.py asks `co_name.startswith("test") or co_name
//!   == "runTest"`), so the cores decide it once per code object
//!   (`is_candidate`) and every other function costs nothing more.
//! - The label is coverage.py's qualified name, which needs the frame's
//!   locals and globals; it is computed by the one Python definition
//!   (`coverage.context.should_start_context_test_function`), called only
//!   when a candidate starts with no context running: once per test.
//! - As in coverage.py, a context is started only when none is running and
//!   ended when the frame that started it leaves (returns, raises out or
//!   yields; a generator or coroutine resumed starts it again).
//! - The Python calls run with no borrow of a core held (they flush the
//!   tracer's data and clear it); errors are kept and raised at stop, never
//!   into the measured program.
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;

use crate::recorder::GilRefCell;

/// The two Python callables of a run with dynamic contexts.
pub struct ContextSwitcher {
    /// `should_start_context(frame) -> label | None`.
    should_start: Py<PyAny>,
    /// `switch_context(label | None)`: flush what ran, record anew under it.
    switch: Py<PyAny>,
}

impl ContextSwitcher {
    pub fn new(should_start: Py<PyAny>, switch: Py<PyAny>) -> Self {
        ContextSwitcher { should_start, switch }
    }

    fn clone_ref(&self, py: Python<'_>) -> ContextSwitcher {
        ContextSwitcher { should_start: self.should_start.clone_ref(py), switch: self.switch.clone_ref(py) }
    }
}

/// The context running now: the frame that started it (held, so its
/// address can't be reused) and that frame's code object's address.
struct Running {
    frame: Py<PyAny>,
    code: usize,
}

struct State {
    switcher: ContextSwitcher,
    running: Option<Running>,
    /// The first error a Python call raised, raised by `take_error`.
    error: Option<PyErr>,
}

/// One tracer's dynamic contexts (None inside: the run has none).
pub struct DynamicContexts(Option<GilRefCell<State>>);

/// Can a frame of `code` start a test-function context? The part of
/// coverage.py's rule that depends on the code object alone.
pub fn is_candidate(code: &Bound<'_, PyAny>) -> bool {
    let py = code.py();
    let Ok(name) = code.getattr(intern!(py, "co_name")) else { return false };
    let Ok(name) = name.extract::<&str>() else { return false };
    name.starts_with("test") || name == "runTest"
}

impl DynamicContexts {
    pub fn new(switcher: Option<ContextSwitcher>) -> Self {
        DynamicContexts(switcher.map(|switcher| GilRefCell::new(State { switcher, running: None, error: None })))
    }

    /// The same switcher, with no context running (for another core).
    pub fn clone_ref(&self, py: Python<'_>) -> DynamicContexts {
        let switcher = self.0.as_ref().and_then(|cell| cell.borrow_mut(py).map(|s| s.switcher.clone_ref(py)));
        DynamicContexts::new(switcher)
    }

    /// Does the run have dynamic contexts at all?
    pub fn enabled(&self) -> bool {
        self.0.is_some()
    }

    /// Is a context running? (A cheap test for events that can only end one.)
    pub fn running(&self, py: Python<'_>) -> bool {
        self.0.as_ref().and_then(|cell| cell.borrow_mut(py)).is_some_and(|state| state.running.is_some())
    }

    /// A frame of a candidate code object starts (or resumes): start its
    /// context if none is running and Python names one.
    pub fn frame_started(&self, py: Python<'_>, frame: &Bound<'_, PyAny>, code: usize) {
        let Some(cell) = &self.0 else { return };
        let Some(switcher) = cell.borrow_mut(py).and_then(|s| s.running.is_none().then(|| s.switcher.clone_ref(py)))
        else {
            return;
        };
        let label = match switcher.should_start.bind(py).call1((frame,)) {
            Ok(label) if label.is_none() => return,
            Ok(label) => label,
            Err(err) => return self.remember(py, err),
        };
        if let Some(mut state) = cell.borrow_mut(py) {
            state.running = Some(Running { frame: frame.clone().unbind(), code });
        }
        if let Err(err) = switcher.switch.bind(py).call1((label,)) {
            self.remember(py, err);
        }
    }

    /// A frame of code object `code` leaves (return, unwind, yield); `frame`
    /// gives the frame, asked only when the code is the starter's. Ends the
    /// context that frame started.
    pub fn frame_ended(&self, py: Python<'_>, code: usize, frame: impl FnOnce() -> *mut ffi::PyObject) {
        let Some(cell) = &self.0 else { return };
        let switch = {
            let Some(mut state) = cell.borrow_mut(py) else { return };
            match &state.running {
                Some(running) if running.code == code && running.frame.as_ptr() == frame() => {}
                _ => return,
            }
            state.running = None;
            state.switcher.switch.clone_ref(py)
        };
        if let Err(err) = switch.bind(py).call1((py.None(),)) {
            self.remember(py, err);
        }
    }

    /// Measurement stopped: a later start begins with no context running,
    /// as coverage.py's new tracer does.
    pub fn forget_running(&self, py: Python<'_>) {
        if let Some(mut state) = self.0.as_ref().and_then(|cell| cell.borrow_mut(py)) {
            state.running = None;
        }
    }

    fn remember(&self, py: Python<'_>, err: PyErr) {
        if let Some(mut state) = self.0.as_ref().and_then(|cell| cell.borrow_mut(py)) {
            state.error.get_or_insert(err);
        }
    }

    /// Raise the first error a context switch raised, once.
    pub fn take_error(&self, py: Python<'_>) -> PyResult<()> {
        match self.0.as_ref().and_then(|cell| cell.borrow_mut(py)).and_then(|mut state| state.error.take()) {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}
