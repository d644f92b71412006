//! The English of arcs: "line 5 didn't jump to line 7 because the condition
//! on line 5 was always true", as coverage.py words it.

use super::facts::Fragment;
use crate::SourceAnalysis;

impl SourceAnalysis {
    /// Why the arc `start -> end` might not have run, as a sentence.
    pub fn missing_arc_description(&self, start: i32, end: i32) -> String {
        let unknown = [Fragment { cause: None, action: None }];
        let fragments = self.fragments_of(start, end).unwrap_or(&unknown);
        let sentences: Vec<String> = fragments
            .iter()
            .map(|fragment| {
                let action = finish_action(fragment.action.as_deref(), end);
                let mut sentence = format!("line {start} didn't {action}");
                if let Some(cause) = fragment.cause {
                    sentence.push_str(" because ");
                    sentence.push_str(&cause.replace("{lineno}", &start.to_string()));
                }
                sentence
            })
            .collect();
        sentences.join(" or ")
    }

    /// What the arc `start -> end` does ("jump to line 7").
    pub fn arc_description(&self, start: i32, end: i32) -> String {
        let action = self.fragments_of(start, end).and_then(|f| f.first()).and_then(|f| f.action.as_deref());
        finish_action(action, end)
    }

    fn fragments_of(&self, start: i32, end: i32) -> Option<&[Fragment]> {
        self.arcs.as_ref()?.fragments.get(&(start, end)).map(Vec::as_slice)
    }
}

fn finish_action(action: Option<&str>, end: i32) -> String {
    let template = action.unwrap_or(if end < 0 { "jump to the function exit" } else { "jump to line {lineno}" });
    template.replace("{lineno}", &end.to_string())
}
