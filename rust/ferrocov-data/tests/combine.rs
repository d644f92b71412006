//! `combine_parallel_data`: which files are read, what is merged, skipped,
//! reported and deleted, and that the result doesn't depend on threads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ferrocov_data::{
    combinable_files, combine_parallel_data, CombineEvent, CombineOptions, CombineSummary, CoverageData, DataError,
    DataOptions, Result, Suffix,
};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ferrocov-combine-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Write a data file `<dir>/.coverage.<suffix>` holding `lines`.
fn write_lines(dir: &Path, suffix: &str, lines: &[(&str, &[u32])]) -> PathBuf {
    let mut data = CoverageData::new(Some(dir.join(".coverage")), Some(suffix.to_owned()), false);
    let map: BTreeMap<String, Vec<u32>> = lines.iter().map(|(f, l)| (f.to_string(), l.to_vec())).collect();
    data.add_lines(&map).unwrap();
    data.write().unwrap();
    PathBuf::from(data.data_filename())
}

fn write_arcs(dir: &Path, suffix: &str, file: &str, arcs: &[(i32, i32)]) -> PathBuf {
    let mut data = CoverageData::new(Some(dir.join(".coverage")), Some(suffix.to_owned()), false);
    data.add_arcs(&BTreeMap::from([(file.to_owned(), arcs.to_vec())])).unwrap();
    data.write().unwrap();
    PathBuf::from(data.data_filename())
}

fn target(dir: &Path) -> CoverageData {
    CoverageData::new(Some(dir.join(".coverage")), None, false)
}

/// Combine with no renaming; the events as `(kind, file name)` pairs.
fn combine(data: &mut CoverageData, options: &CombineOptions) -> (Result<CombineSummary>, Vec<(String, String)>) {
    combine_mapped(data, options, &mut |p| Ok(p.to_owned()))
}

fn combine_mapped(
    data: &mut CoverageData,
    options: &CombineOptions,
    map: &mut dyn FnMut(&str) -> Result<String>,
) -> (Result<CombineSummary>, Vec<(String, String)>) {
    let mut events = Vec::new();
    let mut record = |event: CombineEvent| {
        let (kind, path) = match event {
            CombineEvent::SkippedOurself(p) => ("ourself", p),
            CombineEvent::Combining(p) => ("combining", p),
            CombineEvent::Combined(p) => ("combined", p),
            CombineEvent::Duplicate(p) => ("duplicate", p),
            CombineEvent::Unusable { path, .. } => ("unusable", path),
            CombineEvent::Deleting(p) => ("deleting", p),
        };
        let name = Path::new(&path).file_name().unwrap().to_string_lossy().into_owned();
        events.push((kind.to_owned(), name));
    };
    let result = combine_parallel_data(data, options, map, &mut record);
    (result, events)
}

fn lines(data: &mut CoverageData, file: &str) -> Vec<u32> {
    let mut found = data.lines(file).unwrap().unwrap_or_default();
    found.sort_unstable();
    found
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn summary(combined: usize, skipped: usize, errored: usize) -> CombineSummary {
    CombineSummary { combined, skipped, errored }
}

#[test]
fn merges_every_parallel_file_and_deletes_them() {
    let dir = scratch("basic");
    write_lines(&dir, "1", &[("a.py", &[1, 2]), ("b.py", &[3])]);
    write_lines(&dir, "2", &[("a.py", &[2, 5])]);
    let mut data = target(&dir);
    let (result, events) = combine(&mut data, &CombineOptions::default());
    assert_eq!(result.unwrap(), summary(2, 0, 0));
    assert_eq!(lines(&mut data, "a.py"), [1, 2, 5]);
    assert_eq!(lines(&mut data, "b.py"), [3]);
    assert_eq!(names_in(&dir), [".coverage"]);
    // Each deletion is announced where coverage.py makes it (the files go
    // once the folded rows are written).
    let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["combining", "combined", "deleting", "combining", "combined", "deleting"]);
}

#[test]
fn keep_leaves_the_inputs() {
    let dir = scratch("keep");
    write_lines(&dir, "1", &[("a.py", &[1])]);
    let mut data = target(&dir);
    let options = CombineOptions { keep: true, ..CombineOptions::default() };
    assert_eq!(combine(&mut data, &options).0.unwrap(), summary(1, 0, 0));
    assert_eq!(names_in(&dir), [".coverage", ".coverage.1"]);
}

