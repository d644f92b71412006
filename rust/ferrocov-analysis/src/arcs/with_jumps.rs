//! Leaving a `with` body, CPython jumps back to the `with` line (to call
//! `__exit__`) and then on. Users think of it as a jump straight to the next
//! statement, so the arcs are rewritten: `body end -> with` becomes
//! `body end -> next`, and `with -> next` is dropped.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::facts::Arc;

#[derive(Debug, Default)]
pub struct WithJumps {
    /// `with` lines whose body is being analyzed.
    current: HashSet<i32>,
    /// Every `with` line seen.
    all: BTreeSet<i32>,
    /// Arcs from a `with` line into its body.
    entries: HashSet<Arc>,
    /// Arcs from the end of a body back to its `with` line.
    exits: HashSet<Arc>,
}

impl WithJumps {
    pub fn enter(&mut self, start: i32) {
        self.current.insert(start);
        self.all.insert(start);
    }

    pub fn leave(&mut self, start: i32) {
        self.current.remove(&start);
    }

    pub fn note_arc(&mut self, from: i32, to: i32) {
        if self.current.contains(&from) {
            self.entries.insert((from, to));
        }
    }

    pub fn note_exit(&mut self, from: i32, with_line: i32) {
        self.exits.insert((from, with_line));
    }

    /// The arcs to rewrite (`Some`) or remove (`None`).
    pub fn fixers(&self, arcs: &BTreeSet<Arc>) -> HashMap<Arc, Option<Arc>> {
        let nexts = self.nexts(arcs);
        let mut fixers = HashMap::new();
        for &(end, start) in &self.exits {
            // A `with` with no onward arc (ending a `finally` whose `try`
            // can't complete) has nowhere to redirect to.
            if nexts.contains_key(&start) {
                fixers.insert((end, start), Some((end, self.final_next(start, &nexts))));
            }
        }
        for (&start, &next) in &nexts {
            // A body on the `with` line itself never jumps back, so its
            // onward arc is the only record of leaving.
            if !self.exits.contains(&(start, start)) {
                fixers.insert((start, next), None);
            }
        }
        fixers
    }

    /// Each `with` line's one onward arc (not into its body).
    fn nexts(&self, arcs: &BTreeSet<Arc>) -> BTreeMap<i32, i32> {
        let mut nexts = BTreeMap::new();
        for &start in &self.all {
            let onward = arcs.range((start, i32::MIN)..=(start, i32::MAX)).find(|arc| !self.entries.contains(arc));
            if let Some(&(_, next)) = onward {
                nexts.insert(start, next);
            }
        }
        nexts
    }

    /// A `with` ending the body of an outer one jumps to the outer one's
    /// line, which jumps on: where does the chain land?
    fn final_next(&self, start: i32, nexts: &BTreeMap<i32, i32>) -> i32 {
        let (mut start, mut next) = (start, nexts[&start]);
        while self.exits.contains(&(start, next)) {
            match nexts.get(&next) {
                Some(&after) => (start, next) = (next, after),
                None => break,
            }
        }
        next
    }
}
