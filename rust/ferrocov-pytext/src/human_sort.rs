//! Ordering file names "the way humans expect": numbers inside a name
//! compare by value, so "mod2.py" comes before "mod10.py".

use std::cmp::Ordering;

use crate::decimal_digit;

/// A piece of a name: text between digit runs, or the value of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Chunk {
    Text(String),
    /// Digit values with leading zeros removed, so "007" equals "7".
    Number(Vec<u32>),
}

impl Ord for Chunk {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Chunk::Text(a), Chunk::Text(b)) => a.cmp(b),
            (Chunk::Number(a), Chunk::Number(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            // Both names split into text, number, text, ...: positions agree.
            (Chunk::Text(_), Chunk::Number(_)) => Ordering::Less,
            (Chunk::Number(_), Chunk::Text(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for Chunk {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Split like `re.split(r"(\d+)", name)`: always text first and last
/// (possibly empty), numbers in between.
fn chunks(name: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut digits: Option<Vec<u32>> = None;
    for (pos, ch) in name.char_indices() {
        match (decimal_digit(ch), digits.as_mut()) {
            (Some(value), Some(run)) => run.push(value),
            (Some(value), None) => {
                out.push(Chunk::Text(name[text_start..pos].to_owned()));
                digits = Some(vec![value]);
            }
            (None, Some(_)) => {
                out.push(number(digits.take().unwrap_or_default()));
                text_start = pos;
            }
            (None, None) => {}
        }
    }
    match digits {
        Some(run) => {
            out.push(number(run));
            out.push(Chunk::Text(String::new()));
        }
        None => out.push(Chunk::Text(name[text_start..].to_owned())),
    }
    out
}

fn number(mut digits: Vec<u32>) -> Chunk {
    let zeros = digits.iter().take_while(|&&d| d == 0).count();
    digits.drain(..zeros);
    Chunk::Number(digits)
}

/// A name's sort key: its chunks, then the name itself so that "x1y" and
/// "x001y" are still told apart. Built once per name, not per comparison.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanKey {
    chunks: Vec<Chunk>,
    name: String,
}

impl HumanKey {
    pub fn new(name: &str) -> HumanKey {
        HumanKey { chunks: chunks(name), name: name.to_owned() }
    }

    /// The key's parts as Python's `re.split(r"(\d+)", name)` with digit runs
    /// made ints: text, then the decimal digits of a number (leading zeros
    /// dropped, none for zero), alternating.
    pub fn parts(&self) -> impl Iterator<Item = KeyPart<'_>> {
        self.chunks.iter().map(|chunk| match chunk {
            Chunk::Text(text) => KeyPart::Text(text),
            Chunk::Number(digits) => KeyPart::Number(digits),
        })
    }

    /// The name the key was built from.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// One part of a [`HumanKey`], for callers that rebuild the key elsewhere
/// (the Python bindings hand coverage.py's key shape to `sorted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPart<'k> {
    Text(&'k str),
    /// Digit values, most significant first, without leading zeros.
    Number(&'k [u32]),
}

/// Compare two names the way humans expect.
pub fn human_cmp(a: &str, b: &str) -> Ordering {
    HumanKey::new(a).cmp(&HumanKey::new(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        v.sort_by(|a, b| human_cmp(a, b));
        v
    }

    #[test]
    fn numbers_compare_by_value() {
        assert_eq!(
            sorted(&["mod10.py", "mod2.py", "mod1.py", "Mod3.py", "mod.py"]),
            ["Mod3.py", "mod1.py", "mod2.py", "mod10.py", "mod.py"]
        );
        assert_eq!(sorted(&["x7", "x007", "x6"]), ["x6", "x007", "x7"]);
        assert_eq!(sorted(&["10", "9", "a"]), ["9", "10", "a"]);
        assert_eq!(sorted(&["a٢", "a10", "a1"]), ["a1", "a٢", "a10"]);
    }

    #[test]
    fn split_keeps_empty_ends() {
        let text = |s: &str| Chunk::Text(s.to_owned());
        assert_eq!(chunks("12"), [text(""), Chunk::Number(vec![1, 2]), text("")]);
        assert_eq!(chunks("a"), [text("a")]);
        assert_eq!(chunks("a0b"), [text("a"), Chunk::Number(vec![]), text("b")]);
    }
}
