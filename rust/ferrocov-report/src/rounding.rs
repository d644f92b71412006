//! Python's `round(x, n)` and `f"{x:.nf}"` for floats.
//!
//! CPython rounds to the decimal digits of the exact binary value, ties to
//! even, then parses that decimal back into a float; percentages near a
//! boundary (87.5, 0.125, ...) must land on the same side here.

/// `round(value, ndigits)` as CPython computes it for a float.
pub fn py_round(value: f64, ndigits: i64) -> f64 {
    // CPython's own cut-offs: beyond them the result is `value` or zero.
    const MAX_DIGITS: i64 = 323;
    const MIN_DIGITS: i64 = -308;
    if !value.is_finite() || ndigits > MAX_DIGITS {
        return value;
    }
    if ndigits < MIN_DIGITS {
        return 0.0 * value;
    }
    match usize::try_from(ndigits) {
        Ok(places) => fixed(value, places).parse().unwrap_or(value),
        Err(_) => round_to_power_of_ten(value, ndigits.unsigned_abs()),
    }
}

/// `f"{value:.{places}f}"`: Rust's fixed formatting is exact, ties to even.
pub fn fixed(value: f64, places: usize) -> String {
    format!("{value:.places$}")
}

/// Round to a multiple of 10**power (a negative `ndigits`), ties to even.
fn round_to_power_of_ten(value: f64, power: u64) -> f64 {
    let step: f64 = format!("1e{power}").parse().unwrap_or(f64::INFINITY);
    if !step.is_finite() {
        return 0.0 * value;
    }
    // `%` on floats is exact, so the remainder decides ties exactly.
    let rem = value % step;
    let down = value - rem;
    let half = step / 2.0;
    let away = down + step.copysign(value);
    let magnitude = rem.abs();
    let tie_to_odd = magnitude == half && (down / step) % 2.0 != 0.0;
    if magnitude > half || tie_to_odd {
        away
    } else {
        down
    }
}

/// Number of decimal places in Python's shortest `str(value)`, as
/// `Decimal(str(value)).as_tuple().exponent` would report them (negated).
pub fn shortest_decimal_places(value: f64) -> usize {
    let text = format!("{value}");
    text.split_once('.').map_or(0, |(_, frac)| frac.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_to_even_on_the_exact_binary_value() {
        assert_eq!(py_round(0.125, 2), 0.12);
        assert_eq!(py_round(0.375, 2), 0.38);
        assert_eq!(py_round(2.675, 2), 2.67); // 2.67499999...
        assert_eq!(py_round(87.5, 0), 88.0);
        assert_eq!(py_round(86.5, 0), 86.0);
        assert_eq!(fixed(0.5, 0), "0");
        assert_eq!(fixed(1.5, 0), "2");
        assert_eq!(fixed(99.95, 1), "100.0"); // 99.9500000000000028...
    }

    #[test]
    fn negative_digits_round_to_tens() {
        assert_eq!(py_round(75.0, -1), 80.0);
        assert_eq!(py_round(65.0, -1), 60.0);
        assert_eq!(py_round(64.9, -1), 60.0);
        assert_eq!(py_round(-75.0, -1), -80.0);
        assert_eq!(py_round(1234.0, -2), 1200.0);
    }

    #[test]
    fn decimal_places_of_shortest_repr() {
        assert_eq!(shortest_decimal_places(80.5), 1);
        assert_eq!(shortest_decimal_places(0.1), 1);
        assert_eq!(shortest_decimal_places(99.99), 2);
        assert_eq!(shortest_decimal_places(1e-5), 5);
        assert_eq!(shortest_decimal_places(80.0), 0);
    }
}
