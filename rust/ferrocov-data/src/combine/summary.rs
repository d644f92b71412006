//! What a combine did: the counts coverage.py reports, and the steps it
//! reports one by one (as warnings or debug output, worded by the caller).

use crate::error::DataError;

/// One step of a combine, in the order the files are handled.
#[derive(Debug)]
pub enum CombineEvent {
    /// The target's own file is among the inputs: never merged into itself.
    SkippedOurself(String),
    /// About to merge this file.
    Combining(String),
    /// Merged.
    Combined(String),
    /// Its data is a duplicate of a file merged before: not merged again.
    Duplicate(String),
    /// It couldn't be read as a data file; it stays where it is.
    Unusable { path: String, error: DataError },
    /// About to delete this input (merged or duplicate, without `keep`).
    Deleting(String),
}

/// How many inputs were merged, skipped as duplicates, or unusable.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CombineSummary {
    pub combined: usize,
    pub skipped: usize,
    pub errored: usize,
}

impl CombineSummary {
    /// coverage.py's closing line, e.g. "Combined 2 files, skipped 1, 1 file
    /// errored"; none when there was no input at all.
    pub fn message(&self) -> Option<String> {
        if self.combined + self.skipped + self.errored == 0 {
            return None;
        }
        let mut msg = format!("Combined {}", plural(self.combined, "file"));
        if self.skipped > 0 {
            msg.push_str(&format!(", skipped {}", self.skipped));
        }
        if self.errored > 0 {
            msg.push_str(&format!(", {} errored", plural(self.errored, "file")));
        }
        Some(msg)
    }
}

fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_words_as_coverage_py() {
        let summary = |combined, skipped, errored| CombineSummary { combined, skipped, errored }.message();
        assert_eq!(summary(0, 0, 0), None);
        assert_eq!(summary(1, 0, 0).as_deref(), Some("Combined 1 file"));
        assert_eq!(summary(2, 3, 0).as_deref(), Some("Combined 2 files, skipped 3"));
        assert_eq!(summary(0, 0, 1).as_deref(), Some("Combined 0 files, 1 file errored"));
        assert_eq!(summary(1, 1, 2).as_deref(), Some("Combined 1 file, skipped 1, 2 files errored"));
    }
}
