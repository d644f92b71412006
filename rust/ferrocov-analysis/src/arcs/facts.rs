//! What the arc analysis of one file knows, and the queries reports make of
//! it (coverage.py's `PythonParser.arcs`, `exit_counts`, `translate_arcs`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::SourceAnalysis;

/// A jump from one line to another; negative lines are code object
/// entries and exits (`-n` for the code object starting on line n).
pub type Arc = (i32, i32);

/// Why an arc might not have run, and what it does: each a template in
/// which `{lineno}` stands for the start (cause) or the end (action).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    pub cause: Option<&'static str>,
    pub action: Option<String>,
}

/// The arcs of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArcFacts {
    /// Possible arcs, as first lines, without arcs from a line to itself.
    pub possible: BTreeSet<Arc>,
    /// Arcs around `with` statements to redirect (`Some`) or drop (`None`).
    pub with_fixers: HashMap<Arc, Option<Arc>>,
    /// Message fragments of arcs, as the analyzer recorded them.
    pub fragments: HashMap<Arc, Vec<Fragment>>,
}

impl SourceAnalysis {
    /// The first line of a statement, for arc ends (negative lines map to
    /// the negative of their statement's first line).
    pub fn first_line_of_arc_end(&self, line: i32) -> i32 {
        let first = |l: i32| self.first_line(l.unsigned_abs()) as i32;
        if line < 0 {
            -first(line)
        } else {
            first(line)
        }
    }

    /// The possible arcs (empty when arcs were not analyzed).
    pub fn possible_arcs(&self) -> &BTreeSet<Arc> {
        static EMPTY: BTreeSet<Arc> = BTreeSet::new();
        self.arcs.as_ref().map_or(&EMPTY, |facts| &facts.possible)
    }

    /// Measured arcs as reports see them: `with` jumps fixed, both ends
    /// mapped to first lines (coverage.py's `translate_arcs`).
    pub fn translate_arcs(&self, arcs: impl IntoIterator<Item = Arc>) -> BTreeSet<Arc> {
        let fixers = self.arcs.as_ref().map(|facts| &facts.with_fixers);
        arcs.into_iter()
            .filter_map(|arc| match fixers.and_then(|f| f.get(&arc)) {
                Some(fixed) => *fixed,
                None => Some(arc),
            })
            .map(|(from, to)| (self.first_line_of_arc_end(from), self.first_line_of_arc_end(to)))
            .collect()
    }

    /// The number of exits of each line, not counting excluded lines or
    /// arcs into them.
    pub fn exit_counts(&self) -> BTreeMap<u32, u32> {
        let mut counts = BTreeMap::new();
        for &(from, to) in self.possible_arcs() {
            let Ok(from) = u32::try_from(from) else { continue };
            let excluded_end = u32::try_from(to).is_ok_and(|to| self.excluded.contains(&to));
            if self.excluded.contains(&from) || excluded_end {
                continue;
            }
            *counts.entry(from).or_insert(0) += 1;
        }
        counts
    }
}
