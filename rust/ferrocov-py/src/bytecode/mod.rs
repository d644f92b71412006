//! Reading a code object's bytecode for the `sysmon` core's branch events:
//! which line each instruction belongs to (here), where a branch's
//! destination leads (`trail`: coverage.py's `BranchArcResolver`, done in
//! Rust), which instructions prove the arcs no BRANCH event shows
//! (`probes`), and which branches can be probed instead of kept armed
//! (`directions`).
//!
//! The opcode numbers come from the running interpreter's `dis` module, so
//! no per-version table is kept here.
use std::collections::HashMap;
use std::sync::OnceLock;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

mod directions;
mod probes;
mod trail;

pub use probes::Probe;

/// Opcode classes, as sets indexed by opcode.
pub struct Opcodes {
    cache: Option<u8>,
    extended_arg: u8,
    jumps: [bool; 256],
    always_jumps: [bool; 256],
    backward_jumps: [bool; 256],
    returns: [bool; 256],
    no_fall_through: [bool; 256],
    /// `async for`: fetching the next item, awaiting it, and the handler
    /// its StopAsyncIteration lands in (see `probes`).
    get_anext: Option<u8>,
    send: Option<u8>,
    end_async_for: Option<u8>,
    /// Returns at the start of a generator's code: execution goes on after
    /// it when the generator is first resumed.
    return_generator: Option<u8>,
    for_iter: Option<u8>,
    /// How many instructions at its target FOR_ITER's exhaustion jumps
    /// over: END_FOR on 3.12, END_FOR and POP_TOP on 3.13. They never run.
    for_iter_skips: usize,
}

static OPCODES: OnceLock<Opcodes> = OnceLock::new();

