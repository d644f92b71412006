//! The `line-rate` / `branch-rate` numbers: a fraction as coverage.py's
//! `rate()` prints it.

/// `hit / num` as coverage.py's XML report writes it: "1" for all (or for
/// nothing to cover), "0" only for none, anything else kept strictly
/// between "0.0001" and "0.9999" and printed with `{:.4g}`.
pub fn rate(hit: u64, num: u64) -> String {
    if num == 0 || hit == num {
        return "1".to_owned();
    }
    if hit == 0 {
        return "0".to_owned();
    }
    #[allow(clippy::cast_precision_loss)] // Python converts these ints to float the same way.
    let frac = (hit as f64 / num as f64).clamp(0.0001, 0.9999);
    four_significant_digits(frac)
}

/// Python's `f"{frac:.4g}"` for `0.0001 <= frac <= 0.9999`.
///
/// `%g` rounds to four significant digits (as `%.3e` does, from the exact
/// binary value, ties to even: Rust's `{:.3e}` rounds the same way), then
/// writes the result in fixed notation because the exponent is between -4
/// and -1, and drops trailing zeros.
fn four_significant_digits(frac: f64) -> String {
    let scientific = format!("{frac:.3e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let text = if exponent < 0 {
        let zeros = "0".repeat(usize::try_from(-exponent - 1).unwrap_or(0));
        format!("0.{zeros}{digits}")
    } else {
        // Only reachable if rounding ever gave 1.000 (the clamp prevents it).
        format!("{}.{}", &digits[..1], &digits[1..])
    };
    let trimmed = text.trim_end_matches('0');
    trimmed.strip_suffix('.').unwrap_or(trimmed).to_owned()
}

#[cfg(test)]
mod tests {
    use super::rate;

    #[test]
    fn the_ends_are_exact() {
        assert_eq!(rate(0, 0), "1");
        assert_eq!(rate(5, 5), "1");
        assert_eq!(rate(0, 5), "0");
    }

    #[test]
    fn fractions_have_four_significant_digits() {
        assert_eq!(rate(1, 2), "0.5");
        assert_eq!(rate(10, 12), "0.8333");
        assert_eq!(rate(1, 3), "0.3333");
        assert_eq!(rate(2, 3), "0.6667");
        assert_eq!(rate(1, 16), "0.0625");
        assert_eq!(rate(1, 64), "0.01562"); // 0.015625: a tie, to even
        assert_eq!(rate(5, 32), "0.1562"); // 0.15625: a tie, to even
        assert_eq!(rate(3, 64), "0.04688"); // 0.046875: a tie, to even
        assert_eq!(rate(1, 300), "0.003333");
    }

    #[test]
    fn near_the_ends_never_shows_zero_or_one() {
        assert_eq!(rate(1, 100_000), "0.0001");
        assert_eq!(rate(99_999, 100_000), "0.9999");
        assert_eq!(rate(1, 1000), "0.001");
        assert_eq!(rate(999, 1000), "0.999");
    }
}
