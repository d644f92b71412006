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
//! - Branch coverage (see docs/architecture.md) adds PY_RETURN and the
//!   branch events locally. LINE records a line as the arc (line, line),
//!   which reports read as "the line ran"; a branch event is resolved to
//!   the arc of lines it makes through the bytecode (`bytecode`), and a
//!   return gives its line's exit arc. Reports only look at arcs out of
//!   branch lines, and those are what is recorded exactly. 3.14's
//!   BRANCH_LEFT/BRANCH_RIGHT are answered with DISABLE at once;
//!   3.12/3.13's one BRANCH event disables both directions, so a branch on
//!   a branch line stays armed until both of its directions were seen,
//!   and one on any other line is disabled at once. Arcs out of branch
//!   lines that no such event shows (`async for`, a line falling through
//!   past a one-line body) are proven by INSTRUCTION events at probes
//!   (`bytecode::probes`), switched on only in code objects that have any.
//! - The callbacks are native functions registered with
//!   `register_callback`; no Python code runs per event.
//! - The state lives in a `GilRefCell`, as in the `ctrace` core: reached
//!   with the GIL held, never borrowed across a call into Python.
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyCFunction;

use crate::bytecode::{CodeLayout, Opcodes, Probe};
use crate::decider::FileDecider;
use crate::dynamic_context::{is_candidate, DynamicContexts};
use crate::errors;
use crate::fast_hash::IntMap;
use crate::recorder::{ask, decider_from, Decision, GilRefCell, Recorder};

/// The name `use_tool_id` registers, the one coverage.py uses, so tools
/// that look at `sys.monitoring.get_tool()` see a coverage tool.
const TOOL_NAME: &str = "coverage.py";

/// The events this core asks for, by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    /// Enabled globally: decides a code object on its first call.
    PyStart,
    /// Enabled locally on measured code objects: records a line.
    Line,
    /// Branch coverage: a return, the arc from its line to the exit.
    PyReturn,
    /// Branch coverage, on code objects with probes only: a probe reached.
    Instruction,
    /// Branch coverage on 3.12/3.13: a conditional jump, either way.
    Branch,
    /// Branch coverage on 3.14+: one direction of a conditional jump each.
    BranchLeft,
    BranchRight,
    /// Dynamic contexts, on candidate code objects: a generator or
    /// coroutine resumed, or suspended (settrace's "call" and "return").
    PyResume,
    PyYield,
    /// Dynamic contexts, global (sys.monitoring has them no other way): an
    /// exception thrown into a generator, or leaving a frame.
    PyThrow,
    PyUnwind,
}

impl Event {
    /// The events turned on for every code object.
    const GLOBAL: [Event; 1] = [Event::PyStart];
    /// Added to them with dynamic contexts.
    const GLOBAL_CONTEXT: [Event; 2] = [Event::PyThrow, Event::PyUnwind];
    /// Turned on for the code objects that may start a dynamic context.
    const LOCAL_CONTEXT: [Event; 3] = [Event::PyResume, Event::PyYield, Event::PyReturn];

    /// The events turned on for a measured code object: `directional` when
    /// the interpreter has BRANCH_LEFT/BRANCH_RIGHT.
    fn local(branch: bool, directional: bool) -> Vec<Event> {
        match (branch, directional) {
            (false, _) => vec![Event::Line],
            (true, false) => vec![Event::Line, Event::PyReturn, Event::Branch],
            (true, true) => vec![Event::Line, Event::PyReturn, Event::BranchLeft, Event::BranchRight],
        }
    }

