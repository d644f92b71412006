//! A file's results per function and per class, as the JSON report
//! divides them: each region of a kind narrowed to its lines, plus the
//! lines outside every region of that kind.

use std::collections::BTreeSet;

use ferrocov_analysis::{CodeRegion, RegionKind};
use ferrocov_results::{FileResult, Narrower};

/// One region of a kind, narrowed.
pub struct RegionResult<'a> {
    pub region: &'a CodeRegion,
    pub result: FileResult,
}

/// The regions of `kind` in `result`, narrowed and in start-line order,
/// and the result and first line of the lines outside all of them.
pub struct KindResults<'a> {
    pub regions: Vec<RegionResult<'a>>,
    pub outside: FileResult,
    pub outside_start: u32,
}

/// Narrow `result` to each of its regions of `kind` and to the rest of its
/// `line_count` lines.
pub fn narrow_by_kind(result: &FileResult, kind: RegionKind) -> KindResults<'_> {
    let of_kind: Vec<&CodeRegion> = result.regions.iter().filter(|r| r.kind == kind).collect();
    let mut outside: BTreeSet<u32> = (1..=result.line_count).collect();
    for region in &of_kind {
        outside.retain(|line| !region.lines.contains(line));
    }
    let mut line_sets: Vec<&BTreeSet<u32>> = of_kind.iter().map(|r| &r.lines).collect();
    line_sets.push(&outside);
    let narrower = Narrower::new(result, &line_sets);
    let mut regions: Vec<RegionResult<'_>> = of_kind
        .iter()
        .enumerate()
        .map(|(index, region)| RegionResult { region, result: narrower.narrow(index, &region.lines) })
        .collect();
    // A stable sort, as Python's `sorted(key=start)`.
    regions.sort_by_key(|r| r.region.start);
    let outside_result = narrower.narrow(of_kind.len(), &outside);
    let outside_start = outside.first().copied().unwrap_or(1);
    KindResults { regions, outside: outside_result, outside_start }
}
