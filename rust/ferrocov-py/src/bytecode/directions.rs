//! A branch's other direction, for probing it instead of keeping the
//! branch's events armed.
//!
//! On 3.12/3.13 a BRANCH event answered with DISABLE is gone for both
//! directions, so a branch that keeps going one way (a loop over a long
//! range: its exit comes last) would cost an event per iteration until the
//! other way is seen. When nothing but the branch leads to its other
//! destination, an INSTRUCTION event there proves that direction, and the
//! branch itself can be disabled.
use std::collections::HashMap;

use super::probes::falls_through;
use super::{CodeLayout, Instruction, Opcodes};

impl CodeLayout {
    /// The destination of the direction of the branch at `source` other
    /// than `taken`, if only that branch leads there (no other jump, no
    /// falling in from elsewhere, no exception handler).
    pub fn lone_other_direction(&self, ops: &Opcodes, source: u32, taken: u32) -> Option<u32> {
        let instructions: Vec<Instruction> = self.instructions(ops).collect();
        let index: HashMap<usize, usize> = instructions.iter().enumerate().map(|(i, ins)| (ins.offset, i)).collect();
        let branch = &instructions[*index.get(&(source as usize))?];
        let [first, second] = self.directions(ops, branch, &instructions, &index)?;
        let other = match taken as usize {
            t if t == first => second,
            t if t == second => first,
            _ => return None,
        };
        // What FOR_ITER's exhaustion skips never runs: no way in from there.
        let dead = self.never_run(ops, &instructions, &index);
        let elsewhere = instructions
            .iter()
            .enumerate()
            .filter(|(i, ins)| ins.offset != branch.offset && !dead.contains(i))
            .any(|(_, ins)| self.leads_to(ops, ins, other, &instructions, &index));
        let handler = self.handler_targets().contains(&other);
        (!elsewhere && !handler).then_some(other as u32)
    }

    /// The two destinations of a conditional jump, as BRANCH events give
    /// them: falling through, and the jump (for FOR_ITER, past its END_FOR).
    fn directions(
        &self,
        ops: &Opcodes,
        ins: &Instruction,
        instructions: &[Instruction],
        index: &HashMap<usize, usize>,
    ) -> Option<[usize; 2]> {
        let op = ins.op as usize;
        if !ops.jumps[op] || ops.always_jumps[op] {
            return None;
        }
        Some([ins.next, self.landing(ops, ins, instructions, index)?])
    }

    /// Whether `ins` can be followed by the instruction at `offset`.
    fn leads_to(
        &self,
        ops: &Opcodes,
        ins: &Instruction,
        offset: usize,
        instructions: &[Instruction],
        index: &HashMap<usize, usize>,
    ) -> bool {
        let falls = falls_through(ops, ins) && ins.next == offset;
        let jumps = ops.jumps[ins.op as usize] && self.landing(ops, ins, instructions, index) == Some(offset);
        falls || jumps
    }
}
