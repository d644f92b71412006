//! Probes: instructions whose INSTRUCTION event proves an arc out of a
//! branch line that no BRANCH or PY_RETURN event shows.
//!
//! Two kinds of such arcs exist on 3.12/3.13:
//! - `async for` branches with no conditional jump (see `async_for_probes`);
//! - a branch line leaving to another line without any jump: a line whose
//!   second destination is the exit of a code object written on it
//!   (`class C: ...`, `def f(): 0`, `f = lambda: 0`, a generator
//!   expression) falls through to the next line (see `sequential_exits`).
use std::collections::{HashMap, HashSet};

use super::{CodeLayout, Instruction, Opcodes};

impl CodeLayout {
    /// Every probe of this code object. `first` maps a line to the first
    /// line of its statement; `is_branch_line` takes such a first line.
    pub fn probes(
        &self,
        ops: &Opcodes,
        first: impl Fn(u32) -> u32,
        is_branch_line: impl Fn(u32) -> bool,
    ) -> Vec<Probe> {
        let instructions: Vec<Instruction> = self.instructions(ops).collect();
        let index: HashMap<usize, usize> = instructions.iter().enumerate().map(|(i, ins)| (ins.offset, i)).collect();
        let predecessors = self.predecessors(ops, &instructions, &index);
        let mut probes = self.async_for_probes(ops, &instructions, &predecessors);
        probes.extend(self.sequential_exits(ops, &instructions, &index, &predecessors, &first, &is_branch_line));
        probes
    }

    /// The branches of `async for` loops that no BRANCH event shows on
    /// 3.12/3.13: entering the body is falling through after the awaited
    /// item arrives, and leaving the loop is the StopAsyncIteration handler
    /// (END_ASYNC_FOR) falling through. An INSTRUCTION event at a probe
    /// proves that arc, since nothing else leads there.
    fn async_for_probes(&self, ops: &Opcodes, instructions: &[Instruction], predecessors: &[u32]) -> Vec<Probe> {
        let (Some(get_anext), Some(send), Some(end_async_for)) = (ops.get_anext, ops.send, ops.end_async_for) else {
            return Vec::new();
        };
        let mut probes = Vec::new();
        for (i, ins) in instructions.iter().enumerate() {
            if ins.op == send && i >= 2 && instructions[i - 2].op == get_anext {
                // SEND jumps to END_SEND when the item is there; the body
                // starts after END_SEND.
                let end_send = self.jump_target(ops, ins).and_then(|at| self.instruction_at(ops, at));
                if let Some(end_send) = end_send {
                    let body = end_send.next;
                    probes.push(Probe { at: body as u32, source: ins.offset as u32, dest: body as u32 });
                }
            } else if ins.op == end_async_for {
                // After END_ASYNC_FOR, unless something else leads there
                // too; then the handler itself (which another exception
                // reaches too).
                let after = ins.next;
                let alone = predecessors.get(i + 1) == Some(&1);
                let at = if alone { after } else { ins.offset };
                probes.push(Probe { at: at as u32, source: ins.offset as u32, dest: after as u32 });
            }
        }
        probes
    }

    /// The arcs out of branch lines made by falling through (or jumping
    /// unconditionally) from the line's entry to another line: walked from
    /// each entry of the line until a conditional jump (its BRANCH event
    /// shows the rest), a return (PY_RETURN), a raise, or another line.
    /// The probe is the destination when nothing else leads there, else
    /// the last instruction on the line, which goes nowhere else.
    fn sequential_exits(
        &self,
        ops: &Opcodes,
        instructions: &[Instruction],
        index: &HashMap<usize, usize>,
        predecessors: &[u32],
        first: &impl Fn(u32) -> u32,
        is_branch_line: &impl Fn(u32) -> bool,
    ) -> Vec<Probe> {
        let line = |i: usize| self.line_at(instructions[i].offset as u32).map(first);
        let mut probes = Vec::new();
        for entry in 0..instructions.len() {
            let Some(on) = line(entry).filter(|&l| is_branch_line(l)) else { continue };
            if entry > 0 && predecessors[entry] == 0 {
                // Never runs (FOR_ITER's skipped END_FOR, dead code): a probe
                // there would never fire and would keep its line's LINE on.
                continue;
            }
            // Reached from elsewhere than the instruction before it.
            let fell_in = entry > 0 && falls_through(ops, &instructions[entry - 1]);
            let entered = !fell_in || line(entry - 1) != Some(on) || predecessors[entry] > u32::from(fell_in);
            if !entered {
                continue;
            }
            if let Some((from, to)) = self.walk_to_exit(ops, instructions, index, entry, on, &line) {
                let at = if predecessors[to] == 1 { to } else { from };
                let (source, dest) = (instructions[from].offset as u32, instructions[to].offset as u32);
                probes.push(Probe { at: instructions[at].offset as u32, source, dest });
            }
        }
        probes.sort_by_key(|p| p.at);
        probes.dedup();
        probes
    }

