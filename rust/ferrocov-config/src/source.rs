//! One configuration file, INI or TOML, behind the interface coverage.py's
//! loader needs: find a section (with the `coverage:` / `tool.coverage.`
//! prefixes), list its options, and read an option as a typed value.
use crate::envsubst::{substitute, EnvLookup};
use crate::ini::IniFile;
use crate::options::OptionKind;
use crate::pathutil::expanduser;
use crate::pystr::{self, repr};
use crate::value::OptionValue;

/// Checks that a regex compiles; the error is the compiler's message.
pub type RegexCheck<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// Expands `~` in a path (Python's `os.path.expanduser` when bound to Python).
pub type ExpandUser<'a> = &'a dyn Fn(&str) -> String;

/// What reading needs from outside: the environment, a regex checker, and
/// optionally a `~` expander (without one, `$HOME` and /etc/passwd are used).
#[derive(Clone, Copy)]
pub struct ReadContext<'a> {
    pub env: EnvLookup<'a>,
    pub regex_check: RegexCheck<'a>,
    pub expand_user: Option<ExpandUser<'a>>,
}

impl ReadContext<'_> {
    /// `~` expansion of a file option.
    pub fn expand(&self, path: &str) -> String {
        match self.expand_user {
            Some(expand) => expand(path),
            None => expanduser(path, self.env),
        }
    }
}

/// A parsed configuration file.
#[derive(Debug, Clone)]
pub enum ConfigSource {
    Ini { file: IniFile, our_file: bool },
    Toml { table: toml::Table, our_file: bool },
}

impl ConfigSource {
    /// Parse `text` as TOML when the name ends in `.toml`, else as INI.
    pub fn parse(filename: &str, text: &str, our_file: bool) -> Result<Self, String> {
        Self::parse_as(is_toml_name(filename), filename, text, our_file)
    }

    /// A file with nothing in it.
    pub fn empty(toml: bool, our_file: bool) -> Self {
        if toml {
            ConfigSource::Toml { table: toml::Table::new(), our_file }
        } else {
            ConfigSource::Ini { file: IniFile::default(), our_file }
        }
    }

    /// Parse `text` as TOML or INI, whatever the file is called.
    pub fn parse_as(toml: bool, filename: &str, text: &str, our_file: bool) -> Result<Self, String> {
        if toml {
            let table = text.parse::<toml::Table>().map_err(|e| toml_error(&e, text))?;
            Ok(ConfigSource::Toml { table, our_file })
        } else {
            Ok(ConfigSource::Ini { file: IniFile::parse(text, filename)?, our_file })
        }
    }

