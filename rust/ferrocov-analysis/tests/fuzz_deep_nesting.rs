//! Deeply nested sources: `analyze_source` returns an analysis, `NotPython`
//! (CPython's tokenizer gives up at a few hundred levels: "too many nested
//! parentheses", "too many levels of indentation") or `CompilerRefused`
//! (its parser and compiler near 3,000-10,000 levels), and never crashes,
//! whatever the depth.
//!
//! These run on the test thread's default stack (2 MiB), no bigger than the
//! worker threads analysis runs on: a stack overflow would abort the whole
//! test binary.
//! Deeply nested exclusion regexes (which the Python parser never sees)
//! already stop at the regex parser's nesting limit and run by default.
//!
//! Budget: `FERROCOV_FUZZ_CASES` cases per property (default below).

use ferrocov_analysis::{analyze_source, AnalysisError, AnalysisOptions, PythonVersion};
use proptest::prelude::*;

const DEFAULT_CASES: u32 = 24;

/// The deepest expression nesting tried.
const MAX_DEPTH: usize = 100_000;

/// Block nesting costs `depth²/2` bytes of indentation: 5 000 levels is
/// 12.5 MB of source, far past CPython's limit of 100.
const MAX_BLOCK_DEPTH: usize = 5_000;

/// Wrap `inner` in `depth` copies of `open`...`close`.
fn wrapped(open: &str, inner: &str, close: &str, depth: usize) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

/// An expression nested `depth` levels, as a whole module.
fn expression_source(kind: &str, depth: usize) -> String {
    let expr = match kind {
        "unary minus" => wrapped("-", "1", "", depth),
        "unary invert" => wrapped("~", "1", "", depth),
        "not" => wrapped("not ", "x", "", depth),
        "parens" => wrapped("(", "1", ")", depth),
        "parens and minus" => wrapped("(-", "1", ")", depth),
        "lists" => wrapped("[", "", "]", depth),
        "sets" => wrapped("{", "1", "}", depth),
        "dicts" => wrapped("{1: ", "1", "}", depth),
        "tuples" => wrapped("(1, ", "1", ")", depth),
        "calls" => wrapped("f(", "", ")", depth),
        "nested subscripts" => wrapped("a[", "0", "]", depth),
        "subscript chain" => format!("a{}", "[0]".repeat(depth)),
        "attribute chain" => format!("a{}", ".b".repeat(depth)),
        "method call chain" => format!("a{}", ".b()".repeat(depth)),
        "call chain" => format!("f{}", "()".repeat(depth)),
        "binary chain" => format!("1{}", " + 1".repeat(depth)),
        "mixed binary chain" => format!("1{}", " * 2 - 3 / 4 | 5".repeat(depth / 4 + 1)),
        "power chain" => format!("2{}", " ** 2".repeat(depth)),
        "comparison chain" => format!("1{}", " < 1".repeat(depth)),
        "boolean chain" => format!("x{}", " and x or x".repeat(depth / 2 + 1)),
        "lambda chain" => wrapped("lambda: ", "1", "", depth),
        "conditional chain" => wrapped("1 if x else ", "1", "", depth),
        "nested conditionals" => wrapped("(1 if ", "x", " else 2)", depth),
        "walrus chain" => wrapped("(y := ", "1", ")", depth),
        "comprehensions" => wrapped("[x for x in ", "y", "]", depth),
        "generators" => wrapped("(x for x in ", "y", ")", depth),
        "string concatenation" => "'a' ".repeat(depth) + "'a'",
        "f-string" => format!("f'{}'", "{x}".repeat(depth)),
        "starred" => wrapped("[*", "x", "]", depth),
        "keyword arguments" => wrapped("f(k=", "1", ")", depth),
        "slices" => wrapped("a[1:", "2", "]", depth),
        "annotations" => return format!("x: {} = 1\n", wrapped("list[", "int", "]", depth)),
        "await chain" => return format!("async def f():\n    return {}\n", wrapped("await (", "x", ")", depth)),
        "yield chain" => return format!("def f():\n    x = {}\n", wrapped("(yield ", "1", ")", depth)),
        "match patterns" => {
            return format!("match x:\n    case {}:\n        pass\n", wrapped("[", "_", "]", depth));
        }
        "class patterns" => {
            return format!("match x:\n    case {}:\n        pass\n", wrapped("P(", "_", ")", depth));
        }
        "decorators" => return format!("{}def f():\n    pass\n", "@d\n".repeat(depth)),
        "elif chain" => return format!("if x:\n    pass\n{}", "elif x:\n    pass\n".repeat(depth)),
        "statements on a line" => return format!("{}\n", "x = 1; ".repeat(depth)),
        "continuation lines" => return format!("x = 1{}\n", " + \\\n 1".repeat(depth)),
        "deleted targets" => return format!("del {}\n", wrapped("(", "x", ",)", depth)),
        "assignment targets" => return format!("{} = y\n", wrapped("[", "x", "]", depth)),
        "chained assignment" => return format!("{}1\n", "x = ".repeat(depth)),
        other => panic!("no kind {other}"),
    };
    format!("x = {expr}\n")
}

