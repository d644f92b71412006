//! The `ctrace` core: a C-level trace function installed with
//! `PyEval_SetTrace`, recording executed lines per file in Rust bitsets.
//!
//! Why it is shaped this way:
//! - The measure/skip decision is made once per code object and cached in
//!   the code object's "extra" slot, so a line event costs a pointer read,
//!   not a hash lookup on the file name.
//! - Frames of files we do not measure get `f_trace_lines = 0`, so CPython
//!   stops sending their line events at all.
//! - The trace function is installed with the `CTracer` itself as its
//!   object, so `sys.gettrace()` returns the tracer and a program that
//!   saves and restores the trace function keeps coverage on (the tracer
//!   is callable as a Python trace function and re-installs itself).
//! - The state lives in a `GilRefCell`: reached with the GIL held, never
//!   borrowed across a call into Python.
//! - Measuring branches, each measured frame's last line is kept by frame
//!   (`arc_frames`), so threads and suspended generators need no stacks:
//!   a line event records `last -> line`, a call records the entry (a
//!   negative first line, or the resumed line), a return the exit, as
//!   coverage.py's CTracer does.
use std::ffi::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::OnceLock;

use crate::dynamic_context::{is_candidate, DynamicContexts};
use crate::fast_hash::IntMap;
use crate::frame_code::{self, entry_line, is_real_return, FrameCode};
use crate::recorder::{ask, decider_from, Decision, GilRefCell, Recorder};
use pyo3::ffi;
use pyo3::prelude::*;

/// The first fields of CPython's `PyFrameObject`, identical in 3.11, 3.12
/// and 3.13 (Include/internal/pycore_frame.h). We only write
/// `f_trace_lines`, a plain flag CPython reads before each line event.
#[repr(C)]
struct FrameHead {
    ob_base: ffi::PyObject,
    f_back: *mut c_void,
    f_frame: *mut c_void,
    f_trace: *mut ffi::PyObject,
    f_lineno: c_int,
    f_trace_lines: c_char,
    f_trace_opcodes: c_char,
}

/// Whether a code object's frames are measured: "skip" or the index of
/// the measured file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Slot {
    Skip,
    File(u32),
}

/// What a code object's extra slot says, packed into one word: the
/// generation of the tracer that decided (so a new `Coverage` never trusts
/// an old decision), the `Slot`, and whether its frames may start a
/// dynamic context (decided with it, so a call costs no name test).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Decided {
    slot: Slot,
    candidate: bool,
}

const SLOT_SKIP_TAG: usize = 1;
const CANDIDATE_BIT: usize = 1 << 31;

fn pack_slot(generation: u32, decided: Decided) -> usize {
    let tag = match decided.slot {
        Slot::Skip => SLOT_SKIP_TAG,
        Slot::File(index) => index as usize + 2,
    };
    let candidate = if decided.candidate { CANDIDATE_BIT } else { 0 };
    ((generation as usize) << 32) | candidate | tag
}

fn unpack_slot(generation: u32, word: usize) -> Option<Decided> {
    if word == 0 || (word >> 32) as u32 != generation {
        return None;
    }
    let candidate = word & CANDIDATE_BIT != 0;
    let slot = match word & (CANDIDATE_BIT - 1) {
        SLOT_SKIP_TAG => Slot::Skip,
        tag => Slot::File((tag - 2) as u32),
    };
    Some(Decided { slot, candidate })
}

/// Each tracer gets a new generation; 0 is never used, so an untouched
/// extra slot (NULL) never looks like a decision.
static NEXT_GENERATION: AtomicU32 = AtomicU32::new(1);

/// The code-object extra index this module reserved, once per process.
static EXTRA_INDEX: OnceLock<ffi::Py_ssize_t> = OnceLock::new();

/// Our slot holds plain integers, so there is nothing to free.
unsafe extern "C" fn free_slot(_extra: *mut c_void) {}

fn extra_index() -> ffi::Py_ssize_t {
    *EXTRA_INDEX.get_or_init(|| unsafe { ffi::PyUnstable_Eval_RequestCodeExtraIndex(free_slot) })
}

/// Everything one `CTracer` collects.
struct TracerCore {
    recorder: Recorder,
    /// Frames that were running at `start()`, whose line events are off.
    silenced: Vec<Py<PyAny>>,
    /// Measuring arcs: the last line of each measured frame, by frame
    /// address (entered at a call, removed at its return).
    arc_frames: IntMap<usize, i32>,
}

