//! Property tests of the analyzer: mutated real sources, token soup,
//! generated programs, odd encodings and coding cookies, odd exclusion
//! regexes. `analyze_source` returns an analysis that hangs together or
//! `NotPython`, never panics; `read_python_source` returns text or
//! `NotPython` for any bytes; generated valid programs always analyze.
//!
//! Nesting stays shallow here (well under 500 levels): deep nesting is in
//! `fuzz_deep_nesting.rs`.
//!
//! Budget: `FERROCOV_FUZZ_CASES` cases per property (default below).

use std::collections::BTreeSet;

use ferrocov_analysis::{
    analyze_file, analyze_source, join_regex, read_python_source, AnalysisError, AnalysisOptions, PythonVersion,
    SourceAnalysis,
};
use ferrocov_fuzz::{mutated, Bytes, ScratchDir};
use proptest::prelude::*;

const DEFAULT_CASES: u32 = 192;

const DEFAULT_EXCLUDE: [&str; 3] = [
    r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)",
    r"^\s*(((async )?def .*?)?[\])]+(\s*->.*?)?:\s*)?\.\.\.\s*(#|$)",
    r"^\s*if (typing\.)?TYPE_CHECKING:",
];

const MODULE: &str = r#"#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Module docstring.

Spans lines.
"""
from __future__ import annotations

import os, sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

CONSTANT: int = 0x_ff + 0o17 + 0b1010 + 1_000 + 1e-3j
TEXT = f"{CONSTANT!r:>{10}} and {'nested' + f'{1}'}" "implicit" \
    "continuation"
PATTERN = rb'\d' b"bytes"


@decorator(arg=1)
@other
class Thing(Base, metaclass=Meta):
    """Class docstring."""

    attr = [i * 2 for i in range(10) if i % 2]
    mapping = {k: v for k, v in zip("ab", (1, 2))}

    def __init__(self, *args, key=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key = key or (lambda x, /, y=2, *, z: x + y + z)

    async def run(self) -> Iterator[int]:
        async with self.lock as held, open("f") as f:
            async for item in self.items():
                if (n := len(item)) > 10:
                    yield n
                elif n:
                    await self.sleep(0)
                else:
                    continue
        return

    @property
    def value(self):  # pragma: no cover
        return self._value

    def stub(self): ...


def generator(n):
    global CONSTANT
    total = 0
    while n > 0:
        try:
            n -= 1
            total += yield n
        except* ValueError as group:
            raise RuntimeError("bad") from group
        except* TypeError:
            pass
        else:
            break
        finally:
            del total
    else:
        assert n == 0, "message"


def matcher(command):
    match command.split():
        case [action]:
            return action
        case [action, obj] if obj:
            return action, obj
        case Point(x=0, y=0) | Point(x=1, y=1):
            return "origin"
        case {"key": _, **rest}:
            return rest
        case _:
            return None


type Alias[T] = list[T]

def generic[T: (int, str), *Ts, **P](x: T) -> T:
    nonlocal_free = 1
    def inner():
        nonlocal nonlocal_free
        nonlocal_free += 1
    with (
        open("a") as a,
        open("b") as b,
    ):
        pass
    return x


if __name__ == "__main__":
    for i in range(3):
        print(i, end="\n", file=sys.stderr)
    sys.exit(0)
"#;

const SCRIPT: &str = "import sys\r\n\r\ndef main(argv):\r\n    if len(argv) > 1:\r\n        print(argv[1])\r\n    \
else:\r\n        print('usage')\r\n    return 0\r\n\r\nsys.exit(main(sys.argv))\r\n";

const TESTS: &str = r#"import pytest


@pytest.mark.parametrize("a, b", [
    (1, 2),
    (3, 4),
])
def test_add(a, b):
    assert a + b == b + a


class TestThing:
    def setup_method(self):
        self.x = [
            1,
            2,
        ]

    def test_raises(self):
        with pytest.raises(ZeroDivisionError):
            1 / 0

    def test_skipped(self):  # pragma: no cover
        pytest.skip("no")
        x = 1
        if x:
            y = 2
"#;

const TABS_AND_FEEDS: &str = "if True:\n\tx = 1\n\x0c\n\tif x:\n\t\ty = '''a\n\tb'''\n  # comment\n\tpass\n";

/// Python tokens and the odd pieces the tokenizer has to survive.
const DICTIONARY: &[&[u8]] = &[
    b"def ",
    b"async def ",
    b"class ",
    b"lambda",
    b"lambda: ",
    b"if ",
    b"elif ",
    b"else:",
    b"while ",
    b"for ",
    b" in ",
    b"try:",
    b"except",
    b"except*",
    b"finally:",
    b"with ",
    b"match ",
    b"case ",
    b"return",
    b"yield",
    b"yield from ",
    b"await ",
    b"global ",
    b"nonlocal ",
    b"del ",
    b"pass",
    b"break",
    b"continue",
    b"raise",
    b"import ",
    b"from ",
    b" as ",
    b"assert ",
    b"type ",
    b"not ",
    b" and ",
    b" or ",
    b" is ",
    b"True",
    b"None",
    b"...",
    b"__debug__",
    b"__name__",
    b":",
    b":=",
    b"->",
    b"=",
    b"==",
    b"+=",
    b"**",
    b"//",
    b"@",
    b"*",
    b"**",
    b",",
    b";",
    b".",
    b"(",
    b")",
    b"[",
    b"]",
    b"{",
    b"}",
    b"\\\n",
    b"\n",
    b"\n    ",
    b"    ",
    b"\t",
    b"\n\n",
    b"#",
    b"# pragma: no cover",
    b"# type: ignore",
    b"\"\"\"",
    b"'''",
    b"f\"",
    b"f'{",
    b"}'",
    b"rb'",
    b"u'",
    b"t'",
    b"{x!r:>{w}}",
    b"0x",
    b"1_0",
    b"1e",
    b"1j",
    b"0b2",
    b"09",
    b"\xe4\xbd\xa0",
    b"\xce\xbb",
    b"# -*- coding: latin-1 -*-\n",
    b"# coding=utf-8\n",
    b"# coding: bogus\n",
    b"#!/usr/bin/python\n",
];

fn seeds() -> Vec<Vec<u8>> {
    [MODULE, SCRIPT, TESTS, TABS_AND_FEEDS].iter().map(|s| s.as_bytes().to_vec()).collect()
}

fn version() -> impl Strategy<Value = PythonVersion> {
    (8u8..=15).prop_map(|minor| PythonVersion::new(3, minor))
}

fn opts(version: PythonVersion) -> AnalysisOptions {
    AnalysisOptions { exclude: join_regex(&DEFAULT_EXCLUDE.map(String::from)), version, arcs: false }
}

/// Lines of `text` by every break a Python tokenizer might count.
fn line_count(text: &str) -> u32 {
    let breaks = text.replace("\r\n", "\n").chars().filter(|&c| c == '\n' || c == '\r').count();
    u32::try_from(breaks).unwrap() + 1
}

/// An analysis that hangs together: lines exist, statements are first
/// lines and never excluded, the multi-line map points backwards.
fn check_analysis(text: &str, analysis: &SourceAnalysis) {
    let lines = line_count(text);
    let in_file = |l: &u32| (1..=lines).contains(l);
    assert!(analysis.statements.iter().all(in_file), "statement past the end: {:?}", analysis.statements);
    assert!(analysis.excluded.iter().all(in_file), "excluded past the end: {:?}", analysis.excluded);
    assert!(analysis.statements.is_disjoint(&analysis.excluded));
    for (&line, &first) in &analysis.multiline {
        assert!(in_file(&line) && in_file(&first) && first <= line, "{line} -> {first}");
    }
    for &statement in &analysis.statements {
        assert_eq!(analysis.first_line(statement), statement);
    }
    let translated: BTreeSet<u32> = analysis.translate_lines(analysis.statements.iter().copied());
    assert_eq!(translated, analysis.statements);
}

/// Analyze; an `Err` must be `NotPython` for this file with a line in it.
fn analyze_checked(text: &str, options: &AnalysisOptions) -> Result<SourceAnalysis, String> {
    match analyze_source(text, "fuzz.py", options) {
        Ok(analysis) => {
            check_analysis(text, &analysis);
            Ok(analysis)
        }
        Err(AnalysisError::NotPython { filename, message, line }) => {
            assert_eq!(filename, "fuzz.py");
            assert!(!message.is_empty());
            // No line: CPython's own SyntaxError has none (NUL bytes).
            let line = line.unwrap_or(0);
            assert!(line <= line_count(text) + 1, "error line {line} of {}: {message}", line_count(text));
            Err(message)
        }
        Err(AnalysisError::CompilerRefused { filename, message, .. }) => {
            assert_eq!(filename, "fuzz.py");
            Err(message)
        }
        Err(other) => panic!("analyze_source gave {other:?}"),
    }
}

fn analyze_any(text: &str, version: PythonVersion) -> Result<SourceAnalysis, String> {
    analyze_checked(text, &opts(version))
}

/// Tokens, operators, brackets, indentation and newlines in random order.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => prop::sample::select(DICTIONARY).prop_map(|t| String::from_utf8_lossy(t).into_owned()),
        2 => "[a-z_][a-z0-9_]{0,3}".prop_map(|n| format!("{n} ")),
        1 => "[0-9]{1,3}",
        1 => Just("\n".to_string()),
        1 => "\n[ \t]{1,8}",
        1 => "'[^'\\\\\n]{0,6}'",
    ];
    prop::collection::vec(token, 0..120).prop_map(|tokens| tokens.concat())
}

/// A valid expression (no nesting beyond a few levels).
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        name(),
        (0u32..1000).prop_map(|n| n.to_string()),
        Just("None".to_string()),
        Just("True".to_string()),
        Just("...".to_string()),
        "'[a-z ]{0,6}'",
        Just("f'{x!r}'".to_string()),
        Just("b'\\x00'".to_string()),
        Just("1.5e3".to_string()),
        Just("2j".to_string()),
    ];
    leaf.prop_recursive(4, 32, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec![
                    "+", "-", "*", "/", "//", "%", "**", "<<", "&", "|", "^", "@", "==", "<", "is", "is not", "in",
                    "not in", "and", "or"
                ]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (prop::sample::select(vec!["-", "+", "~", "not "]), inner.clone()).prop_map(|(op, a)| format!("({op}{a})")),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|items| format!("f({})", items.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{{a}: {b}}}")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| format!("({a} if {b} else {c})")),
            inner.clone().prop_map(|a| format!("(lambda q: {a})")),
            inner.clone().prop_map(|a| format!("[q for q in {a} if q]")),
            (inner.clone(), name()).prop_map(|(a, n)| format!("({a}).{n}")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a}[{b}]")),
        ]
    })
}

/// An identifier that is no keyword.
fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,4}".prop_filter("not a keyword", |n| !is_keyword(n))
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
            | "f"
            | "q"
    )
}

/// A statement tree, rendered at `indent`.
#[derive(Debug, Clone)]
enum Stmt {
    Simple(String),
    Block(&'static str, String, Vec<Stmt>),
    IfElse(String, Vec<Stmt>, Vec<Stmt>),
    Try(Vec<Stmt>, Vec<Stmt>, Vec<Stmt>),
    Def(String, Vec<Stmt>, bool),
}

fn statement() -> impl Strategy<Value = Stmt> {
    let simple = prop_oneof![
        expression().prop_map(|e| Stmt::Simple(format!("x = {e}"))),
        expression().prop_map(Stmt::Simple),
        Just(Stmt::Simple("pass".into())),
        Just(Stmt::Simple("x += 1  # pragma: no cover".into())),
        Just(Stmt::Simple("import os.path as p".into())),
        Just(Stmt::Simple("'''doc\nstring'''".into())),
        expression().prop_map(|e| Stmt::Simple(format!("y = (\n    {e},\n)"))),
        expression().prop_map(|e| Stmt::Simple(format!("assert {e}, 'no'"))),
        Just(Stmt::Simple("del x".into())),
    ];
    simple.prop_recursive(5, 48, 4, |inner| {
        let body = || prop::collection::vec(inner.clone(), 1..4);
        prop_oneof![
            (prop::sample::select(vec!["if", "while", "with", "for q in"]), expression(), body())
                .prop_map(|(kw, e, b)| Stmt::Block(kw, e, b)),
            (expression(), body(), body()).prop_map(|(e, a, b)| Stmt::IfElse(e, a, b)),
            (body(), body(), body()).prop_map(|(a, b, c)| Stmt::Try(a, b, c)),
            ("[a-z]{1,4}", body(), any::<bool>()).prop_map(|(n, b, class)| Stmt::Def(format!("d_{n}"), b, class)),
        ]
    })
}

fn render(stmts: &[Stmt], indent: usize, out: &mut String) {
    let pad = "    ".repeat(indent);
    for stmt in stmts {
        match stmt {
            Stmt::Simple(s) => {
                for (i, line) in s.lines().enumerate() {
                    let lead = if i == 0 { pad.as_str() } else { "" };
                    out.push_str(&format!("{lead}{line}\n"));
                }
            }
            Stmt::Block(kw, e, body) => {
                let kw = if kw.starts_with("with") { format!("with {e} as w") } else { format!("{kw} {e}") };
                out.push_str(&format!("{pad}{kw}:\n"));
                render(body, indent + 1, out);
            }
            Stmt::IfElse(e, a, b) => {
                out.push_str(&format!("{pad}if {e}:\n"));
                render(a, indent + 1, out);
                out.push_str(&format!("{pad}else:\n"));
                render(b, indent + 1, out);
            }
            Stmt::Try(a, b, c) => {
                out.push_str(&format!("{pad}try:\n"));
                render(a, indent + 1, out);
                out.push_str(&format!("{pad}except ValueError as e:\n"));
                render(b, indent + 1, out);
                out.push_str(&format!("{pad}finally:\n"));
                render(c, indent + 1, out);
            }
            Stmt::Def(name, body, class) => {
                let header = if *class { format!("class {name}:") } else { format!("def {name}(a, *b, **c):") };
                out.push_str(&format!("{pad}@decorate\n{pad}{header}\n"));
                render(body, indent + 1, out);
            }
        }
    }
}

fn program() -> impl Strategy<Value = String> {
    prop::collection::vec(statement(), 0..6).prop_map(|stmts| {
        let mut out = String::new();
        render(&stmts, 0, &mut out);
        out
    })
}

/// A file's raw bytes: a BOM or not, a cookie on line 1 or 2 or none, a
/// body in one of several encodings (or just random bytes), any newlines.
fn encoded_file() -> impl Strategy<Value = Bytes> {
    let bom = prop_oneof![3 => Just(&b""[..]), 1 => Just(&b"\xef\xbb\xbf"[..]), 1 => Just(&b"\xff\xfe"[..])];
    let name = prop::sample::select(vec![
        "utf-8",
        "UTF8",
        "utf_8",
        "utf-8-sig",
        "latin-1",
        "iso-8859-1",
        "latin1-foo",
        "l1",
        "ascii",
        "us-ascii",
        "cp1252",
        "windows-1252",
        "euc-jp",
        "shift_jis",
        "gb2312",
        "big5",
        "koi8-r",
        "utf-16",
        "utf-16-le",
        "utf-32",
        "iso-2022-jp",
        "mac-roman",
        "cp037",
        "rot13",
        "bogus",
        "",
        "utf-8\u{e9}",
        "UTF-8 ",
    ]);
    let cookie_form = prop::sample::select(vec![
        "# -*- coding: {} -*-",
        "# coding={}",
        "#coding:{}",
        "# vim: set fileencoding={} :",
        "  #  coding:  {}",
        "x = 1 # coding: {}",
    ]);
    let placement = 0u8..3;
    let body = prop_oneof![
        Just(b"x = '\xe9\xe8'\nprint(x)\n".to_vec()),
        Just("s = '日本語テキスト'\n".as_bytes().to_vec()),
        Just(b"s = '\x82\xa0\x82\xa2'\n".to_vec()),
        Just(b"s = '\xff\xfe\x00\x00'\r\nt = 1\r".to_vec()),
        Just(b"x = 1\x0cy = 2\n\x00z = 3".to_vec()),
        prop::collection::vec(any::<u8>(), 0..64),
    ];
    (bom, name, cookie_form, placement, body).prop_map(|(bom, name, form, placement, body)| {
        let cookie = form.replace("{}", name);
        let mut bytes = bom.to_vec();
        match placement {
            0 => {}
            1 => bytes.extend_from_slice(format!("{cookie}\n").as_bytes()),
            _ => bytes.extend_from_slice(format!("#!/usr/bin/env python\n{cookie}\n").as_bytes()),
        }
        bytes.extend_from_slice(&body);
        Bytes(bytes)
    })
}

/// Python-syntax regex fragments, valid or not.
fn exclusion_pattern() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "pragma",
        "no cover",
        "\\s*",
        "^",
        "$",
        "\\Z",
        "\\A",
        "(?i)",
        "(?P<n>x)",
        "(?P=n)",
        "(?<=#)",
        "(?!x)",
        "\\1",
        "[",
        "]",
        "[a-",
        "(",
        ")",
        "|",
        "*",
        "+?",
        "{2,1}",
        "{1000}",
        ".",
        "\\",
        "\\d+",
        "\\bdef\\b",
        "(?#c)",
        "(?s:.)",
        "(?x) a b",
        "\\N{DASH}",
        "\\u00e9",
        "\\x4",
        "(a*)*b",
        "(?=.*)",
        "\n",
        "\u{e9}",
    ]);
    prop::collection::vec(piece, 0..6).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ferrocov_fuzz::config(DEFAULT_CASES))]

    #[test]
    fn mutated_sources_analyze_or_not_python(bytes in mutated(seeds(), DICTIONARY, 8), version in version()) {
        let _ = analyze_any(&bytes.lossy(), version);
    }

    #[test]
    fn token_soup_analyzes_or_not_python(text in token_soup(), version in version()) {
        let _ = analyze_any(&text, version);
    }

    #[test]
    fn random_text_analyzes_or_not_python(text in "\\PC{0,200}", version in version()) {
        let _ = analyze_any(&text, version);
    }

    /// Programs valid on every supported CPython always analyze, and every
    /// statement line is a line with code on it.
    #[test]
    fn generated_programs_analyze(text in program(), minor in 11u8..=13) {
        let analysis = analyze_any(&text, PythonVersion::new(3, minor))
            .unwrap_or_else(|message| panic!("valid program rejected: {message}\n{text}"));
        let lines: Vec<&str> = text.lines().collect();
        for &line in &analysis.statements {
            let code = lines[line as usize - 1].trim();
            prop_assert!(!code.is_empty() && !code.starts_with('#'), "statement on line {line}: {code:?}\n{text}");
        }
    }

    /// The sources read from disk: any bytes, any cookie, any BOM.
    #[test]
    fn encoded_files_read_or_bad_encoding(bytes in prop_oneof![encoded_file(), mutated(seeds(), DICTIONARY, 6)], version in version()) {
        let dir = ScratchDir::new("analysis-encoding");
        let path = dir.join("mod.py");
        std::fs::write(&path, &bytes.0).unwrap();
        let name = path.to_string_lossy().into_owned();
        match read_python_source(&path) {
            Ok(text) => {
                prop_assert!(!text.contains('\r'), "universal newlines: {text:?}");
                prop_assert!(text.is_empty() || text.ends_with('\n'));
                match analyze_file(&path, &opts(version)) {
                    Ok(analysis) => check_analysis(&text, &analysis),
                    Err(AnalysisError::NotPython { filename, .. }) => prop_assert_eq!(filename, name),
                    Err(other) => panic!("analyze_file gave {other:?}"),
                }
            }
            Err(AnalysisError::BadEncoding { filename, message }) => {
                prop_assert_eq!(filename, name);
                prop_assert!(!message.is_empty());
            }
            Err(other) => panic!("read_python_source gave {other:?}"),
        }
    }

    /// Any exclusion regex: a bad one is `NotPython` naming it, a good one
    /// excludes only lines of the file.
    #[test]
    fn odd_exclusion_regexes(patterns in prop::collection::vec(exclusion_pattern(), 0..3), seed in 0..4usize, version in version()) {
        let text = String::from_utf8(seeds()[seed].clone()).unwrap();
        let options = AnalysisOptions { exclude: join_regex(&patterns), version, arcs: false };
        match analyze_checked(&text, &options) {
            Ok(_) => {}
            Err(message) => {
                // The seeds are valid Python for 3.12, so a rejection there
                // comes from the regex.
                if version.is(3, 12) {
                    prop_assert!(message.starts_with("bad exclusion regex"), "{}", message);
                }
            }
        }
    }
}

/// The seeds analyze cleanly where they are valid, so the mutations start
/// from working inputs.
#[test]
fn seeds_analyze_on_3_12() {
    for seed in seeds() {
        let text = String::from_utf8(seed).unwrap();
        let analysis = analyze_any(&text, PythonVersion::new(3, 12)).unwrap_or_else(|m| panic!("{m}\n{text}"));
        assert!(!analysis.statements.is_empty());
    }
}