    fn prefixes(&self) -> &'static [&'static str] {
        match self {
            ConfigSource::Ini { our_file: true, .. } => &["coverage:", ""],
            ConfigSource::Ini { our_file: false, .. } => &["coverage:"],
            ConfigSource::Toml { our_file: true, .. } => &["tool.coverage.", ""],
            ConfigSource::Toml { our_file: false, .. } => &["tool.coverage."],
        }
    }

    /// The name the section really has in the file, if it is there.
    pub fn real_section(&self, section: &str) -> Option<String> {
        self.prefixes().iter().map(|p| format!("{p}{section}")).find(|name| match self {
            ConfigSource::Ini { file, .. } => file.has_section(name),
            ConfigSource::Toml { table, .. } => toml_table(table, name).is_some(),
        })
    }

    pub fn has_section(&self, section: &str) -> bool {
        self.real_section(section).is_some()
    }

    /// Option names of a section, in file order; empty if it is absent.
    pub fn options(&self, section: &str) -> Vec<String> {
        let Some(real) = self.real_section(section) else {
            return Vec::new();
        };
        match self {
            ConfigSource::Ini { file, .. } => file.options(&real),
            ConfigSource::Toml { table, .. } => {
                toml_table(table, &real).map(|t| t.keys().cloned().collect()).unwrap_or_default()
            }
        }
    }

    pub fn has_option(&self, section: &str, option: &str) -> bool {
        match (self, self.real_section(section)) {
            (_, None) => false,
            (ConfigSource::Ini { file, .. }, Some(real)) => file.get(&real, option).is_some(),
            (ConfigSource::Toml { table, .. }, Some(real)) => {
                toml_table(table, &real).is_some_and(|t| t.contains_key(option))
            }
        }
    }

    /// The error coverage.py's parsers give when `section`/`option` is absent.
    pub fn missing(&self, section: &str, option: &str) -> Option<String> {
        if self.has_option(section, option) {
            return None;
        }
        Some(match (self, self.real_section(section)) {
            (ConfigSource::Toml { .. }, None) => format!("No section: {}", repr(section)),
            (ConfigSource::Toml { .. }, Some(real)) => {
                format!("No option {} in section: {}", repr(option), repr(&real))
            }
            (ConfigSource::Ini { .. }, _) => format!("No option {} in section: {}", repr(option), repr(section)),
        })
    }

    /// Read one option as `kind`. The error names the section and option.
    pub fn read(
        &self,
        section: &str,
        option: &str,
        kind: OptionKind,
        ctx: ReadContext<'_>,
    ) -> Result<OptionValue, String> {
        let real = self.real_section(section).unwrap_or_else(|| section.to_string());
        match self {
            ConfigSource::Ini { file, .. } => {
                let raw = file.get(&real, option).unwrap_or_default();
                let text = substitute(raw, ctx.env).map_err(|e| format!("[{real}] {option}: {e}"))?;
                if kind == OptionKind::RegexList {
                    // Its message already names the section and option.
                    let lines: Vec<String> = pystr::splitlines(&text).into_iter().map(str::to_string).collect();
                    return check_regexes(section, option, lines, ctx.regex_check).map(|v| OptionValue::str_list(&v));
                }
                ini_value(&text, kind, ctx).map_err(|e| format!("[{real}] {option}: {e}"))
            }
            ConfigSource::Toml { table, .. } => {
                let raw = toml_table(table, &real).and_then(|t| t.get(option)).map(toml_to_value);
                toml_value(raw.unwrap_or_default(), &real, option, kind, ctx)
            }
        }
    }

    /// A whole section as plugin options: INI values as expanded strings,
    /// TOML values as they are.
    pub fn get_section(&self, section: &str, ctx: ReadContext<'_>) -> Result<Vec<(String, OptionValue)>, String> {
        match self {
            ConfigSource::Ini { .. } => self
                .options(section)
                .into_iter()
                .map(|opt| self.read(section, &opt, OptionKind::Str, ctx).map(|v| (opt, v)))
                .collect(),
            ConfigSource::Toml { table, .. } => {
                let real = self.real_section(section).unwrap_or_default();
                let found = toml_table(table, &real);
                Ok(found.map(|t| t.iter().map(|(k, v)| (k.clone(), toml_to_value(v))).collect()).unwrap_or_default())
            }
        }
    }
}

pub fn is_toml_name(filename: &str) -> bool {
    // os.path.splitext: the extension of the last component, not a leading dot.
    let base = filename.rsplit('/').next().unwrap_or(filename);
    let stem = base.trim_start_matches('.');
    stem.rsplit_once('.').is_some_and(|(_, ext)| ext == "toml")
}

fn toml_table<'t>(table: &'t toml::Table, dotted: &str) -> Option<&'t toml::Table> {
    let mut current = table;
    for part in dotted.split('.') {
        current = current.get(part)?.as_table()?;
    }
    Some(current)
}

fn toml_error(err: &toml::de::Error, text: &str) -> String {
    let message = err.message().trim_end().to_string();
    match err.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{message} (at line {line}, column {column})")
        }
        None => message,
    }
}

/// A TOML value as the Python value tomllib would produce.
pub fn toml_to_value(value: &toml::Value) -> OptionValue {
    match value {
        toml::Value::String(s) => OptionValue::Str(s.clone()),
        toml::Value::Integer(i) => OptionValue::Int(*i),
        toml::Value::Float(f) => OptionValue::Float(*f),
        toml::Value::Boolean(b) => OptionValue::Bool(*b),
        toml::Value::Datetime(d) => OptionValue::Str(d.to_string()),
        toml::Value::Array(items) => OptionValue::List(items.iter().map(toml_to_value).collect()),
        toml::Value::Table(t) => OptionValue::Table(t.iter().map(|(k, v)| (k.clone(), toml_to_value(v))).collect()),
    }
}

fn ini_value(text: &str, kind: OptionKind, ctx: ReadContext<'_>) -> Result<OptionValue, String> {
    Ok(match kind {
        OptionKind::Str => OptionValue::Str(text.to_string()),
        OptionKind::File => OptionValue::Str(ctx.expand(text)),
        OptionKind::Bool => OptionValue::Bool(ini_bool(text)?),
        OptionKind::Int => OptionValue::Int(pystr::parse_int(text)?),
        OptionKind::Float => OptionValue::Float(pystr::parse_float(text)?),
        OptionKind::List | OptionKind::RegexList => OptionValue::str_list(&split_list(text)),
    })
}

