//! The counts shown in a row of an index or a page header.

use ferrocov_results::Numbers;
use serde_json::{json, Value};

use crate::display::display_covered;

/// A row's numbers, with the percentage both shown (rounded as the text
/// report rounds it) and raw (for sorting).
pub fn numbers_json(n: &Numbers, precision: usize) -> Value {
    let pc = n.pc_covered();
    json!({
        "statements": n.n_statements,
        "missing": n.n_missing,
        "excluded": n.n_excluded,
        "run": n.n_executed(),
        "branches": n.n_branches,
        "partial": n.n_partial_branches,
        "missing_branches": n.n_missing_branches,
        "pc": display_covered(pc, precision),
        "pc_raw": pc,
        "covered": n.n_missing == 0 && n.n_partial_branches == 0,
        "empty": n.n_statements == 0,
    })
}
