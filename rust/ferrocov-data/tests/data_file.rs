//! Behaviour of `CoverageData` on real files: schema, round trips, errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ferrocov_data::{CoverageData, DataError, DataOptions, Suffix, SCHEMA_VERSION};
use rusqlite::Connection;

/// A fresh scratch directory per test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ferrocov-data-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lines_map(items: &[(&str, &[u32])]) -> BTreeMap<String, Vec<u32>> {
    items.iter().map(|(f, l)| (f.to_string(), l.to_vec())).collect()
}

fn arcs_map(items: &[(&str, &[(i32, i32)])]) -> BTreeMap<String, Vec<(i32, i32)>> {
    items.iter().map(|(f, a)| (f.to_string(), a.to_vec())).collect()
}

fn data_at(path: &Path) -> CoverageData {
    CoverageData::new(Some(path.to_path_buf()), None, false)
}

#[test]
fn schema_tables_and_meta() {
    let dir = scratch("schema");
    let path = dir.join(".coverage");
    let mut data = data_at(&path);
    data.add_lines(&lines_map(&[("a.py", &[1, 2]), ("b.py", &[3])])).unwrap();
    data.write().unwrap();

    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn.query_row("select version from coverage_schema", [], |r| r.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let mut stmt = conn.prepare("select name from sqlite_master where type='table' order by name").unwrap();
    let tables: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert_eq!(tables, ["arc", "context", "coverage_schema", "file", "line_bits", "meta", "tracer"]);
    let has_arcs: String = conn.query_row("select value from meta where key='has_arcs'", [], |r| r.get(0)).unwrap();
    assert_eq!(has_arcs, "0");
    let version: String = conn.query_row("select value from meta where key='version'", [], |r| r.get(0)).unwrap();
    assert_eq!(version, "7.17.3");
    let bits: Vec<u8> = conn
        .query_row("select numbits from line_bits join file on file.id = file_id where path='a.py'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(bits, vec![0b110]);
    let context: String = conn.query_row("select context from context", [], |r| r.get(0)).unwrap();
    assert_eq!(context, "");
}

#[test]
fn lines_round_trip_with_contexts() {
    let dir = scratch("lines");
    let path = dir.join("lines.dat");
    let mut data = data_at(&path);
    data.set_context(Some("test_a"));
    data.add_lines(&lines_map(&[("a.py", &[1, 2]), ("b.py", &[3])])).unwrap();
    data.set_context(Some("test_b"));
    data.add_lines(&lines_map(&[("a.py", &[2, 5])])).unwrap();

    let mut again = data_at(&path);
    again.read().unwrap();
    assert_eq!(again.measured_files(), ["a.py", "b.py"]);
    assert_eq!(again.lines("a.py").unwrap(), Some(vec![1, 2, 5]));
    assert_eq!(again.lines("nope.py").unwrap(), None);
    assert!(!again.has_arcs());
    assert_eq!(again.measured_contexts().unwrap(), ["test_a", "test_b"]);
    let by_line: std::collections::BTreeMap<u32, Vec<String>> =
        again.contexts_by_lineno("a.py").unwrap().into_iter().collect();
    assert_eq!(by_line[&2], ["test_a", "test_b"]);
    assert_eq!(by_line[&5], ["test_b"]);
    again.set_query_contexts(Some(&["_a$"])).unwrap();
    assert_eq!(again.lines("a.py").unwrap(), Some(vec![1, 2]));
    again.set_query_context("test_b").unwrap();
    assert_eq!(again.lines("a.py").unwrap(), Some(vec![2, 5]));
    again.set_query_contexts::<&str>(None).unwrap();
    assert_eq!(again.lines("b.py").unwrap(), Some(vec![3]));
    let err = again.set_query_contexts(Some(&["foo("])).unwrap_err();
    assert!(err.to_string().starts_with("Invalid context regex 'foo(':"), "{err}");
}

#[test]
fn arcs_round_trip_and_lines_from_arcs() {
    let dir = scratch("arcs");
    let path = dir.join("arcs.dat");
    let mut data = data_at(&path);
    data.add_arcs(&arcs_map(&[("x.py", &[(-1, 1), (1, 2), (2, 3), (3, -1)])])).unwrap();
    let mut again = data_at(&path);
    again.read().unwrap();
    assert!(again.has_arcs());
    assert_eq!(again.arcs("x.py").unwrap(), Some(vec![(-1, 1), (1, 2), (2, 3), (3, -1)]));
    assert_eq!(again.lines("x.py").unwrap(), Some(vec![1, 2, 3]));
}

#[test]
fn lines_and_arcs_do_not_mix() {
    let mut lines = CoverageData::new(None, None, true);
    lines.add_lines(&lines_map(&[("a.py", &[1])])).unwrap();
    let err = lines.add_arcs(&arcs_map(&[("a.py", &[(1, 2)])])).unwrap_err();
    assert_eq!(err.to_string(), "Can't add branch measurements to existing line data");

    let mut arcs = CoverageData::new(None, None, true);
    arcs.add_arcs(&arcs_map(&[("a.py", &[(1, 2)])])).unwrap();
    let err = arcs.add_lines(&lines_map(&[("a.py", &[1])])).unwrap_err();
    assert_eq!(err.to_string(), "Can't add line measurements to existing branch data");
}

#[test]
fn file_tracers_and_touch() {
    let mut data = CoverageData::new(None, None, true);
    assert!(matches!(data.touch_files(&["x.py"], None), Err(DataError::TouchEmpty)));
    data.add_lines(&lines_map(&[("p1.foo", &[1]), ("main.py", &[2])])).unwrap();
    let tracers: BTreeMap<String, String> = [("p1.foo".to_string(), "p1.plugin".to_string())].into();
    data.add_file_tracers(&tracers).unwrap();
    assert_eq!(data.file_tracer("p1.foo").unwrap().as_deref(), Some("p1.plugin"));
    assert_eq!(data.file_tracer("main.py").unwrap().as_deref(), Some(""));
    assert_eq!(data.file_tracer("nope").unwrap(), None);
    let clash: BTreeMap<String, String> = [("p1.foo".to_string(), "other".to_string())].into();
    assert_eq!(
        data.add_file_tracers(&clash).unwrap_err().to_string(),
        "Conflicting file tracer name for 'p1.foo': 'p1.plugin' vs 'other'"
    );
    data.touch_files(&["zzz.py"], None).unwrap();
    assert_eq!(data.lines("zzz.py").unwrap(), Some(vec![]));
    assert!(data.measured_files().contains(&"zzz.py".to_string()));
}

#[test]
fn not_a_database_is_an_error_and_untouched() {
    let dir = scratch("garbage");
    let path = dir.join("xyzzy.dat");
    std::fs::write(&path, "xyzzy").unwrap();
    let mut data = data_at(&path);
    let err = data.read().unwrap_err();
    let expected = format!("Couldn't use data file '{}': file is not a database: (SQLITE_NOTADB)", path.display());
    assert_eq!(err.to_string(), expected);
    assert_eq!(std::fs::read(&path).unwrap(), b"xyzzy");
    assert!(!data.is_nonempty());
}

#[test]
fn wrong_schema_version_is_an_error_and_untouched() {
    let dir = scratch("schema99");
    let path = dir.join("wrong.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("create table coverage_schema (version integer); insert into coverage_schema values (99);")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = data_at(&path).read().unwrap_err();
    assert_eq!(err.to_string(), format!("Couldn't use data file '{}': wrong schema: 99 instead of 7", path.display()));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn foreign_database_is_not_adopted() {
    let dir = scratch("foreign");
    let path = dir.join("other.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("create table foo (x integer)").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = data_at(&path).read().unwrap_err();
    assert!(err.to_string().contains("isn't a coverage data file"), "{err}");
    assert!(err.to_string().contains("no such table: coverage_schema"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn missing_column_names_the_problem() {
    let dir = scratch("column");
    let path = dir.join("col.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("create table coverage_schema (xyzzy integer)").unwrap();
    }
    let err = data_at(&path).read().unwrap_err();
    let file = format!("'{}'", path.display());
    assert_eq!(
        err.to_string(),
        format!("Data file {file} isn't a coverage data file: Couldn't use data file {file}: no such column: version: (SQLITE_ERROR)")
    );
}

#[test]
fn update_merges_and_maps_paths() {
    let dir = scratch("update");
    let mut one = CoverageData::new(Some(dir.join(".coverage")), Some("1".into()), false);
    one.add_lines(&lines_map(&[("/home/a/src/a.py", &[1, 2]), ("b.py", &[3])])).unwrap();
    let mut two = CoverageData::new(Some(dir.join(".coverage")), Some("2".into()), false);
    two.add_lines(&lines_map(&[(r"c:\proj\src\a.py", &[5])])).unwrap();

    let mut all = CoverageData::new(Some(dir.join(".coverage")), None, false);
    let mapper = |p: &str| p.replace("/home/a/src/", "/here/").replace(r"c:\proj\src\", "/here/");
    all.update(&one, Some(&mapper)).unwrap();
    all.update(&two, Some(&mapper)).unwrap();
    assert_eq!(all.measured_files(), ["/here/a.py", "b.py"]);
    assert_eq!(all.lines("/here/a.py").unwrap(), Some(vec![1, 2, 5]));

    let mut branchy = CoverageData::new(Some(dir.join(".coverage")), Some("3".into()), false);
    branchy.add_arcs(&arcs_map(&[("c.py", &[(1, 2)])])).unwrap();
    let err = all.update(&branchy, None).unwrap_err();
    assert_eq!(err.slug(), Some("cant-combine"));
    assert!(err.to_string().starts_with("Can't combine branch coverage data with statement data"));
}

#[test]
fn update_in_memory() {
    let mut combined = CoverageData::new(None, None, true);
    for n in 1..=2u32 {
        let mut source = CoverageData::new(None, None, true);
        source.add_arcs(&arcs_map(&[("e.py", &[(n as i32, 10)])])).unwrap();
        combined.update(&source, None).unwrap();
    }
    assert_eq!(combined.arcs("e.py").unwrap(), Some(vec![(1, 10), (2, 10)]));
}

#[test]
fn parallel_files_get_hashed_names_and_erase_parallel_removes_them() {
    let dir = scratch("parallel");
    let base = dir.join(".coverage");
    let options = DataOptions { basename: Some(base.clone()), suffix: Suffix::Parallel, ..DataOptions::default() };
    let mut data = CoverageData::with_options(options.clone());
    data.add_lines(&lines_map(&[("a.py", &[1, 2])])).unwrap();
    data.write().unwrap();
    let name = data.data_filename().to_string();
    let parts = ferrocov_data::match_suffix(&name).expect("parallel name");
    // Same digest as coverage.py gives this data.
    assert_eq!(parts.hash.as_deref(), Some("0MmAtBRPlwh"));
    assert!(Path::new(&name).exists());
    data.write().unwrap();
    assert_eq!(data.data_filename(), name);

    let mut more = CoverageData::with_options(options);
    more.add_lines(&lines_map(&[("b.py", &[1])])).unwrap();
    more.write().unwrap();
    std::fs::write(dir.join("unrelated"), "x").unwrap();
    let mut eraser = CoverageData::new(Some(base), None, false);
    eraser.erase(true).unwrap();
    let left: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left, ["unrelated"]);
}

#[test]
fn dump_and_load_round_trip() {
    let mut data = CoverageData::new(None, None, true);
    data.set_context(Some("ctx"));
    data.add_lines(&lines_map(&[("a.py", &[1, 200])])).unwrap();
    let script = data.dump_sql().unwrap();
    let mut copy = CoverageData::new(None, None, true);
    copy.load_sql(&script).unwrap();
    assert_eq!(copy.measured_files(), ["a.py"]);
    assert_eq!(copy.lines("a.py").unwrap(), Some(vec![1, 200]));
    assert_eq!(copy.measured_contexts().unwrap(), ["ctx"]);
}

#[test]
fn concurrent_writers_to_one_file_all_land() {
    let dir = scratch("concurrent");
    let path = dir.join(".coverage");
    let threads: Vec<_> = (0..8u32)
        .map(|n| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut data = data_at(&path);
                data.read().unwrap();
                let file = format!("f{n}.py");
                data.add_lines(&lines_map(&[(file.as_str(), &[n + 1])])).unwrap();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut data = data_at(&path);
    data.read().unwrap();
    assert!(data.is_nonempty());
    assert!(!data.measured_files().is_empty());
}

#[test]
fn python_version_is_written_to_meta_and_read_back() {
    let dir = scratch("python-version");
    let options = |name: &str, python_version: Option<&str>| DataOptions {
        basename: Some(dir.join(name)),
        python_version: python_version.map(str::to_owned),
        ..DataOptions::default()
    };
    let mut data = CoverageData::with_options(options(".coverage", Some("3.12.1")));
    data.add_lines(&lines_map(&[("a.py", &[1, 2])])).unwrap();
    data.write().unwrap();

    let conn = Connection::open(dir.join(".coverage")).unwrap();
    let stored: String = conn.query_row("select value from meta where key='python_version'", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, "3.12.1");
    drop(conn);
    let mut reader = CoverageData::with_options(DataOptions { read_only: true, ..options(".coverage", None) });
    reader.read().unwrap();
    assert_eq!(reader.python_version().unwrap().as_deref(), Some("3.12.1"));
    assert_eq!(reader.lines("a.py").unwrap(), Some(vec![1, 2]));

    // Without the option nothing is recorded, and the reader says so.
    let mut plain = CoverageData::with_options(options(".coverage.plain", None));
    plain.add_lines(&lines_map(&[("a.py", &[1, 2])])).unwrap();
    assert_eq!(plain.python_version().unwrap(), None);

    // The same data under the same interpreter gives the same bytes, so
    // combine still skips the second file as a duplicate.
    let mut again = CoverageData::with_options(options(".coverage.again", Some("3.12.1")));
    again.add_lines(&lines_map(&[("a.py", &[1, 2])])).unwrap();
    again.write().unwrap();
    let first = std::fs::read(dir.join(".coverage")).unwrap();
    let second = std::fs::read(dir.join(".coverage.again")).unwrap();
    assert_eq!(first, second);
}

#[test]
fn python_version_leaves_the_parallel_digest_alone() {
    let dir = scratch("python-version-parallel");
    let options = DataOptions {
        basename: Some(dir.join(".coverage")),
        suffix: Suffix::Parallel,
        python_version: Some("3.13.0".to_owned()),
        ..DataOptions::default()
    };
    let mut data = CoverageData::with_options(options);
    data.add_lines(&lines_map(&[("a.py", &[1, 2])])).unwrap();
    data.write().unwrap();
    let parts = ferrocov_data::match_suffix(data.data_filename()).expect("parallel name");
    // The digest of the data alone, as without the version (see above).
    assert_eq!(parts.hash.as_deref(), Some("0MmAtBRPlwh"));
    assert_eq!(data.python_version().unwrap().as_deref(), Some("3.13.0"));
}

/// As coverage.py: a file that isn't a database fails when the connection is
/// set up, read-only too, so it is "unusable", not "not coverage data".
#[test]
fn read_only_non_database_is_reported_like_coverage_py() {
    let dir = scratch("ro-notadb");
    let path = dir.join(".coverage.bad");
    std::fs::write(&path, "not a database\n".repeat(40)).unwrap();
    let options = DataOptions { basename: Some(path.clone()), read_only: true, ..DataOptions::default() };
    let err = CoverageData::with_options(options).read().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Couldn't use data file '{}': file is not a database: (SQLITE_NOTADB)", path.display())
    );
}
