//! The compiler-emulation and exclusion rules, on small programs whose
//! expected results were measured with coverage.py 7.17.3 on each CPython.

use std::collections::BTreeSet;

use ferrocov_analysis::{analyze_source, join_regex, AnalysisError, AnalysisOptions, PythonVersion};

const DEFAULT_EXCLUDE: [&str; 3] = [
    r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)",
    r"^\s*(((async )?def .*?)?[\])]+(\s*->.*?)?:\s*)?\.\.\.\s*(#|$)",
    r"^\s*if (typing\.)?TYPE_CHECKING:",
];

fn opts(minor: u8) -> AnalysisOptions {
    AnalysisOptions {
        exclude: join_regex(&DEFAULT_EXCLUDE.map(String::from)),
        version: PythonVersion::new(3, minor),
        arcs: false,
    }
}

fn statements(src: &str, minor: u8) -> Vec<u32> {
    let analysis = analyze_source(src, "t.py", &opts(minor)).expect("analysis");
    analysis.statements.into_iter().collect()
}

fn excluded(src: &str, minor: u8) -> Vec<u32> {
    let analysis = analyze_source(src, "t.py", &opts(minor)).expect("analysis");
    analysis.excluded.into_iter().collect()
}

const MIXED: &str = r#"import sys

def deco(f):
    return f

@deco
def f(a):
    global g
    x: int
    if 0:
        lambda: 11
    elif a:
        pass
    while True:
        if a:
            break
    else:
        y = 18
    try:
        return 1
    except ValueError:
        return 2
    z = 23

class C:
    """Doc."""
    n: int
    def m(self):  # pragma: no cover
        return 1

if __debug__:
    a = 1
else:
    a = 2
match sys.argv:
    case [x] if f'e':
        pass
    case _:
        pass
assert False
b = 4
"#;

#[test]
fn mixed_program_per_version() {
    // global, bare annotations in functions, unreachable code after
    // return/raise/assert False, `while True` else, folded `if 0`, the
    // docstring, and an excluded method.
    let common_tail = [12, 13, 14, 15, 16, 19, 20, 21, 22, 25, 27, 31, 32, 35, 36, 37, 38, 39, 40];
    let mut v311 = vec![1, 3, 4, 6, 7, 10, 11];
    v311.extend(common_tail);
    let mut later = vec![1, 3, 4, 6, 7, 10];
    later.extend(common_tail);
    assert_eq!(statements(MIXED, 11), v311);
    assert_eq!(statements(MIXED, 12), later);
    assert_eq!(statements(MIXED, 13), later);
    for minor in [11, 12, 13] {
        assert_eq!(excluded(MIXED, minor), vec![28, 29]);
    }
}

const FOLDED_BRANCHES: &str = r#"def f(a):
    while 0:
        lambda: 3
    else:
        pass
def g(a):
    while 1:
        pass
    else:
        lambda: 10
def h(a):
    if a:
        return
    elif 0:
        lambda: 15
    if 0:
        pass
    elif a:
        lambda: 19
    else:
        lambda: 21
"#;

#[test]
fn code_objects_in_folded_branches_only_count_in_311() {
    assert_eq!(statements(FOLDED_BRANCHES, 11), vec![1, 2, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 18, 19, 21]);
    assert_eq!(statements(FOLDED_BRANCHES, 12), vec![1, 2, 5, 6, 7, 8, 11, 12, 13, 14, 16, 18, 19, 21]);
}

const AFTER_RETURN: &str = r#"def f(a):
    return
    def g():
        pass
def h(a):
    try:
        pass
    except:
        return
        def k():
            pass
def m():
    while True:
        pass
    def n():
        pass
def o():
    raise X
    lambda: 1
"#;

#[test]
fn code_after_return_raise_and_endless_loops_is_dropped() {
    for minor in [11, 12, 13] {
        assert_eq!(statements(AFTER_RETURN, minor), vec![1, 2, 5, 6, 7, 8, 9, 12, 13, 14, 17, 18]);
    }
}

#[test]
fn placeholder_free_fstrings_fold_in_313() {
    let src = "def f(a):\n    if f'':\n        x = 1\n    return a\n";
    assert_eq!(statements(src, 12), vec![1, 2, 3, 4]);
    assert_eq!(statements(src, 13), vec![1, 2, 4]);
}

