//! Loading real files from a scratch directory, as `read_coverage_config` does.
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use ferrocov_config::{ConfigError, ConfigFileArg, CoverageConfig, LoadHost, OptionValue};

/// The loader reads relative names from the current directory, which is
/// process-wide: tests that change it take turns.
static CWD: Mutex<()> = Mutex::new(());

struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str, files: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!("ferrocov-config-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, text) in files {
            std::fs::write(dir.join(file), text).unwrap();
        }
        Scratch { dir }
    }
}

struct Outcome {
    result: Result<CoverageConfig, ConfigError>,
    warnings: Vec<String>,
}

fn load_in(
    name: &str,
    files: &[(&str, &str)],
    arg: ConfigFileArg,
    env: &[(&str, &str)],
    args: Vec<(String, OptionValue)>,
) -> Outcome {
    let scratch = Scratch::new(name, files);
    let env: HashMap<String, String> = env.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
    let lookup = |k: &str| env.get(k).cloned();
    let mut warnings = Vec::new();
    let mut warn = |w: String| warnings.push(w);
    let _turn = CWD.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let before = std::env::current_dir().unwrap();
    std::env::set_current_dir(&scratch.dir).unwrap();
    let mut host = LoadHost::new(&lookup, &mut warn);
    let result = CoverageConfig::load_with_args(&arg, args, &mut host);
    std::env::set_current_dir(before).unwrap();
    let _ = std::fs::remove_dir_all(&scratch.dir);
    Outcome { result, warnings }
}

fn load(name: &str, files: &[(&str, &str)]) -> Outcome {
    load_in(name, files, ConfigFileArg::Default, &[], Vec::new())
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn defaults_without_files() {
    let cfg = load("defaults", &[]).result.unwrap();
    let expected =
        CoverageConfig { config_files_attempted: cfg.config_files_attempted.clone(), ..CoverageConfig::default() };
    assert_eq!(cfg, expected);
    assert_eq!(cfg.config_files_attempted.len(), 5);
    assert!(cfg.config_files_read.is_empty());
    assert_eq!(cfg.data_file, ".coverage");
    assert_eq!(cfg.xml_package_depth, 99);
    assert_eq!(cfg.exclude_list.len(), 3);
}

#[test]
fn coveragerc_every_type() {
    let rc = "[run]\nbranch = on\nsource = a, b\n  c\nomit = x/*\ndata_file = ~/d.cov\n\
              [report]\nfail_under = 87.5\nprecision = 2\nexclude_lines =\n    pragma: custom\n    ^raise\n\
              exclude_also = foo\n[html]\ntitle = T\n[paths]\nsrc =\n    src/\n    /ci/*/src\n";
    let out = load_in("types", &[(".coveragerc", rc)], ConfigFileArg::Default, &[("HOME", "/home/u")], Vec::new());
    let cfg = out.result.unwrap();
    assert!(cfg.branch);
    assert_eq!(cfg.source, Some(strs(&["a", "b", "c"])));
    assert_eq!(cfg.run_omit, strs(&["x/*"]));
    assert_eq!(cfg.data_file, "/home/u/d.cov");
    assert!((cfg.fail_under.as_f64() - 87.5).abs() < f64::EPSILON);
    assert_eq!(cfg.precision, 2);
    assert_eq!(cfg.exclude_list, strs(&["pragma: custom", "^raise", "foo"]));
    assert_eq!(cfg.html_title, "Coverage report".replace("Coverage report", "T"));
    assert_eq!(cfg.paths, vec![("src".to_string(), strs(&["src/", "/ci/*/src"]))]);
    assert!(cfg.config_file.unwrap().ends_with("/.coveragerc"));
    assert!(out.warnings.is_empty());
}

#[test]
fn setup_cfg_needs_prefix_and_settings() {
    let cfg =
        load("setupcfg", &[("setup.cfg", "[run]\nbranch = 1\n[coverage:report]\nprecision = 3\n")]).result.unwrap();
    assert!(!cfg.branch, "[run] without the coverage: prefix is not ours in setup.cfg");
    assert_eq!(cfg.precision, 3);
    // A shared file without coverage settings is read but not used.
    let cfg = load(
        "setupcfg-unused",
        &[("setup.cfg", "[metadata]\nname = x\n"), ("tox.ini", "[coverage:run]\nparallel = true\n")],
    )
    .result
    .unwrap();
    assert!(cfg.parallel);
    assert_eq!(cfg.config_files_read.len(), 2);
    assert!(cfg.config_file.unwrap().ends_with("/tox.ini"));
}

#[test]
fn coveragerc_wins_over_pyproject() {
    let files =
        [(".coveragerc", "[run]\nbranch = false\n"), ("pyproject.toml", "[tool.coverage.run]\nbranch = true\n")];
    assert!(!load("precedence", &files).result.unwrap().branch);
    let files =
        [("pyproject.toml", "[tool.coverage.run]\nbranch = true\n[tool.coverage.paths]\nb = ['x']\na = ['y']\n")];
    let cfg = load("pyproject", &files).result.unwrap();
    assert!(cfg.branch);
    assert_eq!(cfg.paths.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), vec!["b", "a"]);
}

