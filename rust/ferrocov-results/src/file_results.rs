//! Results of many files in one call: each source read once, analyzed
//! (with arcs when the data has them) and combined with what was measured,
//! on every core.
use std::collections::BTreeSet;
use std::path::PathBuf;

use ferrocov_analysis::{analyze_source, read_python_source, AnalysisError, AnalysisOptions, ExcludeRegex};
use rayon::prelude::*;

use crate::{FileResult, Measured};

/// A file to report: its source and what the data holds for it.
#[derive(Debug, Clone)]
pub struct FileToReport {
    pub source: PathBuf,
    /// The source text when it is not read from `source` on disk (a module
    /// inside a zip file, read by the Python layer).
    pub text: Option<String>,
    pub measured: Measured,
}

/// How to analyze: the analysis options (exclusions, version; arcs are
/// analyzed for files measured with arcs) and the joined
/// `partial_branches` regex.
#[derive(Debug, Clone)]
pub struct ResultOptions {
    pub analysis: AnalysisOptions,
    pub partial: Option<String>,
}

/// The results of `files`, in their order; a file that can't be read or
/// parsed gives its error and the others go on.
pub fn file_results(files: &[FileToReport], opts: &ResultOptions) -> Vec<Result<FileResult, AnalysisError>> {
    files.par_iter().map(|file| file_result(file, opts)).collect()
}

fn file_result(file: &FileToReport, opts: &ResultOptions) -> Result<FileResult, AnalysisError> {
    let filename = file.source.to_string_lossy();
    let text = match &file.text {
        Some(text) => text.clone(),
        None => read_python_source(&file.source)?,
    };
    let mut analysis_opts = opts.analysis.clone();
    analysis_opts.arcs = file.measured.arcs.is_some();
    let analysis = analyze_source(&text, &filename, &analysis_opts)?;
    let no_branch = match (&file.measured.arcs, opts.partial.as_deref().filter(|p| !p.is_empty())) {
        (Some(_), Some(pattern)) => no_branch_lines(&text, pattern, &analysis.multiline, &filename)?,
        _ => BTreeSet::new(),
    };
    Ok(FileResult::new(&analysis, no_branch, &file.measured))
}

/// Lines matching `partial_branches`, as first lines.
fn no_branch_lines(
    text: &str,
    pattern: &str,
    multiline: &std::collections::HashMap<u32, u32>,
    filename: &str,
) -> Result<BTreeSet<u32>, AnalysisError> {
    let regex = ExcludeRegex::new(pattern).map_err(|message| AnalysisError::NotPython {
        filename: filename.to_string(),
        message: format!("bad partial_branches regex: {message}"),
        line: Some(0),
    })?;
    Ok(regex.lines_matching(text, multiline))
}
