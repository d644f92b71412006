//! An INI reader with exactly the semantics of Python's
//! `configparser.ConfigParser(interpolation=None)` as coverage.py uses it:
//! `=` and `:` delimiters, full-line `#`/`;` comments only, lower-cased
//! option names, case-sensitive section names, indented continuation lines,
//! blank lines kept inside values, a `[DEFAULT]` section seen by all others,
//! duplicates rejected, and configparser's error messages.
use crate::pystr::{repr, strip};

/// One `[section]` with its options in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IniSection {
    pub name: String,
    pub options: Vec<(String, String)>,
}

/// A parsed INI file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IniFile {
    pub sections: Vec<IniSection>,
    pub defaults: Vec<(String, String)>,
}

const DEFAULT_SECTION: &str = "DEFAULT";

impl IniFile {
    /// Parse `text`; `source` is the file name used in error messages.
    pub fn parse(text: &str, source: &str) -> Result<Self, String> {
        let mut parser = Parser { file: IniFile::default(), source, ..Parser::default() };
        let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        for (index, line) in normalized.split_inclusive('\n').enumerate() {
            parser.line(index + 1, line)?;
        }
        parser.finish()
    }

    pub fn has_section(&self, name: &str) -> bool {
        self.sections.iter().any(|s| s.name == name)
    }

    /// Option names of a section: its own, then the defaults it inherits.
    pub fn options(&self, section: &str) -> Vec<String> {
        let Some(sect) = self.sections.iter().find(|s| s.name == section) else {
            return Vec::new();
        };
        let mut names: Vec<String> = sect.options.iter().map(|(k, _)| k.clone()).collect();
        for (key, _) in &self.defaults {
            if !names.contains(key) {
                names.push(key.clone());
            }
        }
        names
    }

    /// A raw value; `option` is matched lower-cased, as configparser does.
    pub fn get(&self, section: &str, option: &str) -> Option<&str> {
        let sect = self.sections.iter().find(|s| s.name == section)?;
        let key = option.to_lowercase();
        let own = sect.options.iter().find(|(k, _)| *k == key);
        own.or_else(|| self.defaults.iter().find(|(k, _)| *k == key)).map(|(_, v)| v.as_str())
    }
}

/// Where an option's lines go while parsing.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Defaults,
    Section(usize),
}

#[derive(Default)]
struct Parser<'a> {
    file: IniFile,
    source: &'a str,
    /// The section options go to; `None` before the first header.
    current: Option<Target>,
    /// Index in `raw_lines` of the option continuation lines extend.
    option: Option<usize>,
    /// Indentation of the last header or option line.
    indent_level: usize,
    /// For the duplicate checks (strict mode).
    seen_sections: Vec<String>,
    seen_options: Vec<(String, String)>,
    /// Each option's lines (where it lives, its index there, its lines),
    /// joined when the file ends, as configparser does.
    raw_lines: Vec<(Target, usize, Vec<String>)>,
    /// Non-fatal syntax errors, reported together at the end.
    errors: Vec<String>,
}

impl Parser<'_> {
    fn line(&mut self, lineno: usize, line: &str) -> Result<(), String> {
        let is_comment = strip(line).starts_with('#') || strip(line).starts_with(';');
        let value = if is_comment { "" } else { strip(line) };
        if value.is_empty() {
            // Blank lines belong to a running value; comment lines vanish.
            if !is_comment {
                if let Some(slot) = self.option {
                    self.raw_lines[slot].2.push(String::new());
                }
            }
            return Ok(());
        }
        let indent = line.chars().take_while(|c| c.is_whitespace()).count();
        if self.current.is_some() && self.option.is_some() && indent > self.indent_level {
            if let Some(slot) = self.option {
                self.raw_lines[slot].2.push(value.to_string());
            }
            return Ok(());
        }
        self.indent_level = indent;
        if let Some(header) = section_header(value) {
            return self.start_section(lineno, header);
        }
        let Some(target) = self.current else {
            return Err(format!(
                "File contains no section headers.\nfile: {}, line: {lineno}\n{}",
                repr(self.source),
                repr(line)
            ));
        };
        match split_option(value) {
            Some((name, val)) if !name.is_empty() => self.start_option(lineno, target, name, val),
            Some((name, val)) => {
                // configparser records the error and goes on with an unnamed
                // option: it can be a duplicate, and takes no continuation lines.
                self.errors.push(format!("\n\t[line {lineno:2}]: {}", repr(line)));
                self.start_option(lineno, target, name, val)?;
                self.option = None;
                Ok(())
            }
            None => {
                self.errors.push(format!("\n\t[line {lineno:2}]: {}", repr(line)));
                Ok(())
            }
        }
    }

    fn start_section(&mut self, lineno: usize, header: &str) -> Result<(), String> {
        self.option = None;
        if header == DEFAULT_SECTION {
            self.current = Some(Target::Defaults);
            return Ok(());
        }
        if self.seen_sections.iter().any(|s| s == header) {
            return Err(format!(
                "While reading from {} [line {lineno:2}]: section {} already exists",
                repr(self.source),
                repr(header)
            ));
        }
        self.seen_sections.push(header.to_string());
        self.file.sections.push(IniSection { name: header.to_string(), options: Vec::new() });
        self.current = Some(Target::Section(self.file.sections.len() - 1));
        Ok(())
    }

    fn start_option(&mut self, lineno: usize, target: Target, name: &str, value: &str) -> Result<(), String> {
        let key = name.to_lowercase();
        let section_name = match target {
            Target::Defaults => DEFAULT_SECTION.to_string(),
            Target::Section(i) => self.file.sections[i].name.clone(),
        };
        if self.seen_options.iter().any(|(s, o)| *s == section_name && *o == key) {
            return Err(format!(
                "While reading from {} [line {lineno:2}]: option {} in section {} already exists",
                repr(self.source),
                repr(&key),
                repr(&section_name)
            ));
        }
        self.seen_options.push((section_name, key.clone()));
        let options = match target {
            Target::Defaults => &mut self.file.defaults,
            Target::Section(i) => &mut self.file.sections[i].options,
        };
        options.push((key, String::new()));
        let position = options.len() - 1;
        self.raw_lines.push((target, position, vec![strip(value).to_string()]));
        self.option = Some(self.raw_lines.len() - 1);
        Ok(())
    }

    fn finish(mut self) -> Result<IniFile, String> {
        for (target, position, lines) in std::mem::take(&mut self.raw_lines) {
            let joined = lines.join("\n");
            let options = match target {
                Target::Defaults => &mut self.file.defaults,
                Target::Section(i) => &mut self.file.sections[i].options,
            };
            options[position].1 = joined.trim_end_matches(char::is_whitespace).to_string();
        }
        if self.errors.is_empty() {
            Ok(self.file)
        } else {
            Err(format!("Source contains parsing errors: {}{}", repr(self.source), self.errors.concat()))
        }
    }
}

