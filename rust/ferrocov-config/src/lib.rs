//! ferrocov-config: coverage.py 7.17's configuration, in Rust.
//!
//! Reads `.coveragerc`, `.coveragerc.toml`, `setup.cfg`, `tox.ini` and
//! `pyproject.toml` with coverage.py's search order, option names, types,
//! defaults, `$VAR` expansion, warnings and errors, into one typed
//! [`CoverageConfig`].
//!
//! ```
//! use ferrocov_config::{ConfigFileArg, CoverageConfig, OptionValue};
//!
//! let env = |name: &str| (name == "COVERAGE_FILE").then(|| "ci.dat".to_string());
//! let mut warnings = Vec::new();
//! let mut config = CoverageConfig::load(ConfigFileArg::Disabled, &env, &mut |w| warnings.push(w)).unwrap();
//! assert_eq!(config.data_file, "ci.dat");
//! config.set_option("report:precision", OptionValue::Int(2)).unwrap();
//! assert_eq!(config.get_option("report:precision").unwrap(), OptionValue::Int(2));
//! assert!(config.get_option("report:nope").is_err());
//! ```

mod config;
mod envsubst;
mod error;
mod ini;
mod loader;
pub mod options;
mod pathutil;
pub mod pystr;
pub mod source;
mod value;

pub use config::CoverageConfig;
pub use envsubst::{substitute, EnvLookup};
pub use error::ConfigError;
pub use ini::{IniFile, IniSection};
pub use loader::{config_files_to_try, default_regex_check, ConfigFileArg, LoadHost};
pub use options::{
    OptionKind, OptionSpec, CONFIG_FILE_OPTIONS, DEFAULT_EXCLUDE, DEFAULT_PARTIAL, DEFAULT_PARTIAL_ALWAYS,
};
pub use pathutil::{abspath, expanduser};
pub use source::{is_toml_name, ConfigSource, ExpandUser, ReadContext, RegexCheck};
pub use value::{FieldValue, Number, OptionValue, PathsMap, PluginOptions};