    /// From `entry` on line `on`, the instruction that leaves it for another
    /// line with no conditional jump, return or raise first, and the one it
    /// leaves to (indexes into `instructions`).
    fn walk_to_exit(
        &self,
        ops: &Opcodes,
        instructions: &[Instruction],
        index: &HashMap<usize, usize>,
        entry: usize,
        on: u32,
        line: &impl Fn(usize) -> Option<u32>,
    ) -> Option<(usize, usize)> {
        let mut at = entry;
        let mut seen = HashSet::new();
        while seen.insert(at) {
            let ins = &instructions[at];
            let op = ins.op as usize;
            let next = if Some(ins.op) == ops.send {
                // The awaited value arrives at END_SEND.
                *index.get(&self.jump_target(ops, ins)?)?
            } else if ops.jumps[op] {
                if !ops.always_jumps[op] {
                    return None;
                }
                *index.get(&self.jump_target(ops, ins)?)?
            } else if (ops.returns[op] && Some(ins.op) != ops.return_generator) || ops.no_fall_through[op] {
                return None;
            } else {
                at + 1
            };
            if next >= instructions.len() {
                return None;
            }
            match line(next) {
                Some(other) if other != on => return Some((at, next)),
                _ => at = next,
            }
        }
        None
    }

    /// How many ways lead to each instruction: falling through, jumps (as
    /// they land: see `landing`), and exception handlers. Instructions that
    /// never run (`never_run`) lead nowhere.
    fn predecessors(&self, ops: &Opcodes, instructions: &[Instruction], index: &HashMap<usize, usize>) -> Vec<u32> {
        let dead = self.never_run(ops, instructions, index);
        let mut counts = vec![0u32; instructions.len()];
        for (i, ins) in instructions.iter().enumerate().filter(|(i, _)| !dead.contains(i)) {
            if falls_through(ops, ins) && i + 1 < counts.len() {
                counts[i + 1] += 1;
            }
            if ops.jumps[ins.op as usize] {
                if let Some(&target) = self.landing(ops, ins, instructions, index).and_then(|t| index.get(&t)) {
                    counts[target] += 1;
                }
            }
        }
        for target in self.handler_targets() {
            if let Some(&i) = index.get(&target) {
                counts[i] += 1;
            }
        }
        counts
    }

    /// The instructions FOR_ITER's exhaustion jumps over when nothing else
    /// leads to them (indexes into `instructions`): the END_FOR it names,
    /// and on 3.13 the POP_TOP after it.
    pub(super) fn never_run(
        &self,
        ops: &Opcodes,
        instructions: &[Instruction],
        index: &HashMap<usize, usize>,
    ) -> HashSet<usize> {
        let handlers: HashSet<usize> = self.handler_targets().into_iter().collect();
        let mut dead = HashSet::new();
        for ins in instructions.iter().filter(|ins| Some(ins.op) == ops.for_iter) {
            let Some(&target) = self.jump_target(ops, ins).and_then(|t| index.get(&t)) else { continue };
            for skipped in target..(target + ops.for_iter_skips).min(instructions.len()) {
                let offset = instructions[skipped].offset;
                let fell_in =
                    skipped > 0 && !dead.contains(&(skipped - 1)) && falls_through(ops, &instructions[skipped - 1]);
                let jumped_to = instructions.iter().any(|other| {
                    ops.jumps[other.op as usize] && self.landing(ops, other, instructions, index) == Some(offset)
                });
                if fell_in || jumped_to || handlers.contains(&offset) {
                    break;
                }
                dead.insert(skipped);
            }
        }
        dead
    }
}

/// Whether the instruction after `ins` can run next.
pub(super) fn falls_through(ops: &Opcodes, ins: &Instruction) -> bool {
    let op = ins.op as usize;
    let stops = (ops.jumps[op] && ops.always_jumps[op])
        || (ops.returns[op] && Some(ins.op) != ops.return_generator)
        || ops.no_fall_through[op];
    !stops
}

/// An instruction whose INSTRUCTION event proves the arc a branch from
/// `source` to `dest` makes (see `CodeLayout::resolve`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    pub at: u32,
    pub source: u32,
    pub dest: u32,
}
