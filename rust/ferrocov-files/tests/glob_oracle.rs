//! Glob semantics checked against a table recorded from coverage.py 7.17.3
//! (`gen_glob_table.py` regenerates it with the oracle interpreter).
use ferrocov_files::globs_to_regex;
use serde_json::Value;

fn table() -> Vec<Value> {
    let text = include_str!("data/glob_table.json");
    serde_json::from_str::<Value>(text).expect("table is JSON").as_array().expect("rows").clone()
}

#[test]
fn glob_matches_equal_the_oracle() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for row in table().iter().filter(|r| r[0] == "match") {
        let pats: Vec<String> = row[1].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
        let (ci, partial) = (row[2].as_bool().unwrap(), row[3].as_bool().unwrap());
        let path = row[4].as_str().unwrap();
        let expected = row[5].as_bool().unwrap();
        let rx = globs_to_regex(&pats, ci, partial).unwrap_or_else(|e| panic!("{pats:?}: {e}"));
        if rx.is_match(path) != expected {
            wrong.push(format!("{pats:.60?} ci={ci} partial={partial} {path:?}: expected {expected}"));
        }
        checked += 1;
    }
    assert!(checked > 7000, "only {checked} rows");
    assert!(wrong.is_empty(), "{} mismatches:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn glob_errors_equal_the_oracle() {
    for row in table().iter().filter(|r| r[0] != "match") {
        let pats: Vec<String> = row[1].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
        let got = globs_to_regex(&pats, row[2].as_bool().unwrap(), row[3].as_bool().unwrap());
        match row[0].as_str().unwrap() {
            "error" => assert_eq!(got.map(|_| ()).unwrap_err().to_string(), row[5].as_str().unwrap(), "{pats:?}"),
            _ => assert!(got.is_ok(), "{pats:?}"),
        }
    }
}
