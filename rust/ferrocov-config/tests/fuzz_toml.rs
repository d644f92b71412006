//! Property tests of the TOML reader (`pyproject.toml`, `.coveragerc.toml`):
//! random and mutated files never panic; every failure is an `Err` that
//! names the file; values of any TOML type read to a value or a typed
//! error; well-typed values read back as written.
//!
//! Budget: `FERROCOV_FUZZ_CASES` cases per property (default below).

mod fuzz_common;

use ferrocov_config::ConfigSource;
use ferrocov_fuzz::{mutated, Bytes};
use fuzz_common::{env_strategy, load_bytes, read_everything, typed_options, Env, Typed};
use proptest::prelude::*;

const DEFAULT_CASES: u32 = 256;

const PYPROJECT: &str = r#"[build-system]
requires = ["maturin>=1.5"]
build-backend = "maturin"

[project]
name = "example"
version = "1.0"
dependencies = ["requests>=2", 'tomli; python_version < "3.11"']

[tool.pytest.ini_options]
addopts = "--cov=example"

[tool.coverage.run]
branch = true
source = ["src/example", "tests"]
omit = [
    "*/migrations/*",  # generated
    '*/vendor/*',
]
parallel = true
concurrency = ["thread", "multiprocessing"]
data_file = "${COVERAGE_DIR-build}/.coverage"
plugins = ["my_plugin"]
context = "${CI_JOB?}"
relative_files = "true"

[tool.coverage.report]
fail_under = 87.5
precision = 2
show_missing = true
exclude_lines = [
    "pragma: no cover",
    '''if __name__ == .__main__.:''',
    "^\\s*\\.\\.\\.$",
]
exclude_also = ["def __repr__"]
sort = "-cover"

[tool.coverage.html]
directory = "~/htmlcov"
title = """My "project" \
    for $USER"""

[tool.coverage.xml]
package_depth = 3

[tool.coverage.paths]
source = ["src/", "/ci/*/src/", 'C:\work\src']

[tool.coverage.my_plugin]
option1 = "a"
nested = { deep = [1, 2.5, true, 1979-05-27T07:32:00Z], "quoted key" = 'x' }
when = 1979-05-27

[[tool.coverage.my_plugin.list]]
x = 1
"#;

const COVERAGERC_TOML: &str = r#"# Our own file: no tool.coverage prefix needed.
[run]
branch = true
debug = ["trace"]
source_pkgs = ["example"]

[report]
fail_under = 90
precision = 1
partial_branches = ["pragma: no branch"]

[json]
pretty_print = true
output = "out/coverage.json"

[lcov]
line_checksums = false
"#;

/// TOML syntax and values of every type.
const DICTIONARY: &[&[u8]] = &[
    b"[tool.coverage.run]\n",
    b"[tool.coverage.report]\n",
    b"[tool.coverage.paths]\n",
    b"[run]\n",
    b"[[tool.coverage.run]]\n",
    b"[tool]\n",
    b"[tool.coverage]\n",
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"{",
    b"}",
    b"{}",
    b"[]",
    b" = ",
    b"=",
    b",",
    b".",
    b"\"",
    b"'",
    b"'''",
    b"\"\"\"",
    b"\\",
    b"\\u",
    b"\\U0010FFFF",
    b"\\uD800",
    b"\\U00110000",
    b"\\x41",
    b"\\e",
    b"#",
    b"\n",
    b"true",
    b"false",
    b"inf",
    b"-inf",
    b"nan",
    b"+nan",
    b"0x",
    b"0xff",
    b"0o7",
    b"0b1",
    b"1_000",
    b"1__0",
    b"_1",
    b"9223372036854775807",
    b"9223372036854775808",
    b"-9223372036854775808",
    b"1e308",
    b"1e309",
    b"-0.0",
    b"1.",
    b".5",
    b"1979-05-27T07:32:00Z",
    b"1979-05-27T07:32:00.999999-07:00",
    b"07:32:00",
    b"1979-05-27",
    b"1979-13-40",
    b"a.b.c",
    b"\"quoted key\"",
    b"${HOME}",
    b"${NOPE?}",
    b"~/",
    b"branch = ",
    b"source = ",
    b"fail_under = ",
    b"precision = ",
    b"exclude_lines = ",
    b"[\"(\"]",
    b"concurrency = [\"gevent\", \"eventlet\"]",
    b"plugins = [\"my_plugin\"]",
];

fn seeds() -> Vec<Vec<u8>> {
    [PYPROJECT, COVERAGERC_TOML].iter().map(|s| s.as_bytes().to_vec()).collect()
}

fn mutated_toml() -> BoxedStrategy<Bytes> {
    mutated(seeds(), DICTIONARY, 8)
}

/// A TOML value of any type, as text.
fn toml_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| if f.is_finite() {
            format!("{f:?}")
        } else if f.is_nan() {
            "nan".into()
        } else if f > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        }),
        any::<bool>().prop_map(|b| b.to_string()),
        "[^\"\\\\\\p{Cc}]{0,12}".prop_map(|s| format!("\"{s}\"")),
        "[a-z$~{}?\\-*/, ()\\[\\]\\\\]{0,12}".prop_map(|s| format!("'{s}'")),
        "[a-z\n\"]{0,12}".prop_map(|s| format!("'''{s}'''")),
        Just("1979-05-27T07:32:00Z".to_string()),
        Just("07:32:00".to_string()),
        Just("1979-05-27".to_string()),
        Just("\"\\u00e9\\t\\n\"".to_string()),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..3).prop_map(|pairs| {
                let mut seen = Vec::new();
                let body: Vec<String> = pairs
                    .into_iter()
                    .filter(|(k, _)| {
                        if seen.contains(k) {
                            false
                        } else {
                            seen.push(k.clone());
                            true
                        }
                    })
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect();
                format!("{{{}}}", body.join(", "))
            }),
        ]
    })
}

