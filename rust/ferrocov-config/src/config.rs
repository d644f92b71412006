//! The resolved configuration: one typed field per coverage.py attribute,
//! with coverage.py's names and defaults, and name-based access to them for
//! `get_option`/`set_option`/`from_args` and the Python bindings.
use ferrocov_pytext::HumanKey;

use crate::error::ConfigError;
use crate::options::{self, CONCURRENCY_CHOICES, CONFIG_FILE_OPTIONS, LIGHT_THREADS, MUST_BE_LIST};
use crate::value::{FieldValue, Number, OptionValue, PathsMap, PluginOptions};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

/// Declares the struct, its defaults, and by-name access, from one list so
/// the three can never disagree.
macro_rules! coverage_config {
    ( $( $(#[$doc:meta])* $field:ident : $ty:ty = $default:expr ; )* ) => {
        /// coverage.py's `CoverageConfig`: every attribute, same name and default.
        #[derive(Debug, Clone, PartialEq)]
        pub struct CoverageConfig {
            $( $(#[$doc])* pub $field: $ty, )*
        }

        impl Default for CoverageConfig {
            fn default() -> Self {
                CoverageConfig { $( $field: $default, )* }
            }
        }

        impl CoverageConfig {
            /// Names of all public attributes (what `debug_info` lists).
            pub const ATTRIBUTES: &'static [&'static str] = &[ $( stringify!($field), )* ];

            /// The value of attribute `name`, if there is such an attribute.
            pub fn attr(&self, name: &str) -> Option<OptionValue> {
                match name {
                    $( stringify!($field) => Some(self.$field.to_value()), )*
                    _ => None,
                }
            }

            /// Set attribute `name`; `None` if there is no such attribute,
            /// `Some(Err)` if the value has the wrong type.
            pub fn set_attr(&mut self, name: &str, value: OptionValue) -> Option<Result<(), String>> {
                match name {
                    $( stringify!($field) => Some(FieldValue::from_value(value).map(|v| self.$field = v)), )*
                    _ => None,
                }
            }
        }
    };
}

coverage_config! {
    /// Every file we tried to read (absolute).
    config_files_attempted: Vec<String> = Vec::new();
    /// Every file that existed and was parsed (absolute).
    config_files_read: Vec<String> = Vec::new();
    /// The file that gave us our configuration (absolute).
    config_file: Option<String> = None;
    // [run]
    branch: bool = false;
    command_line: Option<String> = None;
    concurrency: Vec<String> = Vec::new();
    context: Option<String> = None;
    core: Option<String> = None;
    cover_pylib: bool = false;
    data_file: String = ".coverage".into();
    debug: Vec<String> = Vec::new();
    debug_file: Option<String> = None;
    disable_warnings: Vec<String> = Vec::new();
    dynamic_context: Option<String> = None;
    parallel: bool = false;
    patch: Vec<String> = Vec::new();
    plugins: Vec<String> = Vec::new();
    relative_files: bool = false;
    run_include: Vec<String> = Vec::new();
    run_omit: Vec<String> = Vec::new();
    sigterm: bool = false;
    source: Option<Vec<String>> = None;
    source_pkgs: Vec<String> = Vec::new();
    source_dirs: Vec<String> = Vec::new();
    timid: bool = false;
    /// A test hook of coverage.py: crash in the named function.
    _crash: Option<String> = None;
    // [report]
    exclude_list: Vec<String> = strings(options::DEFAULT_EXCLUDE);
    exclude_also: Vec<String> = Vec::new();
    fail_under: Number = Number::Float(0.0);
    format: Option<String> = None;
    ignore_errors: bool = false;
    include_namespace_packages: bool = false;
    report_include: Option<Vec<String>> = None;
    report_omit: Option<Vec<String>> = None;
    partial_always_list: Vec<String> = strings(options::DEFAULT_PARTIAL_ALWAYS);
    partial_list: Vec<String> = strings(options::DEFAULT_PARTIAL);
    partial_also: Vec<String> = Vec::new();
    precision: i64 = 0;
    report_contexts: Option<Vec<String>> = None;
    show_missing: bool = false;
    skip_covered: bool = false;
    skip_empty: bool = false;
    sort: Option<String> = None;
    // [html]
    extra_css: Option<String> = None;
    html_dir: String = "htmlcov".into();
    html_skip_covered: Option<bool> = None;
    html_skip_empty: Option<bool> = None;
    html_title: String = "Coverage report".into();
    show_contexts: bool = false;
    // [xml]
    xml_output: String = "coverage.xml".into();
    xml_package_depth: i64 = 99;
    // [json]
    json_output: String = "coverage.json".into();
    json_pretty_print: bool = false;
    json_show_contexts: bool = false;
    // [lcov]
    lcov_output: String = "coverage.lcov".into();
    lcov_line_checksums: bool = false;
    /// `[paths]`: remapping aliases, in file order.
    paths: PathsMap = Vec::new();
    /// Options of plugin sections, keyed by plugin name.
    plugin_options: PluginOptions = Vec::new();
}

impl CoverageConfig {
    /// Apply constructor arguments: `None` means "not given"; a lone string
    /// for a list attribute becomes a one-item list.
    pub fn from_args<I>(&mut self, pairs: I) -> Result<(), ConfigError>
    where
        I: IntoIterator<Item = (String, OptionValue)>,
    {
        for (name, value) in pairs {
            if value == OptionValue::None {
                continue;
            }
            let value = match value {
                OptionValue::Str(s) if MUST_BE_LIST.contains(&name.as_str()) => OptionValue::str_list(&[s]),
                other => other,
            };
            self.set_named(&name, &name, value)?;
        }
        Ok(())
    }

    fn set_named(&mut self, attr: &str, shown: &str, value: OptionValue) -> Result<(), ConfigError> {
        let printed = value.py_repr();
        match self.set_attr(attr, value) {
            None => Err(ConfigError::NoSuchOption { name: shown.to_string() }),
            Some(Err(reason)) => Err(ConfigError::BadValue { name: shown.to_string(), value: printed, reason }),
            Some(Ok(())) => Ok(()),
        }
    }

    /// `get_option("section:option")`, `"paths"`, or `"plugin:option"`.
    pub fn get_option(&self, name: &str) -> Result<OptionValue, ConfigError> {
        if name == "paths" {
            return Ok(self.paths.to_value());
        }
        if let Some(spec) = options::find_qualified(name) {
            return Ok(self.attr(spec.attr).unwrap_or_default());
        }
        if let Some((plugin, key)) = self.plugin_key(name) {
            let section = self.plugin_options.iter().find(|(p, _)| p == plugin);
            let found = section.and_then(|(_, opts)| opts.iter().find(|(k, _)| k == key));
            return Ok(found.map(|(_, v)| v.clone()).unwrap_or_default());
        }
        Err(ConfigError::NoSuchOption { name: name.to_string() })
    }

    /// `set_option("section:option", value)`, `"paths"`, or `"plugin:option"`.
    pub fn set_option(&mut self, name: &str, value: OptionValue) -> Result<(), ConfigError> {
        if name == "paths" {
            return self.set_named("paths", name, value);
        }
        if let Some(spec) = options::find_qualified(name) {
            return self.set_named(spec.attr, name, value);
        }
        if let Some((plugin, key)) = self.plugin_key(name) {
            let (plugin, key) = (plugin.to_string(), key.to_string());
            let index = match self.plugin_options.iter().position(|(p, _)| *p == plugin) {
                Some(i) => i,
                None => {
                    self.plugin_options.push((plugin, Vec::new()));
                    self.plugin_options.len() - 1
                }
            };
            let opts = &mut self.plugin_options[index].1;
            match opts.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => opts.push((key, value)),
            }
            return Ok(());
        }
        Err(ConfigError::NoSuchOption { name: name.to_string() })
    }

    /// `plugin:key` when `plugin` is a configured plugin.
    fn plugin_key<'n>(&self, name: &'n str) -> Option<(&'n str, &'n str)> {
        let (plugin, key) = name.split_once(':')?;
        (!key.is_empty() && self.plugins.iter().any(|p| p == plugin)).then_some((plugin, key))
    }

    /// The plugin's options (empty if its section was absent).
    pub fn get_plugin_options(&self, plugin: &str) -> Vec<(String, OptionValue)> {
        self.plugin_options.iter().find(|(p, _)| p == plugin).map(|(_, o)| o.clone()).unwrap_or_default()
    }

    /// Final adjustments once every source has been applied; `expand_user`
    /// expands `~` in the `[paths]` patterns.
    pub fn post_process(&mut self, expand_user: &dyn Fn(&str) -> String) -> Result<(), ConfigError> {
        for (_, patterns) in &mut self.paths {
            for pattern in patterns.iter_mut() {
                *pattern = expand_user(pattern);
            }
        }
        self.exclude_list.extend(self.exclude_also.iter().cloned());
        self.partial_list.extend(self.partial_also.iter().cloned());
        if self.patch.iter().any(|p| p == "subprocess") {
            self.parallel = true;
        }
        self.check_concurrency()
    }

    fn check_concurrency(&self) -> Result<(), ConfigError> {
        let mut unknown: Vec<&str> =
            self.concurrency.iter().map(String::as_str).filter(|c| !CONCURRENCY_CHOICES.contains(c)).collect();
        unknown.sort_unstable();
        unknown.dedup();
        if !unknown.is_empty() {
            return Err(ConfigError::UnknownConcurrency(unknown.join(", ")));
        }
        let mut light: Vec<&str> =
            self.concurrency.iter().map(String::as_str).filter(|c| LIGHT_THREADS.contains(c)).collect();
        light.sort_unstable();
        light.dedup();
        if light.len() > 1 {
            return Err(ConfigError::ConflictingConcurrency(light.join(", ")));
        }
        Ok(())
    }

    /// (name, value) for every public attribute, sorted by name, as
    /// `coverage debug config` lists them.
    pub fn debug_info(&self) -> Vec<(String, OptionValue)> {
        let mut names: Vec<&str> = Self::ATTRIBUTES.iter().copied().filter(|n| !n.starts_with('_')).collect();
        names.sort_by_cached_key(|name| HumanKey::new(name));
        names.into_iter().map(|n| (n.to_string(), self.attr(n).unwrap_or_default())).collect()
    }

    /// Every file option with its current value, in coverage.py's order.
    pub fn file_options(&self) -> Vec<(String, OptionValue)> {
        CONFIG_FILE_OPTIONS.iter().map(|s| (s.qualified(), self.attr(s.attr).unwrap_or_default())).collect()
    }
}