impl Opcodes {
    /// The running interpreter's opcodes, read from `dis` on first use.
    pub fn get(py: Python<'_>) -> PyResult<&'static Opcodes> {
        if let Some(opcodes) = OPCODES.get() {
            return Ok(opcodes);
        }
        let opcodes = Self::load(py)?;
        Ok(OPCODES.get_or_init(|| opcodes))
    }

    fn load(py: Python<'_>) -> PyResult<Opcodes> {
        let dis = py.import("dis")?;
        let opmap = dis.getattr("opmap")?;
        let op = |name: &str| -> Option<u8> { opmap.get_item(name).ok()?.extract().ok() };
        let set = |names: &[&str]| {
            let mut set = [false; 256];
            for name in names {
                if let Some(code) = op(name) {
                    set[code as usize] = true;
                }
            }
            set
        };
        let mut jumps = [false; 256];
        for list in ["hasjrel", "hasjabs"] {
            for code in dis.getattr(list)?.extract::<Vec<u16>>()? {
                if let Some(slot) = jumps.get_mut(code as usize) {
                    *slot = true;
                }
            }
        }
        let names: Vec<String> = dis.getattr("opname")?.extract()?;
        let minor: u8 = py.import("sys")?.getattr("version_info")?.getattr("minor")?.extract()?;
        let mut backward_jumps = [false; 256];
        for (code, name) in names.iter().enumerate().take(256) {
            backward_jumps[code] = jumps[code] && name.contains("JUMP_BACKWARD");
        }
        Ok(Opcodes {
            cache: op("CACHE"),
            extended_arg: op("EXTENDED_ARG").unwrap_or(144),
            jumps,
            always_jumps: set(&["JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "JUMP_FORWARD"]),
            backward_jumps,
            // RETURN_CONST is 3.12/3.13's `return <constant>`.
            returns: set(&["RETURN_VALUE", "RETURN_CONST", "RETURN_GENERATOR"]),
            no_fall_through: set(&["RERAISE", "RAISE_VARARGS"]),
            get_anext: op("GET_ANEXT"),
            send: op("SEND"),
            end_async_for: op("END_ASYNC_FOR"),
            return_generator: op("RETURN_GENERATOR"),
            for_iter: op("FOR_ITER"),
            for_iter_skips: if minor >= 13 { 2 } else { 1 },
        })
    }
}

/// One code object's bytecode, line table and exception table.
pub struct CodeLayout {
    bytecode: Vec<u8>,
    exception_table: Vec<u8>,
    /// The line of each instruction (index: offset / 2).
    lines: Vec<Option<u32>>,
    pub first_line: i32,
}

impl CodeLayout {
    pub fn read(code: &Bound<'_, PyAny>) -> PyResult<CodeLayout> {
        let py = code.py();
        let bytecode = code.getattr(intern!(py, "co_code"))?.cast_into::<PyBytes>()?.as_bytes().to_vec();
        let mut lines = vec![None; bytecode.len() / 2];
        for entry in code.call_method0(intern!(py, "co_lines"))?.try_iter()? {
            let (start, end, line): (usize, usize, Option<u32>) = entry?.extract()?;
            for slot in lines.iter_mut().take(end / 2).skip(start / 2) {
                *slot = line;
            }
        }
        let first_line = code.getattr(intern!(py, "co_firstlineno"))?.extract()?;
        let exception_table =
            code.getattr(intern!(py, "co_exceptiontable"))?.cast_into::<PyBytes>()?.as_bytes().to_vec();
        Ok(CodeLayout { bytecode, exception_table, lines, first_line })
    }

    /// The line of the instruction at `offset`, as the line table has it.
    pub fn line_at(&self, offset: u32) -> Option<u32> {
        self.lines.get(offset as usize / 2).copied().flatten()
    }

    /// The instruction at (or, past caches and EXTENDED_ARG prefixes,
    /// after) `offset`, with its full argument.
    fn instruction_at(&self, ops: &Opcodes, mut offset: usize) -> Option<Instruction> {
        let code = &self.bytecode;
        let mut arg: usize = 0;
        while offset + 1 < code.len() {
            let op = code[offset];
            if Some(op) == ops.cache {
                offset += 2;
                continue;
            }
            arg |= code[offset + 1] as usize;
            if op == ops.extended_arg {
                arg <<= 8;
                offset += 2;
                continue;
            }
            let mut next = offset + 2;
            while next < code.len() && Some(code[next]) == ops.cache {
                next += 2;
            }
            return Some(Instruction { offset, op, arg, next });
        }
        None
    }

    /// Every instruction, in order.
    fn instructions<'a>(&'a self, ops: &'a Opcodes) -> impl Iterator<Item = Instruction> + 'a {
        let mut offset = 0;
        std::iter::from_fn(move || {
            let ins = self.instruction_at(ops, offset)?;
            offset = ins.next;
            Some(ins)
        })
    }

    /// Where exceptions land: the targets of the exception table (entries
    /// of start, length, target, depth, as 6-bit varints in code units).
    fn handler_targets(&self) -> Vec<usize> {
        let mut bytes = self.exception_table.iter().copied();
        let mut varint = || {
            let mut byte = bytes.next()?;
            let mut value = (byte & 63) as usize;
            while byte & 64 != 0 {
                byte = bytes.next()?;
                value = (value << 6) | (byte & 63) as usize;
            }
            Some(value)
        };
        let mut targets = Vec::new();
        while let (Some(_start), Some(_length), Some(target), Some(_depth)) = (varint(), varint(), varint(), varint()) {
            targets.push(target * 2);
        }
        targets
    }

    /// Where a taken jump lands at run time: its target, except for
    /// FOR_ITER, whose exhaustion skips the END_FOR (and, on 3.13, the
    /// POP_TOP) it names as its target. `index`: offset -> position.
    fn landing(
        &self,
        ops: &Opcodes,
        ins: &Instruction,
        instructions: &[Instruction],
        index: &HashMap<usize, usize>,
    ) -> Option<usize> {
        let target = self.jump_target(ops, ins)?;
        if Some(ins.op) != ops.for_iter {
            return Some(target);
        }
        instructions.get(*index.get(&target)? + ops.for_iter_skips).map(|after| after.offset)
    }

    /// Where a jump instruction goes: jumps count from the end of its caches.
    fn jump_target(&self, ops: &Opcodes, ins: &Instruction) -> Option<usize> {
        if ops.backward_jumps[ins.op as usize] {
            ins.next.checked_sub(2 * ins.arg)
        } else {
            Some(ins.next + 2 * ins.arg)
        }
    }
}

/// One decoded instruction.
struct Instruction {
    offset: usize,
    op: u8,
    arg: usize,
    /// The offset of the next instruction (past this one's caches).
    next: usize,
}