const EXPRESSION_KINDS: &[&str] = &[
    "unary minus",
    "unary invert",
    "not",
    "parens",
    "parens and minus",
    "lists",
    "sets",
    "dicts",
    "tuples",
    "calls",
    "nested subscripts",
    "subscript chain",
    "attribute chain",
    "method call chain",
    "call chain",
    "binary chain",
    "mixed binary chain",
    "power chain",
    "comparison chain",
    "boolean chain",
    "lambda chain",
    "conditional chain",
    "nested conditionals",
    "walrus chain",
    "comprehensions",
    "generators",
    "string concatenation",
    "f-string",
    "starred",
    "keyword arguments",
    "slices",
    "annotations",
    "await chain",
    "yield chain",
    "match patterns",
    "class patterns",
    "decorators",
    "elif chain",
    "statements on a line",
    "continuation lines",
    "deleted targets",
    "assignment targets",
    "chained assignment",
];

/// Blocks nested `depth` levels, one space of indentation per level.
fn block_source(kind: &str, depth: usize) -> String {
    let header = |level: usize| -> String {
        let cycle = ["if x:", "def f():", "class C:", "for x in y:", "while x:", "with x:", "try:", "async def g():"];
        match kind {
            "nested ifs" => "if x:".into(),
            "nested defs" => "def f():".into(),
            "nested classes" => "class C:".into(),
            "nested try" => "try:".into(),
            "mixed blocks" => cycle[level % cycle.len()].into(),
            other => panic!("no kind {other}"),
        }
    };
    let mut text = String::new();
    let mut closers = Vec::new();
    for level in 0..depth {
        let head = header(level);
        text.push_str(&" ".repeat(level));
        text.push_str(&head);
        text.push('\n');
        if head == "try:" {
            closers.push(level);
        }
    }
    text.push_str(&" ".repeat(depth));
    text.push_str("pass\n");
    // Every `try:` needs its `finally:`, innermost first.
    for level in closers.into_iter().rev() {
        text.push_str(&" ".repeat(level));
        text.push_str("finally:\n");
        text.push_str(&" ".repeat(level + 1));
        text.push_str("pass\n");
    }
    text
}

const BLOCK_KINDS: &[&str] = &["nested ifs", "nested defs", "nested classes", "nested try", "mixed blocks"];

/// Wrappers for expressions nested by a mix of constructs.
const WRAPPERS: &[(&str, &str)] = &[
    ("-", ""),
    ("not ", ""),
    ("(", ")"),
    ("[", "]"),
    ("{", "}"),
    ("f(", ")"),
    ("a[", "]"),
    ("lambda: ", ""),
    ("1 if x else ", ""),
    ("(1, ", ")"),
    ("2 ** ", ""),
    ("await (", ")"),
    ("(y := ", ")"),
    ("{1: ", "}"),
    ("[x for x in ", "]"),
    ("~", ""),
    ("(1 + ", ")"),
    ("(", ").b"),
    ("(", ")()"),
    ("(", ")[0]"),
];

