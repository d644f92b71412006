//! One data file shared by several writers (processes, in real use): what
//! each adds must land whatever the others did in between, and a writer
//! stopped in the middle of a transaction must not spoil the file.

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

fn integrity(path: &Path) -> String {
    let conn = Connection::open(path).unwrap();
    conn.query_row("pragma integrity_check", [], |r| r.get(0)).unwrap()
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

/// A copy of `path` as a writer killed in the middle of a big transaction
/// leaves it: part of the new pages already in the file, the old ones in a
/// hot journal beside it. Returns the copy's path.
fn interrupted_copy(path: &Path, copy: &Path) -> PathBuf {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch("pragma journal_mode=delete; pragma cache_size=2; BEGIN IMMEDIATE").unwrap();
    for n in 0..2000 {
        conn.execute("insert into file (path) values (?1)", [format!("half/written/file_{n:05}.py")]).unwrap();
    }
    let journal = PathBuf::from(format!("{}-journal", path.display()));
    assert!(journal.exists(), "the transaction has spilled pages, so it has a journal");
    std::fs::copy(path, copy).unwrap();
    let copy_journal = PathBuf::from(format!("{}-journal", copy.display()));
    std::fs::copy(&journal, &copy_journal).unwrap();
    conn.execute_batch("ROLLBACK").unwrap();
    copy_journal
}

#[test]
fn a_killed_writers_journal_is_rolled_back() {
    let dir = scratch("killed");
    let path = dir.join("orig.dat");
    data_at(&path).add_lines(&lines_map(&[("a.py", &[1, 2, 3])])).unwrap();
    let copy = dir.join(".coverage");
    let journal = interrupted_copy(&path, &copy);

    let mut data = fresh_read(&copy);
    assert_eq!(data.measured_files(), ["a.py"]);
    assert_eq!(data.lines("a.py").unwrap(), Some(vec![1, 2, 3]));
    assert!(!journal.exists());
    assert_eq!(integrity(&copy), "ok");
    data.add_lines(&lines_map(&[("b.py", &[4])])).unwrap();
    assert_eq!(fresh_read(&copy).measured_files(), ["a.py", "b.py"]);
}

#[test]
fn a_journal_naming_a_super_journal_is_refused() {
    let dir = scratch("super");
    let path = dir.join("orig.dat");
    data_at(&path).add_lines(&lines_map(&[("a.py", &[1])])).unwrap();
    let copy = dir.join(".coverage");
    let journal = interrupted_copy(&path, &copy);
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "don't delete me").unwrap();
    let name = victim.to_string_lossy().into_owned().into_bytes();
    let checksum: u32 = name.iter().map(|&b| u32::from(b)).sum();
    let mut record = vec![0u8; 4];
    record.extend_from_slice(&name);
    record.extend_from_slice(&u32::try_from(name.len()).unwrap().to_be_bytes());
    record.extend_from_slice(&checksum.to_be_bytes());
    record.extend_from_slice(&[0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);
    let mut bytes = std::fs::read(&journal).unwrap();
    bytes.extend_from_slice(&record);
    std::fs::write(&journal, bytes).unwrap();

    let err = data_at(&copy).read().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Couldn't use data file '{}': it has a journal file to roll back", copy.display())
    );
    assert!(victim.exists());
    assert!(journal.exists());
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