#[test]
fn duplicates_by_name_digest_and_by_content_are_skipped() {
    let dir = scratch("dupes");
    // Parallel names carry a digest of their data: the same data, the same digest.
    for _ in 0..2 {
        let mut data = CoverageData::with_options(DataOptions {
            basename: Some(dir.join(".coverage")),
            suffix: Suffix::Parallel,
            ..DataOptions::default()
        });
        data.add_lines(&BTreeMap::from([("a.py".to_owned(), vec![1, 2])])).unwrap();
        data.write().unwrap();
    }
    let copied = write_lines(&dir, "c1", &[("c.py", &[4])]);
    std::fs::copy(&copied, dir.join(".coverage.c2")).unwrap();
    let mut data = target(&dir);
    let (result, events) = combine(&mut data, &CombineOptions::default());
    assert_eq!(result.unwrap(), summary(2, 2, 0));
    assert_eq!(events.iter().filter(|(k, _)| k == "duplicate").count(), 2);
    assert_eq!(lines(&mut data, "c.py"), [4]);
    // Duplicates are deleted like the files they duplicate.
    assert_eq!(names_in(&dir), [".coverage"]);
}

#[test]
fn unusable_files_are_reported_counted_and_left_untouched() {
    let dir = scratch("unusable");
    write_lines(&dir, "1", &[("a.py", &[1])]);
    let junk = b"not a database at all\n".repeat(100);
    std::fs::write(dir.join(".coverage.2"), &junk).unwrap();
    std::fs::write(dir.join(".coverage.3"), b"").unwrap();
    let mut data = target(&dir);
    let mut messages = Vec::new();
    let result = combine_parallel_data(&mut data, &CombineOptions::default(), &mut |p| Ok(p.to_owned()), &mut |e| {
        if let CombineEvent::Unusable { error, .. } = e {
            messages.push(error.to_string());
        }
    });
    assert_eq!(result.unwrap(), summary(1, 0, 2));
    assert_eq!(messages.len(), 2);
    // The message names the file (the oracle tests check the wording).
    assert!(messages[0].contains(&format!("'{}'", text(&dir.join(".coverage.2")))), "{messages:?}");
    assert!(messages[1].contains(".coverage.3'"), "{messages:?}");
    assert_eq!(std::fs::read(dir.join(".coverage.2")).unwrap(), junk);
    assert_eq!(names_in(&dir), [".coverage", ".coverage.2", ".coverage.3"]);
}

#[test]
fn the_targets_own_file_is_not_combined_into_itself() {
    let dir = scratch("own");
    write_lines(&dir, "1", &[("a.py", &[1])]);
    let mut data = CoverageData::new(Some(dir.join(".coverage")), Some("2".to_owned()), false);
    data.add_lines(&BTreeMap::from([("a.py".to_owned(), vec![4])])).unwrap();
    let (result, events) = combine(&mut data, &CombineOptions::default());
    assert_eq!(result.unwrap(), summary(1, 0, 0));
    assert!(events.contains(&("ourself".to_owned(), ".coverage.2".to_owned())));
    assert_eq!(lines(&mut data, "a.py"), [1, 4]);
    assert_eq!(names_in(&dir), [".coverage.2"]);
}

#[test]
fn data_paths_are_files_or_directories_and_must_exist() {
    let dir = scratch("paths");
    std::fs::create_dir_all(dir.join("d1")).unwrap();
    std::fs::create_dir_all(dir.join("d2")).unwrap();
    write_lines(&dir.join("d1"), "x", &[("a.py", &[1])]);
    let named = write_lines(&dir.join("d2"), "y", &[("a.py", &[2])]);
    write_lines(&dir.join("d2"), "z", &[("a.py", &[3])]);
    std::fs::write(dir.join("d1/.coverage.x-journal"), b"journal").unwrap();
    let base = text(&dir.join(".coverage"));
    let found = combinable_files(&base, &[text(&dir.join("d1")), text(&named)]).unwrap();
    assert_eq!(found, [text(&dir.join("d1/.coverage.x")), text(&dir.join("d2/.coverage.y"))]);

    let missing = text(&dir.join("nowhere"));
    let err = combinable_files(&base, std::slice::from_ref(&missing)).unwrap_err();
    assert_eq!(err.to_string(), format!("Couldn't combine from non-existent path '{missing}'"));
    assert_eq!(err.class(), ferrocov_data::ErrorClass::NoData);

    let mut data = target(&dir);
    let options = CombineOptions { data_paths: vec![text(&dir.join("d1")), text(&named)], ..CombineOptions::default() };
    assert_eq!(combine(&mut data, &options).0.unwrap(), summary(2, 0, 0));
    assert_eq!(lines(&mut data, "a.py"), [1, 2]);
    assert_eq!(names_in(&dir.join("d2")), [".coverage.z"]);
}

