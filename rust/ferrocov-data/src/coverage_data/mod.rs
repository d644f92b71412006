//! `CoverageData`: measured lines, arcs, contexts and file tracers, stored in
//! a coverage.py schema-7 SQLite file (or in memory).
//!
//! Behaviour follows coverage.py's `CoverageData`: data is written through
//! to the database as it is added (one transaction per call, which is how
//! the tracer hands everything over at save time); a data object that adds
//! data without having read its file first starts the file afresh; a file
//! is a database of lines or of arcs, never both. Connections to disk files
//! are closed after every call (unless held open for a batch of reads), so
//! erasing, renaming or forking between calls never writes to a stale file.
//!
//! The methods live in one child module per concern: `connection`,
//! `lifecycle`, `record`, `query`, `merge` and `dump`.

mod connection;
mod dump;
mod lifecycle;
mod merge;
mod query;
mod record;

pub use lifecycle::files_with_prefix;
pub(crate) use merge::{fix_separators, ForeignData};

use std::collections::HashMap;
use std::path::PathBuf;

use rusqlite::Connection;

use crate::db;
use crate::error::Result;
use crate::hasher::DataHasher;
use crate::suffix::{fill_random, parallel_suffix};

/// What to append to the base file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suffix {
    /// The base name itself.
    None,
    /// `<base>.<suffix>`.
    Fixed(String),
    /// A parallel-mode name, `<base>.<host>.pid<pid>.X<random>x`, chosen anew
    /// in each process; `write()` adds the `.H<digest>h` part.
    Parallel,
}

impl From<Option<String>> for Suffix {
    fn from(value: Option<String>) -> Self {
        value.map_or(Suffix::None, Suffix::Fixed)
    }
}

/// Everything that decides where and how a `CoverageData` stores its data.
#[derive(Debug, Clone)]
pub struct DataOptions {
    /// Base file name, `.coverage` when absent; relative to the current directory.
    pub basename: Option<PathBuf>,
    pub suffix: Suffix,
    /// Keep the data in memory only.
    pub no_disk: bool,
    /// Only ever read the file (combine inputs).
    pub read_only: bool,
    /// Record `sys_argv` and `when` even without a parallel suffix
    /// (coverage.py does so under `debug=process`).
    pub process_meta: bool,
    /// `str(sys.argv)` to store in `meta`; this process's arguments when absent.
    pub sys_argv: Option<String>,
    /// The version stored in `meta.version`; coverage.py's when absent.
    pub version: Option<String>,
    /// The measuring interpreter's version (`"3.12.1"`), stored in
    /// `meta.python_version` when given; coverage.py ignores the key.
    pub python_version: Option<String>,
}

impl Default for DataOptions {
    fn default() -> Self {
        Self {
            basename: None,
            suffix: Suffix::None,
            no_disk: false,
            read_only: false,
            process_meta: false,
            sys_argv: None,
            version: None,
            python_version: None,
        }
    }
}

/// What a data object does to its file, reported to an observer (this is
/// what coverage.py's `debug=dataio` prints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataEvent {
    /// Connections closed; `opened` tells whether the file had been opened.
    Closing {
        filename: String,
        force: bool,
        opened: bool,
    },
    Erasing(String),
    ErasingParallel(String),
    Opening(String),
    Initing(String),
    WritingNoop(String),
    Finishing(String),
    Renaming(String),
}

/// Receives `DataEvent`s (e.g. to write debug output).
pub type DataObserver = Box<dyn FnMut(&DataEvent) + Send>;

pub struct CoverageData {
    options: DataOptions,
    basename: String,
    filename: String,
    conn: Option<Connection>,
    /// Nesting depth of `hold_open`: while positive, disk connections stay open.
    hold_depth: u32,
    /// The file's metadata has been read into `file_map` and the flags.
    opened: bool,
    journal_checked: bool,
    file_map: HashMap<String, i64>,
    have_used: bool,
    has_lines: bool,
    has_arcs: bool,
    current_context: Option<String>,
    current_context_id: Option<i64>,
    query_context_ids: Option<Vec<i64>>,
    pid: u32,
    hasher: DataHasher,
    wrote_hash: bool,
    observer: Option<DataObserver>,
}

/// A fallible path renamer for `update_with`.
pub type MapPath<'a> = &'a mut dyn FnMut(&str) -> Result<String>;

impl CoverageData {
    /// A data object for `path` (default `.coverage`) with an optional fixed suffix.
    pub fn new(path: Option<PathBuf>, suffix: Option<String>, no_disk: bool) -> Self {
        Self::with_options(DataOptions { basename: path, suffix: suffix.into(), no_disk, ..DataOptions::default() })
    }

    pub fn with_options(options: DataOptions) -> Self {
        let base = options.basename.clone().unwrap_or_else(|| PathBuf::from(".coverage"));
        let base = if base.as_os_str().is_empty() { PathBuf::from(".coverage") } else { base };
        let basename = db::abspath(&base).to_string_lossy().into_owned();
        let mut data = Self {
            options,
            basename,
            filename: String::new(),
            conn: None,
            hold_depth: 0,
            opened: false,
            journal_checked: false,
            file_map: HashMap::new(),
            have_used: false,
            has_lines: false,
            has_arcs: false,
            current_context: None,
            current_context_id: None,
            query_context_ids: None,
            pid: std::process::id(),
            hasher: DataHasher::new(),
            wrote_hash: false,
            observer: None,
        };
        data.choose_filename();
        data
    }

    fn choose_filename(&mut self) {
        self.filename = if self.options.no_disk {
            format!("file:coverage-{}?mode=memory&cache=shared", uuid4())
        } else {
            match &self.options.suffix {
                Suffix::None => self.basename.clone(),
                Suffix::Fixed(s) => format!("{}.{s}", self.basename),
                Suffix::Parallel => format!("{}.{}", self.basename, parallel_suffix()),
            }
        };
    }

    /// Report file operations to `observer` (or stop reporting with `None`).
    pub fn set_observer(&mut self, observer: Option<DataObserver>) {
        self.observer = observer;
    }

    fn emit(&mut self, event: DataEvent) {
        if let Some(observer) = self.observer.as_mut() {
            observer(&event);
        }
    }

    // ----- file names and flags -------------------------------------------------

    /// The absolute base file name.
    pub fn base_filename(&self) -> &str {
        &self.basename
    }

    /// The file the data is stored in (a memory URI for `no_disk`).
    pub fn data_filename(&self) -> &str {
        &self.filename
    }

    pub fn no_disk(&self) -> bool {
        self.options.no_disk
    }

    pub fn read_only(&self) -> bool {
        self.options.read_only
    }

    /// Does the data hold arcs (branch data) rather than lines?
    pub fn has_arcs(&self) -> bool {
        self.has_arcs
    }

    /// Does the data hold lines? (False for a data object that chose nothing yet.)
    pub fn has_lines(&self) -> bool {
        self.has_lines
    }

    /// The measured files known so far (after `read()` or adding data).
    pub fn measured_files(&self) -> Vec<String> {
        let mut files: Vec<String> = self.file_map.keys().cloned().collect();
        files.sort();
        files
    }

    pub fn current_context(&self) -> Option<&str> {
        self.current_context.as_deref()
    }
}

/// The version of the SQLite library we link.
pub fn sqlite_version() -> &'static str {
    rusqlite::version()
}

/// A random (version 4) UUID, to name an in-memory database.
fn uuid4() -> String {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}
