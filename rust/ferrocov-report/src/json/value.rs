//! The report as a tree of JSON values whose objects keep their keys in
//! insertion order, as Python's dicts do: setting a key again replaces its
//! value where it first was.

use std::collections::HashMap;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    List(Vec<Json>),
    /// Boxed: an object is much larger than the other values, and most
    /// values are line numbers.
    Object(Box<Object>),
}

/// A JSON object in insertion order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object {
    entries: Vec<(String, Json)>,
    /// Where each key is in `entries`.
    positions: HashMap<String, usize>,
}

impl Object {
    pub fn new() -> Self {
        Object::default()
    }

    /// `dict[key] = value`.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<Json>) {
        let key = key.into();
        let value = value.into();
        if let Some(&at) = self.positions.get(&key) {
            self.entries[at].1 = value;
        } else {
            self.positions.insert(key.clone(), self.entries.len());
            self.entries.push((key, value));
        }
    }

    pub fn contains(&self, key: &str) -> bool {
        self.positions.contains_key(key)
    }
}

impl From<bool> for Json {
    fn from(value: bool) -> Self {
        Json::Bool(value)
    }
}

impl From<u64> for Json {
    fn from(value: u64) -> Self {
        Json::Int(i128::from(value))
    }
}

impl From<u32> for Json {
    fn from(value: u32) -> Self {
        Json::Int(i128::from(value))
    }
}

impl From<i32> for Json {
    fn from(value: i32) -> Self {
        Json::Int(i128::from(value))
    }
}

impl From<i128> for Json {
    fn from(value: i128) -> Self {
        Json::Int(value)
    }
}

impl From<f64> for Json {
    fn from(value: f64) -> Self {
        Json::Float(value)
    }
}

impl From<String> for Json {
    fn from(value: String) -> Self {
        Json::Str(value)
    }
}

impl From<&str> for Json {
    fn from(value: &str) -> Self {
        Json::Str(value.to_owned())
    }
}

impl From<Object> for Json {
    fn from(value: Object) -> Self {
        Json::Object(Box::new(value))
    }
}

impl<T: Into<Json>> From<Vec<T>> for Json {
    fn from(value: Vec<T>) -> Self {
        Json::List(value.into_iter().map(Into::into).collect())
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Int(i) => serializer.serialize_i128(*i),
            Json::Float(f) => serializer.serialize_f64(*f),
            Json::Str(s) => serializer.serialize_str(s),
            Json::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(object) => object.serialize(serializer),
        }
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (key, value) in &self.entries {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
