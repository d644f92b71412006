//! Possible arcs of small programs, as coverage.py 7.17.3 gives them
//! (the values were measured with it; the differential tests compare the
//! whole standard library).

use std::collections::BTreeSet;

use ferrocov_analysis::{analyze_source, AnalysisOptions, PythonVersion, SourceAnalysis};

fn analyze(src: &str, version: PythonVersion) -> SourceAnalysis {
    let opts = AnalysisOptions { exclude: Some(r"#\s*pragma: no cover".into()), version, arcs: true };
    analyze_source(src, "t.py", &opts).unwrap()
}

fn arcs(list: &[(i32, i32)]) -> BTreeSet<(i32, i32)> {
    list.iter().copied().collect()
}

#[test]
fn if_else_and_module_exit() {
    let a = analyze("if x:\n    a = 2\nelse:\n    a = 4\nb = 5\n", PythonVersion::new(3, 12));
    assert_eq!(a.possible_arcs(), &arcs(&[(1, 2), (1, 4), (2, 5), (4, 5), (5, -1)]));
    assert_eq!(a.exit_counts().get(&1), Some(&2));
    assert_eq!(
        a.missing_arc_description(1, 4),
        "line 1 didn't jump to line 4 because the condition on line 1 was always true"
    );
}

#[test]
fn loops_and_function_exits() {
    let src = "def f(xs):\n    for x in xs:\n        if x:\n            return x\n    return None\n";
    let a = analyze(src, PythonVersion::new(3, 12));
    assert_eq!(a.possible_arcs(), &arcs(&[(1, -1), (2, 3), (2, 5), (3, 2), (3, 4), (4, -1), (5, -1)]));
    assert_eq!(
        a.missing_arc_description(2, 5),
        "line 2 didn't jump to line 5 because the loop on line 2 didn't complete"
    );
    assert_eq!(
        a.missing_arc_description(4, -1),
        "line 4 didn't return from function 'f' because the return on line 4 wasn't executed"
    );
}

#[test]
fn with_exits_are_fixed_to_the_next_statement() {
    let src = "with open(x) as f:\n    a = 2\nb = 3\n";
    for version in [PythonVersion::with_micro(3, 12, 1), PythonVersion::with_micro(3, 13, 0)] {
        let a = analyze(src, version);
        assert_eq!(a.possible_arcs(), &arcs(&[(1, 2), (2, 3), (3, -1)]));
        // The measured 2 -> 1 (back to call __exit__) reads as 2 -> 3.
        assert_eq!(a.translate_arcs([(1, 2), (2, 1), (1, 3)]), arcs(&[(1, 2), (2, 3)]));
    }
}

#[test]
fn excluded_lines_do_not_count_as_exits() {
    let a = analyze("if x:\n    a = 2\nelse:  # pragma: no cover\n    a = 4\n", PythonVersion::new(3, 11));
    assert_eq!(a.exit_counts().get(&1), Some(&1));
}
