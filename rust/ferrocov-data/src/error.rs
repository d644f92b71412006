//! The errors the data layer reports, worded exactly as coverage.py words them.
//!
//! Messages quote file names with Python's `repr` because users (and
//! coverage.py's tests) match on them.

use crate::pyrepr::py_repr;

/// Which coverage.py exception class an error becomes in Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    Data,
    NoData,
    Config,
}

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("Couldn't use data file {}: {}", py_repr(.filename), sqlite_detail(.source))]
    Sqlite { filename: String, source: rusqlite::Error },

    #[error("Couldn't use data file {}: wrong schema: {found} instead of {expected}", py_repr(.filename))]
    WrongSchema { filename: String, found: String, expected: i64 },

    #[error("Data file {} isn't a coverage data file: {detail}", py_repr(.filename))]
    NotCoverageData { filename: String, detail: String },

    #[error("Couldn't use data file {}: it has a journal file to roll back", py_repr(.filename))]
    HotJournal { filename: String },

    #[error("Couldn't use data file {}: it doesn't exist", py_repr(.filename))]
    Missing { filename: String },

    #[error("Couldn't use data file {}: {source}", py_repr(.filename))]
    Io { filename: String, source: std::io::Error },

    #[error("Can't add line measurements to existing branch data")]
    LinesIntoArcs,

    #[error("Can't add branch measurements to existing line data")]
    ArcsIntoLines,

    #[error(
        "Can't combine branch coverage data with statement data: data file {} measured branch coverage, but data file {} didn't",
        py_repr(.other), py_repr(.ours)
    )]
    CombineArcsIntoLines { other: String, ours: String },

    #[error(
        "Can't combine statement coverage data with branch data: data file {} didn't measure branch coverage, but data file {} did",
        py_repr(.other), py_repr(.ours)
    )]
    CombineLinesIntoArcs { other: String, ours: String },

    #[error("Conflicting file tracer name for {}: {} vs {}", py_repr(.path), py_repr(.ours), py_repr(.theirs))]
    ConflictingTracer { path: String, ours: String, theirs: String },

    #[error("Can't touch files in an empty CoverageData")]
    TouchEmpty,

    #[error("Can't purge files in an empty CoverageData")]
    PurgeEmpty,

    #[error("Invalid context regex {}: {reason}", py_repr(.pattern))]
    BadContextRegex { pattern: String, reason: String },

    #[error("Couldn't map the path {}", py_repr(.0))]
    MapPath(String),

    #[error("Couldn't combine from non-existent path '{0}'")]
    NoCombinePath(String),

    /// A strict combine found no data files at all.
    #[error("No data to combine")]
    NoDataToCombine,

    /// A strict combine found data files, but none it could read.
    #[error("No usable data files")]
    NoUsableDataFiles,
}

impl DataError {
    /// The coverage.py exception class this error is raised as.
    pub fn class(&self) -> ErrorClass {
        match self {
            DataError::BadContextRegex { .. } => ErrorClass::Config,
            DataError::NoCombinePath(_) | DataError::NoDataToCombine | DataError::NoUsableDataFiles => {
                ErrorClass::NoData
            }
            _ => ErrorClass::Data,
        }
    }

    /// The documentation slug coverage.py attaches to some errors.
    pub fn slug(&self) -> Option<&'static str> {
        match self {
            DataError::CombineArcsIntoLines { .. } | DataError::CombineLinesIntoArcs { .. } => Some("cant-combine"),
            _ => None,
        }
    }

    pub(crate) fn sqlite(filename: &str, source: rusqlite::Error) -> Self {
        DataError::Sqlite { filename: filename.to_owned(), source }
    }
}

pub type Result<T> = std::result::Result<T, DataError>;

/// Python's sqlite3 renders an error as "<message>" and coverage.py appends
/// ": (<SQLITE_ERROR_NAME>)"; reproduce both parts.
fn sqlite_detail(err: &rusqlite::Error) -> String {
    match err {
        rusqlite::Error::SqliteFailure(code, message) => {
            let text = message.clone().unwrap_or_else(|| code.to_string());
            match error_code_name(code.extended_code) {
                Some(name) => format!("{text}: ({name})"),
                None => text,
            }
        }
        // A statement that fails to prepare carries the message separately.
        rusqlite::Error::SqlInputError { error, msg, .. } => match error_code_name(error.extended_code) {
            Some(name) => format!("{msg}: ({name})"),
            None => msg.clone(),
        },
        other => other.to_string(),
    }
}

