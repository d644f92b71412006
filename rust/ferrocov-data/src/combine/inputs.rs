//! Finding the data files to combine, fingerprinting them, and reading one
//! into memory. Everything here only reads, so it can run on many threads.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use sha3::{Digest, Sha3_256};

use crate::coverage_data::ForeignData;
use crate::db;
use crate::error::{DataError, Result};
use crate::suffix::match_suffix;
use crate::{CoverageData, DataOptions};

/// The absolute paths of the data files a combine reads, sorted.
///
/// `data_paths` are files (taken as they are) or directories (searched for
/// `<base name of data_file>.*`); none means the directory of `data_file`.
/// A path that is neither is an error. SQLite journals are never data.
pub fn combinable_files(data_file: &str, data_paths: &[String]) -> Result<Vec<String>> {
    let data_file = db::abspath(Path::new(data_file));
    let data_dir = data_file.parent().map(Path::to_path_buf).unwrap_or_default();
    let local = data_file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let default_paths = [data_dir.to_string_lossy().into_owned()];
    let data_paths = if data_paths.is_empty() { &default_paths[..] } else { data_paths };

    let mut found = Vec::new();
    for given in data_paths {
        let path = Path::new(given);
        if path.is_file() {
            found.push(db::abspath(path).to_string_lossy().into_owned());
        } else if path.is_dir() {
            found.extend(prefixed_entries(&db::abspath(path), &format!("{local}.")));
        } else {
            return Err(DataError::NoCombinePath(given.clone()));
        }
    }
    found.retain(|name| !name.ends_with("-journal"));
    found.sort();
    Ok(found)
}

/// Every entry of `dir` whose name starts with `prefix`, as coverage.py's
/// `glob("<dir>/<prefix>*")` lists them: directories and dangling links
/// too (reading them fails later, and is reported then).
fn prefixed_entries(dir: &Path, prefix: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(prefix))
        .map(|entry| path_text(&dir.join(entry.file_name())))
        .collect()
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// What identifies a data file's data: the digest in its name when it has
/// one (parallel files written by either tool), else a SHA3-256 of its bytes.
pub fn hash_for_data_file(path: &str) -> std::io::Result<String> {
    if let Some(hash) = match_suffix(path).and_then(|parts| parts.hash) {
        return Ok(hash);
    }
    let bytes = std::fs::read(path)?;
    Ok(Sha3_256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

/// One input file after reading.
pub(super) enum Input {
    /// Its rows, ready to merge.
    Rows(ForeignData),
    /// It can't be read as a data file: reported, counted, left in place.
    Unusable(DataError),
    /// It opened as a data file but its tables couldn't be read: the
    /// combine fails when it gets there, as a failed merge does.
    Broken(DataError),
}

/// An input file's fingerprint (None if unreadable, or if no other input
/// has its size) and its contents.
pub(super) struct Prepared {
    pub digest: Option<String>,
    pub input: Input,
}

/// The inputs that could be copies of another, and so need the SHA3
/// fingerprint: those whose quick (non-cryptographic) content hash another
/// input shares or that can't be read, and those with a digest in their
/// name (which costs nothing). Reading and quick-hashing run on rayon's
/// threads; SQLite files come in whole pages, so sizes alone tell too little.
pub(super) fn fingerprint_candidates(paths: &[String]) -> HashSet<String> {
    use rayon::prelude::*;
    use std::hash::{DefaultHasher, Hasher};
    let quick: Vec<Option<u64>> = paths
        .par_iter()
        .map(|path| {
            std::fs::read(path).ok().map(|bytes| {
                let mut hasher = DefaultHasher::new();
                hasher.write(&bytes);
                hasher.finish()
            })
        })
        .collect();
    let mut counts: HashMap<u64, usize> = HashMap::new();
    for hash in quick.iter().flatten() {
        *counts.entry(*hash).or_default() += 1;
    }
    paths
        .iter()
        .zip(&quick)
        .filter(|(path, hash)| {
            match_suffix(path).and_then(|parts| parts.hash).is_some() || hash.is_none_or(|h| counts[&h] > 1)
        })
        .map(|(path, _)| path.clone())
        .collect()
}

/// Read one input file, fingerprinted if it may be a duplicate.
pub(super) fn prepare(path: &str, fingerprint: bool) -> Prepared {
    let digest = if fingerprint { hash_for_data_file(path).ok() } else { None };
    let options = DataOptions { basename: Some(PathBuf::from(path)), read_only: true, ..DataOptions::default() };
    let mut data = CoverageData::with_options(options);
    let input = match data.read() {
        Err(err) => Input::Unusable(err),
        Ok(()) => match data.read_rows() {
            Ok(rows) => Input::Rows(rows),
            Err(err) => Input::Broken(err),
        },
    };
    Prepared { digest, input }
}