/// What to do with a frame's events, once its code object is decided.
/// `code` is the frame's code, needed for entries and exits of arcs.
fn apply(core: &mut TracerCore, frame: *mut ffi::PyFrameObject, what: c_int, slot: Slot, code: &FrameCode<'_>) {
    core.recorder.activity = true;
    let Slot::File(index) = slot else {
        // CPython checks this flag before every line event of the frame.
        unsafe { (*frame.cast::<FrameHead>()).f_trace_lines = 0 };
        return;
    };
    if core.recorder.trace_arcs() {
        record_arc_event(core, frame, what, index, code);
    } else if what == ffi::PyTrace_LINE {
        let line = unsafe { ffi::PyFrame_GetLineNumber(frame) };
        if line >= 0 {
            core.recorder.record(index, line as u32);
        }
    }
}

/// One event of a measured frame, measuring arcs.
fn record_arc_event(
    core: &mut TracerCore,
    frame: *mut ffi::PyFrameObject,
    what: c_int,
    file: u32,
    code: &FrameCode<'_>,
) {
    let key = frame as usize;
    match what {
        ffi::PyTrace_CALL => {
            core.arc_frames.insert(key, entry_line(frame, code));
        }
        ffi::PyTrace_LINE => {
            let line = unsafe { ffi::PyFrame_GetLineNumber(frame) };
            if let Some(last) = core.arc_frames.get_mut(&key) {
                core.recorder.record_arc(file, *last, line);
                *last = line;
            }
        }
        ffi::PyTrace_RETURN => {
            if let Some(last) = core.arc_frames.remove(&key) {
                if is_real_return(frame, code) {
                    core.recorder.record_arc(file, last, -code.first_line());
                }
            }
        }
        _ => {}
    }
}

/// Make `tracer` the frame's own trace function, as coverage.py's CTracer
/// does: after `sys.settrace(sys.gettrace())` CPython's Python-level
/// trampoline sends the frame's line events to `frame.f_trace`, so frames
/// running at that moment keep being measured. (The setter of 3.13 does
/// the same as this for a non-None object when opcode tracing is off.)
unsafe fn set_frame_trace(frame: *mut ffi::PyFrameObject, tracer: *mut ffi::PyObject) {
    let head = frame.cast::<FrameHead>();
    if (*head).f_trace != tracer {
        ffi::Py_INCREF(tracer);
        let old = std::mem::replace(&mut (*head).f_trace, tracer);
        ffi::Py_XDECREF(old);
    }
}

/// Turn off line events of the calling thread's running frames; return
/// them so `stop()` can turn them back on.
fn silence_running_frames(py: Python<'_>) -> Vec<Py<PyAny>> {
    let mut frames = Vec::new();
    unsafe {
        // PyEval_GetFrame is borrowed; PyFrame_GetBack returns new references.
        let mut frame = ffi::PyEval_GetFrame();
        if !frame.is_null() {
            ffi::Py_INCREF(frame.cast());
        }
        while !frame.is_null() {
            let back = ffi::PyFrame_GetBack(frame);
            let owned: Py<PyAny> = Bound::from_owned_ptr(py, frame.cast()).unbind();
            let head = frame.cast::<FrameHead>();
            if (*head).f_trace_lines != 0 {
                (*head).f_trace_lines = 0;
                frames.push(owned);
            }
            frame = back;
        }
    }
    frames
}

/// The C-level trace function; `obj` is the `CTracer` that installed it
/// (so `sys.gettrace()` returns that tracer, as coverage.py's does). It
/// must never unwind into CPython: a panic turns measurement off instead.
unsafe extern "C" fn trace_event(
    obj: *mut ffi::PyObject,
    frame: *mut ffi::PyFrameObject,
    what: c_int,
    _arg: *mut ffi::PyObject,
) -> c_int {
    if obj.is_null() || frame.is_null() || !is_handled(what) {
        return 0;
    }
    let py = Python::assume_attached();
    // Only `CTracer::install` passes this function to PyEval_SetTrace, and
    // always with a CTracer; the reference held here outlives the event.
    let tracer = Bound::from_borrowed_ptr(py, obj);
    let tracer: &Bound<'_, CTracer> = tracer.cast_unchecked();
    let tracer = tracer.get();
    if catch_unwind(AssertUnwindSafe(|| tracer.on_event(py, obj, frame, what))).is_err() {
        tracer.active.store(false, Ordering::Relaxed);
    }
    0
}

/// Call and line events always; returns matter only for arcs, and the
/// core checks that (a return of an unmeasured frame finds no entry).
fn is_handled(what: c_int) -> bool {
    what == ffi::PyTrace_CALL || what == ffi::PyTrace_LINE || what == ffi::PyTrace_RETURN
}

