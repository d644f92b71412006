//! Property tests of the INI reader (`.coveragerc`, `setup.cfg`, `tox.ini`):
//! random and mutated files never panic; every failure is an `Err` that
//! names the file; well-typed values read back as written.
//!
//! Budget: `FERROCOV_FUZZ_CASES` cases per property (default below).

mod fuzz_common;

use ferrocov_config::{ConfigSource, IniFile};
use ferrocov_fuzz::{mutated, Bytes};
use fuzz_common::{env_strategy, load_bytes, read_everything, typed_options, Env, Typed};
use proptest::prelude::*;

const DEFAULT_CASES: u32 = 256;

const COVERAGERC: &str = r#"# A project's .coveragerc
[run]
branch = True
source =
    src/pkg
    tests
omit = */migrations/*, */vendor/*
parallel = on
concurrency = thread, multiprocessing
data_file = ${COVERAGE_DIR-build}/.coverage
plugins = my_plugin
context = ${CI_JOB?}
dynamic_context = test_function
relative_files = yes
debug = trace, config

[report]
fail_under = 87.5
precision = 2
show_missing = true
skip_covered = 1
exclude_lines =
    pragma: no cover
    raise NotImplementedError
    if __name__ == .__main__.:
    ^\s*\.\.\.$
exclude_also =
    def __repr__
partial_branches = pragma: no branch
sort = -cover
ignore_errors = True

[html]
directory = ~/htmlcov
title = My "project" for $USER $$5
extra_css = extra.css
show_contexts = false

[xml]
output = coverage.xml
package_depth = 3

[json]
pretty_print = true

[lcov]
output = lcov.info

[paths]
source =
    src/
    /ci/*/src/
    C:\work\src

[my_plugin]
option1 = a
  continued value

[DEFAULT]
shared = yes
"#;

const SETUP_CFG: &str = "[metadata]\nname = example\nversion = 1.0\n\n\
[options]\npackages = find:\ninstall_requires =\n    requests>=2\n\n\
[coverage:run]\nbranch = 1\nsource_pkgs = example\n\n\
[coverage:report]\nfail_under = 90\nskip_empty = yes\ninclude_namespace_packages = on\n\n\
[coverage:paths]\nsource =\n    example\n    */site-packages/example\n\n\
[flake8]\nmax-line-length = 100\n";

const TOX_INI: &str = "[tox]\nenvlist = py311, py312\n\n\
[testenv]\ndeps = pytest\ncommands =\n    pytest --cov {posargs}\n\n\
[coverage:run]\nparallel = true\nsigterm = yes\n; a comment\n# another\n\
[coverage:report]\nprecision = 1\nformat = markdown\n";

/// INI syntax and the values coverage reads.
const DICTIONARY: &[&[u8]] = &[
    b"[run]\n",
    b"[report]\n",
    b"[paths]\n",
    b"[html]\n",
    b"[coverage:run]\n",
    b"[coverage:report]\n",
    b"[DEFAULT]\n",
    b"[my_plugin]\n",
    b"[",
    b"]",
    b"[]",
    b" = ",
    b"=",
    b":",
    b"#",
    b";",
    b"\n    ",
    b"    ",
    b"\n\n",
    b"$",
    b"${",
    b"}",
    b"${HOME}",
    b"${NOPE?}",
    b"${X-default}",
    b"$$",
    b"$X",
    b"~",
    b"~/",
    b"~root/",
    b"~nosuchuser/",
    b",",
    b", ,",
    b"branch = ",
    b"fail_under = ",
    b"precision = ",
    b"package_depth = ",
    b"exclude_lines =\n",
    b"partial_branches = ",
    b"(",
    b")",
    b"[a-",
    b"(?P<",
    b"(?<=x)",
    b"\\1",
    b"a{2,1}",
    b"*",
    b"+",
    b"?",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"99999999999999999999999",
    b"-",
    b"_",
    b"1_000",
    b"1__0",
    b"1e400",
    b"-1e-400",
    b"nan",
    b"inf",
    b"-infinity",
    b"0x10",
    b"concurrency = ",
    b"gevent",
    b"eventlet",
    b"greenlet",
    b"thread",
    b"multiprocessing",
    b"patch = subprocess",
    b"plugins = ",
    b"my_plugin",
    b"true",
    b"no",
    b"On",
    b"YES",
];

fn seeds() -> Vec<Vec<u8>> {
    [COVERAGERC, SETUP_CFG, TOX_INI].iter().map(|s| s.as_bytes().to_vec()).collect()
}

fn mutated_ini() -> BoxedStrategy<Bytes> {
    mutated(seeds(), DICTIONARY, 8)
}

