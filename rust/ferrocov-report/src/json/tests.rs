use std::collections::BTreeSet;

use ferrocov_analysis::{CodeRegion, RegionKind};
use ferrocov_results::FileResult;

use super::*;

fn result() -> FileResult {
    let mut r = FileResult {
        statements: [1, 2, 4].into(),
        executed: [1, 2].into(),
        missing: [4].into(),
        regions: vec![CodeRegion {
            kind: RegionKind::Function,
            name: "f".into(),
            start: 1,
            lines: BTreeSet::from([2]),
        }],
        line_count: 4,
        ..FileResult::default()
    };
    r.numbers = ferrocov_results::Numbers { n_files: 1, n_statements: 3, n_missing: 1, ..Default::default() };
    r
}

fn opts(pretty_print: bool) -> JsonReportOptions {
    JsonReportOptions {
        version: "7.17.3".into(),
        timestamp: "T".into(),
        pretty_print,
        precision: 0,
        ..JsonReportOptions::default()
    }
}

#[test]
fn compact_layout_and_regions() {
    let r = result();
    let files = [JsonFile { relative_filename: "m\u{e9}.py", result: &r, contexts: None }];
    let report = render_json(&files, &opts(false)).unwrap();
    let text = String::from_utf8(report.bytes).unwrap();
    assert!(text.starts_with(
        r#"{"meta": {"format": 3, "version": "7.17.3", "timestamp": "T", "branch_coverage": false, "show_contexts": false}, "files": {"m\u00e9.py": {"executed_lines": [1, 2], "summary": {"covered_lines": 2, "num_statements": 3, "percent_covered": 66.66666666666667, "percent_covered_display": "67""#
    ));
    assert!(text.contains(r#""functions": {"f": {"executed_lines": [2], "#));
    assert!(text.contains(r#""": {"executed_lines": [1], "summary": {"covered_lines": 1, "num_statements": 2, "#));
    assert!(text.contains(r#""classes": {"": {"executed_lines": [1, 2], "#));
    assert_eq!(report.totals.n_statements, 3);
}

#[test]
fn pretty_layout() {
    let r = FileResult::default();
    let files = [JsonFile { relative_filename: "e.py", result: &r, contexts: None }];
    let text = String::from_utf8(render_json(&files, &opts(true)).unwrap().bytes).unwrap();
    assert!(text.starts_with("{\n    \"meta\": {\n        \"format\": 3,\n"));
    assert!(text.contains("\"executed_lines\": [],\n"));
    assert!(text.ends_with("\n    }\n}"));
}
