//! What the INI and TOML property tests share: environments, reading every
//! option of a parsed file, and loading a file from disk.
#![allow(dead_code)]

use std::collections::HashMap;

use ferrocov_config::options::OptionKind;
use ferrocov_config::{
    default_regex_check, ConfigError, ConfigFileArg, ConfigSource, CoverageConfig, LoadHost, OptionValue, ReadContext,
    CONFIG_FILE_OPTIONS,
};
use ferrocov_fuzz::ScratchDir;
use proptest::prelude::*;

/// Environment variables: names config files refer to, values with the
/// characters expansion and `~` handling look at.
pub fn env_strategy() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop::sample::select(vec![
        "HOME",
        "USER",
        "X",
        "EMPTY",
        "CI_JOB",
        "COVERAGE_DIR",
        "COVERAGE_FILE",
        "COVERAGE_DEBUG",
        "COVERAGE_CORE",
        "A_1",
    ]);
    let value = "[a-z/~$.{}\\-?,\n \u{e9}\u{2028}]{0,12}";
    prop::collection::vec((name.prop_map(str::to_string), value), 0..5)
}

pub struct Env(HashMap<String, String>);

impl Env {
    pub fn new(vars: &[(String, String)]) -> Self {
        Env(vars.iter().cloned().collect())
    }

    pub fn get(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

/// Read every option the way the loader would and check the answers hang
/// together: a present option reads to a value or an error naming it, an
/// absent one has a "missing" message. Returns the values read.
pub fn read_everything(source: &ConfigSource, env: &Env) -> Vec<Result<OptionValue, String>> {
    let lookup = |name: &str| env.get(name);
    let expand = |path: &str| path.to_string();
    let ctx = ReadContext { env: &lookup, regex_check: &default_regex_check, expand_user: Some(&expand) };
    let mut results = Vec::new();
    for spec in CONFIG_FILE_OPTIONS {
        if source.has_option(spec.section, spec.option) {
            assert!(source.has_section(spec.section));
            assert!(source.missing(spec.section, spec.option).is_none());
            let result = source.read(spec.section, spec.option, spec.kind, ctx);
            if let Err(message) = &result {
                assert!(message.contains(spec.option), "{spec:?}: error doesn't name the option: {message}");
            }
            results.push(result);
        } else {
            assert!(source.missing(spec.section, spec.option).is_some(), "{spec:?}");
        }
    }
    for alias in source.options("paths") {
        assert!(source.has_option("paths", &alias), "listed option {alias:?} is not there");
        results.push(source.read("paths", &alias, OptionKind::List, ctx));
    }
    for plugin in ["my_plugin", "run", "paths", "tool", "coverage", ""] {
        match source.get_section(plugin, ctx) {
            Ok(options) => results.extend(options.into_iter().map(|(_, v)| Ok(v))),
            Err(message) => results.push(Err(message)),
        }
    }
    results
}

/// Load `bytes` as the config file `name` (in a scratch directory) the way
/// `Coverage(config_file=name)` does, and check any error is one a config
/// file can cause, naming that file.
pub fn load_bytes(name: &str, bytes: &[u8], env: &Env) -> Result<CoverageConfig, ConfigError> {
    let dir = ScratchDir::new("config");
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let path = path.to_string_lossy().into_owned();
    let lookup = |name: &str| env.get(name);
    let mut warnings = Vec::new();
    let mut warn = |w: String| warnings.push(w);
    let mut host = LoadHost::new(&lookup, &mut warn);
    let result = CoverageConfig::load_with_args(&ConfigFileArg::Path(path.clone()), Vec::new(), &mut host);
    match &result {
        Ok(config) => {
            assert_eq!(config.config_file.as_deref(), Some(path.as_str()));
            assert_eq!(config.config_files_read, std::slice::from_ref(&path));
        }
        Err(ConfigError::BadFile { file, detail }) => {
            assert_eq!(file, &path);
            assert!(!detail.is_empty());
        }
        Err(ConfigError::UnknownConcurrency(_) | ConfigError::ConflictingConcurrency(_)) => {}
        Err(other) => panic!("a config file caused {other:?}"),
    }
    for warning in &warnings {
        assert!(warning.starts_with("Unrecognized option '["), "{warning}");
    }
    let after = std::fs::read(&path).unwrap();
    assert_eq!(after, bytes, "loading changed the file");
    result
}

/// Printable values with no surrounding blanks and nothing INI, TOML or
/// `$`/`~` expansion would touch: they must read back unchanged.
pub fn plain_word() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_./*-]([A-Za-z0-9_./* -]{0,14}[A-Za-z0-9_./*-])?"
}

/// A well-typed value for an option and what reading it must give.
#[derive(Debug, Clone)]
pub enum Typed {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<String>),
}

impl Typed {
    pub fn expected(&self) -> OptionValue {
        match self {
            Typed::Bool(b) => OptionValue::Bool(*b),
            Typed::Int(i) => OptionValue::Int(*i),
            Typed::Float(f) => OptionValue::Float(*f),
            Typed::Str(s) => OptionValue::Str(s.clone()),
            Typed::List(items) => OptionValue::str_list(items),
        }
    }
}

/// Options whose value the loader changes or checks after reading
/// (regexes, concurrency, patch, plugins) are left out of round trips.
pub fn round_trip_specs() -> Vec<&'static ferrocov_config::OptionSpec> {
    CONFIG_FILE_OPTIONS
        .iter()
        .filter(|s| !matches!(s.kind, OptionKind::RegexList))
        .filter(|s| !matches!(s.option, "concurrency" | "patch" | "plugins"))
        .collect()
}

pub fn typed_value(kind: OptionKind) -> BoxedStrategy<Typed> {
    match kind {
        OptionKind::Bool => any::<bool>().prop_map(Typed::Bool).boxed(),
        OptionKind::Int => {
            prop_oneof![any::<i64>(), Just(i64::MIN), Just(i64::MAX), -100i64..100].prop_map(Typed::Int).boxed()
        }
        OptionKind::Float => {
            use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
            (NORMAL | SUBNORMAL | ZERO | POSITIVE | NEGATIVE).prop_map(Typed::Float).boxed()
        }
        OptionKind::Str | OptionKind::File => plain_word().prop_map(Typed::Str).boxed(),
        OptionKind::List | OptionKind::RegexList => {
            prop::collection::vec("[A-Za-z0-9_./*-]{1,10}", 0..5).prop_map(Typed::List).boxed()
        }
    }
}

/// The specs to write, each once, with values.
pub fn typed_options() -> impl Strategy<Value = Vec<(&'static ferrocov_config::OptionSpec, Typed)>> {
    prop::sample::subsequence(round_trip_specs(), 0..=12).prop_flat_map(|specs| {
        let values: Vec<BoxedStrategy<Typed>> = specs.iter().map(|s| typed_value(s.kind)).collect();
        (Just(specs), values).prop_map(|(specs, values)| specs.into_iter().zip(values).collect::<Vec<_>>())
    })
}
