//! Where a branch's destination leads: the arc of lines it makes.
use std::collections::HashMap;

use super::{CodeLayout, Opcodes};

impl CodeLayout {
    /// The arc a branch from `source` to `dest` makes: follow the
    /// instructions from `dest` (through unconditional jumps) to the first
    /// one on another line, or to a return (an exit). None when the trail
    /// reaches another branch first (which reports for itself).
    pub fn resolve(&self, ops: &Opcodes, multiline: &HashMap<u32, u32>, source: u32, dest: u32) -> Option<(i32, i32)> {
        let first = |line: u32| multiline.get(&line).copied().unwrap_or(line);
        let from_line = first(self.line_at(source)?);
        let mut offset = dest as usize;
        // The walk visits each offset once at most: loops of jumps end it.
        for _ in 0..=self.bytecode.len() {
            let ins = self.instruction_at(ops, offset)?;
            if let Some(line) = self.line_at(ins.offset as u32).map(first) {
                if line != 0 && line != from_line {
                    return Some((from_line as i32, line as i32));
                }
            }
            let op = ins.op as usize;
            if ops.jumps[op] {
                if !ops.always_jumps[op] {
                    return None;
                }
                offset = self.jump_target(ops, &ins)?;
                continue;
            }
            if ops.returns[op] {
                return Some((from_line as i32, -self.first_line));
            }
            if ops.no_fall_through[op] {
                return None;
            }
            offset = ins.next;
        }
        None
    }
}
