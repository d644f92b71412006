//! One data file shared by several writers (processes, in real use): what
//! each adds must land whatever the others did in between.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ferrocov_data::CoverageData;
use rusqlite::Connection;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ferrocov-sharing-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lines_map(items: &[(&str, &[u32])]) -> BTreeMap<String, Vec<u32>> {
    items.iter().map(|(f, l)| (f.to_string(), l.to_vec())).collect()
}

fn data_at(path: &Path) -> CoverageData {
    CoverageData::new(Some(path.to_path_buf()), None, false)
}

fn fresh_read(path: &Path) -> CoverageData {
    let mut data = data_at(path);
    data.read().unwrap();
    data
}

#[test]
fn reading_a_missing_file_then_adding_keeps_what_others_saved_meanwhile() {
    // `coverage run --append` into a file that doesn't exist yet: the file
    // appears (another process's save) before this one saves.
    let dir = scratch("append-new");
    let path = dir.join(".coverage");
    let mut late = data_at(&path);
    late.read().unwrap();
    assert!(!path.exists(), "reading a missing file must not create it");

    let mut early = data_at(&path);
    early.read().unwrap();
    early.add_lines(&lines_map(&[("early.py", &[1, 2])])).unwrap();

    late.add_lines(&lines_map(&[("late.py", &[3])])).unwrap();

    let mut all = fresh_read(&path);
    assert_eq!(all.measured_files(), ["early.py", "late.py"]);
    assert_eq!(all.lines("early.py").unwrap(), Some(vec![1, 2]));
    assert_eq!(all.lines("late.py").unwrap(), Some(vec![3]));
}

#[test]
fn data_never_read_still_starts_a_fresh_file() {
    // Without --append, `coverage run` replaces the file: that stays so.
    let dir = scratch("fresh");
    let path = dir.join(".coverage");
    data_at(&path).add_lines(&lines_map(&[("old.py", &[1])])).unwrap();
    data_at(&path).add_lines(&lines_map(&[("new.py", &[1])])).unwrap();
    assert_eq!(fresh_read(&path).measured_files(), ["new.py"]);
}

#[test]
fn a_file_another_writer_added_keeps_its_lines() {
    // Both read the file before either knew `shared.py`; the one that adds
    // it second must reuse the other's row, not replace it.
    let dir = scratch("stale-map");
    let path = dir.join(".coverage");
    data_at(&path).add_lines(&lines_map(&[("seed.py", &[1])])).unwrap();
    let mut first = fresh_read(&path);
    let mut second = fresh_read(&path);
    first.add_lines(&lines_map(&[("shared.py", &[1, 2])])).unwrap();
    second.add_lines(&lines_map(&[("shared.py", &[5]), ("own.py", &[7])])).unwrap();
    first.add_lines(&lines_map(&[("shared.py", &[9])])).unwrap();

    let mut all = fresh_read(&path);
    assert_eq!(all.measured_files(), ["own.py", "seed.py", "shared.py"]);
    assert_eq!(all.lines("shared.py").unwrap(), Some(vec![1, 2, 5, 9]));
    assert_eq!(all.lines("own.py").unwrap(), Some(vec![7]));
    let conn = Connection::open(&path).unwrap();
    let loose: i64 = conn
        .query_row("select count(*) from line_bits where file_id not in (select id from file)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(loose, 0);
}

#[test]
fn the_kind_of_data_another_writer_chose_is_respected() {
    // A writer that read an empty file learns, when it writes, that another
    // one committed the file to branch data meanwhile.
    let dir = scratch("kind");
    let path = dir.join(".coverage");
    let mut lines_writer = data_at(&path);
    lines_writer.read().unwrap();
    let mut arcs_writer = data_at(&path);
    arcs_writer.read().unwrap();
    let arcs: BTreeMap<String, Vec<(i32, i32)>> = [("a.py".to_string(), vec![(-1, 1), (1, -1)])].into();
    arcs_writer.add_arcs(&arcs).unwrap();
    let err = lines_writer.add_lines(&lines_map(&[("b.py", &[1])])).unwrap_err();
    assert_eq!(err.to_string(), "Can't add line measurements to existing branch data");
    assert_eq!(fresh_read(&path).measured_files(), ["a.py"]);
}

#[test]
fn a_file_erased_between_calls_is_set_up_again() {
    let dir = scratch("erased");
    let path = dir.join(".coverage");
    let mut data = data_at(&path);
    data.add_lines(&lines_map(&[("a.py", &[1])])).unwrap();
    std::fs::remove_file(&path).unwrap();
    data.add_lines(&lines_map(&[("b.py", &[2])])).unwrap();
    let mut all = fresh_read(&path);
    assert_eq!(all.measured_files(), ["b.py"]);
    assert_eq!(all.lines("b.py").unwrap(), Some(vec![2]));
}

#[test]
fn threads_appending_to_a_new_file_all_land() {
    let dir = scratch("threads");
    let path = dir.join(".coverage");
    let threads: Vec<_> = (0..8u32)
        .map(|n| {
            let path = path.clone();
            std::thread::spawn(move || {
                for run in 0..10u32 {
                    let mut data = data_at(&path);
                    data.read().unwrap();
                    let file = format!("t{n}_{run}.py");
                    data.add_lines(&lines_map(&[(file.as_str(), &[run + 1]), ("shared.py", &[n * 10 + run + 1])]))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut data = fresh_read(&path);
    assert_eq!(data.measured_files().len(), 81);
    for n in 0..8u32 {
        for run in 0..10u32 {
            assert_eq!(data.lines(&format!("t{n}_{run}.py")).unwrap(), Some(vec![run + 1]));
        }
    }
    assert_eq!(data.lines("shared.py").unwrap(), Some((1..=80).collect()));
}