/// The `ctrace` core. A Python object (reached through `Tracer`, the one
/// face of both cores) because CPython hands it to the trace function and
/// `sys.gettrace()` returns it.
#[pyclass(name = "CTracer", module = "ferrocov._engine", frozen)]
pub struct CTracer {
    generation: u32,
    /// Measuring branches (return events matter then).
    traces_arcs: bool,
    /// Receiving events? Threads keep calling a stopped tracer's trace
    /// function until they are traced anew; it then ignores them.
    active: AtomicBool,
    core: GilRefCell<TracerCore>,
    /// `[run] dynamic_context`: started and ended by call and return events.
    contexts: DynamicContexts,
}

impl CTracer {
    /// `me` is this tracer's own Python object.
    fn on_event(&self, py: Python<'_>, me: *mut ffi::PyObject, frame: *mut ffi::PyFrameObject, what: c_int) {
        if !self.active.load(Ordering::Relaxed) {
            return;
        }
        if what == ffi::PyTrace_CALL {
            unsafe { set_frame_trace(frame, me) };
        }
        if what == ffi::PyTrace_RETURN && !self.traces_arcs {
            return self.maybe_end_context(py, frame);
        }
        let code = unsafe { Bound::from_owned_ptr(py, ffi::PyFrame_GetCode(frame).cast::<ffi::PyObject>()) };
        let Some(decided) = (unsafe { self.slot_for(py, frame, &code) }) else { return };
        if what == ffi::PyTrace_CALL && decided.candidate {
            // As coverage.py: the context starts before the call is recorded.
            let frame_obj = unsafe { Bound::from_borrowed_ptr(py, frame.cast::<ffi::PyObject>()) };
            self.contexts.frame_started(py, &frame_obj, code.as_ptr() as usize);
        }
        if let Some(mut core) = self.core.borrow_mut(py) {
            apply(&mut core, frame, what, decided.slot, &FrameCode::new(&code));
        }
        if what == ffi::PyTrace_RETURN {
            // ... and ends after the exit arc is recorded.
            self.maybe_end_context(py, frame);
        }
    }

    /// A frame returns (or yields): end the dynamic context it started.
    fn maybe_end_context(&self, py: Python<'_>, frame: *mut ffi::PyFrameObject) {
        if self.contexts.enabled() && self.contexts.running(py) {
            let code = unsafe { Bound::from_owned_ptr(py, ffi::PyFrame_GetCode(frame).cast::<ffi::PyObject>()) };
            self.contexts.frame_ended(py, code.as_ptr() as usize, || frame.cast());
        }
    }

    /// The decision for the frame's code object, made on first sight;
    /// None when the core is busy (the event goes unrecorded).
    unsafe fn slot_for(
        &self,
        py: Python<'_>,
        frame: *mut ffi::PyFrameObject,
        code: &Bound<'_, PyAny>,
    ) -> Option<Decided> {
        let index = extra_index();
        let mut word: *mut c_void = ptr::null_mut();
        if ffi::PyUnstable_Code_GetExtra(code.as_ptr(), index, &mut word) == 0 {
            if let Some(slot) = unpack_slot(self.generation, word as usize) {
                return Some(slot);
            }
        } else {
            ffi::PyErr_Clear();
        }
        let slot = self.decide(py, code, frame)?;
        let decided = Decided { slot, candidate: self.contexts.enabled() && is_candidate(code) };
        let packed = pack_slot(self.generation, decided) as *mut c_void;
        if ffi::PyUnstable_Code_SetExtra(code.as_ptr(), index, packed) != 0 {
            ffi::PyErr_Clear();
        }
        Some(decided)
    }

    /// Ask the recorder, and `should_trace` (with the frame, for
    /// `source_pkgs` matching) when the file name is new.
    fn decide(&self, py: Python<'_>, code: &Bound<'_, PyAny>, frame: *mut ffi::PyFrameObject) -> Option<Slot> {
        let decision = self.core.borrow_mut(py)?.recorder.lookup(py, code);
        let file = match decision {
            Decision::Known(file) => file,
            Decision::Ask { filename, decider } => {
                let frame = unsafe { Bound::from_borrowed_ptr(py, frame.cast::<ffi::PyObject>()) }.unbind();
                let answer = ask(py, &decider, &filename, frame);
                self.core.borrow_mut(py)?.recorder.settle(filename, answer)
            }
        };
        Some(file.map_or(Slot::Skip, Slot::File))
    }

    /// Make `slf` the calling thread's C-level trace function.
    fn install(slf: &Bound<'_, Self>) {
        unsafe { ffi::PyEval_SetTrace(Some(trace_event), slf.as_ptr()) };
    }
}

fn what_of(event: &str) -> c_int {
    match event {
        "call" => ffi::PyTrace_CALL,
        "line" => ffi::PyTrace_LINE,
        "return" => ffi::PyTrace_RETURN,
        "exception" => ffi::PyTrace_EXCEPTION,
        _ => ffi::PyTrace_OPCODE,
    }
}