#[test]
fn env_expansion_and_env_vars() {
    let rc = "[run]\ndata_file = ${DATA-fallback}.dat\ncontext = $CTX$$\n";
    let env = [("CTX", "ci"), ("COVERAGE_DEBUG", "trace, config"), ("COVERAGE_CORE", "sysmon")];
    let cfg = load_in("env", &[(".coveragerc", rc)], ConfigFileArg::Default, &env, Vec::new()).result.unwrap();
    assert_eq!(cfg.data_file, "fallback.dat");
    assert_eq!(cfg.context.as_deref(), Some("ci$"));
    assert_eq!(cfg.debug, strs(&["trace", "config"]));
    assert_eq!(cfg.core.as_deref(), Some("sysmon"));
    let cfg =
        load_in("covfile", &[(".coveragerc", rc)], ConfigFileArg::Default, &[("COVERAGE_FILE", "e.dat")], Vec::new());
    assert_eq!(cfg.result.unwrap().data_file, "e.dat");
}

#[test]
fn rcfile_env_and_specified_files() {
    let files = [("my.rc", "[run]\ntimid = yes\n")];
    let cfg =
        load_in("rcenv", &files, ConfigFileArg::Default, &[("COVERAGE_RCFILE", "my.rc")], Vec::new()).result.unwrap();
    assert!(cfg.timid);
    let err = load_in("missing", &[], ConfigFileArg::Path("nope.rc".into()), &[], Vec::new()).result.unwrap_err();
    assert_eq!(err.to_string(), "Couldn't read 'nope.rc' as a config file");
    let cfg = load_in("disabled", &files, ConfigFileArg::Disabled, &[("COVERAGE_RCFILE", "my.rc")], Vec::new())
        .result
        .unwrap();
    assert!(!cfg.timid && cfg.config_files_attempted.is_empty());
}

#[test]
fn kwargs_override_files() {
    let args = vec![
        ("branch".to_string(), OptionValue::Bool(false)),
        ("run_omit".to_string(), OptionValue::Str("o/*".into())),
        ("data_file".to_string(), OptionValue::None),
    ];
    let files = [(".coveragerc", "[run]\nbranch = 1\ndata_file = f.dat\n")];
    let cfg = load_in("kwargs", &files, ConfigFileArg::Default, &[], args).result.unwrap();
    assert!(!cfg.branch);
    assert_eq!(cfg.run_omit, strs(&["o/*"]));
    assert_eq!(cfg.data_file, "f.dat");
}

#[test]
fn unknown_options_warn() {
    let out = load("warn", &[(".coveragerc", "[run]\nbogus = 1\n[report]\nxyz = 2\n[foo]\na = 1\n")]);
    assert_eq!(
        out.warnings,
        vec![
            "Unrecognized option '[run] bogus=' in config file .coveragerc".to_string(),
            "Unrecognized option '[report] xyz=' in config file .coveragerc".to_string(),
        ]
    );
}

