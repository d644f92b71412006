//! Which measurement core a run uses: coverage.py 7.17's rules (`timid`,
//! `[run] core`, COVERAGE_CORE, `pytrace` meaning "the trace-function
//! core"), except that `sysmon` is the default wherever it can measure.
use ferrocov_config::{ConfigError, CoverageConfig};

/// A measurement core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoreName {
    /// The C-level trace function (`sys.settrace` semantics).
    CTrace,
    /// `sys.monitoring` (PEP 669), CPython 3.12+.
    Sysmon,
}

impl CoreName {
    /// The name in config files and `Tracer.core`.
    pub fn config_name(self) -> &'static str {
        match self {
            CoreName::CTrace => "ctrace",
            CoreName::Sysmon => "sysmon",
        }
    }

    /// The name `coverage debug sys` shows, coverage.py's class names.
    pub fn display_name(self) -> &'static str {
        match self {
            CoreName::CTrace => "CTracer",
            CoreName::Sysmon => "SysMonitor",
        }
    }

    /// A core by its config name (`pytrace` is measured by `ctrace`).
    pub fn parse(name: &str) -> Result<Self, ConfigError> {
        match name {
            "ctrace" | "pytrace" => Ok(CoreName::CTrace),
            "sysmon" => Ok(CoreName::Sysmon),
            other => Err(ConfigError::UnknownCore(other.to_string())),
        }
    }
}

/// The chosen core, and the warning to give when the configured one can't
/// be used (slug `no-sysmon`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreChoice {
    pub core: CoreName,
    pub warning: Option<String>,
}

/// Concurrency libraries whose threads sys.monitoring can't follow.
const LIGHT_THREADS: [&str; 3] = ["greenlet", "eventlet", "gevent"];

/// Why `sysmon` can't measure with this config ("" if it can).
fn reason_no_sysmon(config: &CoverageConfig, sysmon_available: bool) -> String {
    if !sysmon_available {
        return "sys.monitoring isn't available in this version".into();
    }
    match LIGHT_THREADS.iter().find(|light| config.concurrency.iter().any(|c| c == *light)) {
        Some(light) => format!("it doesn't support concurrency={light}"),
        None => String::new(),
    }
}

/// The core for `config` on an interpreter that has (or lacks) sys.monitoring.
pub fn choose_core(config: &CoverageConfig, sysmon_available: bool) -> Result<CoreChoice, ConfigError> {
    let unusable = reason_no_sysmon(config, sysmon_available);
    let mut asked = if config.timid { Some("ctrace") } else { config.core.as_deref() };
    let mut warning = None;
    if asked == Some("sysmon") && !unusable.is_empty() {
        warning = Some(format!("Can't use core=sysmon: {unusable}, using default core"));
        asked = None;
    }
    let core = match asked {
        Some(name) => CoreName::parse(name)?,
        None if unusable.is_empty() => CoreName::Sysmon,
        None => CoreName::CTrace,
    };
    Ok(CoreChoice { core, warning })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(edit: impl FnOnce(&mut CoverageConfig)) -> CoverageConfig {
        let mut config = CoverageConfig::default();
        edit(&mut config);
        config
    }

    #[test]
    fn sysmon_is_the_default_where_it_can_measure() {
        assert_eq!(choose_core(&config(|_| {}), true).unwrap().core, CoreName::Sysmon);
        assert_eq!(choose_core(&config(|_| {}), false).unwrap().core, CoreName::CTrace);
        assert_eq!(choose_core(&config(|c| c.branch = true), true).unwrap().core, CoreName::Sysmon);
        assert_eq!(choose_core(&config(|c| c.timid = true), true).unwrap().core, CoreName::CTrace);
    }

    #[test]
    fn an_unusable_sysmon_warns_and_falls_back() {
        let gevent = config(|c| {
            c.core = Some("sysmon".into());
            c.concurrency = vec!["thread".into(), "gevent".into()];
        });
        let choice = choose_core(&gevent, true).unwrap();
        assert_eq!(choice.core, CoreName::CTrace);
        assert_eq!(
            choice.warning.as_deref(),
            Some("Can't use core=sysmon: it doesn't support concurrency=gevent, using default core")
        );
    }

    #[test]
    fn dynamic_contexts_keep_sysmon() {
        let contexts = config(|c| c.dynamic_context = Some("test_function".into()));
        assert_eq!(choose_core(&contexts, true).unwrap(), CoreChoice { core: CoreName::Sysmon, warning: None });
    }

    #[test]
    fn names() {
        assert_eq!(choose_core(&config(|c| c.core = Some("pytrace".into())), true).unwrap().core, CoreName::CTrace);
        let err = choose_core(&config(|c| c.core = Some("turbo".into())), true).unwrap_err();
        assert_eq!(err.to_string(), "Unknown core value: 'turbo'");
    }
}
