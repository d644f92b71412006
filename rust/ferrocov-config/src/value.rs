//! Option values as they cross the API: a small dynamic type mirroring the
//! Python values coverage.py stores (None, bool, int, float, str, list, dict).
use crate::pystr;

/// One configuration value. `Table` keeps insertion order, like a Python dict.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum OptionValue {
    #[default]
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<OptionValue>),
    Table(Vec<(String, OptionValue)>),
}

impl OptionValue {
    /// A list of strings.
    pub fn str_list<S: AsRef<str>>(items: &[S]) -> Self {
        OptionValue::List(items.iter().map(|s| OptionValue::Str(s.as_ref().to_string())).collect())
    }

    /// `repr()` of the value as Python would print it.
    pub fn py_repr(&self) -> String {
        match self {
            OptionValue::None => "None".into(),
            OptionValue::Bool(b) => if *b { "True" } else { "False" }.into(),
            OptionValue::Int(i) => i.to_string(),
            OptionValue::Float(f) => pystr::float_repr(*f),
            OptionValue::Str(s) => pystr::repr(s),
            OptionValue::List(items) => {
                format!("[{}]", items.iter().map(OptionValue::py_repr).collect::<Vec<_>>().join(", "))
            }
            OptionValue::Table(items) => {
                let inner: Vec<String> =
                    items.iter().map(|(k, v)| format!("{}: {}", pystr::repr(k), v.py_repr())).collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
    }

    /// `str()` of a scalar, used when a non-string lands in a string option.
    pub fn py_str(&self) -> String {
        match self {
            OptionValue::Str(s) => s.clone(),
            other => other.py_repr(),
        }
    }
}

/// Conversion between a typed config field and an [`OptionValue`].
pub trait FieldValue: Sized {
    fn to_value(&self) -> OptionValue;
    /// The error text says what was expected.
    fn from_value(value: OptionValue) -> Result<Self, String>;
}

impl FieldValue for bool {
    fn to_value(&self) -> OptionValue {
        OptionValue::Bool(*self)
    }
    fn from_value(value: OptionValue) -> Result<Self, String> {
        match value {
            OptionValue::Bool(b) => Ok(b),
            OptionValue::Int(i) => Ok(i != 0),
            OptionValue::None => Ok(false),
            _ => Err("a boolean is needed".into()),
        }
    }
}

impl FieldValue for i64 {
    fn to_value(&self) -> OptionValue {
        OptionValue::Int(*self)
    }
    fn from_value(value: OptionValue) -> Result<Self, String> {
        match value {
            OptionValue::Int(i) => Ok(i),
            OptionValue::Bool(b) => Ok(i64::from(b)),
            OptionValue::Str(s) => pystr::parse_int(&s),
            _ => Err("an integer is needed".into()),
        }
    }
}

impl FieldValue for f64 {
    fn to_value(&self) -> OptionValue {
        OptionValue::Float(*self)
    }
    fn from_value(value: OptionValue) -> Result<Self, String> {
        match value {
            OptionValue::Float(f) => Ok(f),
            #[allow(clippy::cast_precision_loss)]
            OptionValue::Int(i) => Ok(i as f64),
            OptionValue::Bool(b) => Ok(f64::from(u8::from(b))),
            OptionValue::Str(s) => pystr::parse_float(&s),
            _ => Err("a number is needed".into()),
        }
    }
}

/// A number setting as Python holds it. Files give floats, but a program's
/// `set_option("report:fail_under", 100)` keeps the int, and tools print
/// it as given (pytest-cov's "coverage of 100% not reached").
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    #[allow(clippy::cast_precision_loss)]
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

impl FieldValue for Number {
    fn to_value(&self) -> OptionValue {
        match *self {
            Number::Int(i) => OptionValue::Int(i),
            Number::Float(f) => OptionValue::Float(f),
        }
    }
    fn from_value(value: OptionValue) -> Result<Self, String> {
        match value {
            OptionValue::Int(i) => Ok(Number::Int(i)),
            OptionValue::Bool(b) => Ok(Number::Int(i64::from(b))),
            other => f64::from_value(other).map(Number::Float),
        }
    }
}

impl FieldValue for String {
    fn to_value(&self) -> OptionValue {
        OptionValue::Str(self.clone())
    }
    fn from_value(value: OptionValue) -> Result<Self, String> {
        match value {
            OptionValue::Str(s) => Ok(s),
            OptionValue::Bool(_) | OptionValue::Int(_) | OptionValue::Float(_) => Ok(value.py_str()),
            _ => Err("a string is needed".into()),
        }
    }
}

impl FieldValue for Vec<String> {
    fn to_value(&self) -> OptionValue {
        OptionValue::str_list(self)
    }
    fn from_value(value: OptionValue) -> Result<Self, String> {
        match value {
            // coverage.py wraps a lone string for its list options.
            OptionValue::Str(s) => Ok(vec![s]),
            OptionValue::None => Ok(Vec::new()),
            OptionValue::List(items) => items.into_iter().map(String::from_value).collect(),
            _ => Err("a list of strings is needed".into()),
        }
    }
}

impl<T: FieldValue> FieldValue for Option<T> {
    fn to_value(&self) -> OptionValue {
        self.as_ref().map_or(OptionValue::None, FieldValue::to_value)
    }
    fn from_value(value: OptionValue) -> Result<Self, String> {
        match value {
            OptionValue::None => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// `[paths]`: alias name to its list of patterns, in file order.
pub type PathsMap = Vec<(String, Vec<String>)>;
/// Plugin sections: plugin name to its options, in order.
pub type PluginOptions = Vec<(String, Vec<(String, OptionValue)>)>;

impl FieldValue for PathsMap {
    fn to_value(&self) -> OptionValue {
        OptionValue::Table(self.iter().map(|(k, v)| (k.clone(), OptionValue::str_list(v))).collect())
    }
    fn from_value(value: OptionValue) -> Result<Self, String> {
        match value {
            OptionValue::Table(items) => {
                items.into_iter().map(|(k, v)| Vec::<String>::from_value(v).map(|v| (k, v))).collect()
            }
            OptionValue::None => Ok(Vec::new()),
            _ => Err("a mapping of lists is needed".into()),
        }
    }
}

impl FieldValue for PluginOptions {
    fn to_value(&self) -> OptionValue {
        OptionValue::Table(self.iter().map(|(k, v)| (k.clone(), OptionValue::Table(v.clone()))).collect())
    }
    fn from_value(value: OptionValue) -> Result<Self, String> {
        let OptionValue::Table(items) = value else {
            return Err("a mapping of mappings is needed".into());
        };
        items
            .into_iter()
            .map(|(k, v)| match v {
                OptionValue::Table(opts) => Ok((k, opts)),
                _ => Err("a mapping of mappings is needed".into()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs() {
        let v = OptionValue::Table(vec![
            ("a".into(), OptionValue::List(vec![OptionValue::Int(1), OptionValue::Str("x".into())])),
            ("b".into(), OptionValue::Bool(true)),
            ("c".into(), OptionValue::None),
        ]);
        assert_eq!(v.py_repr(), "{'a': [1, 'x'], 'b': True, 'c': None}");
    }

    #[test]
    fn conversions() {
        assert_eq!(Vec::<String>::from_value(OptionValue::Str("x".into())), Ok(vec!["x".to_string()]));
        assert_eq!(f64::from_value(OptionValue::Int(90)), Ok(90.0));
        assert_eq!(Option::<String>::from_value(OptionValue::None), Ok(None));
        assert!(bool::from_value(OptionValue::Str("yes".into())).is_err());
        assert!(i64::from_value(OptionValue::List(vec![])).is_err());
    }

    #[test]
    fn a_number_keeps_the_kind_it_was_given() {
        assert_eq!(Number::from_value(OptionValue::Int(100)), Ok(Number::Int(100)));
        assert_eq!(Number::from_value(OptionValue::Float(87.5)), Ok(Number::Float(87.5)));
        assert_eq!(Number::from_value(OptionValue::Str("90".into())), Ok(Number::Float(90.0)));
        assert_eq!(Number::Int(100).to_value().py_repr(), "100");
        assert_eq!(Number::Float(100.0).to_value().py_repr(), "100.0");
    }
}
