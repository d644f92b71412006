//! `json.dumps` as Python writes it, as a serde_json `Formatter`: ", " and
//! ": " between items without indentation, "," and newlines with it,
//! every non-ASCII character escaped (`ensure_ascii`), and floats as
//! `float.__repr__` shows them.

use std::io::{self, Write};

use serde_json::ser::Formatter;

/// Python's `json` module's layout, compact (`indent=None`) or indented.
pub struct PythonFormatter {
    indent: Option<&'static [u8]>,
    level: usize,
    has_value: bool,
}

impl PythonFormatter {
    pub fn new(indent: Option<&'static [u8]>) -> Self {
        PythonFormatter { indent, level: 0, has_value: false }
    }

    fn newline_indent<W: ?Sized + Write>(&self, writer: &mut W) -> io::Result<()> {
        if let Some(unit) = self.indent {
            writer.write_all(b"\n")?;
            for _ in 0..self.level {
                writer.write_all(unit)?;
            }
        }
        Ok(())
    }

    fn begin<W: ?Sized + Write>(&mut self, writer: &mut W, open: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(open)
    }

    fn end<W: ?Sized + Write>(&mut self, writer: &mut W, close: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline_indent(writer)?;
        }
        writer.write_all(close)
    }

    fn item<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(if self.indent.is_some() { b"," } else { b", " })?;
        }
        self.newline_indent(writer)
    }
}

impl Formatter for PythonFormatter {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn write_f64<W: ?Sized + Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(float_repr(value).as_bytes())
    }

    /// `ensure_ascii`: anything beyond ASCII as `\uXXXX`, in UTF-16.
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut units = [0u16; 2];
        let mut rest = fragment;
        while let Some(at) = rest.find(|c: char| !c.is_ascii()) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

/// `repr(value)` of a Python float: the shortest digits that round-trip,
/// positional for exponents from -4 to 15, else `d.ddde+XX`.
pub fn float_repr(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sci = format!("{:e}", value.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let sign = if value.is_sign_negative() { "-" } else { "" };
    // The decimal point sits after `point` digits.
    let point = exponent + 1;
    let n = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let body = if (-3..=16).contains(&point) {
        if point <= 0 {
            format!("0.{}{digits}", "0".repeat(usize::try_from(-point).unwrap_or(0)))
        } else if point >= n {
            format!("{digits}{}.0", "0".repeat(usize::try_from(point - n).unwrap_or(0)))
        } else {
            let split = usize::try_from(point).unwrap_or(0);
            format!("{}.{}", &digits[..split], &digits[split..])
        }
    } else {
        let (first, more) = digits.split_at(1);
        let fraction = if more.is_empty() { String::new() } else { format!(".{more}") };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{first}{fraction}e{exp_sign}{:02}", exponent.abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::float_repr;

    #[test]
    fn floats_as_python_repr() {
        let cases = [
            (0.0, "0.0"),
            (100.0, "100.0"),
            (50.0, "50.0"),
            (58.333_333_333_333_336, "58.333333333333336"),
            (66.666_666_666_666_67, "66.66666666666667"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000_012_5, "1.25e-05"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e15, "1000000000000000.0"),
            (123.456, "123.456"),
            (-2.5, "-2.5"),
            (1e22, "1e+22"),
        ];
        for (value, text) in cases {
            assert_eq!(float_repr(value), text, "{value}");
        }
    }
}