/// configparser's boolean words.
fn ini_bool(text: &str) -> Result<bool, String> {
    match text.to_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Ok(true),
        "0" | "no" | "false" | "off" => Ok(false),
        _ => Err(format!("Not a boolean: {text}")),
    }
}

/// A comma- and newline-separated list, items stripped, blanks dropped.
pub fn split_list(text: &str) -> Vec<String> {
    text.split('\n')
        .flat_map(|line| line.split(','))
        .map(pystr::strip)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Strip each regex, check it compiles, keep the non-blank ones.
pub fn check_regexes(
    section: &str,
    option: &str,
    values: Vec<String>,
    check: RegexCheck<'_>,
) -> Result<Vec<String>, String> {
    let mut kept = Vec::new();
    for value in values {
        let value = pystr::strip(&value).to_string();
        if let Err(e) = check(&value) {
            return Err(format!("Invalid [{section}].{option} value {}: {e}", repr(&value)));
        }
        if !value.is_empty() {
            kept.push(value);
        }
    }
    Ok(kept)
}

fn toml_value(
    raw: OptionValue,
    real: &str,
    option: &str,
    kind: OptionKind,
    ctx: ReadContext<'_>,
) -> Result<OptionValue, String> {
    let not = |desc: &str, v: &OptionValue| format!("Option [{real}]{option} is not {desc}: {}", v.py_repr());
    let cant = |desc: &str, s: &str| format!("Option [{real}]{option} couldn't convert to {desc}: {}", repr(s));
    if matches!(kind, OptionKind::List | OptionKind::RegexList) {
        let OptionValue::List(items) = &raw else {
            return Err(not("a list", &raw));
        };
        let mut strings = Vec::with_capacity(items.len());
        for item in items {
            let OptionValue::Str(s) = item else {
                return Err(not("a list of strings", item));
            };
            strings.push(substitute(s, ctx.env).map_err(|e| format!("[{real}] {option}: {e}"))?);
        }
        if kind == OptionKind::List {
            return Ok(OptionValue::str_list(&strings));
        }
        return check_regexes(real, option, strings, ctx.regex_check).map(|v| OptionValue::str_list(&v));
    }
    let value = match raw {
        OptionValue::Str(s) => {
            OptionValue::Str(substitute(&s, ctx.env).map_err(|e| format!("[{real}] {option}: {e}"))?)
        }
        other => other,
    };
    match (kind, value) {
        (OptionKind::Str, v) => Ok(v),
        (OptionKind::File, OptionValue::Str(s)) => Ok(OptionValue::Str(ctx.expand(&s))),
        (OptionKind::File, v) => Err(not("a string", &v)),
        (OptionKind::Bool, v @ OptionValue::Bool(_)) => Ok(v),
        (OptionKind::Bool, OptionValue::Str(s)) => match s.as_str() {
            "true" => Ok(OptionValue::Bool(true)),
            "false" => Ok(OptionValue::Bool(false)),
            _ => Err(cant("a boolean", &s)),
        },
        (OptionKind::Bool, v) => Err(not("a boolean", &v)),
        // A Python bool is an int, so TOML booleans pass as numbers.
        (OptionKind::Int, v @ OptionValue::Int(_)) => Ok(v),
        (OptionKind::Int, OptionValue::Bool(b)) => Ok(OptionValue::Int(i64::from(b))),
        (OptionKind::Int, OptionValue::Str(s)) => {
            pystr::parse_int(&s).map(OptionValue::Int).map_err(|_| cant("an integer", &s))
        }
        (OptionKind::Int, v) => Err(not("an integer", &v)),
        (OptionKind::Float, v @ OptionValue::Float(_)) => Ok(v),
        #[allow(clippy::cast_precision_loss)]
        (OptionKind::Float, OptionValue::Int(i)) => Ok(OptionValue::Float(i as f64)),
        (OptionKind::Float, OptionValue::Bool(b)) => Ok(OptionValue::Float(f64::from(u8::from(b)))),
        (OptionKind::Float, OptionValue::Str(s)) => {
            pystr::parse_float(&s).map(OptionValue::Float).map_err(|_| cant("a float", &s))
        }
        (OptionKind::Float, v) => Err(not("a float", &v)),
        (OptionKind::List | OptionKind::RegexList, v) => Err(not("a list", &v)),
    }
}
