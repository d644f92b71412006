//! Deeply nested sources: refused as CPython refuses them, never a stack
//! overflow, on a thread with a rayon worker's 2 MiB stack.

use ferrocov_analysis::{analyze_source, AnalysisError, AnalysisOptions, CompilerException, PythonVersion};

fn options(minor: u8) -> AnalysisOptions {
    AnalysisOptions { exclude: None, version: PythonVersion::new(3, minor), arcs: false }
}

/// Analyze on a small stack, as a rayon worker would.
fn analyze_small_stack(source: String, minor: u8) -> Result<Vec<u32>, AnalysisError> {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || analyze_source(&source, "deep.py", &options(minor)).map(|a| a.statements.into_iter().collect()))
        .unwrap()
        .join()
        .unwrap()
}

fn kind_of(result: &Result<Vec<u32>, AnalysisError>) -> Option<CompilerException> {
    match result {
        Err(AnalysisError::CompilerRefused { exception, .. }) => Some(*exception),
        _ => None,
    }
}

type Maker = fn(usize) -> String;

const KINDS: &[(&str, Maker)] = &[
    ("neg", |n| format!("x = {}1\n", "-".repeat(n))),
    ("not", |n| format!("x = {}1\n", "not ".repeat(n))),
    ("plus", |n| format!("x = 1{}\n", "+1".repeat(n))),
    ("attr", |n| format!("x = a{}\n", ".b".repeat(n))),
    ("call", |n| format!("x = f{}\n", "()".repeat(n))),
    ("sub", |n| format!("x = a{}\n", "[0]".repeat(n))),
    ("pow", |n| format!("x = 2{}\n", "**2".repeat(n))),
    ("lambda", |n| format!("x = {}1\n", "lambda: ".repeat(n))),
    ("ifexp", |n| format!("x = {}1\n", "1 if a else ".repeat(n))),
    ("sadd", |n| format!("x = 'a'{}\n", "+'a'".repeat(n))),
    ("elif", |n| format!("if x:\n    pass\n{}", "elif x:\n    pass\n".repeat(n))),
];

#[test]
fn very_deep_sources_are_refused_not_crashed() {
    for (name, make) in KINDS {
        for depth in [40_000, 100_000] {
            for minor in [11, 12, 13] {
                let result = analyze_small_stack(make(depth), minor);
                assert!(kind_of(&result).is_some(), "{name} at {depth} on 3.{minor}: {result:?}");
            }
        }
    }
}

#[test]
fn flat_chains_of_any_length_are_fine() {
    // Bool ops, comparisons and tuples are flat lists in the tree.
    for source in [
        format!("x = a{}\n", " and a".repeat(100_000)),
        format!("x = a{}\n", " < a".repeat(100_000)),
        format!("x = 1{}\n", ",1".repeat(100_000)),
    ] {
        assert_eq!(analyze_small_stack(source, 12).unwrap(), vec![1]);
    }
}

/// The depths coverage.py 7.17.3's `coverage report` still accepts on
/// CPython 3.11/3.12/3.13, found by bisection: one deeper is refused with
/// the given exception and message.
#[test]
fn limits_match_coverage_py() {
    use CompilerException::{MemoryError, RecursionError};
    const COMPILING: &str = "maximum recursion depth exceeded during compilation";
    const BUILDING: &str = "maximum recursion depth exceeded during ast construction";
    const PARSER: &str = "Parser stack overflowed - Python source too complex to parse";
    let cases: &[(&str, u8, usize, CompilerException, &str)] = &[
        ("neg", 11, 2953, RecursionError, COMPILING),
        ("plus", 11, 2953, RecursionError, COMPILING),
        ("pow", 11, 2953, RecursionError, COMPILING),
        ("ifexp", 11, 2953, RecursionError, COMPILING),
        ("neg", 12, 2974, RecursionError, COMPILING),
        ("plus", 12, 2974, RecursionError, COMPILING),
        ("pow", 12, 2974, RecursionError, COMPILING),
        ("ifexp", 12, 2974, RecursionError, COMPILING),
        ("neg", 13, 5966, MemoryError, PARSER),
        ("ifexp", 13, 5966, MemoryError, PARSER),
        ("plus", 13, 9986, RecursionError, COMPILING),
        ("pow", 13, 2983, MemoryError, PARSER),
        // Measured in-process; as deep as `neg` on 3.11/3.12.
        ("elif", 13, 5962, MemoryError, PARSER),
        // Far past the limit the messages are those of other checks.
        ("plus", 12, 39_999, RecursionError, BUILDING),
        ("attr", 13, 39_999, RecursionError, BUILDING),
        ("neg", 11, 39_999, MemoryError, ""),
        ("neg", 12, 39_999, MemoryError, PARSER),
    ];
    for &(name, minor, accepted, kind, message) in cases {
        let make = KINDS.iter().find(|(n, _)| *n == name).unwrap().1;
        if accepted < 10_000 {
            let ok = analyze_small_stack(make(accepted), minor);
            assert!(ok.is_ok(), "{name} {accepted} on 3.{minor}: {ok:?}");
        }
        let refused = analyze_small_stack(make(accepted + 1), minor);
        assert_eq!(kind_of(&refused), Some(kind), "{name} {} on 3.{minor}", accepted + 1);
        assert_eq!(refused.unwrap_err().to_string(), message, "{name} {} on 3.{minor}", accepted + 1);
    }
}

#[test]
fn deep_statement_nesting_is_refused_not_crashed() {
    let mut source = String::new();
    for level in 0..20_000 {
        source.push_str(&" ".repeat(level));
        source.push_str("if x:\n");
    }
    source.push_str(&" ".repeat(20_000));
    source.push_str("pass\n");
    assert!(analyze_small_stack(source, 12).is_err());
}

#[test]
fn indentation_is_limited_to_cpythons_hundred_levels() {
    let nested = |n: usize| {
        let mut source: String = (0..n).map(|i| format!("{}if x:\n", " ".repeat(i))).collect();
        source.push_str(&format!("{}pass\n", " ".repeat(n)));
        source
    };
    assert!(analyze_small_stack(nested(99), 12).is_ok());
    match analyze_small_stack(nested(100), 12) {
        Err(AnalysisError::NotPython { message, line, .. }) => {
            assert_eq!((message.as_str(), line), ("too many levels of indentation", Some(101)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn null_bytes_are_refused_as_cpython_refuses_them() {
    for minor in [11, 12, 13] {
        let err = analyze_small_stack("x = 1\0\ny = 2\n".to_string(), minor).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Couldn't parse 'deep.py' as Python source: 'source code string cannot contain null bytes' at line None"
        );
    }
}

#[test]
fn brackets_nest_at_most_two_hundred_deep() {
    let nested = |n: usize| format!("x = [\n{}1{}]\n", "(".repeat(n), ")".repeat(n));
    assert!(analyze_small_stack(nested(199), 12).is_ok());
    match analyze_small_stack(nested(200), 12) {
        Err(AnalysisError::NotPython { message, line, .. }) => {
            assert_eq!((message.as_str(), line), ("too many nested parentheses", Some(2)));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(analyze_small_stack(nested(100_000), 13), Err(AnalysisError::NotPython { .. })));
}

#[test]
fn internal_errors_name_the_file() {
    // No input is known to panic any more; the wording users would see is fixed here.
    let err = AnalysisError::Internal { filename: "f.py".into(), detail: "boom".into() };
    assert_eq!(err.to_string(), "Couldn't analyze 'f.py': internal error in ferrocov (boom); please report it");
}
