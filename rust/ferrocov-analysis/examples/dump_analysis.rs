//! Analyze the files listed on stdin and print JSON like
//! tests/oracle/analysis_dump.py, to compare with coverage.py.
//! Usage: dump_analysis MAJOR.MINOR < paths > out.json

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use ferrocov_analysis::{analyze_files, join_regex, AnalysisOptions, PythonVersion};

const DEFAULT_EXCLUDE: [&str; 3] = [
    r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)",
    r"^\s*(((async )?def .*?)?[\])]+(\s*->.*?)?:\s*)?\.\.\.\s*(#|$)",
    r"^\s*if (typing\.)?TYPE_CHECKING:",
];

fn main() {
    let version = std::env::args().nth(1).unwrap_or_else(|| "3.12".into());
    let (major, minor) = version.split_once('.').expect("MAJOR.MINOR");
    let opts = AnalysisOptions {
        exclude: join_regex(&DEFAULT_EXCLUDE.map(String::from)),
        version: PythonVersion::new(major.parse().unwrap(), minor.parse().unwrap()),
        arcs: false,
    };
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let paths: Vec<PathBuf> = input.lines().filter(|l| !l.is_empty()).map(PathBuf::from).collect();
    let start = Instant::now();
    let results = analyze_files(&paths, &opts);
    eprintln!("analyzed {} files in {:?}", paths.len(), start.elapsed());
    let mut out = serde_json::Map::new();
    for (path, result) in paths.iter().zip(results) {
        let value = match result {
            Ok(a) => serde_json::json!({"statements": a.statements, "excluded": a.excluded}),
            Err(e) => serde_json::json!({"error": "NotPython", "message": e.to_string()}),
        };
        out.insert(path.to_string_lossy().into_owned(), value);
    }
    println!("{}", serde_json::Value::Object(out));
}
