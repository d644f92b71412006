//! Renderer tests: pages, escaping, skip rules and incremental writes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ferrocov_results::{FileResult, Numbers};

use super::*;

fn opts(dir: &Path) -> HtmlReportOptions {
    HtmlReportOptions {
        directory: dir.to_path_buf(),
        title: "T <b>".into(),
        extra_css: None,
        skip_covered: false,
        skip_empty: false,
        show_contexts: false,
        precision: 0,
        has_arcs: false,
        version: "7.17.3".into(),
        timestamp: "now".into(),
    }
}

fn result(statements: &[u32], executed: &[u32]) -> FileResult {
    let statements: BTreeSet<u32> = statements.iter().copied().collect();
    let executed: BTreeSet<u32> = executed.iter().copied().collect();
    let missing: BTreeSet<u32> = statements.difference(&executed).copied().collect();
    let numbers = Numbers {
        n_files: 1,
        n_statements: statements.len() as u64,
        n_missing: missing.len() as u64,
        ..Numbers::default()
    };
    FileResult { statements, executed, missing, numbers, ..FileResult::default() }
}

fn tmpdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ferrocov-html-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn writes_escaped_pages_and_keeps_unchanged_ones() {
    let dir = tmpdir("basic");
    let src = dir.join("m.py");
    std::fs::write(&src, "x = '<script>alert(1)</script>'\nif x:\n    y = 2\n").unwrap();
    let out = dir.join("out");
    let r = result(&[1, 2, 3], &[1, 2]);
    let files =
        [HtmlFile { relative_filename: "<m>.py", source_path: &src, source_text: None, result: &r, contexts: None }];
    let report = render_html(&files, &opts(&out)).unwrap();
    assert_eq!(report.written.len(), 1);
    let page = std::fs::read_to_string(out.join(&report.written[0])).unwrap();
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;"));
    assert!(page.contains("class=\"line cov-mis\" id=\"L3\""));
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("&lt;m&gt;.py") && index.contains("T &lt;b&gt;"));
    assert!(out.join(".gitignore").is_file() && out.join("status.json").is_file());
    let again = render_html(&files, &opts(&out)).unwrap();
    assert!(again.written.is_empty() && again.kept.len() == 1);
}

#[test]
fn skip_rules_count_and_totals_include_skipped() {
    let dir = tmpdir("skip");
    let src = dir.join("m.py");
    std::fs::write(&src, "x = 1\n").unwrap();
    let full = result(&[1], &[1]);
    let empty = result(&[], &[]);
    let part = result(&[1], &[]);
    let files = [
        HtmlFile { relative_filename: "a.py", source_path: &src, source_text: None, result: &full, contexts: None },
        HtmlFile { relative_filename: "b.py", source_path: &src, source_text: None, result: &empty, contexts: None },
        HtmlFile { relative_filename: "c.py", source_path: &src, source_text: None, result: &part, contexts: None },
    ];
    let mut o = opts(&dir.join("out"));
    o.skip_covered = true;
    let report = render_html(&files, &o).unwrap();
    // b.py is empty, hence also fully covered: skip_covered takes it first.
    assert_eq!(report.written.len(), 1);
    assert_eq!(report.totals.n_statements, 2);
    assert_eq!(report.totals.n_files, 3);
}

#[test]
fn no_files_is_no_data() {
    let dir = tmpdir("nodata");
    assert_eq!(render_html(&[], &opts(&dir)).unwrap_err(), ReportError::NoData);
}

#[test]
fn partial_lines_and_contexts_are_shown_escaped() {
    let dir = tmpdir("partial");
    let src = dir.join("m.py");
    std::fs::write(&src, "if x:\n    y = 1\nz = 2\n").unwrap();
    let mut r = result(&[1, 2, 3], &[1, 2, 3]);
    r.has_arcs = true;
    r.arc_possibilities = [(1, 2), (1, 3), (2, 3)].into_iter().collect();
    r.arcs_executed = [(1, 2), (2, 3)].into_iter().collect();
    r.exit_counts = [(1, 2), (2, 1), (3, 1)].into_iter().collect();
    r.missing_branch_descriptions.insert((1, 3), "line 1 didn't jump to line 3 <why>".into());
    let contexts: LineContexts = vec![(2, vec!["<ctx>".into(), String::new()])];
    let files = [HtmlFile {
        relative_filename: "m.py",
        source_path: &src,
        source_text: None,
        result: &r,
        contexts: Some(&contexts),
    }];
    let mut o = opts(&dir.join("out"));
    o.has_arcs = true;
    o.show_contexts = true;
    let report = render_html(&files, &o).unwrap();
    let page = std::fs::read_to_string(dir.join("out").join(&report.written[0])).unwrap();
    assert!(page.contains("class=\"line cov-par\" id=\"L1\""), "{page}");
    assert!(page.contains("<li>line 1 didn&#x27;t jump to line 3 &lt;why&gt;</li>"), "{page}");
    assert!(page.contains("1 \u{219b} 3"));
    assert!(page.contains("<li>&lt;ctx&gt;</li><li>(empty)</li>"), "{page}");
}
