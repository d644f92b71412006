//! Combining: folding parallel data files into one data object, as
//! coverage.py's `combine_parallel_data` does.
//!
//! The inputs are found (`combinable_files`), then handled in batches: each
//! batch's files are fingerprinted and read into memory on rayon's threads,
//! then folded one at a time in sorted file order (`fold`). Reading is the
//! slow, independent part; folding in a fixed order keeps the result, the
//! messages and which duplicate wins the same whatever thread finishes
//! first. Batches bound how many inputs are held in memory at once; the
//! folded rows are deduplicated, so they stay as small as the result.
//!
//! What is folded is written into the target in one transaction at the end
//! (or when an input can't be merged, before that error is returned), and
//! only then are the folded inputs deleted (unless `keep`; the events still
//! announce each deletion where coverage.py makes it): a combine that
//! fails leaves every input it has not written, and the target as it was
//! or with all the inputs before the failing one, as coverage.py's would.

mod fold;
mod inputs;
mod summary;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::coverage_data::{CoverageData, MapPath};
use crate::error::{DataError, Result};
use fold::Folded;
pub use inputs::{combinable_files, hash_for_data_file};
use inputs::{fingerprint_candidates, prepare, Input, Prepared};
pub use summary::{CombineEvent, CombineSummary};

/// How many inputs are read into memory at once: enough to keep every
/// core reading, few enough that the inputs held stay small.
const BATCH: usize = 16;

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
        folded: Folded::default(),
        folded_inputs: Vec::new(),
        may_be_copies: fingerprint_candidates(&files),
        summary: CombineSummary::default(),
        on_event,
    };
    let folding = files.chunks(BATCH).try_for_each(|batch| combine.batch(batch));
    // What was folded before a failing input is written even so.
    let written = combine.write_folded();
    folding.and(written)?;
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
    /// The rows of the inputs folded so far, and those inputs' paths.
    folded: Folded,
    folded_inputs: Vec<String>,
    /// The inputs that may be copies of another (the others aren't hashed).
    may_be_copies: HashSet<String>,
    summary: CombineSummary,
    on_event: &'e mut dyn FnMut(CombineEvent),
}

impl Combine<'_, '_, '_> {
    fn batch(&mut self, paths: &[String]) -> Result<()> {
        // The target's own file (one of the parallel files, sometimes) is
        // neither read nor fingerprinted: it can't be a duplicate of itself.
        let own = self.target.data_filename().to_owned();
        let may_be_copies = &self.may_be_copies;
        let prepared: Vec<Option<Prepared>> =
            paths.par_iter().map(|path| (*path != own).then(|| prepare(path, may_be_copies.contains(path)))).collect();
        for (path, prepared) in paths.iter().zip(prepared) {
            match prepared {
                None => self.emit(CombineEvent::SkippedOurself(path.clone())),
                Some(prepared) => self.one(path, prepared)?,
            }
        }
        Ok(())
    }

    /// Fold (or skip) one input. Unless kept, a duplicate is deleted at
    /// once, a folded input once the fold is written; an unusable one never.
    fn one(&mut self, path: &str, prepared: Prepared) -> Result<()> {
        // An input that can't even be fingerprinted is tried anyway: reading
        // it fails too, and that is what gets reported.
        let duplicate = prepared.digest.is_some_and(|digest| !self.seen.insert(digest));
        if duplicate {
            self.summary.skipped += 1;
            self.emit(CombineEvent::Duplicate(path.to_owned()));
            return self.delete(path);
        }
        self.emit(CombineEvent::Combining(path.to_owned()));
        match prepared.input {
            Input::Rows(rows) => {
                let Combine { folded, target, map_path, .. } = self;
                folded.fold(target, &rows, &mut |p| map_path.map(p))?;
                self.summary.combined += 1;
                self.emit(CombineEvent::Combined(path.to_owned()));
                if !self.keep {
                    // Announced where coverage.py deletes it (debug output
                    // reads the same); done once the fold is written.
                    self.emit(CombineEvent::Deleting(path.to_owned()));
                    self.folded_inputs.push(path.to_owned());
                }
            }
            Input::Broken(error) => return Err(error),
            Input::Unusable(error) => {
                self.summary.errored += 1;
                self.emit(CombineEvent::Unusable { path: path.to_owned(), error });
            }
        }
        Ok(())
    }

    /// Write what is folded into the target in one transaction, then
    /// delete the inputs it came from.
    fn write_folded(&mut self) -> Result<()> {
        let folded = std::mem::take(&mut self.folded);
        if !folded.is_empty() {
            let rows = folded.into_rows(self.target.data_filename());
            self.target.update_from_rows(&rows, &mut |p| Ok(p.to_owned()))?;
        }
        for path in std::mem::take(&mut self.folded_inputs) {
            remove_input(&path)?;
        }
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<()> {
        if self.keep {
            return Ok(());
        }
        self.emit(CombineEvent::Deleting(path.to_owned()));
        remove_input(path)
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