#[test]
fn plugin_sections() {
    let rc = "[run]\nplugins = my.plugin\n[my.plugin]\nhello = $WHO\n";
    let cfg = load_in("plugins", &[(".coveragerc", rc)], ConfigFileArg::Default, &[("WHO", "world")], Vec::new())
        .result
        .unwrap();
    assert_eq!(cfg.get_option("my.plugin:hello").unwrap(), OptionValue::Str("world".into()));
    assert_eq!(cfg.get_option("my.plugin:nope").unwrap(), OptionValue::None);
    assert!(cfg.get_option("other:x").is_err());
}

#[test]
fn bad_values_name_file_section_option() {
    let cases = [
        (".coveragerc", "[report]\nfail_under = abc\n", "Couldn't read config file .coveragerc: [report] fail_under: could not convert string to float: 'abc'"),
        ("setup.cfg", "[coverage:run]\nbranch = maybe\n", "Couldn't read config file setup.cfg: [coverage:run] branch: Not a boolean: maybe"),
        (".coveragerc", "[run]\nsource = ${NOPE?}\n", "Couldn't read config file .coveragerc: [run] source: Variable NOPE is undefined: '${NOPE?}'"),
        (".coveragerc", "[report]\nexclude_lines = (\n", "Couldn't read config file .coveragerc: Invalid [report].exclude_lines value '('"),
        ("pyproject.toml", "[tool.coverage.report]\nprecision = 'x'\n", "Couldn't read config file pyproject.toml: Option [tool.coverage.report]precision couldn't convert to an integer: 'x'"),
        ("pyproject.toml", "[tool.coverage.run]\nsource = [1]\n", "Couldn't read config file pyproject.toml: Option [tool.coverage.run]source is not a list of strings: 1"),
        ("pyproject.toml", "[tool.coverage.run\n", "Couldn't read config file pyproject.toml: "),
        (".coveragerc", "[run]\njunk\n", "Couldn't read config file .coveragerc: Source contains parsing errors: '.coveragerc'\n\t[line  2]: 'junk\\n'"),
    ];
    for (i, (file, text, want)) in cases.iter().enumerate() {
        let err = load(&format!("bad{i}"), &[(file, text)]).result.unwrap_err().to_string();
        assert!(err.starts_with(want), "{err:?} should start with {want:?}");
    }
}

#[test]
fn concurrency_checks_and_patch() {
    let err = load("conc", &[(".coveragerc", "[run]\nconcurrency = gevent, eventlet, thread\n")]).result.unwrap_err();
    assert_eq!(err.to_string(), "Conflicting concurrency settings: eventlet, gevent");
    let err = load("conc2", &[(".coveragerc", "[run]\nconcurrency = nope, zz\n")]).result.unwrap_err();
    assert_eq!(err.to_string(), "Unknown concurrency choices: nope, zz");
    let cfg = load("patch", &[(".coveragerc", "[run]\npatch = subprocess\n")]).result.unwrap();
    assert!(cfg.parallel);
}

#[test]
fn options_by_name() {
    let mut cfg = CoverageConfig::default();
    cfg.set_option("run:branch", OptionValue::Bool(true)).unwrap();
    assert!(cfg.branch);
    assert_eq!(cfg.get_option("report:precision").unwrap(), OptionValue::Int(0));
    assert_eq!(cfg.set_option("run:nope", OptionValue::Int(1)).unwrap_err().to_string(), "No such option: 'run:nope'");
    assert!(cfg.set_option("run:branch", OptionValue::Str("x".into())).is_err());
    cfg.set_option("paths", OptionValue::Table(vec![("a".into(), OptionValue::str_list(&["b"]))])).unwrap();
    assert_eq!(cfg.paths, vec![("a".to_string(), strs(&["b"]))]);
    let names: Vec<String> = cfg.debug_info().into_iter().map(|(n, _)| n).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.contains(&"plugin_options".to_string()) && !names.contains(&"_crash".to_string()));
}
