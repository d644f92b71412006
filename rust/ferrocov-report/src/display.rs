//! How a percentage is shown (`coverage.results.display_covered`).

use crate::error::ReportError;
use crate::rounding::{fixed, py_round};

/// A percentage rounded to `precision` places, except that rounding never
/// shows "0" for a value above zero nor "100" for a value below 100: those
/// are pulled to the nearest displayable value inside the range instead.
pub fn display_covered(pc: f64, precision: usize) -> String {
    let near0 = 1.0 / power_of_ten(precision);
    let shown = if 0.0 < pc && pc < near0 {
        near0
    } else if (100.0 - near0) < pc && pc < 100.0 {
        100.0 - near0
    } else {
        py_round(pc, i64::try_from(precision).unwrap_or(i64::MAX))
    };
    fixed(shown, precision)
}

/// `display_covered` for a precision that comes from user input.
pub fn display_covered_checked(pc: f64, precision: i64) -> Result<String, ReportError> {
    let places = usize::try_from(precision).map_err(|_| ReportError::NegativePrecision(precision))?;
    Ok(display_covered(pc, places))
}

/// `10 ** precision` converted to a float the way Python converts an int:
/// correctly rounded, via the decimal literal.
fn power_of_ten(precision: usize) -> f64 {
    format!("1e{precision}").parse().unwrap_or(f64::INFINITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_zero_or_hundred_by_rounding() {
        assert_eq!(display_covered(0.0, 0), "0");
        assert_eq!(display_covered(0.1, 0), "1");
        assert_eq!(display_covered(0.001, 2), "0.01");
        assert_eq!(display_covered(99.9, 0), "99");
        assert_eq!(display_covered(99.999, 2), "99.99");
        assert_eq!(display_covered(100.0, 0), "100");
        assert_eq!(display_covered(100.0, 2), "100.00");
        assert_eq!(display_covered(58.333_333_333_333_336, 2), "58.33");
        assert_eq!(display_covered(87.5, 0), "88");
        assert_eq!(display_covered(62.5, 0), "62");
        assert_eq!(display_covered(50.0, 3), "50.000");
    }

    #[test]
    fn negative_precision_is_an_error() {
        assert_eq!(
            display_covered_checked(50.0, -1).unwrap_err().to_string(),
            "precision=-1 is invalid. Must not be negative."
        );
        assert_eq!(display_covered_checked(50.0, 1).unwrap(), "50.0");
    }
}
