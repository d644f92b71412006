//! The inputs of a combine folded together in memory.
//!
//! Writing each input into the target as it comes costs a transaction (and
//! a re-read of the target) per input, and one SQLite insert per row of
//! every input, duplicates included: most of a combine's time. Folded, the
//! rows are deduplicated here and written in one transaction at the end.
//! The checks a merge makes (lines vs arcs, file tracers) are made here,
//! input by input, against the target and what is folded so far, so an
//! error names the input that causes it, as coverage.py's merge would.

use std::collections::HashMap;

use crate::coverage_data::{fix_separators, CoverageData, ForeignData, MapPath};
use crate::error::{DataError, Result};
use crate::numbits::numbits_union_into;

/// Everything folded so far, keyed by mapped path and context name.
#[derive(Default)]
pub(super) struct Folded {
    has_lines: bool,
    has_arcs: bool,
    file_ids: HashMap<String, i64>,
    context_ids: HashMap<String, i64>,
    tracers: HashMap<i64, String>,
    arcs: ArcRows,
    line_bits: HashMap<(i64, i64), Vec<u8>>,
}

impl Folded {
    /// Is there anything to write?
    pub(super) fn is_empty(&self) -> bool {
        self.file_ids.is_empty() && self.context_ids.is_empty()
    }

    /// Fold one input's rows in, after checking they mix with the target
    /// and with what is folded already.
    pub(super) fn fold(&mut self, target: &CoverageData, rows: &ForeignData, map_path: MapPath<'_>) -> Result<()> {
        target.check_mixable(&rows.filename, rows.has_lines, rows.has_arcs)?;
        self.check_mixable(target, rows)?;
        let files = self.map_files(rows, map_path)?;
        let contexts: HashMap<i64, i64> =
            rows.contexts.iter().map(|(id, name)| (*id, intern(&mut self.context_ids, name))).collect();
        for (file, tracer) in &rows.tracers {
            if let Some(ours) = files.get(file) {
                self.tracers.insert(*ours, tracer.clone());
            }
        }
        for (file, context, from, to) in rows.arcs.iter().flatten() {
            if let (Some(f), Some(c)) = (files.get(file), contexts.get(context)) {
                self.arcs.push((*f, *c, *from, *to));
            }
        }
        for (file, context, bits) in &rows.line_bits {
            if let (Some(f), Some(c)) = (files.get(file), contexts.get(context)) {
                numbits_union_into(self.line_bits.entry((*f, *c)).or_default(), bits);
            }
        }
        self.has_lines |= rows.has_lines;
        self.has_arcs |= rows.has_arcs;
        Ok(())
    }

    /// The folded rows as one foreign data file (paths already mapped), in
    /// a fixed order (ids as first met, rows sorted) so that the same inputs
    /// always write the same target.
    pub(super) fn into_rows(self, origin: &str) -> ForeignData {
        ForeignData {
            filename: origin.to_owned(),
            has_lines: self.has_lines,
            has_arcs: self.has_arcs,
            files: by_id(self.file_ids),
            contexts: by_id(self.context_ids),
            tracers: sorted(self.tracers.into_iter().collect()),
            arcs: Some(self.arcs.into_sorted()),
            line_bits: sorted(self.line_bits.into_iter().map(|((f, c), bits)| (f, c, bits)).collect()),
        }
    }

    /// Lines into folded arcs or arcs into folded lines: the error the
    /// target would give once the earlier inputs were written into it.
    fn check_mixable(&self, target: &CoverageData, rows: &ForeignData) -> Result<()> {
        let ours = target.data_filename().to_owned();
        if self.has_lines && rows.has_arcs {
            return Err(DataError::CombineArcsIntoLines { other: rows.filename.clone(), ours });
        }
        if self.has_arcs && rows.has_lines {
            return Err(DataError::CombineLinesIntoArcs { other: rows.filename.clone(), ours });
        }
        Ok(())
    }

    /// The input's file ids -> our ids, each path mapped once per input.
    /// A path folded before must have the same file tracer ("" for none).
    fn map_files(&mut self, rows: &ForeignData, map_path: MapPath<'_>) -> Result<HashMap<i64, i64>> {
        let theirs: HashMap<i64, &str> = rows.tracers.iter().map(|(id, t)| (*id, t.as_str())).collect();
        let mut files = HashMap::with_capacity(rows.files.len());
        for (id, path) in &rows.files {
            let mapped = fix_separators(&map_path(path)?);
            if let Some(our_id) = self.file_ids.get(&mapped) {
                let ours = self.tracers.get(our_id).map_or("", String::as_str);
                let theirs = theirs.get(id).copied().unwrap_or("");
                if ours != theirs {
                    return Err(DataError::ConflictingTracer {
                        path: mapped,
                        ours: ours.to_owned(),
                        theirs: theirs.to_owned(),
                    });
                }
            }
            files.insert(*id, intern(&mut self.file_ids, &mapped));
        }
        Ok(files)
    }
}

/// Arc rows, many of them repeated across inputs: pushed as they come and
/// sorted and deduplicated whenever they have doubled since the last time,
/// which is cheaper than hashing each and keeps them near their unique size.
#[derive(Default)]
struct ArcRows {
    rows: Vec<(i64, i64, i64, i64)>,
    compact_at: usize,
}

impl ArcRows {
    const MIN_COMPACT: usize = 1 << 16;

    fn push(&mut self, row: (i64, i64, i64, i64)) {
        self.rows.push(row);
        if self.rows.len() >= self.compact_at.max(Self::MIN_COMPACT) {
            self.compact();
            self.compact_at = 2 * self.rows.len();
        }
    }

    fn compact(&mut self) {
        self.rows.sort_unstable();
        self.rows.dedup();
    }

    fn into_sorted(mut self) -> Vec<(i64, i64, i64, i64)> {
        self.compact();
        self.rows
    }
}

fn by_id(ids: HashMap<String, i64>) -> Vec<(i64, String)> {
    sorted(ids.into_iter().map(|(key, id)| (id, key)).collect())
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort_unstable();
    items
}

/// The id of `key`, given the next free one if it is new.
fn intern(ids: &mut HashMap<String, i64>, key: &str) -> i64 {
    if let Some(id) = ids.get(key) {
        return *id;
    }
    let id = i64::try_from(ids.len()).unwrap_or(i64::MAX) + 1;
    ids.insert(key.to_owned(), id);
    id
}

#[cfg(test)]
mod tests {
    use super::ArcRows;

    #[test]
    fn arc_rows_come_out_sorted_and_unique_across_compactions() {
        let mut rows = ArcRows::default();
        // Far more pushes than the first compaction point, each row often.
        for n in 0..300_000_i64 {
            rows.push((n % 7, 1, n % 5_003, -1));
        }
        let out = rows.into_sorted();
        let mut expected: Vec<_> = (0..300_000_i64).map(|n| (n % 7, 1, n % 5_003, -1)).collect();
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(out, expected);
    }
}