/// Tables of real option names with values of random types.
fn structured_toml() -> impl Strategy<Value = String> {
    let section = prop::sample::select(vec!["run", "report", "html", "xml", "json", "lcov", "paths", "my_plugin"]);
    let names: Vec<&str> = ferrocov_config::CONFIG_FILE_OPTIONS.iter().map(|s| s.option).collect();
    let key = prop_oneof![3 => prop::sample::select(names).prop_map(str::to_string), 1 => "[a-z_]{1,8}"];
    let table = (section, prop::collection::vec((key, toml_value()), 0..6)).prop_map(|(name, pairs)| {
        let mut seen = Vec::new();
        let mut text = format!("[tool.coverage.{name}]\n");
        for (k, v) in pairs {
            if !seen.contains(&k) {
                text.push_str(&format!("{k} = {v}\n"));
                seen.push(k);
            }
        }
        text
    });
    prop::collection::vec(table, 0..4).prop_map(|tables| tables.join("\n"))
}

fn parse_and_read(text: &str, env: &Env) {
    for our_file in [true, false] {
        match ConfigSource::parse_as(true, "pyproject.toml", text, our_file) {
            Ok(source) => {
                read_everything(&source, env);
            }
            Err(message) => assert!(!message.is_empty()),
        }
    }
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

proptest! {
    #![proptest_config(ferrocov_fuzz::config(DEFAULT_CASES))]

    #[test]
    fn mutated_toml_parses_or_errs(bytes in mutated_toml(), vars in env_strategy()) {
        parse_and_read(&bytes.lossy(), &Env::new(&vars));
    }

    #[test]
    fn structured_toml_parses_or_errs(text in structured_toml(), vars in env_strategy()) {
        parse_and_read(&text, &Env::new(&vars));
    }

    #[test]
    fn random_text_parses_or_errs(text in "(\\PC|[\r\n\t\0 \\[\\]{}=\"'.,#])*") {
        parse_and_read(&text, &Env::new(&[]));
    }

    /// Through the loader: raw bytes (not always UTF-8) in a named file.
    #[test]
    fn mutated_toml_file_loads_or_errs(
        bytes in mutated_toml(),
        name in prop::sample::select(vec!["pyproject.toml", ".coveragerc.toml", "custom.toml"]),
        vars in env_strategy(),
    ) {
        let _ = load_bytes(name, &bytes.0, &Env::new(&vars));
    }

    #[test]
    fn structured_toml_file_loads_or_errs(text in structured_toml(), vars in env_strategy()) {
        let _ = load_bytes("pyproject.toml", text.as_bytes(), &Env::new(&vars));
    }

    /// Well-typed values come back from `get_option` exactly as written.
    #[test]
    fn typed_toml_values_read_back(options in typed_options(), prefixed in any::<bool>()) {
        let prefix = if prefixed { "tool.coverage." } else { "" };
        let mut text = String::new();
        for section in ferrocov_config::options::SECTIONS {
            text.push_str(&format!("[{prefix}{section}]\n"));
            for (spec, value) in options.iter().filter(|(s, _)| s.section == *section) {
                let rendered = match value {
                    Typed::Bool(b) => b.to_string(),
                    Typed::Int(i) => i.to_string(),
                    Typed::Float(f) => format!("{f:?}"),
                    Typed::Str(s) => toml_string(s),
                    Typed::List(items) => format!("[{}]", items.iter().map(|i| toml_string(i)).collect::<Vec<_>>().join(", ")),
                };
                text.push_str(&format!("{} = {rendered}\n", spec.option));
            }
        }
        let name = if prefixed { "pyproject.toml" } else { ".coveragerc.toml" };
        let config = load_bytes(name, text.as_bytes(), &Env::new(&[])).expect("a well-typed file loads");
        for (spec, value) in &options {
            let got = config.get_option(&spec.qualified()).unwrap();
            prop_assert_eq!(got, value.expected(), "{} in\n{}", spec.qualified(), text);
        }
    }
}

proptest! {
    // A case costs tens of milliseconds at the larger depths.
    #![proptest_config(ferrocov_fuzz::config_share(48, 20))]

    /// Deep nesting meets the TOML parser's recursion limit (an error)
    /// rather than the end of the stack, at any depth.
    #[test]
    fn deeply_nested_toml_is_an_error(
        form in prop::sample::select(vec!["arrays", "inline tables", "dotted keys", "table header"]),
        depth in prop_oneof![1usize..200, 200usize..=100_000],
    ) {
        let text = match form {
            "arrays" => format!("[tool.coverage.run]\nsource = {}\"src\"{}\n", "[".repeat(depth), "]".repeat(depth)),
            "inline tables" => format!("[tool.coverage.my_plugin]\nx = {}1{}\n", "{a = ".repeat(depth), "}".repeat(depth)),
            "dotted keys" => format!("[tool.coverage.my_plugin]\n{} = 1\n", vec!["a"; depth].join(".")),
            _ => format!("[tool.coverage.{}]\nx = 1\n", vec!["a"; depth].join(".")),
        };
        parse_and_read(&text, &Env::new(&[]));
        let _ = load_bytes("pyproject.toml", text.as_bytes(), &Env::new(&[]));
    }
}