/// `depth` wrappers chosen by a small deterministic generator from `seed`
/// (so a failure shrinks on the depth, not on a 100 000-element list).
fn mixed_source(seed: u64, depth: usize) -> String {
    let mut state = seed | 1;
    let mut opens = String::new();
    let mut closes = Vec::with_capacity(depth);
    for _ in 0..depth {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let (open, close) = WRAPPERS[(state % WRAPPERS.len() as u64) as usize];
        opens.push_str(open);
        closes.push(close);
    }
    let closes: String = closes.into_iter().rev().collect();
    format!("async def f():\n    return {opens}x{closes}\n")
}

fn check(kind: &str, depth: usize, text: &str) {
    let opts = AnalysisOptions {
        exclude: Some(r"#\s*pragma: no cover".into()),
        version: PythonVersion::new(3, 12),
        arcs: false,
    };
    match analyze_source(text, "deep.py", &opts) {
        Ok(analysis) => {
            let lines = u32::try_from(text.lines().count()).unwrap();
            assert!(analysis.statements.iter().all(|&l| (1..=lines).contains(&l)), "{kind} at depth {depth}");
        }
        Err(AnalysisError::NotPython { filename, .. }) => assert_eq!(filename, "deep.py"),
        Err(AnalysisError::CompilerRefused { filename, .. }) => {
            assert_eq!(filename, "deep.py");
            // CPython accepts every tree shallower than this on every version.
            assert!(depth > 900, "{kind} refused at depth {depth} only");
        }
        Err(other) => panic!("{kind} at depth {depth}: {other:?}"),
    }
}

#[test]
fn deep_expressions_at_fixed_depths() {
    for &kind in EXPRESSION_KINDS {
        for depth in [500, 5_000, MAX_DEPTH] {
            check(kind, depth, &expression_source(kind, depth));
        }
    }
}

#[test]
fn deep_blocks_at_fixed_depths() {
    for &kind in BLOCK_KINDS {
        for depth in [101, 500, MAX_BLOCK_DEPTH] {
            check(kind, depth, &block_source(kind, depth));
        }
    }
}

/// The generators themselves: shallow versions are valid Python.
#[test]
fn shallow_versions_are_valid_python() {
    let opts = AnalysisOptions { exclude: None, version: PythonVersion::new(3, 12), arcs: false };
    for &kind in EXPRESSION_KINDS {
        let text = expression_source(kind, 3);
        assert!(analyze_source(&text, "shallow.py", &opts).is_ok(), "{kind}:\n{text}");
    }
    for &kind in BLOCK_KINDS {
        let text = block_source(kind, 3);
        assert!(analyze_source(&text, "shallow.py", &opts).is_ok(), "{kind}:\n{text}");
    }
    // Mixes can be invalid (`await` in a lambda): either answer will do.
    for seed in 0..20 {
        check("mixed", 3, &mixed_source(seed, 3));
    }
}

proptest! {
    #![proptest_config(ferrocov_fuzz::config(DEFAULT_CASES))]

    /// An exclusion regex nested to any depth compiles or is a bad
    /// exclusion regex; Python source of one line is enough to try it.
    #[test]
    fn deeply_nested_exclusion_regex(
        form in prop::sample::select(vec!["(", "(?:", "(?=", "[", "(?P<g>"]),
        depth in 1usize..=MAX_DEPTH,
    ) {
        let close = if form == "[" { "]" } else { ")" };
        let pattern = wrapped(form, "x", close, depth);
        let opts = AnalysisOptions { exclude: Some(pattern), version: PythonVersion::new(3, 12), arcs: false };
        match analyze_source("x = 1  # x\n", "deep.py", &opts) {
            Ok(_) => {}
            Err(AnalysisError::NotPython { message, .. }) => {
                prop_assert!(message.starts_with("bad exclusion regex"), "{}", message);
            }
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn deep_expression_any_kind(kind in prop::sample::select(EXPRESSION_KINDS), depth in 1usize..=MAX_DEPTH) {
        check(kind, depth, &expression_source(kind, depth));
    }

    #[test]
    fn deep_blocks_any_kind(kind in prop::sample::select(BLOCK_KINDS), depth in 1usize..=MAX_BLOCK_DEPTH) {
        check(kind, depth, &block_source(kind, depth));
    }

    #[test]
    fn deep_mixed_nesting(seed in any::<u64>(), depth in 1usize..=MAX_DEPTH) {
        check("mixed", depth, &mixed_source(seed, depth));
    }
}
