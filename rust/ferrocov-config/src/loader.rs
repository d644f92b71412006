//! Building the configuration as coverage.py's `read_coverage_config` does:
//! defaults, then the first config file that applies, then environment
//! variables, then constructor arguments, then post-processing.
use crate::config::CoverageConfig;
use crate::envsubst::EnvLookup;
use crate::error::ConfigError;
use crate::options::{self, OptionKind, CONFIG_FILE_OPTIONS, SECTIONS};
use crate::pathutil::abspath;
use crate::source::{ConfigSource, ExpandUser, ReadContext, RegexCheck};
use crate::value::{FieldValue, OptionValue};

/// The `config_file` argument of `Coverage()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigFileArg {
    /// `True`: look for `.coveragerc` (or `$COVERAGE_RCFILE`) and the others.
    Default,
    /// `False` (or an empty string): read no file at all.
    Disabled,
    /// A file name that must exist; the shared files are still tried after it.
    Path(String),
}

impl From<bool> for ConfigFileArg {
    fn from(value: bool) -> Self {
        if value {
            ConfigFileArg::Default
        } else {
            ConfigFileArg::Disabled
        }
    }
}

impl From<&str> for ConfigFileArg {
    /// A name; the empty string reads nothing, as Python's falsy `""` does.
    fn from(value: &str) -> Self {
        if value.is_empty() {
            ConfigFileArg::Disabled
        } else {
            ConfigFileArg::Path(value.to_string())
        }
    }
}

/// What loading needs from its caller.
pub struct LoadHost<'a> {
    /// Environment variables (`os.environ` in Python).
    pub env: EnvLookup<'a>,
    /// Receives each warning text (unknown options).
    pub warn: &'a mut dyn FnMut(String),
    /// Checks regexes from `exclude_lines` & co. compile.
    pub regex_check: RegexCheck<'a>,
    /// Expands `~` in paths; `None` uses `$HOME` and /etc/passwd.
    pub expand_user: Option<ExpandUser<'a>>,
}

impl<'a> LoadHost<'a> {
    /// A host with the pure-Rust regex check and `~` expansion.
    pub fn new(env: EnvLookup<'a>, warn: &'a mut dyn FnMut(String)) -> Self {
        LoadHost { env, warn, regex_check: &default_regex_check, expand_user: None }
    }

    fn read_context(&self) -> ReadContext<'a> {
        ReadContext { env: self.env, regex_check: self.regex_check, expand_user: self.expand_user }
    }
}

/// Checks with the `regex` crate, accepting the Python-only constructs it
/// cannot compile (look-around, backreferences) rather than rejecting
/// patterns Python would take. The Python bindings check with `re` instead.
pub fn default_regex_check(pattern: &str) -> Result<(), String> {
    match regex::Regex::new(pattern) {
        Ok(_) => Ok(()),
        Err(regex::Error::Syntax(msg)) if msg.contains("look-around") || msg.contains("backreference") => Ok(()),
        Err(e) => {
            let text = e.to_string();
            let last = text.lines().last().unwrap_or_default().trim();
            Err(last.strip_prefix("error: ").unwrap_or(last).to_string())
        }
    }
}

/// (file name, is it coverage's own file, was it asked for explicitly).
pub fn config_files_to_try(config_file: &ConfigFileArg, env: EnvLookup<'_>) -> Vec<(String, bool, bool)> {
    let (first, specified) = match config_file {
        // Some callers pass ".coveragerc" to mean "the default".
        ConfigFileArg::Path(p) if p != ".coveragerc" => (p.clone(), true),
        _ => match env("COVERAGE_RCFILE").filter(|f| !f.is_empty()) {
            Some(rcfile) => (rcfile, true),
            None => (".coveragerc".to_string(), false),
        },
    };
    vec![
        (first, true, specified),
        (".coveragerc.toml".into(), true, false),
        ("setup.cfg".into(), false, false),
        ("tox.ini".into(), false, false),
        ("pyproject.toml".into(), false, false),
    ]
}

impl CoverageConfig {
    /// `read_coverage_config(config_file, warn)` with no constructor arguments.
    pub fn load(
        config_file: ConfigFileArg,
        env: &dyn Fn(&str) -> Option<String>,
        warn: &mut dyn FnMut(String),
    ) -> Result<Self, ConfigError> {
        let mut host = LoadHost::new(env, warn);
        Self::load_with_args(&config_file, Vec::new(), &mut host)
    }

