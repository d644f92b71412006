//! One file's results narrowed to a region of its lines (coverage.py's
//! `AnalysisNarrower`), for the per-function and per-class parts of the
//! JSON and LCOV reports.
//!
//! An arc belongs to every region holding one of its ends, so an arc
//! between two regions counts in both; a region's branch lines are those
//! of its own lines, and its exclusions only its own excluded lines.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::FileResult;

/// Narrows one result to any of a fixed list of disjoint line sets.
pub struct Narrower<'a> {
    result: &'a FileResult,
    possible: Vec<BTreeSet<(i32, i32)>>,
    executed: Vec<BTreeSet<(i32, i32)>>,
    exit_counts: Vec<BTreeMap<u32, u32>>,
}

impl<'a> Narrower<'a> {
    /// Prepare narrowing `result` to each of `regions` (by index). A line
    /// in more than one region counts for the last of them.
    pub fn new(result: &'a FileResult, regions: &[&BTreeSet<u32>]) -> Self {
        let mut narrower = Narrower {
            result,
            possible: vec![BTreeSet::new(); regions.len()],
            executed: vec![BTreeSet::new(); regions.len()],
            exit_counts: vec![BTreeMap::new(); regions.len()],
        };
        if !result.has_arcs {
            return narrower;
        }
        let mut line_region: HashMap<i32, usize> = HashMap::new();
        for (index, lines) in regions.iter().enumerate() {
            for &line in *lines {
                if let Ok(line) = i32::try_from(line) {
                    line_region.insert(line, index);
                }
            }
        }
        let collect = |arcs: &BTreeSet<(i32, i32)>, into: &mut Vec<BTreeSet<(i32, i32)>>| {
            for &(from, to) in arcs {
                for end in [from, to] {
                    if let Some(&region) = line_region.get(&end) {
                        into[region].insert((from, to));
                    }
                }
            }
        };
        collect(&result.arc_possibilities, &mut narrower.possible);
        collect(&result.arcs_executed, &mut narrower.executed);
        for (&line, &count) in &result.exit_counts {
            if let Some(&region) = i32::try_from(line).ok().and_then(|l| line_region.get(&l)) {
                narrower.exit_counts[region].insert(line, count);
            }
        }
        narrower
    }

    /// The results of region `region`, whose lines are `lines`.
    pub fn narrow(&self, region: usize, lines: &BTreeSet<u32>) -> FileResult {
        let full = self.result;
        let within = |set: &BTreeSet<u32>| -> BTreeSet<u32> { set.intersection(lines).copied().collect() };
        let statements = within(&full.statements);
        let executed = within(&full.executed);
        let mut narrowed = FileResult {
            missing: statements.difference(&executed).copied().collect(),
            statements,
            executed,
            excluded: within(&full.excluded),
            has_arcs: full.has_arcs,
            ..FileResult::default()
        };
        if full.has_arcs {
            narrowed.arc_possibilities = self.possible[region].clone();
            narrowed.arcs_executed = self.executed[region].clone();
            narrowed.exit_counts = self.exit_counts[region].clone();
            narrowed.no_branch = within(&full.no_branch);
        }
        narrowed.numbers = narrowed.count();
        narrowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Numbers;

    fn result() -> FileResult {
        let mut r = FileResult {
            statements: [1, 2, 3, 5, 6].into(),
            executed: [1, 2, 5].into(),
            missing: [3, 6].into(),
            excluded: [7].into(),
            has_arcs: true,
            arc_possibilities: [(-1, 1), (1, 2), (2, 3), (2, 5), (5, 6), (5, 7), (6, -1)].into(),
            arcs_executed: [(-1, 1), (1, 2), (2, 5)].into(),
            exit_counts: [(1, 1), (2, 2), (3, 1), (5, 2), (6, 1)].into(),
            ..FileResult::default()
        };
        r.numbers = r.count();
        r
    }

    #[test]
    fn arcs_count_in_both_regions() {
        let full = result();
        let (a, b): (BTreeSet<u32>, BTreeSet<u32>) = ([1, 2, 3].into(), [5, 6, 7].into());
        let narrower = Narrower::new(&full, &[&a, &b]);
        let first = narrower.narrow(0, &a);
        assert!(first.arc_possibilities.contains(&(2, 5)) && first.arcs_executed.contains(&(2, 5)));
        assert_eq!(
            first.numbers,
            Numbers {
                n_files: 1,
                n_statements: 3,
                n_missing: 1,
                n_branches: 2,
                n_partial_branches: 1,
                n_missing_branches: 1,
                ..Numbers::default()
            }
        );
        let second = narrower.narrow(1, &b);
        assert!(second.arc_possibilities.contains(&(2, 5)));
        // 5->7 goes to an excluded line of this region: not missing.
        assert_eq!(second.missing_branch_arcs(), [(5, vec![6])].into());
        assert_eq!(second.excluded, [7].into());
    }
}
