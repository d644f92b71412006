//! Combining: folding parallel data files into one data object, as
//! coverage.py's `combine_parallel_data` does.
//!
//! The inputs are found (`combinable_files`), then handled in batches: each
//! batch's files are fingerprinted and read into memory on rayon's threads,
//! then merged one at a time in sorted file order. Reading is the slow,
//! independent part; merging in a fixed order keeps the result, the
//! messages and which duplicate wins the same whatever thread finishes
//! first. Batches bound how much is held in memory at once.
//!
//! Each input is deleted after it is handled (unless `keep`), so a combine
//! that fails halfway leaves exactly the inputs it has not folded in yet.

mod inputs;
mod summary;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::coverage_data::{CoverageData, MapPath};
use crate::error::{DataError, Result};
pub use inputs::{combinable_files, hash_for_data_file};
use inputs::{prepare, Input, Prepared};
pub use summary::{CombineEvent, CombineSummary};

/// How many inputs are read into memory at once.
const BATCH: usize = 64;

/// What to combine and how.
#[derive(Debug, Clone, Default)]
pub struct CombineOptions {
    /// Files and directories to combine from; empty means the directory of
    /// the target's data file.
    pub data_paths: Vec<String>,
    /// Finding nothing (or nothing usable) is an error.
    pub strict: bool,
    /// Leave the inputs in place.
    pub keep: bool,
}

/// Combine the data files named `<target's base name>.*` (or those of
/// `options.data_paths`) into `target`, renaming recorded paths with
/// `map_path`; `on_event` hears of each step as it happens.
///
/// An unreadable input is reported and counted; a failed merge (lines into
/// arcs, say) stops the combine with its error.
pub fn combine_parallel_data(
    target: &mut CoverageData,
    options: &CombineOptions,
    map_path: MapPath<'_>,
    on_event: &mut dyn FnMut(CombineEvent),
) -> Result<CombineSummary> {
    let files = combinable_files(target.base_filename(), &options.data_paths)?;
    if options.strict && files.is_empty() {
        return Err(DataError::NoDataToCombine);
    }
    let mut combine = Combine {
        target,
        keep: options.keep,
        map_path: CachedMap::new(map_path),
        seen: HashSet::new(),
        summary: CombineSummary::default(),
        on_event,
    };
    for batch in files.chunks(BATCH) {
        combine.batch(batch)?;
    }
    if options.strict && combine.summary.combined == 0 {
        return Err(DataError::NoUsableDataFiles);
    }
    Ok(combine.summary)
}

/// The state of one combine as it goes through its inputs.
struct Combine<'t, 'm, 'e> {
    target: &'t mut CoverageData,
    keep: bool,
    map_path: CachedMap<'m>,
    /// Fingerprints of the inputs handled so far, to recognise duplicates.
    seen: HashSet<String>,
    summary: CombineSummary,
    on_event: &'e mut dyn FnMut(CombineEvent),
}

impl Combine<'_, '_, '_> {
    fn batch(&mut self, paths: &[String]) -> Result<()> {
        // The target's own file (one of the parallel files, sometimes) is
        // neither read nor fingerprinted: it can't be a duplicate of itself.
        let own = self.target.data_filename().to_owned();
        let prepared: Vec<Option<Prepared>> =
            paths.par_iter().map(|path| (*path != own).then(|| prepare(path))).collect();
        for (path, prepared) in paths.iter().zip(prepared) {
            match prepared {
                None => self.emit(CombineEvent::SkippedOurself(path.clone())),
                Some(prepared) => self.one(path, prepared)?,
            }
        }
        Ok(())
    }

    /// Merge (or skip) one input, then delete it unless kept or unusable.
    fn one(&mut self, path: &str, prepared: Prepared) -> Result<()> {
        // An input that can't even be fingerprinted is tried anyway: reading
        // it fails too, and that is what gets reported.
        let duplicate = prepared.digest.is_some_and(|digest| !self.seen.insert(digest));
        let mut delete = !self.keep;
        if duplicate {
            self.summary.skipped += 1;
            self.emit(CombineEvent::Duplicate(path.to_owned()));
        } else {
            self.emit(CombineEvent::Combining(path.to_owned()));
            match prepared.input {
                Input::Rows(rows) => {
                    self.target.update_from_rows(&rows, &mut |p| self.map_path.map(p))?;
                    self.summary.combined += 1;
                    self.emit(CombineEvent::Combined(path.to_owned()));
                }
                Input::Broken(error) => return Err(error),
                Input::Unusable(error) => {
                    self.summary.errored += 1;
                    self.emit(CombineEvent::Unusable { path: path.to_owned(), error });
                    delete = false;
                }
            }
        }
        if delete {
            self.emit(CombineEvent::Deleting(path.to_owned()));
            remove_input(path)?;
        }
        Ok(())
    }

    fn emit(&mut self, event: CombineEvent) {
        (self.on_event)(event);
    }
}

/// `map_path` called once per distinct path over the whole combine (as
/// coverage.py caches its alias mapping): the same file recorded by many
/// processes is mapped, and reported in debug output, once.
struct CachedMap<'m> {
    inner: MapPath<'m>,
    cache: HashMap<String, String>,
}

impl<'m> CachedMap<'m> {
    fn new(inner: MapPath<'m>) -> Self {
        Self { inner, cache: HashMap::new() }
    }

    fn map(&mut self, path: &str) -> Result<String> {
        if let Some(mapped) = self.cache.get(path) {
            return Ok(mapped.clone());
        }
        let mapped = (self.inner)(path)?;
        self.cache.insert(path.to_owned(), mapped.clone());
        Ok(mapped)
    }
}

/// Delete a handled input; one already gone is fine.
fn remove_input(path: &str) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(DataError::Io { filename: path.to_owned(), source: err })
        }
        _ => Ok(()),
    }
}