#[test]
fn constant_and_or_tests() {
    let src = "if 0 and x:\n    a = 2\nif 1 or x:\n    b = 4\nelse:\n    c = 6\nif x and False:\n    d = 8\n";
    assert_eq!(statements(src, 12), vec![1, 3, 4, 7]);
}

#[test]
fn multiline_statements_map_to_first_line() {
    let src = "x = (1,\n     2)\ny = \"\"\"a\nb\"\"\"\n";
    let analysis = analyze_source(src, "t.py", &opts(12)).unwrap();
    assert_eq!(analysis.statements, BTreeSet::from([1, 3]));
    assert_eq!(analysis.first_line(2), 1);
    assert_eq!(analysis.first_line(4), 3);
    assert_eq!(analysis.translate_lines([2, 4, 1]), BTreeSet::from([1, 3]));
}

#[test]
fn pragma_on_a_clause_excludes_its_suite() {
    let src = "if x:  # pragma: no cover\n    a = 2\n    b = 3\nc = 4\n";
    assert_eq!(excluded(src, 12), vec![1, 2, 3]);
    assert_eq!(statements(src, 12), vec![4]);
}

#[test]
fn excluded_decorator_excludes_the_function() {
    let src = "@deco  # pragma: no cover\ndef f():\n    return 3\nx = 4\n";
    assert_eq!(excluded(src, 12), vec![1, 2, 3]);
    assert_eq!(statements(src, 12), vec![4]);
}

#[test]
fn irrefutable_case_with_excluded_body_is_excluded() {
    let src = "match x:\n    case 1:\n        a = 3\n    case _:\n        raise Y  # pragma: no cover\n";
    assert_eq!(excluded(src, 12), vec![4, 5]);
    assert_eq!(statements(src, 12), vec![1, 2, 3]);
}

#[test]
fn user_regexes_may_use_lookaround() {
    let mut o = opts(12);
    o.exclude = Some(r"skip(?!me)".into());
    let analysis = analyze_source("a = 1  # skip\nb = 2  # skipme\n", "t.py", &o).unwrap();
    assert_eq!(analysis.excluded, BTreeSet::from([1]));
    assert_eq!(analysis.statements, BTreeSet::from([2]));
}

#[test]
fn syntax_errors_are_not_python() {
    let err = analyze_source("def f(:\n", "bad.py", &opts(12)).unwrap_err();
    assert!(matches!(err, AnalysisError::NotPython { line: Some(1), .. }), "{err:?}");
    assert!(err.to_string().starts_with("Couldn't parse 'bad.py' as Python source: '"));
    let err = analyze_source("x = 1\nfrom __future__ import annotations\n", "f.py", &opts(12)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Couldn't parse 'f.py' as Python source: 'from __future__ imports must occur at the beginning of the file' at line 2"
    );
}

#[test]
fn empty_and_comment_only_files_have_no_statements() {
    assert!(statements("", 12).is_empty());
    assert!(statements("# just a comment\n", 12).is_empty());
    assert!(statements("\"\"\"Only a docstring.\"\"\"\n", 12).is_empty());
}

#[test]
fn dead_code_objects_survive_311s_trailing_constant_trim() {
    // 3.11 trims only trailing unused constants: a dead lambda followed by
    // a live constant keeps its line. 3.12+ drop it.
    let src = "y = 0\nif x:\n    raise X\n    lambda: 1\ny = \"z\"\n";
    assert_eq!(statements(src, 11), vec![1, 2, 3, 4, 5]);
    assert_eq!(statements(src, 12), vec![1, 2, 3, 5]);
    assert_eq!(statements(src, 13), vec![1, 2, 3, 5]);
}

#[test]
fn dead_code_object_as_the_modules_first_constant_survives() {
    // Constant 0 is never removed: here it is the dead class's code.
    let src = "raise ValueError\nclass K:\n    x = 1\ndef f():\n    pass\n";
    for minor in [11, 12, 13] {
        assert_eq!(statements(src, minor), vec![1, 2, 3]);
    }
}

#[test]
fn module_annotations_locate_setup_at_the_first_statement() {
    let src = "global g\nz: int = 3\nclass K:\n    global h\n    w: int = 3\n";
    for minor in [11, 12, 13] {
        assert_eq!(statements(src, minor), vec![1, 2, 3, 5]);
    }
}
