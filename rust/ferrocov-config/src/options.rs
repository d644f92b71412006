//! The table of options coverage.py reads from configuration files: the
//! attribute each sets, the `[section] option` it comes from, and its type.

/// How a file's text becomes a value (configparser's `get`, `getboolean`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// A string kept as written (after `$VAR` expansion).
    Str,
    Bool,
    Int,
    Float,
    /// A path: like `Str`, then `~` expanded.
    File,
    /// Comma- or newline-separated strings (a list in TOML).
    List,
    /// Newline-separated regexes, each checked to compile.
    RegexList,
}

/// One file option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// The `CoverageConfig` attribute it sets.
    pub attr: &'static str,
    pub section: &'static str,
    pub option: &'static str,
    pub kind: OptionKind,
}

impl OptionSpec {
    /// The `section:option` name `get_option`/`set_option` use.
    pub fn qualified(&self) -> String {
        format!("{}:{}", self.section, self.option)
    }
}

const fn spec(attr: &'static str, section: &'static str, option: &'static str, kind: OptionKind) -> OptionSpec {
    OptionSpec { attr, section, option, kind }
}

use OptionKind::{Bool, File, Float, Int, List, RegexList, Str};

/// Every option, in coverage.py's order (the order files are read in).
pub const CONFIG_FILE_OPTIONS: &[OptionSpec] = &[
    spec("branch", "run", "branch", Bool),
    spec("command_line", "run", "command_line", Str),
    spec("concurrency", "run", "concurrency", List),
    spec("context", "run", "context", Str),
    spec("core", "run", "core", Str),
    spec("cover_pylib", "run", "cover_pylib", Bool),
    spec("data_file", "run", "data_file", File),
    spec("debug", "run", "debug", List),
    spec("debug_file", "run", "debug_file", File),
    spec("disable_warnings", "run", "disable_warnings", List),
    spec("dynamic_context", "run", "dynamic_context", Str),
    spec("parallel", "run", "parallel", Bool),
    spec("patch", "run", "patch", List),
    spec("plugins", "run", "plugins", List),
    spec("relative_files", "run", "relative_files", Bool),
    spec("run_include", "run", "include", List),
    spec("run_omit", "run", "omit", List),
    spec("sigterm", "run", "sigterm", Bool),
    spec("source", "run", "source", List),
    spec("source_pkgs", "run", "source_pkgs", List),
    spec("source_dirs", "run", "source_dirs", List),
    spec("timid", "run", "timid", Bool),
    spec("_crash", "run", "_crash", Str),
    spec("exclude_list", "report", "exclude_lines", RegexList),
    spec("exclude_also", "report", "exclude_also", RegexList),
    spec("fail_under", "report", "fail_under", Float),
    spec("format", "report", "format", Str),
    spec("ignore_errors", "report", "ignore_errors", Bool),
    spec("include_namespace_packages", "report", "include_namespace_packages", Bool),
    spec("partial_always_list", "report", "partial_branches_always", RegexList),
    spec("partial_list", "report", "partial_branches", RegexList),
    spec("partial_also", "report", "partial_also", RegexList),
    spec("precision", "report", "precision", Int),
    spec("report_contexts", "report", "contexts", List),
    spec("report_include", "report", "include", List),
    spec("report_omit", "report", "omit", List),
    spec("show_missing", "report", "show_missing", Bool),
    spec("skip_covered", "report", "skip_covered", Bool),
    spec("skip_empty", "report", "skip_empty", Bool),
    spec("sort", "report", "sort", Str),
    spec("extra_css", "html", "extra_css", Str),
    spec("html_dir", "html", "directory", File),
    spec("html_skip_covered", "html", "skip_covered", Bool),
    spec("html_skip_empty", "html", "skip_empty", Bool),
    spec("html_title", "html", "title", Str),
    spec("show_contexts", "html", "show_contexts", Bool),
    spec("xml_output", "xml", "output", File),
    spec("xml_package_depth", "xml", "package_depth", Int),
    spec("json_output", "json", "output", File),
    spec("json_pretty_print", "json", "pretty_print", Bool),
    spec("json_show_contexts", "json", "show_contexts", Bool),
    spec("lcov_output", "lcov", "output", File),
    spec("lcov_line_checksums", "lcov", "line_checksums", Bool),
];

/// Attributes where `from_args` turns a lone string into a one-item list.
pub const MUST_BE_LIST: &[&str] =
    &["debug", "concurrency", "plugins", "report_omit", "report_include", "run_omit", "run_include", "patch"];

/// The sections holding fixed options, in the order warnings are checked.
pub const SECTIONS: &[&str] = &["run", "report", "html", "xml", "json", "lcov"];

/// The spec for `section:option`, if it is a file option.
pub fn find_qualified(name: &str) -> Option<&'static OptionSpec> {
    let (section, option) = name.split_once(':')?;
    CONFIG_FILE_OPTIONS.iter().find(|s| s.section == section && s.option == option)
}

/// Is `option` a known option of `section`?
pub fn is_known(section: &str, option: &str) -> bool {
    CONFIG_FILE_OPTIONS.iter().any(|s| s.section == section && s.option == option)
}

/// The default line-exclusion regexes.
pub const DEFAULT_EXCLUDE: &[&str] = &[
    r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)",
    r"^\s*(((async )?def .*?)?[\])]+(\s*->.*?)?:\s*)?\.\.\.\s*(#|$)",
    r"^\s*if (typing\.)?TYPE_CHECKING:",
];

/// The default partial-branch regexes users may replace.
pub const DEFAULT_PARTIAL: &[&str] = &[r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(branch|BRANCH)"];

/// Constant tests whose branches can never all run.
pub const DEFAULT_PARTIAL_ALWAYS: &[&str] = &[r"^\s*while (True|1|False|0):", r"^\s*if (True|1|False|0):"];

/// `concurrency` values coverage.py knows.
pub const CONCURRENCY_CHOICES: &[&str] = &["thread", "gevent", "greenlet", "eventlet", "multiprocessing"];
/// Mutually exclusive concurrency libraries.
pub const LIGHT_THREADS: &[&str] = &["greenlet", "eventlet", "gevent"];