#[test]
fn strict_needs_something_usable() {
    let dir = scratch("strict");
    let strict = CombineOptions { strict: true, ..CombineOptions::default() };
    let err = combine(&mut target(&dir), &strict).0.unwrap_err();
    assert!(matches!(err, DataError::NoDataToCombine));
    assert_eq!(err.to_string(), "No data to combine");
    // Lenient: nothing to do is fine.
    assert_eq!(combine(&mut target(&dir), &CombineOptions::default()).0.unwrap(), summary(0, 0, 0));

    std::fs::write(dir.join(".coverage.bad"), b"junk").unwrap();
    let err = combine(&mut target(&dir), &strict).0.unwrap_err();
    assert_eq!(err.to_string(), "No usable data files");
    assert_eq!(err.class(), ferrocov_data::ErrorClass::NoData);
}

#[test]
fn mixing_lines_and_arcs_stops_with_the_inputs_not_yet_merged_left() {
    let dir = scratch("mixed");
    write_lines(&dir, "1", &[("a.py", &[1])]);
    write_arcs(&dir, "2", "a.py", &[(1, 2)]);
    write_lines(&dir, "3", &[("a.py", &[3])]);
    let (result, _) = combine(&mut target(&dir), &CombineOptions::default());
    let err = result.unwrap_err();
    assert_eq!(err.slug(), Some("cant-combine"));
    assert!(err.to_string().contains(".coverage.2' measured branch coverage"), "{err}");
    // The first was folded in and deleted; the culprit and the rest remain.
    assert_eq!(names_in(&dir), [".coverage", ".coverage.2", ".coverage.3"]);
    let mut written = target(&dir);
    written.read().unwrap();
    assert_eq!(lines(&mut written, "a.py"), [1], "the input before the culprit was written");
}

#[test]
fn each_recorded_path_is_mapped_once() {
    let dir = scratch("mapped");
    for n in 0..5 {
        write_lines(&dir, &n.to_string(), &[("/ci/src/a.py", &[n + 1]), ("/ci/src/b.py", &[1])]);
    }
    let mut calls = Vec::new();
    let mut map = |path: &str| {
        calls.push(path.to_owned());
        Ok(path.replace("/ci/src/", "/home/src/"))
    };
    let mut data = target(&dir);
    assert_eq!(combine_mapped(&mut data, &CombineOptions::default(), &mut map).0.unwrap(), summary(5, 0, 0));
    calls.sort();
    assert_eq!(calls, ["/ci/src/a.py", "/ci/src/b.py"]);
    assert_eq!(lines(&mut data, "/home/src/a.py"), [1, 2, 3, 4, 5]);
    assert_eq!(data.measured_files(), ["/home/src/a.py", "/home/src/b.py"]);
}

/// Many inputs (more than one batch) give the same data and events every
/// time: files are read on several threads but merged in sorted order.
#[test]
fn many_files_combine_deterministically() {
    let mut outcomes = Vec::new();
    for round in 0..2 {
        let dir = scratch(&format!("many{round}"));
        for n in 0..150u32 {
            let file = format!("m{}.py", n % 7);
            write_lines(&dir, &format!("{n:03}"), &[(file.as_str(), &[n + 1, 1000])]);
        }
        let mut data = target(&dir);
        let (result, events) = combine(&mut data, &CombineOptions::default());
        assert_eq!(result.unwrap(), summary(150, 0, 0));
        let all: Vec<(String, Vec<u32>)> =
            data.measured_files().into_iter().map(|f| (f.clone(), lines(&mut data, &f))).collect();
        assert_eq!(names_in(&dir), [".coverage"]);
        outcomes.push((all, events));
    }
    assert_eq!(outcomes[0], outcomes[1]);
    let combined: Vec<&String> = outcomes[0].1.iter().filter(|(k, _)| k == "combined").map(|(_, n)| n).collect();
    let mut sorted = combined.clone();
    sorted.sort();
    assert_eq!(combined, sorted, "merged in sorted file order");
    assert_eq!(outcomes[0].0[0].1.len(), 23, "m0.py: lines 1, 8, ..., 148 and 1000");
}

/// A file that is gone by the time it is read (a process renaming its file
/// as it finishes; here a dangling link) is reported as unusable, not fatal;
/// so is a directory named like a data file.
#[test]
fn inputs_that_cant_be_read_are_reported() {
    let dir = scratch("vanish");
    write_lines(&dir, "1", &[("a.py", &[1])]);
    std::fs::create_dir(dir.join(".coverage.dir")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join(".coverage.gone")).unwrap();
    let mut messages = Vec::new();
    let result =
        combine_parallel_data(&mut target(&dir), &CombineOptions::default(), &mut |p| Ok(p.to_owned()), &mut |e| {
            if let CombineEvent::Unusable { error, .. } = e {
                messages.push(error.to_string());
            }
        });
    assert_eq!(result.unwrap(), summary(1, 0, 2));
    assert!(messages[1].ends_with(".coverage.gone': it doesn't exist"), "{messages:?}");
    assert!(dir.join(".coverage.dir").is_dir());
}