/// A file built from headers and option lines with odd values, for
/// reaching the typed readers more often than byte noise does.
fn structured_ini() -> impl Strategy<Value = String> {
    let header = prop_oneof![
        prop::sample::select(vec!["run", "report", "html", "xml", "json", "lcov", "paths", "my_plugin", "DEFAULT"])
            .prop_map(str::to_string),
        "[a-z:. ]{0,8}",
    ];
    let prefix = prop::sample::select(vec!["", "coverage:", "COVERAGE:", " "]);
    let names: Vec<&str> = ferrocov_config::CONFIG_FILE_OPTIONS.iter().map(|s| s.option).collect();
    let option = prop_oneof![prop::sample::select(names).prop_map(str::to_string), "[A-Za-z_ -]{1,8}"];
    let value = prop_oneof![
        "[-+ _0-9.eE]{0,12}",
        "(1|yes|true|on|0|no|false|off|True|NO|oN|2|y)",
        "[a-z$~{}?\\-*/,\n ]{0,20}",
        "[()\\[\\]\\\\?*+{}^$|.a-z0-9<>=!:]{0,12}",
        ".{0,12}",
    ];
    let delimiter = prop::sample::select(vec![" = ", "=", ": ", ":", " =\n    ", " = \n\t"]);
    let line = (option, delimiter, value).prop_map(|(o, d, v)| format!("{o}{d}{}\n", v.replace('\n', "\n    ")));
    let section = (prefix, header, prop::collection::vec(line, 0..6))
        .prop_map(|(p, h, lines)| format!("[{p}{h}]\n{}", lines.concat()));
    prop::collection::vec(section, 0..5).prop_map(|sections| sections.join("\n"))
}

/// The parser's own invariants on whatever it accepts.
fn check_parsed(file: &IniFile) {
    for section in &file.sections {
        assert!(file.has_section(&section.name));
        let listed = file.options(&section.name);
        for (key, value) in &section.options {
            assert!(listed.contains(key), "{key:?} not listed in [{}]", section.name);
            assert_eq!(*key, key.to_lowercase(), "option names are lower-cased");
            let own = section.options.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
            assert_eq!(file.get(&section.name, key), own);
            assert!(own == Some(value.as_str()), "duplicate option {key:?} accepted");
        }
    }
}

fn parse_and_read(text: &str, env: &Env) {
    match IniFile::parse(text, "fuzz.ini") {
        Ok(file) => check_parsed(&file),
        Err(message) => assert!(!message.is_empty()),
    }
    for our_file in [true, false] {
        match ConfigSource::parse_as(false, "fuzz.ini", text, our_file) {
            Ok(source) => {
                read_everything(&source, env);
            }
            Err(message) => assert!(!message.is_empty()),
        }
    }
}

proptest! {
    #![proptest_config(ferrocov_fuzz::config(DEFAULT_CASES))]

    #[test]
    fn mutated_ini_parses_or_errs(bytes in mutated_ini(), vars in env_strategy()) {
        parse_and_read(&bytes.lossy(), &Env::new(&vars));
    }

    #[test]
    fn structured_ini_parses_or_errs(text in structured_ini(), vars in env_strategy()) {
        parse_and_read(&text, &Env::new(&vars));
    }

    #[test]
    fn random_text_parses_or_errs(text in "(\\PC|[\r\n\t\0 \\[\\]=:#;$])*") {
        parse_and_read(&text, &Env::new(&[]));
    }

    /// Through the loader: raw bytes (not always UTF-8) in a named file.
    #[test]
    fn mutated_ini_file_loads_or_errs(
        bytes in mutated_ini(),
        name in prop::sample::select(vec![".coveragerc", "setup.cfg", "tox.ini", "custom.rc"]),
        vars in env_strategy(),
    ) {
        let _ = load_bytes(name, &bytes.0, &Env::new(&vars));
    }

    /// Well-typed values come back from `get_option` exactly as written.
    #[test]
    fn typed_ini_values_read_back(options in typed_options(), prefixed in any::<bool>(), newline_lists in any::<bool>()) {
        let prefix = if prefixed { "coverage:" } else { "" };
        let mut text = String::new();
        for section in ferrocov_config::options::SECTIONS {
            text.push_str(&format!("[{prefix}{section}]\n"));
            for (spec, value) in options.iter().filter(|(s, _)| s.section == *section) {
                let rendered = match value {
                    Typed::Bool(b) => if *b { "on".to_string() } else { "False".to_string() },
                    Typed::Int(i) => i.to_string(),
                    Typed::Float(f) => f.to_string(),
                    Typed::Str(s) => s.clone(),
                    Typed::List(items) if newline_lists => items.iter().map(|i| format!("\n    {i}")).collect(),
                    Typed::List(items) => items.join(", "),
                };
                text.push_str(&format!("{} = {rendered}\n", spec.option));
            }
        }
        let config = load_bytes(".coveragerc", text.as_bytes(), &Env::new(&[])).expect("a well-typed file loads");
        for (spec, value) in &options {
            let got = config.get_option(&spec.qualified()).unwrap();
            prop_assert_eq!(got, value.expected(), "{} in\n{}", spec.qualified(), text);
        }
    }
}