    /// `read_coverage_config(config_file, warn, **kwargs)`.
    pub fn load_with_args(
        config_file: &ConfigFileArg,
        args: Vec<(String, OptionValue)>,
        host: &mut LoadHost<'_>,
    ) -> Result<Self, ConfigError> {
        let mut config = CoverageConfig::default();
        let config_file = match config_file {
            ConfigFileArg::Path(p) if p.is_empty() => &ConfigFileArg::Disabled,
            other => other,
        };
        if *config_file != ConfigFileArg::Disabled {
            for (fname, our_file, specified) in config_files_to_try(config_file, host.env) {
                if config.from_file(&fname, our_file, host)? {
                    break;
                }
                if specified {
                    return Err(ConfigError::MissingFile { file: fname });
                }
            }
        }
        config.apply_environment(host.env);
        config.from_args(args)?;
        // coverage.py's benchmark hook: a file forced over everything else.
        if let Some(force) = (host.env)("COVERAGE_FORCE_CONFIG").filter(|f| !f.is_empty()) {
            config.from_file(&force, true, host)?;
        }
        let ctx = host.read_context();
        config.post_process(&|path: &str| ctx.expand(path))?;
        Ok(config)
    }

    /// COVERAGE_FILE, COVERAGE_DEBUG and COVERAGE_CORE.
    fn apply_environment(&mut self, env: EnvLookup<'_>) {
        if let Some(data_file) = env("COVERAGE_FILE").filter(|v| !v.is_empty()) {
            self.data_file = data_file;
        }
        if let Some(debugs) = env("COVERAGE_DEBUG").filter(|v| !v.is_empty()) {
            self.debug.extend(debugs.split(',').map(|d| crate::pystr::strip(d).to_string()));
        }
        if let Some(core) = env("COVERAGE_CORE").filter(|v| !v.is_empty()) {
            self.core = Some(core);
        }
    }

    /// Read one file. Returns whether it was used: our own files are used
    /// whenever they exist, shared ones only if they hold coverage settings.
    pub fn from_file(&mut self, filename: &str, our_file: bool, host: &mut LoadHost<'_>) -> Result<bool, ConfigError> {
        self.config_files_attempted.push(abspath(filename));
        let bad = |detail: String| ConfigError::BadFile { file: filename.to_string(), detail };
        let Ok(bytes) = std::fs::read(filename) else {
            return Ok(false);
        };
        let text = String::from_utf8(bytes).map_err(|e| bad(format!("'utf-8' codec can't decode: {e}")))?;
        let source = ConfigSource::parse(filename, &text, our_file).map_err(bad)?;
        self.config_files_read.push(abspath(filename));

        let ctx = host.read_context();
        let mut any_set = self.read_options(&source, ctx).map_err(bad)?;
        warn_unknown_options(&source, filename, host.warn);
        any_set |= self.read_paths(&source, ctx).map_err(bad)?;
        any_set |= self.read_plugin_sections(&source, ctx).map_err(bad)?;

        let used = our_file || any_set;
        if used {
            self.config_file = Some(abspath(filename));
        }
        Ok(used)
    }

    fn read_options(&mut self, source: &ConfigSource, ctx: ReadContext<'_>) -> Result<bool, String> {
        let mut any_set = false;
        for spec in CONFIG_FILE_OPTIONS {
            if !source.has_option(spec.section, spec.option) {
                continue;
            }
            let value = source.read(spec.section, spec.option, spec.kind, ctx)?;
            if let Some(Err(reason)) = self.set_attr(spec.attr, value) {
                return Err(format!("[{}] {}: {reason}", spec.section, spec.option));
            }
            any_set = true;
        }
        Ok(any_set)
    }

    fn read_paths(&mut self, source: &ConfigSource, ctx: ReadContext<'_>) -> Result<bool, String> {
        if !source.has_section("paths") {
            return Ok(false);
        }
        let mut any_set = false;
        for alias in source.options("paths") {
            let value = source.read("paths", &alias, OptionKind::List, ctx)?;
            let patterns = Vec::<String>::from_value(value)?;
            match self.paths.iter_mut().find(|(k, _)| *k == alias) {
                Some(slot) => slot.1 = patterns,
                None => self.paths.push((alias, patterns)),
            }
            any_set = true;
        }
        Ok(any_set)
    }

    fn read_plugin_sections(&mut self, source: &ConfigSource, ctx: ReadContext<'_>) -> Result<bool, String> {
        let mut any_set = false;
        for plugin in self.plugins.clone() {
            if !source.has_section(&plugin) {
                continue;
            }
            let section = source.get_section(&plugin, ctx)?;
            match self.plugin_options.iter_mut().find(|(p, _)| *p == plugin) {
                Some(slot) => slot.1 = section,
                None => self.plugin_options.push((plugin, section)),
            }
            any_set = true;
        }
        Ok(any_set)
    }
}

/// "Unrecognized option '[run] bogus=' in config file .coveragerc".
fn warn_unknown_options(source: &ConfigSource, filename: &str, warn: &mut dyn FnMut(String)) {
    for section in SECTIONS {
        let Some(real) = source.real_section(section) else {
            continue;
        };
        let mut seen: Vec<String> = Vec::new();
        for option in source.options(section) {
            if options::is_known(section, &option) || seen.contains(&option) {
                continue;
            }
            warn(format!("Unrecognized option '[{real}] {option}=' in config file {filename}"));
            seen.push(option);
        }
    }
}
