//! The `--fail-under` decision and its message.

use crate::display::display_covered;
use crate::error::ReportError;
use crate::rounding::{fixed, py_round, shortest_decimal_places};

/// Decimal places the comparison uses: the report's precision, or more if
/// the threshold itself has more (fail_under=80.25 compares at 2 places).
fn effective_precision(fail_under: f64, precision: i64) -> i64 {
    if fail_under == fail_under.trunc() {
        return precision;
    }
    let places = i64::try_from(shortest_decimal_places(fail_under)).unwrap_or(i64::MAX);
    precision.max(places)
}

fn check_range(fail_under: f64) -> Result<(), ReportError> {
    if (0.0..=100.0).contains(&fail_under) {
        Ok(())
    } else {
        Err(ReportError::InvalidFailUnder(fail_under))
    }
}

/// Whether `total` (a percentage) fails the `fail_under` threshold. A total
/// must really be 100 to pass a threshold of 100; otherwise it is rounded to
/// the effective precision first.
pub fn should_fail_under(total: f64, fail_under: f64, precision: i64) -> Result<bool, ReportError> {
    check_range(fail_under)?;
    if fail_under == 100.0 && total != 100.0 {
        return Ok(true);
    }
    Ok(py_round(total, effective_precision(fail_under, precision)) < fail_under)
}

/// "total of T is less than fail-under=F", both shown at the precision the
/// check used.
pub fn format_fail_under_msg(total: f64, fail_under: f64, precision: i64) -> Result<String, ReportError> {
    let places = effective_precision(fail_under, precision);
    let places = usize::try_from(places).map_err(|_| ReportError::NegativePrecision(places))?;
    let shown_total = if fail_under == 100.0 && total != 100.0 {
        // Keep "99" for 99.9: the 100 case compares unrounded values.
        display_covered(total, places)
    } else {
        fixed(py_round(total, i64::try_from(places).unwrap_or(i64::MAX)), places)
    };
    Ok(format!("total of {shown_total} is less than fail-under={}", fixed(fail_under, places)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert!(!should_fail_under(50.0, 50.0, 0).unwrap());
        assert!(should_fail_under(49.9, 50.0, 1).unwrap());
        assert!(!should_fail_under(49.5, 50.0, 0).unwrap()); // rounds to 50 (even)
        assert!(should_fail_under(48.5, 49.0, 0).unwrap()); // rounds to 48 (even)
        assert!(should_fail_under(99.99, 100.0, 0).unwrap());
        assert!(!should_fail_under(100.0, 100.0, 0).unwrap());
        assert!(should_fail_under(80.24, 80.25, 0).unwrap());
        assert!(!should_fail_under(80.254, 80.25, 0).unwrap());
        assert!(!should_fail_under(0.0, 0.0, 0).unwrap());
    }

    #[test]
    fn out_of_range_threshold() {
        let err = should_fail_under(50.0, 101.0, 0).unwrap_err();
        assert_eq!(err.to_string(), "fail_under=101.0 is invalid. Must be between 0 and 100.");
        assert!(should_fail_under(50.0, -0.5, 0).is_err());
        assert!(should_fail_under(50.0, f64::NAN, 0).is_err());
    }

    #[test]
    fn messages() {
        assert_eq!(format_fail_under_msg(99.9, 100.0, 0).unwrap(), "total of 99 is less than fail-under=100");
        assert_eq!(format_fail_under_msg(80.24, 80.25, 0).unwrap(), "total of 80.24 is less than fail-under=80.25");
        assert_eq!(format_fail_under_msg(42.0, 50.0, 1).unwrap(), "total of 42.0 is less than fail-under=50.0");
    }
}