/// The symbolic names Python's `sqlite3.Error.sqlite_errorname` reports.
fn error_code_name(code: std::ffi::c_int) -> Option<&'static str> {
    let name = match code {
        1 => "SQLITE_ERROR",
        2 => "SQLITE_INTERNAL",
        3 => "SQLITE_PERM",
        4 => "SQLITE_ABORT",
        5 => "SQLITE_BUSY",
        6 => "SQLITE_LOCKED",
        7 => "SQLITE_NOMEM",
        8 => "SQLITE_READONLY",
        9 => "SQLITE_INTERRUPT",
        10 => "SQLITE_IOERR",
        11 => "SQLITE_CORRUPT",
        12 => "SQLITE_NOTFOUND",
        13 => "SQLITE_FULL",
        14 => "SQLITE_CANTOPEN",
        15 => "SQLITE_PROTOCOL",
        16 => "SQLITE_EMPTY",
        17 => "SQLITE_SCHEMA",
        18 => "SQLITE_TOOBIG",
        19 => "SQLITE_CONSTRAINT",
        20 => "SQLITE_MISMATCH",
        21 => "SQLITE_MISUSE",
        22 => "SQLITE_NOLFS",
        23 => "SQLITE_AUTH",
        24 => "SQLITE_FORMAT",
        25 => "SQLITE_RANGE",
        26 => "SQLITE_NOTADB",
        27 => "SQLITE_NOTICE",
        28 => "SQLITE_WARNING",
        257 => "SQLITE_ERROR_MISSING_COLLSEQ",
        261 => "SQLITE_BUSY_RECOVERY",
        262 => "SQLITE_LOCKED_SHAREDCACHE",
        264 => "SQLITE_READONLY_RECOVERY",
        266 => "SQLITE_IOERR_READ",
        267 => "SQLITE_CORRUPT_VTAB",
        270 => "SQLITE_CANTOPEN_NOTEMPDIR",
        275 => "SQLITE_CONSTRAINT_CHECK",
        279 => "SQLITE_AUTH_USER",
        283 => "SQLITE_NOTICE_RECOVER_WAL",
        284 => "SQLITE_WARNING_AUTOINDEX",
        513 => "SQLITE_ERROR_RETRY",
        516 => "SQLITE_ABORT_ROLLBACK",
        517 => "SQLITE_BUSY_SNAPSHOT",
        518 => "SQLITE_LOCKED_VTAB",
        520 => "SQLITE_READONLY_CANTLOCK",
        522 => "SQLITE_IOERR_SHORT_READ",
        523 => "SQLITE_CORRUPT_SEQUENCE",
        526 => "SQLITE_CANTOPEN_ISDIR",
        531 => "SQLITE_CONSTRAINT_COMMITHOOK",
        539 => "SQLITE_NOTICE_RECOVER_ROLLBACK",
        769 => "SQLITE_ERROR_SNAPSHOT",
        773 => "SQLITE_BUSY_TIMEOUT",
        776 => "SQLITE_READONLY_ROLLBACK",
        778 => "SQLITE_IOERR_WRITE",
        779 => "SQLITE_CORRUPT_INDEX",
        782 => "SQLITE_CANTOPEN_FULLPATH",
        787 => "SQLITE_CONSTRAINT_FOREIGNKEY",
        1032 => "SQLITE_READONLY_DBMOVED",
        1034 => "SQLITE_IOERR_FSYNC",
        1038 => "SQLITE_CANTOPEN_CONVPATH",
        1043 => "SQLITE_CONSTRAINT_FUNCTION",
        1288 => "SQLITE_READONLY_CANTINIT",
        1290 => "SQLITE_IOERR_DIR_FSYNC",
        1294 => "SQLITE_CANTOPEN_DIRTYWAL",
        1299 => "SQLITE_CONSTRAINT_NOTNULL",
        1544 => "SQLITE_READONLY_DIRECTORY",
        1546 => "SQLITE_IOERR_TRUNCATE",
        1550 => "SQLITE_CANTOPEN_SYMLINK",
        1555 => "SQLITE_CONSTRAINT_PRIMARYKEY",
        1802 => "SQLITE_IOERR_FSTAT",
        1811 => "SQLITE_CONSTRAINT_TRIGGER",
        2058 => "SQLITE_IOERR_UNLOCK",
        2067 => "SQLITE_CONSTRAINT_UNIQUE",
        2314 => "SQLITE_IOERR_RDLOCK",
        2323 => "SQLITE_CONSTRAINT_VTAB",
        2570 => "SQLITE_IOERR_DELETE",
        2579 => "SQLITE_CONSTRAINT_ROWID",
        2826 => "SQLITE_IOERR_BLOCKED",
        2835 => "SQLITE_CONSTRAINT_PINNED",
        3082 => "SQLITE_IOERR_NOMEM",
        3338 => "SQLITE_IOERR_ACCESS",
        3594 => "SQLITE_IOERR_CHECKRESERVEDLOCK",
        3850 => "SQLITE_IOERR_LOCK",
        4106 => "SQLITE_IOERR_CLOSE",
        4362 => "SQLITE_IOERR_DIR_CLOSE",
        4618 => "SQLITE_IOERR_SHMOPEN",
        4874 => "SQLITE_IOERR_SHMSIZE",
        5130 => "SQLITE_IOERR_SHMLOCK",
        5386 => "SQLITE_IOERR_SHMMAP",
        5642 => "SQLITE_IOERR_SEEK",
        5898 => "SQLITE_IOERR_DELETE_NOENT",
        6154 => "SQLITE_IOERR_MMAP",
        6410 => "SQLITE_IOERR_GETTEMPPATH",
        6666 => "SQLITE_IOERR_CONVPATH",
        6922 => "SQLITE_IOERR_VNODE",
        7178 => "SQLITE_IOERR_AUTH",
        7434 => "SQLITE_IOERR_BEGIN_ATOMIC",
        7690 => "SQLITE_IOERR_COMMIT_ATOMIC",
        7946 => "SQLITE_IOERR_ROLLBACK_ATOMIC",
        8202 => "SQLITE_IOERR_DATA",
        8458 => "SQLITE_IOERR_CORRUPTFS",
        _ => return None,
    };
    Some(name)
}