    /// The attribute of `sys.monitoring.events` naming it.
    fn attr(self) -> &'static str {
        match self {
            Event::PyStart => "PY_START",
            Event::Line => "LINE",
            Event::PyReturn => "PY_RETURN",
            Event::Instruction => "INSTRUCTION",
            Event::Branch => "BRANCH",
            Event::BranchLeft => "BRANCH_LEFT",
            Event::BranchRight => "BRANCH_RIGHT",
            Event::PyResume => "PY_RESUME",
            Event::PyYield => "PY_YIELD",
            Event::PyThrow => "PY_THROW",
            Event::PyUnwind => "PY_UNWIND",
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
    /// Added to `local_mask` for code objects with probes.
    probe_mask: i64,
    /// The local events of code objects that may start a dynamic context
    /// (0 when the run has no dynamic contexts).
    context_mask: i64,
    /// Every event we register a callback for.
    events: Vec<Event>,
}

impl Monitoring {
    /// `contexts`: the run has dynamic contexts.
    fn load(py: Python<'_>, branch: bool, contexts: bool) -> PyResult<Self> {
        let module = py
            .import("sys")?
            .getattr("monitoring")
            .map_err(|_| errors::coverage_error("sys.monitoring isn't available in this version of Python"))?;
        let events = module.getattr("events")?;
        let mask = |set: &[Event]| -> PyResult<i64> {
            set.iter().try_fold(0i64, |acc, event| Ok(acc | events.getattr(event.attr())?.extract::<i64>()?))
        };
        let directional = events.hasattr("BRANCH_LEFT")?;
        let measured = Event::local(branch, directional);
        let mut global = Event::GLOBAL.to_vec();
        let mut local = measured.clone();
        if branch {
            local.push(Event::Instruction);
        }
        if contexts {
            global.extend(Event::GLOBAL_CONTEXT);
            local.extend(Event::LOCAL_CONTEXT.iter().filter(|&event| !measured.contains(event)));
        }
        Ok(Monitoring {
            tool_id: module.getattr("COVERAGE_ID")?.extract()?,
            disable: module.getattr("DISABLE")?.unbind(),
            set_local_events: module.getattr("set_local_events")?.unbind(),
            global_mask: mask(&global)?,
            local_mask: mask(&measured)?,
            probe_mask: if branch { mask(&[Event::Instruction])? } else { 0 },
            context_mask: if contexts { mask(&Event::LOCAL_CONTEXT)? } else { 0 },
            // Every event we register a callback for.
            events: global.into_iter().chain(local).collect(),
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
            Event::PyReturn => wrap_pyfunction!(on_py_return, py),
            Event::Instruction => wrap_pyfunction!(on_instruction, py),
            Event::Branch => wrap_pyfunction!(on_branch, py),
            Event::BranchLeft | Event::BranchRight => wrap_pyfunction!(on_branch_direction, py),
            Event::PyResume => wrap_pyfunction!(on_py_resume, py),
            Event::PyYield => wrap_pyfunction!(on_py_yield, py),
            Event::PyThrow => wrap_pyfunction!(on_py_throw, py),
            Event::PyUnwind => wrap_pyfunction!(on_py_unwind, py),
        }
    }

    fn register_callbacks(&self, py: Python<'_>) -> PyResult<()> {
        let events = self.module.bind(py).getattr("events")?;
        for &event in &self.events {
            let callback = Self::callback(py, event)?;
            self.call(py, "register_callback", (self.tool_id, events.getattr(event.attr())?, callback))?;
        }
        Ok(())
    }

    fn unregister_callbacks(&self, py: Python<'_>) -> PyResult<()> {
        let events = self.module.bind(py).getattr("events")?;
        for event in &self.events {
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
    /// Branch coverage only.
    arcs: Option<CodeArcs>,
    /// Are its local events on? (Off again when the tool id is released.)
    armed: bool,
}

/// A code object whose frames may start a dynamic context (its name says
/// so), measured or not: it keeps its PY_START and gets the events that
/// end a context. Held for the same reason as `MeasuredCode`.
struct CandidateCode {
    code: Py<PyAny>,
    armed: bool,
}

/// What the branch events of one code object need.
struct CodeArcs {
    /// None: the bytecode could not be read (no arcs are recorded then).
    layout: Option<CodeLayout>,
    /// Branch instructions with one direction seen: offset -> that
    /// direction and how often it came again.
    first_destinations: IntMap<u32, FirstDirection>,
    /// Probes by the offset whose INSTRUCTION event proves their arc.
    probes: IntMap<u32, Probe>,
    /// The probes not fired since the events were (re)started: their
    /// offsets and lines.
    unfired: IntMap<u32, u32>,
}

impl CodeArcs {
    fn read(code: &Bound<'_, PyAny>, ops: Option<&Opcodes>, facts: &FileFacts) -> CodeArcs {
        let layout = CodeLayout::read(code).ok();
        let probes = match (&layout, ops) {
            (Some(layout), Some(ops)) => layout
                .probes(ops, |line| facts.first(line), |line| facts.is_branch(line))
                .into_iter()
                .map(|p| (p.at, p))
                .collect(),
            _ => IntMap::default(),
        };
        let mut arcs = CodeArcs { layout, first_destinations: IntMap::default(), probes, unfired: IntMap::default() };
        arcs.reset();
        arcs
    }

    fn reset(&mut self) {
        self.first_destinations.clear();
        let layout = &self.layout;
        let line = |at: u32| layout.as_ref().and_then(|layout| layout.line_at(at));
        self.unfired = self.probes.keys().filter_map(|&at| Some((at, line(at)?))).collect();
    }
}

/// The one direction a branch has taken so far.
struct FirstDirection {
    dest: u32,
    repeats: u32,
}

/// A branch that went the same way this often more is probed at its other
/// destination where it can be (`CodeLayout::lone_other_direction`), and
/// disabled: probing costs one INSTRUCTION event per instruction of the
/// code object once, so it pays off only for branches that keep firing.
const PROBE_AFTER_REPEATS: u32 = 8;

/// What branch events need of a measured source file: its multi-line
/// statements and its branch lines (None: unknown, every line counts).
struct FileFacts {
    multiline: HashMap<u32, u32>,
    branch_lines: Option<HashSet<u32>>,
}

impl FileFacts {
    fn analyze(py: Python<'_>, path: &str) -> FileFacts {
        let opts = crate::analysis::options(py, None, true);
        match ferrocov_analysis::analyze_file(std::path::Path::new(path), &opts) {
            Ok(analysis) => {
                let exits = analysis.exit_counts();
                let branch_lines = exits.into_iter().filter(|&(_, n)| n > 1).map(|(line, _)| line).collect();
                FileFacts { multiline: analysis.multiline, branch_lines: Some(branch_lines) }
            }
            Err(_) => FileFacts { multiline: HashMap::new(), branch_lines: None },
        }
    }

    /// The first line of the statement `line` is in.
    fn first(&self, line: u32) -> u32 {
        self.multiline.get(&line).copied().unwrap_or(line)
    }

    /// Whether a statement's first line may go more than one way.
    fn is_branch(&self, first_line: u32) -> bool {
        self.branch_lines.as_ref().is_none_or(|lines| lines.contains(&first_line))
    }

    fn is_branch_line(&self, line: Option<u32>) -> bool {
        line.is_none_or(|line| self.is_branch(self.first(line)))
    }
}

/// Everything one `SysmonTracer` collects.
struct SysmonCore {
    recorder: Recorder,
    /// Measured code objects by address: the LINE callback's lookup.
    measured_codes: IntMap<usize, MeasuredCode>,
    /// Dynamic contexts: the code objects that may start one, by address.
    candidates: IntMap<usize, CandidateCode>,
    /// Branch coverage: facts of measured files, by file id.
    file_facts: IntMap<u32, FileFacts>,
    /// Set while we hold the tool id.
    monitoring: Option<Monitoring>,
}

impl SysmonCore {
    /// Switch LINE (and the branch events) on for a measured code object.
    fn measure(&mut self, py: Python<'_>, code: &Bound<'_, PyAny>, file: u32) {
        if self.monitoring.is_none() {
            return;
        }
        let SysmonCore { recorder, measured_codes, file_facts, .. } = self;
        measured_codes.entry(code.as_ptr() as usize).or_insert_with(|| {
            let arcs = recorder.trace_arcs().then(|| {
                let facts = file_facts.entry(file).or_insert_with(|| FileFacts::analyze(py, recorder.path(file)));
                CodeArcs::read(code, Opcodes::get(py).ok(), facts)
            });
            MeasuredCode { code: code.clone().unbind(), file, arcs, armed: false }
        });
        self.arm(py, code);
    }

    /// Switch on the local events `code` needs, unless they are on:
    /// `set_local_events` is slow, and PY_START comes again after every
    /// `restart_events()` (each context switch).
    fn arm(&mut self, py: Python<'_>, code: &Bound<'_, PyAny>) {
        let key = code.as_ptr() as usize;
        let Some(monitoring) = &self.monitoring else { return };
        let measured = self.measured_codes.get_mut(&key);
        let candidate = self.candidates.get_mut(&key);
        let mut armed = true;
        if let Some(measured) = measured {
            armed &= std::mem::replace(&mut measured.armed, true);
        }
        if let Some(candidate) = candidate {
            armed &= std::mem::replace(&mut candidate.armed, true);
        }
        if armed {
            return;
        }
        let mask = self.local_mask(monitoring, key);
        if let Err(err) = monitoring.set_local(py, code, mask) {
            self.recorder.remember_error(err);
        }
    }

    /// The local events of the code object at `key`.
    fn local_mask(&self, monitoring: &Monitoring, key: usize) -> i64 {
        let mut mask = 0;
        if let Some(measured) = self.measured_codes.get(&key) {
            mask |= monitoring.local_mask;
            if measured.arcs.as_ref().is_some_and(|arcs| !arcs.probes.is_empty()) {
                mask |= monitoring.probe_mask;
            }
        }
        if self.candidates.contains_key(&key) {
            mask |= monitoring.context_mask;
        }
        mask
    }

    /// The end of a PY_START, once `file` (measured or None) is known:
    /// arm the code object's events, and say whether it may start a
    /// dynamic context (then its PY_START must stay on).
    fn finish_start(
        &mut self,
        py: Python<'_>,
        code: &Bound<'_, PyAny>,
        file: Option<u32>,
        candidate: bool,
    ) -> StartStep {
        if candidate {
            let key = code.as_ptr() as usize;
            self.candidates.entry(key).or_insert_with(|| CandidateCode { code: code.clone().unbind(), armed: false });
        }
        match file {
            Some(file) => self.measure(py, code, file),
            None => self.arm(py, code),
        }
        match candidate {
            true => StartStep::Candidate,
            false => StartStep::Answer(self.disable(py)),
        }
    }

    /// May frames of `code` start a dynamic context? Known for the code
    /// objects seen before (a measured one not among the candidates was
    /// found not to be), else asked of its name.
    fn is_candidate(&self, code: &Bound<'_, PyAny>, contexts: bool) -> bool {
        let key = code.as_ptr() as usize;
        contexts
            && (self.candidates.contains_key(&key) || (!self.measured_codes.contains_key(&key) && is_candidate(code)))
    }

    /// A line ran: record it; returns whether the event can be disabled.
    fn on_line(&mut self, code: &Bound<'_, PyAny>, line: i64) -> bool {
        let Some(measured) = self.measured_codes.get(&(code.as_ptr() as usize)) else { return true };
        let Ok(line) = u32::try_from(line) else { return true };
        match &measured.arcs {
            None => {
                self.recorder.record(measured.file, line);
                true
            }
            Some(arcs) => {
                // (line, line) stands for "line ran": reports take the line
                // from it, and no arc out of a branch line is (l, l).
                self.recorder.record_arc(measured.file, line as i32, line as i32);
                // On 3.12/3.13, disabling LINE at an instruction also
                // silences its INSTRUCTION event: a probe's line keeps
                // its LINE events until the probe has fired.
                !arcs.unfired.values().any(|&probe_line| probe_line == line)
            }
        }
    }

    /// For a branch event: the measured code object's file, its branch
    /// state, its file's facts (`measure` made both) and the recorder.
    fn branch_parts(&mut self, code: &Bound<'_, PyAny>) -> Option<(u32, &mut CodeArcs, &FileFacts, &mut Recorder)> {
        let SysmonCore { recorder, measured_codes, file_facts, .. } = self;
        let measured = measured_codes.get_mut(&(code.as_ptr() as usize))?;
        let facts = file_facts.get(&measured.file)?;
        Some((measured.file, measured.arcs.as_mut()?, facts, recorder))
    }

    /// A return: the arc from its line to the code object's exit.
    fn on_py_return(&mut self, code: &Bound<'_, PyAny>, offset: u32) {
        let Some((file, arcs, facts, recorder)) = self.branch_parts(code) else { return };
        let Some(layout) = &arcs.layout else { return };
        if let Some(line) = layout.line_at(offset) {
            recorder.record_arc(file, facts.first(line) as i32, -layout.first_line);
        }
    }

    /// An instruction ran: if it is a probe, record the arc it proves.
    fn on_instruction(&mut self, py: Python<'_>, code: &Bound<'_, PyAny>, offset: u32) {
        let Some((file, arcs, facts, recorder)) = self.branch_parts(code) else { return };
        arcs.unfired.remove(&offset);
        let (Some(probe), Some(layout), Ok(ops)) = (arcs.probes.get(&offset), &arcs.layout, Opcodes::get(py)) else {
            return;
        };
        if let Some((from, to)) = layout.resolve(ops, &facts.multiline, probe.source, probe.dest) {
            recorder.record_arc(file, from, to);
        }
    }

    /// A branch from `source` to `dest`: record its arc; returns whether
    /// the event can be disabled. `directional`: this event is one
    /// direction only (3.14+).
    fn on_branch(
        &mut self,
        py: Python<'_>,
        code: &Bound<'_, PyAny>,
        source: u32,
        dest: u32,
        directional: bool,
    ) -> bool {
        let Some((file, arcs, facts, recorder)) = self.branch_parts(code) else { return true };
        let seen = arcs.first_destinations.get_mut(&source);
        let seen_other = match seen {
            Some(first) if first.dest == dest => {
                first.repeats += 1;
                return first.repeats == PROBE_AFTER_REPEATS && self.probe_other_direction(py, code, source, dest);
            }
            Some(_) => true,
            None => false,
        };
        let (Some(layout), Ok(ops)) = (&arcs.layout, Opcodes::get(py)) else { return true };
        if let Some((from, to)) = layout.resolve(ops, &facts.multiline, source, dest) {
            recorder.record_arc(file, from, to);
        }
        if directional || seen_other || !facts.is_branch_line(layout.line_at(source)) {
            return true;
        }
        arcs.first_destinations.insert(source, FirstDirection { dest, repeats: 0 });
        false
    }

    /// Put a probe on the other destination of the branch at `source`
    /// (which keeps going to `taken`), if nothing else leads there; returns
    /// whether it did, so that the branch's events can be disabled.
    fn probe_other_direction(&mut self, py: Python<'_>, code: &Bound<'_, PyAny>, source: u32, taken: u32) -> bool {
        let key = code.as_ptr() as usize;
        let SysmonCore { recorder, measured_codes, candidates, monitoring, .. } = self;
        let (Some(monitoring), Some(measured)) = (monitoring.as_ref(), measured_codes.get_mut(&key)) else {
            return false;
        };
        let Some(arcs) = measured.arcs.as_mut() else { return false };
        let (Some(layout), Ok(ops)) = (&arcs.layout, Opcodes::get(py)) else { return false };
        let Some(other) = layout.lone_other_direction(ops, source, taken) else { return false };
        // Nothing but this branch reaches `other`, and it hasn't gone there:
        // `other` hasn't run, so its LINE event (which, disabled, would
        // silence its INSTRUCTION event) hasn't been disabled either.
        if arcs.probes.contains_key(&other) {
            return false;
        }
        if arcs.probes.is_empty() {
            // The code object's first probe: its INSTRUCTION events go on.
            let context_mask = if candidates.contains_key(&key) { monitoring.context_mask } else { 0 };
            let mask = monitoring.local_mask | monitoring.probe_mask | context_mask;
            if let Err(err) = monitoring.set_local(py, code, mask) {
                recorder.remember_error(err);
                return false;
            }
        }
        if let Some(line) = layout.line_at(other) {
            arcs.unfired.insert(other, line);
        }
        arcs.probes.insert(other, Probe { at: other, source, dest: other });
        true
    }

    /// Forget what branch events saw (after a restart of the events).
    fn reset_arcs(&mut self) {
        for measured in self.measured_codes.values_mut() {
            if let Some(arcs) = measured.arcs.as_mut() {
                arcs.reset();
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
        for measured in self.measured_codes.values_mut() {
            measured.armed = false;
            monitoring.set_local(py, measured.code.bind(py), 0)?;
        }
        for candidate in self.candidates.values_mut() {
            candidate.armed = false;
            monitoring.set_local(py, candidate.code.bind(py), 0)?;
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

/// PY_RETURN callback (branch coverage): the arc to the exit, once per return.
#[pyfunction]
fn on_py_return(
    py: Python<'_>,
    code: &Bound<'_, PyAny>,
    instruction_offset: u32,
    _retval: &Bound<'_, PyAny>,
) -> Py<PyAny> {
    with_active(py, || py.None(), |tracer| tracer.on_py_return(py, code, instruction_offset))
}

/// PY_RESUME callback (dynamic contexts, candidate code objects): a
/// generator or coroutine resumed may start its context again.
#[pyfunction]
fn on_py_resume(py: Python<'_>, code: &Bound<'_, PyAny>, _instruction_offset: &Bound<'_, PyAny>) -> Py<PyAny> {
    with_active(py, || py.None(), |tracer| tracer.on_frame_resumed(py, code))
}

/// PY_THROW callback (dynamic contexts, global): a generator or coroutine
/// resumed by an exception thrown into it.
#[pyfunction]
fn on_py_throw(
    py: Python<'_>,
    code: &Bound<'_, PyAny>,
    _instruction_offset: &Bound<'_, PyAny>,
    _exception: &Bound<'_, PyAny>,
) -> Py<PyAny> {
    with_active(py, || py.None(), |tracer| tracer.on_frame_resumed(py, code))
}

/// PY_YIELD callback (dynamic contexts, candidate code objects): a
/// suspended frame ends the context it started, as settrace's "return".
#[pyfunction]
fn on_py_yield(
    py: Python<'_>,
    code: &Bound<'_, PyAny>,
    _instruction_offset: &Bound<'_, PyAny>,
    _retval: &Bound<'_, PyAny>,
) -> Py<PyAny> {
    with_active(py, || py.None(), |tracer| tracer.on_frame_left(py, code))
}

/// PY_UNWIND callback (dynamic contexts, global): a frame left by an
/// exception ends the context it started.
#[pyfunction]
fn on_py_unwind(
    py: Python<'_>,
    code: &Bound<'_, PyAny>,
    _instruction_offset: &Bound<'_, PyAny>,
    _exception: &Bound<'_, PyAny>,
) -> Py<PyAny> {
    with_active(py, || py.None(), |tracer| tracer.on_frame_left(py, code))
}

/// INSTRUCTION callback (branch coverage, code objects with probes):
/// each instruction once.
#[pyfunction]
fn on_instruction(py: Python<'_>, code: &Bound<'_, PyAny>, instruction_offset: u32) -> Py<PyAny> {
    with_active(py, || py.None(), |tracer| tracer.on_instruction(py, code, instruction_offset))
}

/// BRANCH callback (3.12/3.13): kept until both directions were seen.
#[pyfunction]
fn on_branch(py: Python<'_>, code: &Bound<'_, PyAny>, instruction_offset: u32, destination_offset: u32) -> Py<PyAny> {
    with_active(py, || py.None(), |tracer| tracer.on_branch(py, code, instruction_offset, destination_offset, false))
}

/// BRANCH_LEFT / BRANCH_RIGHT callback (3.14+): one direction, once.
#[pyfunction]
fn on_branch_direction(
    py: Python<'_>,
    code: &Bound<'_, PyAny>,
    instruction_offset: u32,
    destination_offset: u32,
) -> Py<PyAny> {
    with_active(py, || py.None(), |tracer| tracer.on_branch(py, code, instruction_offset, destination_offset, true))
}

/// The `sysmon` core, reached through `Tracer` (the one face of both
/// cores). A Python object so that its address, which `ACTIVE` holds, is
/// stable for its whole life.
#[pyclass(name = "SysmonTracer", module = "ferrocov._engine", frozen)]
pub struct SysmonTracer {
    /// Recording is being the tracer `ACTIVE` points at: the callbacks
    /// reach no other.
    core: GilRefCell<SysmonCore>,
    /// `[run] dynamic_context`: started at PY_START/PY_RESUME/PY_THROW of
    /// candidate code objects, ended at their PY_RETURN/PY_YIELD/PY_UNWIND.
    contexts: DynamicContexts,
}

impl SysmonTracer {
    fn begin_monitoring(slf: &Bound<'_, Self>) -> PyResult<()> {
        let py = slf.py();
        let branch = slf.get().core.with(py, |core| core.recorder.trace_arcs())?;
        if branch {
            // Read before the first event, which must not run Python code.
            Opcodes::get(py)?;
        }
        let mut monitoring = Monitoring::load(py, branch, slf.get().contexts.enabled())?;
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
    /// PY_START: decide the code object, then never hear of it again
    /// (unless its frames may start a dynamic context).
    fn on_py_start(&self, py: Python<'_>, code: &Bound<'_, PyAny>) -> Py<PyAny> {
        let contexts = self.contexts.enabled();
        let idle = || StartStep::Answer(py.None());
        let mut step = self.handle(py, idle, |core| {
            core.recorder.activity = true;
            let candidate = core.is_candidate(code, contexts);
            // Seen before (an earlier start, or before a clear()).
            if let Some(file) = core.measured_codes.get(&(code.as_ptr() as usize)).map(|m| m.file) {
                return core.finish_start(py, code, Some(file), candidate);
            }
            match core.recorder.lookup(py, code) {
                Decision::Known(file) => core.finish_start(py, code, file, candidate),
                Decision::Ask { filename, decider } => StartStep::Ask { filename, decider },
            }
        });
        if let StartStep::Ask { filename, decider } = step {
            // should_trace is Python code: asked with no borrow held.
            let answer = ask(py, &decider, &filename, current_frame(py));
            step = self.handle(py, idle, |core| {
                let file = core.recorder.settle(filename, answer);
                let candidate = core.is_candidate(code, contexts);
                core.finish_start(py, code, file, candidate)
            });
        }
        match step {
            StartStep::Answer(answer) => answer,
            StartStep::Candidate => {
                self.start_context(py, code);
                py.None()
            }
            StartStep::Ask { .. } => py.None(),
        }
    }

    /// A frame of a candidate code object starts or resumes: its dynamic
    /// context starts, unless one is running (Python code, no borrow held).
    fn start_context(&self, py: Python<'_>, code: &Bound<'_, PyAny>) {
        let frame = current_frame(py);
        let guarded = catch_unwind(AssertUnwindSafe(|| {
            self.contexts.frame_started(py, frame.bind(py), code.as_ptr() as usize);
        }));
        if guarded.is_err() {
            self.deactivate();
        }
    }

    /// A frame of `code` returns, yields or unwinds: the dynamic context
    /// it started ends.
    fn end_context(&self, py: Python<'_>, code: &Bound<'_, PyAny>) {
        let guarded = catch_unwind(AssertUnwindSafe(|| {
            // PyEval_GetFrame: the frame leaving, borrowed.
            self.contexts.frame_ended(py, code.as_ptr() as usize, || unsafe { ffi::PyEval_GetFrame().cast() });
        }));
        if guarded.is_err() {
            self.deactivate();
        }
    }

    /// PY_RESUME (candidates) and PY_THROW (every code object).
    fn on_frame_resumed(&self, py: Python<'_>, code: &Bound<'_, PyAny>) -> Py<PyAny> {
        let key = code.as_ptr() as usize;
        if self.handle(py, || false, |core| core.candidates.contains_key(&key)) {
            self.start_context(py, code);
        }
        py.None()
    }

    /// PY_YIELD (candidates) and PY_UNWIND (every code object). Neither
    /// may be disabled: a context can end at any of them.
    fn on_frame_left(&self, py: Python<'_>, code: &Bound<'_, PyAny>) -> Py<PyAny> {
        if self.contexts.running(py) {
            self.end_context(py, code);
        }
        py.None()
    }

    /// LINE: record the line, then never hear of it again.
    fn on_line(&self, py: Python<'_>, code: &Bound<'_, PyAny>, line_number: i64) -> Py<PyAny> {
        self.handle(
            py,
            || py.None(),
            |core| match core.on_line(code, line_number) {
                true => core.disable(py),
                false => py.None(),
            },
        )
    }

    /// PY_RETURN: the exit arc (branch coverage), then the end of the
    /// dynamic context the frame started, if it is a candidate's (whose
    /// returns are never disabled, for that reason).
    fn on_py_return(&self, py: Python<'_>, code: &Bound<'_, PyAny>, offset: u32) -> Py<PyAny> {
        let key = code.as_ptr() as usize;
        let answer = self.handle(
            py,
            || Some(py.None()),
            |core| {
                core.on_py_return(code, offset);
                (!core.candidates.contains_key(&key)).then(|| core.disable(py))
            },
        );
        answer.unwrap_or_else(|| {
            self.end_context(py, code);
            py.None()
        })
    }

    fn on_instruction(&self, py: Python<'_>, code: &Bound<'_, PyAny>, offset: u32) -> Py<PyAny> {
        self.handle(
            py,
            || py.None(),
            |core| {
                core.on_instruction(py, code, offset);
                core.disable(py)
            },
        )
    }

    fn on_branch(
        &self,
        py: Python<'_>,
        code: &Bound<'_, PyAny>,
        source: u32,
        dest: u32,
        directional: bool,
    ) -> Py<PyAny> {
        self.handle(
            py,
            || py.None(),
            |core| match core.on_branch(py, code, source, dest, directional) {
                true => core.disable(py),
                false => py.None(),
            },
        )
    }
}

/// What a PY_START event leads to.
enum StartStep {
    /// The callback's answer (DISABLE, or None).
    Answer(Py<PyAny>),
    /// A code object that may start a dynamic context: answer None.
    Candidate,
    /// A new file name: `should_trace` must be asked.
    Ask { filename: String, decider: Py<FileDecider> },
}

impl SysmonTracer {
    /// `should_trace` is a `FileDecider`, or a callable
    /// `(filename, frame) -> name | None`.
    /// `branch`: record arcs; `contexts`: the run's dynamic contexts.
    pub fn new(should_trace: &Bound<'_, PyAny>, branch: bool, contexts: DynamicContexts) -> PyResult<Self> {
        let core = SysmonCore {
            recorder: Recorder::new(decider_from(should_trace)?, branch),
            measured_codes: IntMap::default(),
            candidates: IntMap::default(),
            file_facts: IntMap::default(),
            monitoring: None,
        };
        Ok(SysmonTracer { core: GilRefCell::new(core), contexts })
    }

    /// Claim a tool id and start measuring new frames in every thread.
    /// Frames already running never get a PY_START, so they are not
    /// measured, as in coverage.py.
    pub fn start(slf: &Bound<'_, Self>) -> PyResult<()> {
        let py = slf.py();
        if slf.get().core.with(py, |core| core.monitoring.is_none())? {
            Self::begin_monitoring(slf)?;
        }
        slf.get().core.with(py, |core| core.reset_arcs())?;
        ACTIVE.store(slf.get().as_ptr(), Ordering::Release);
        // Events we DISABLEd earlier (in an earlier run or before a
        // clear()) must fire again.
        restart_events(py)
    }

    /// Free the tool id; report the first error `should_trace` raised.
    pub fn stop(&self, py: Python<'_>) -> PyResult<()> {
        self.deactivate();
        self.core.with(py, |core| core.release(py))??;
        self.contexts.forget_running(py);
        self.contexts.take_error(py)?;
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
            core.reset_arcs();
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
    fn branch_coverage_adds_branches() {
        assert_eq!(Event::local(false, false), vec![Event::Line]);
        assert_eq!(Event::local(true, false), vec![Event::Line, Event::PyReturn, Event::Branch]);
        assert!(Event::local(true, true).contains(&Event::BranchLeft));
        assert_eq!(Event::Branch.attr(), "BRANCH");
    }
}