impl CTracer {
    /// `should_trace` is a `FileDecider`, or a callable
    /// `(filename, frame) -> name | None`.
    /// `branch`: record arcs instead of lines; `contexts`: the run's
    /// dynamic contexts.
    pub fn new(should_trace: &Bound<'_, PyAny>, branch: bool, contexts: DynamicContexts) -> PyResult<Self> {
        if branch {
            frame_code::load_opcodes(should_trace.py())?;
        }
        let recorder = Recorder::new(decider_from(should_trace)?, branch);
        let core = TracerCore { recorder, silenced: Vec::new(), arc_frames: IntMap::default() };
        Ok(CTracer {
            generation: NEXT_GENERATION.fetch_add(1, Ordering::Relaxed),
            traces_arcs: branch,
            active: AtomicBool::new(false),
            core: GilRefCell::new(core),
            contexts,
        })
    }

    /// Start receiving events, tracing the calling thread.
    ///
    /// Frames already running (the caller of `start()` and everything
    /// above it) are not measured, as in coverage.py: their line events
    /// are switched off here, and back on at `stop()`.
    pub fn start(slf: &Bound<'_, Self>) -> PyResult<()> {
        extra_index();
        let silenced = silence_running_frames(slf.py());
        slf.get().core.with(slf.py(), |core| core.silenced = silenced)?;
        slf.get().active.store(true, Ordering::Relaxed);
        Self::install(slf);
        Ok(())
    }

    /// Trace the calling thread too (called from `threading.settrace`'s
    /// hook in each new thread). `frame` is the frame whose call event
    /// reached the hook (the thread's `run`): it is entered here, since
    /// the C-level function only sees the events after this one.
    pub fn install_thread(slf: &Bound<'_, Self>, frame: &Bound<'_, PyAny>) {
        if slf.get().active.load(Ordering::Relaxed) {
            let raw_frame = frame.as_ptr().cast::<ffi::PyFrameObject>();
            slf.get().on_event(slf.py(), slf.as_ptr(), raw_frame, ffi::PyTrace_CALL);
            Self::install(slf);
        }
    }

    /// Stop tracing the calling thread; other threads stop recording
    /// because the tracer is no longer active.
    pub fn stop(&self, py: Python<'_>) -> PyResult<()> {
        self.active.store(false, Ordering::Relaxed);
        unsafe { ffi::PyEval_SetTrace(None, ptr::null_mut()) };
        let silenced = self.core.with(py, |core| {
            // Frames still running are entered again if tracing restarts.
            core.arc_frames.clear();
            std::mem::take(&mut core.silenced)
        })?;
        for frame in silenced {
            unsafe { (*frame.as_ptr().cast::<FrameHead>()).f_trace_lines = 1 };
        }
        self.contexts.forget_running(py);
        self.contexts.take_error(py)?;
        self.core.with(py, |core| core.recorder.take_error())?
    }

    /// Is this tracer receiving events?
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    /// Work on the recorder (lines, activity), never across a call into Python.
    pub fn with_recorder<R>(&self, py: Python<'_>, body: impl FnOnce(&mut Recorder) -> R) -> PyResult<R> {
        self.core.with(py, |core| body(&mut core.recorder))
    }
}

#[pymethods]
impl CTracer {
    /// The tracer called as a Python trace function: what happens after a
    /// program restores us with `sys.settrace(sys.gettrace())`. The event
    /// is handled, and on a call event the C-level function is installed
    /// again (only then: a new trace function takes effect on calls, so
    /// doing it on other events would hide the program's own function).
    fn __call__(slf: &Bound<'_, Self>, frame: &Bound<'_, PyAny>, event: &str, _arg: &Bound<'_, PyAny>) -> Py<PyAny> {
        let what = what_of(event);
        let raw_frame = frame.as_ptr().cast::<ffi::PyFrameObject>();
        if is_handled(what) {
            slf.get().on_event(slf.py(), slf.as_ptr(), raw_frame, what);
        }
        if what == ffi::PyTrace_CALL && slf.get().active.load(Ordering::Relaxed) {
            Self::install(slf);
        }
        slf.clone().into_any().unbind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_round_trip_and_reject_other_generations() {
        for slot in [Slot::Skip, Slot::File(0), Slot::File(41)] {
            for candidate in [false, true] {
                let decided = Decided { slot, candidate };
                assert_eq!(unpack_slot(7, pack_slot(7, decided)), Some(decided));
                assert_eq!(unpack_slot(8, pack_slot(7, decided)), None);
            }
        }
        assert_eq!(unpack_slot(7, 0), None);
    }
}
