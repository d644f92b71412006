//! Coverage counts for one file or a total (`coverage.results.Numbers`).

use std::ops::{Add, AddAssign};

/// The counts coverage.py keeps per file (`coverage.results.Numbers`);
/// adding them gives the totals of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Numbers {
    pub n_files: u64,
    pub n_statements: u64,
    pub n_excluded: u64,
    pub n_missing: u64,
    pub n_branches: u64,
    pub n_partial_branches: u64,
    pub n_missing_branches: u64,
}

impl Numbers {
    /// Statements that ran.
    pub fn n_executed(&self) -> i128 {
        i128::from(self.n_statements) - i128::from(self.n_missing)
    }

    /// Branches that were taken.
    pub fn n_executed_branches(&self) -> i128 {
        i128::from(self.n_branches) - i128::from(self.n_missing_branches)
    }

    /// (executed, total) statements.
    pub fn ratio_statements(&self) -> (i128, i128) {
        (self.n_executed(), i128::from(self.n_statements))
    }

    /// (taken, total) branches.
    pub fn ratio_branches(&self) -> (i128, i128) {
        (self.n_executed_branches(), i128::from(self.n_branches))
    }

    /// (covered, coverable): statements and branches counted together.
    pub fn ratio_covered(&self) -> (i128, i128) {
        (self.n_executed() + self.n_executed_branches(), i128::from(self.n_statements) + i128::from(self.n_branches))
    }

    /// The coverage percentage; a file with nothing to cover is 100%.
    pub fn pc_covered(&self) -> f64 {
        let (numerator, denominator) = self.ratio_covered();
        percent(numerator, denominator)
    }

    /// The percentage of statements executed.
    pub fn pc_statements(&self) -> f64 {
        percent(self.n_executed(), i128::from(self.n_statements))
    }

    /// The percentage of branches taken.
    pub fn pc_branches(&self) -> f64 {
        percent(self.n_executed_branches(), i128::from(self.n_branches))
    }
}

/// Same float operations as coverage.py, so the value is bit-identical.
#[allow(clippy::cast_precision_loss)] // Python converts these ints the same way.
fn percent(numerator: i128, denominator: i128) -> f64 {
    if denominator > 0 {
        (100.0 * numerator as f64) / denominator as f64
    } else {
        100.0
    }
}

impl Add for Numbers {
    type Output = Numbers;

    fn add(self, other: Numbers) -> Numbers {
        Numbers {
            n_files: self.n_files + other.n_files,
            n_statements: self.n_statements + other.n_statements,
            n_excluded: self.n_excluded + other.n_excluded,
            n_missing: self.n_missing + other.n_missing,
            n_branches: self.n_branches + other.n_branches,
            n_partial_branches: self.n_partial_branches + other.n_partial_branches,
            n_missing_branches: self.n_missing_branches + other.n_missing_branches,
        }
    }
}

impl AddAssign for Numbers {
    fn add_assign(&mut self, other: Numbers) {
        *self = *self + other;
    }
}

impl std::iter::Sum for Numbers {
    fn sum<I: Iterator<Item = Numbers>>(iter: I) -> Numbers {
        iter.fold(Numbers::default(), Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(stmts: u64, miss: u64, branches: u64, missing_branches: u64) -> Numbers {
        Numbers {
            n_files: 1,
            n_statements: stmts,
            n_missing: miss,
            n_branches: branches,
            n_missing_branches: missing_branches,
            ..Numbers::default()
        }
    }

    #[test]
    fn percentages() {
        assert_eq!(nums(0, 0, 0, 0).pc_covered(), 100.0);
        assert_eq!(nums(4, 1, 0, 0).pc_covered(), 75.0);
        assert_eq!(nums(8, 4, 2, 1).pc_covered(), 50.0);
        assert_eq!(nums(10, 4, 2, 1).pc_covered(), 700.0 / 12.0);
        assert_eq!(nums(3, 1, 2, 2).pc_statements(), 200.0 / 3.0);
        assert_eq!(nums(3, 1, 2, 2).pc_branches(), 0.0);
        assert_eq!(nums(3, 1, 0, 0).pc_branches(), 100.0);
        assert_eq!(nums(10, 4, 2, 1).ratio_covered(), (7, 12));
        assert_eq!(nums(10, 4, 2, 1).ratio_statements(), (6, 10));
        assert_eq!(nums(10, 4, 2, 1).ratio_branches(), (1, 2));
    }

    #[test]
    fn totals_add_up() {
        let total: Numbers = [nums(2, 0, 0, 0), nums(8, 4, 2, 1)].into_iter().sum();
        assert_eq!(total, nums(10, 4, 2, 1) + Numbers { n_files: 1, ..Numbers::default() });
        let mut acc = Numbers::default();
        acc += nums(1, 1, 0, 0);
        assert_eq!(acc.n_missing, 1);
    }
}