/// `[name]` at the start of a stripped line: the name runs to the last `]`.
fn section_header(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('[')?;
    let close = rest.rfind(']')?;
    (close > 0).then(|| &rest[..close])
}

/// `name = value` or `name: value`, split at the first delimiter.
fn split_option(value: &str) -> Option<(&str, &str)> {
    let at = value.find(['=', ':'])?;
    Some((value[..at].trim_end_matches(char::is_whitespace), strip(&value[at + 1..])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> IniFile {
        IniFile::parse(text, ".coveragerc").unwrap()
    }

    #[test]
    fn values_delimiters_and_case() {
        let f = parse("[run]\nBranch = True\ndata_file: foo.dat\nsource=a=b\n[Report]\nx =\n");
        assert_eq!(f.get("run", "branch"), Some("True"));
        assert_eq!(f.get("run", "BRANCH"), Some("True"));
        assert_eq!(f.get("run", "data_file"), Some("foo.dat"));
        assert_eq!(f.get("run", "source"), Some("a=b"));
        assert_eq!(f.get("Report", "x"), Some(""));
        assert!(!f.has_section("report"));
    }

    #[test]
    fn multiline_values_keep_inner_blank_lines_and_drop_comments() {
        let f = parse("[report]\nexclude_lines =\n    a\n\n    # comment\n    b\n\n\n[run]\n");
        assert_eq!(f.get("report", "exclude_lines"), Some("\na\n\nb"));
    }

    #[test]
    fn comments_only_at_line_start() {
        let f = parse("# top\n; also\n[run]\nsource = x # not a comment\n");
        assert_eq!(f.get("run", "source"), Some("x # not a comment"));
    }

    #[test]
    fn defaults_are_inherited() {
        let f = parse("[DEFAULT]\nshared = 1\n[run]\nbranch = 1\n");
        assert_eq!(f.options("run"), vec!["branch", "shared"]);
        assert_eq!(f.get("run", "shared"), Some("1"));
        assert!(!f.has_section("DEFAULT"));
    }

    #[test]
    fn header_takes_the_last_bracket() {
        let f = parse("[a]b] trailing\nx=1\n");
        assert!(f.has_section("a]b"));
    }

    #[test]
    fn errors_match_configparser() {
        let e = IniFile::parse("[run\nbranch=1\n", ".coveragerc").unwrap_err();
        assert_eq!(e, "File contains no section headers.\nfile: '.coveragerc', line: 1\n'[run\\n'");
        let e = IniFile::parse("[run]\nbranch = 1\nBranch = 0\n", "f").unwrap_err();
        assert_eq!(e, "While reading from 'f' [line  3]: option 'branch' in section 'run' already exists");
        let e = IniFile::parse("[run]\n[run]\n", "f").unwrap_err();
        assert_eq!(e, "While reading from 'f' [line  2]: section 'run' already exists");
        let e = IniFile::parse("[run]\njunk line\n=x\n", "f").unwrap_err();
        assert_eq!(e, "Source contains parsing errors: 'f'\n\t[line  2]: 'junk line\\n'\n\t[line  3]: '=x\\n'");
        // After an unnamed option an indented line is not a continuation.
        let e = IniFile::parse("[run]\na = 1\n=x\n\tcont\n", "f").unwrap_err();
        assert_eq!(e, "Source contains parsing errors: 'f'\n\t[line  3]: '=x\\n'\n\t[line  4]: '\\tcont\\n'");
    }
}
