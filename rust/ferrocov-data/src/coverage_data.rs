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

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use regex::Regex;
use rusqlite::{params, Connection, OptionalExtension};

use crate::db;
use crate::error::{DataError, Result};
use crate::hasher::DataHasher;
use crate::numbits::{numbits_to_nums, numbits_union, numbits_union_into, nums_to_numbits};
use crate::pyrepr::py_list_repr;
use crate::schema::{COVERAGE_VERSION, SCHEMA, SCHEMA_VERSION};
use crate::suffix::{fill_random, match_suffix, parallel_suffix};

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

/// Rows read out of another data file, to merge into ours.
#[derive(Default)]
struct ForeignData {
    files: Vec<(i64, String)>,
    contexts: Vec<(i64, String)>,
    tracers: Vec<(i64, String)>,
    /// The arc rows, unless they stay in an attached database (`other_db`).
    arcs: Option<Vec<(i64, i64, i64, i64)>>,
    line_bits: Vec<(i64, i64, Vec<u8>)>,
}

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

    // ----- connections --------------------------------------------------------------

    /// Take the connection out of `self`, opening the file if needed.
    fn acquire(&mut self) -> Result<Connection> {
        if let Some(conn) = self.conn.take() {
            return Ok(conn);
        }
        if !self.opened {
            self.emit(DataEvent::Opening(self.filename.clone()));
        }
        let conn = self.open_connection()?;
        if !self.opened {
            self.read_db(&conn)?;
            self.opened = true;
        }
        Ok(conn)
    }

    fn open_connection(&mut self) -> Result<Connection> {
        if self.options.no_disk {
            return db::open_memory(&self.filename);
        }
        if self.options.read_only {
            return db::open_read_only(&self.filename);
        }
        if !self.journal_checked {
            db::check_hot_journal(&self.filename)?;
            self.journal_checked = true;
        }
        db::open_read_write(&self.filename)
    }

    /// Give the connection back: memory databases and held connections stay
    /// open, disk connections close so the next call sees the file afresh.
    fn release(&mut self, conn: Connection) {
        if self.options.no_disk || self.hold_depth > 0 {
            self.conn = Some(conn);
        }
    }

    /// Run `body` on a connection, releasing it whatever happens.
    fn with_conn<T>(&mut self, body: impl FnOnce(&mut Self, &Connection) -> Result<T>) -> Result<T> {
        let conn = self.acquire()?;
        let result = body(self, &conn);
        self.release(conn);
        result
    }

    /// Run `body` in one write transaction that waits for other writers.
    fn with_write<T>(&mut self, body: impl FnOnce(&mut Self, &Connection) -> Result<T>) -> Result<T> {
        self.with_conn(|this, conn| this.in_transaction(conn, body))
    }

    /// Run `body` in one write transaction on `conn`, waiting for other writers.
    ///
    /// Other processes may have written to the file since we last looked
    /// (`coverage run --append` from many processes at once), so under the
    /// write lock, before `body`, the file's state is read again: `body`
    /// builds on what the file holds now, never on a stale copy.
    fn in_transaction<T>(
        &mut self,
        conn: &Connection,
        body: impl FnOnce(&mut Self, &Connection) -> Result<T>,
    ) -> Result<T> {
        conn.execute_batch("BEGIN IMMEDIATE").map_err(self.sql_err())?;
        match self.sync_with_file(conn).and_then(|()| body(self, conn)) {
            Ok(value) => {
                conn.execute_batch("COMMIT").map_err(self.sql_err())?;
                Ok(value)
            }
            Err(err) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(err)
            }
        }
    }

    fn sql_err(&self) -> impl Fn(rusqlite::Error) -> DataError + '_ {
        move |e| DataError::sqlite(&self.filename, e)
    }

    /// Keep the disk connection open across calls until the matching
    /// `release_hold` (for reading many files in a report).
    pub fn hold_open(&mut self) {
        self.hold_depth += 1;
    }

    pub fn release_hold(&mut self) {
        self.hold_depth = self.hold_depth.saturating_sub(1);
        if self.hold_depth == 0 && !self.options.no_disk {
            self.conn = None;
        }
    }

    /// Close the connection; a memory database is only dropped when forced.
    pub fn close(&mut self, force: bool) {
        if self.observer.is_some() {
            self.emit(DataEvent::Closing { filename: self.filename.clone(), force, opened: self.opened });
        }
        if force || !self.options.no_disk {
            self.conn = None;
        }
    }

    /// Read the schema version, flags and file ids; give a new file our schema.
    fn read_db(&mut self, conn: &Connection) -> Result<()> {
        let version = self.schema_version(conn);
        if is_missing_schema(&version) && !self.options.read_only {
            // Only an empty database is ours to set up, and another process
            // may be creating the same file right now: an empty write
            // transaction looks again under the write lock, and sets up
            // the schema if the database is still empty.
            return self.in_transaction(conn, |_, _| Ok(()));
        }
        self.check_schema_version(version)?;
        self.load_file_state(conn)
    }

    /// Under the write lock: set up an empty database, check the schema,
    /// and read the flags and file ids as the file holds them now.
    fn sync_with_file(&mut self, conn: &Connection) -> Result<()> {
        let version = self.schema_version(conn);
        // A database with tables of its own is someone else's file, never altered.
        if is_missing_schema(&version) && self.is_empty_database(conn)? {
            self.init_db(conn)?;
        } else {
            self.check_schema_version(version)?;
        }
        self.load_file_state(conn)
    }

    fn check_schema_version(&self, version: rusqlite::Result<rusqlite::types::Value>) -> Result<()> {
        match version {
            Ok(rusqlite::types::Value::Integer(SCHEMA_VERSION)) => Ok(()),
            Ok(value) => Err(DataError::WrongSchema {
                filename: self.filename.clone(),
                found: sql_value_text(&value),
                expected: SCHEMA_VERSION,
            }),
            Err(rusqlite::Error::QueryReturnedNoRows) => {
                Err(DataError::NotCoverageData { filename: self.filename.clone(), detail: String::new() })
            }
            Err(err) => {
                let detail = DataError::sqlite(&self.filename, err).to_string();
                Err(DataError::NotCoverageData { filename: self.filename.clone(), detail })
            }
        }
    }

    /// Read the lines-or-arcs flag and the file ids from the database.
    fn load_file_state(&mut self, conn: &Connection) -> Result<()> {
        let has_arcs: Option<String> = conn
            .query_row("select value from meta where key = 'has_arcs'", [], |row| row.get(0))
            .optional()
            .map_err(self.sql_err())?;
        // Without the flag the file hasn't chosen yet, and what this object
        // chose stands (as in coverage.py).
        if let Some(flag) = has_arcs {
            self.has_arcs = flag.trim().parse::<i64>().is_ok_and(|n| n != 0);
            self.has_lines = !self.has_arcs;
        }
        let mut stmt = conn.prepare("select id, path from file").map_err(self.sql_err())?;
        let rows =
            stmt.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))).map_err(self.sql_err())?;
        let mut file_map = HashMap::new();
        for row in rows {
            let (id, path) = row.map_err(self.sql_err())?;
            file_map.insert(path, id);
        }
        self.file_map = file_map;
        Ok(())
    }

    fn schema_version(&self, conn: &Connection) -> rusqlite::Result<rusqlite::types::Value> {
        conn.query_row("select version from coverage_schema", [], |row| row.get(0))
    }

    fn is_empty_database(&self, conn: &Connection) -> Result<bool> {
        let count: i64 =
            conn.query_row("select count(*) from sqlite_master", [], |row| row.get(0)).map_err(self.sql_err())?;
        Ok(count == 0)
    }

    fn init_db(&mut self, conn: &Connection) -> Result<()> {
        self.emit(DataEvent::Initing(self.filename.clone()));
        conn.execute_batch(SCHEMA).map_err(self.sql_err())?;
        conn.execute("INSERT INTO coverage_schema (version) VALUES (?1)", [SCHEMA_VERSION]).map_err(self.sql_err())?;
        let version = self.options.version.clone().unwrap_or_else(|| COVERAGE_VERSION.to_owned());
        let mut meta = vec![("version", version)];
        // Process details would change the file's content hash, so they are
        // only recorded when the digest lives in the file name anyway.
        if self.options.suffix == Suffix::Parallel || self.options.process_meta {
            let argv = self.options.sys_argv.clone().unwrap_or_else(|| {
                let args: Vec<String> = std::env::args().collect();
                py_list_repr(&args)
            });
            meta.push(("sys_argv", argv));
            meta.push(("when", db::local_time_stamp()));
        }
        for (key, value) in meta {
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)", params![key, value])
                .map_err(self.sql_err())?;
        }
        Ok(())
    }

    // ----- lifecycle ----------------------------------------------------------------

    fn reset(&mut self) {
        self.close(true);
        self.file_map.clear();
        self.opened = false;
        self.have_used = false;
        self.current_context_id = None;
    }

    /// Before the first use: a new process gets a new file, and data that was
    /// never read starts from an empty file.
    fn start_using(&mut self) -> Result<()> {
        if self.pid != std::process::id() {
            self.reset();
            self.choose_filename();
            self.pid = std::process::id();
        }
        if !self.have_used {
            if self.options.read_only {
                // Never erase a file we may only read: read it instead.
                self.read()?;
            } else {
                self.erase(false)?;
            }
        }
        self.have_used = true;
        Ok(())
    }

    /// Forget the data, delete the file, and with `parallel` also every
    /// `<file>.*` beside it.
    pub fn erase(&mut self, parallel: bool) -> Result<()> {
        self.reset();
        if self.options.no_disk {
            return Ok(());
        }
        self.emit(DataEvent::Erasing(self.filename.clone()));
        remove_if_present(&self.filename)?;
        if parallel {
            for path in files_with_prefix(&self.filename) {
                self.emit(DataEvent::ErasingParallel(path.to_string_lossy().into_owned()));
                remove_if_present(&path.to_string_lossy())?;
            }
        }
        Ok(())
    }

    /// Start using the existing data file, if there is one.
    ///
    /// Without a file, reading still means "add to what the file holds":
    /// the file is created when data is first added, and is never erased
    /// first. (coverage.py erases it then, which throws away what other
    /// processes saved in the meantime: `coverage run --append` from many
    /// processes into a new file lost their results.)
    pub fn read(&mut self) -> Result<()> {
        if !self.options.no_disk && Path::new(&self.filename).exists() {
            self.with_conn(|_, _| Ok(()))?;
            self.have_used = true;
        } else if self.options.read_only {
            return Err(DataError::Missing { filename: self.filename.clone() });
        } else if !self.options.no_disk {
            self.have_used = true;
        }
        Ok(())
    }

    /// Make sure the data is in its file; a parallel file gets its digest name.
    pub fn write(&mut self) -> Result<()> {
        if self.options.no_disk || self.options.suffix != Suffix::Parallel {
            self.emit(DataEvent::WritingNoop(self.filename.clone()));
            return Ok(());
        }
        let unhashed = if !self.wrote_hash {
            Some(self.filename.clone())
        } else {
            match match_suffix(&self.filename) {
                Some(parts) if parts.hash.is_some() => {
                    let current = format!(".H{}h", self.hasher.name_digest());
                    let start = parts.hash_start.unwrap_or(self.filename.len());
                    (!self.filename.ends_with(&current)).then(|| self.filename[..start].to_owned())
                }
                _ => None,
            }
        };
        let Some(unhashed) = unhashed else {
            self.emit(DataEvent::WritingNoop(self.filename.clone()));
            return Ok(());
        };
        self.emit(DataEvent::Finishing(self.filename.clone()));
        let digest = self.hasher.hexdigest();
        self.with_write(|this, conn| {
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hash', ?1)", [&digest])
                .map_err(this.sql_err())?;
            Ok(())
        })?;
        self.close(false);
        let renamed = format!("{unhashed}.H{}h", self.hasher.name_digest());
        self.emit(DataEvent::Renaming(renamed.clone()));
        std::fs::rename(&self.filename, &renamed)
            .map_err(|source| DataError::Io { filename: self.filename.clone(), source })?;
        self.filename = renamed;
        self.wrote_hash = true;
        Ok(())
    }

    /// Is there any measured file in the data? Never creates the file.
    pub fn is_nonempty(&mut self) -> bool {
        if !self.opened && self.conn.is_none() && (self.options.no_disk || !Path::new(&self.filename).exists()) {
            return false;
        }
        self.with_conn(|this, conn| {
            conn.query_row("SELECT * FROM file LIMIT 1", [], |_| Ok(()))
                .optional()
                .map_err(this.sql_err())
                .map(|row| row.is_some())
        })
        .unwrap_or(false)
    }

    // ----- recording ------------------------------------------------------------------

    /// Set the context for data added from now on; returns the previous one.
    pub fn set_context(&mut self, context: Option<&str>) -> Option<String> {
        let old = self.current_context.take();
        self.current_context = context.map(str::to_owned);
        self.current_context_id = None;
        self.hasher.update_opt_str(context);
        old
    }

    fn context_id(&self, conn: &Connection, context: &str) -> Result<Option<i64>> {
        conn.query_row("SELECT id FROM context WHERE context = ?1", [context], |row| row.get(0))
            .optional()
            .map_err(self.sql_err())
    }

    fn ensure_context_id(&mut self, conn: &Connection) -> Result<i64> {
        let context = self.current_context.clone().unwrap_or_default();
        let id = match self.context_id(conn, &context)? {
            Some(id) => id,
            None => {
                conn.execute("INSERT INTO context (context) VALUES (?1)", [&context]).map_err(self.sql_err())?;
                conn.last_insert_rowid()
            }
        };
        self.current_context_id = Some(id);
        Ok(id)
    }

    fn file_id(&self, filename: &str) -> Option<i64> {
        self.file_map.get(filename).copied()
    }

    fn ensure_file_id(&mut self, conn: &Connection, filename: &str) -> Result<i64> {
        if let Some(id) = self.file_id(filename) {
            return Ok(id);
        }
        // Never `INSERT OR REPLACE`: replacing a row another process added
        // would give the path a new id and cut its measurements loose.
        conn.execute("INSERT OR IGNORE INTO file (path) VALUES (?1)", [filename]).map_err(self.sql_err())?;
        let id: i64 = conn
            .query_row("SELECT id FROM file WHERE path = ?1", [filename], |row| row.get(0))
            .map_err(self.sql_err())?;
        self.file_map.insert(filename.to_owned(), id);
        Ok(id)
    }

    /// Commit the file to lines or arcs; mixing them is an error.
    fn choose_lines_or_arcs(&mut self, conn: &Connection, arcs: bool) -> Result<()> {
        if !arcs && self.has_arcs {
            return Err(DataError::LinesIntoArcs);
        }
        if arcs && self.has_lines {
            return Err(DataError::ArcsIntoLines);
        }
        if !self.has_arcs && !self.has_lines {
            self.has_lines = !arcs;
            self.has_arcs = arcs;
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('has_arcs', ?1)",
                [if arcs { "1" } else { "0" }],
            )
            .map_err(self.sql_err())?;
        }
        Ok(())
    }

    fn choose_kind(&mut self, arcs: bool) -> Result<()> {
        self.with_write(|this, conn| this.choose_lines_or_arcs(conn, arcs))
    }

    /// Add executed lines, `{file: [line, ...]}`.
    pub fn add_lines(&mut self, line_data: &BTreeMap<String, Vec<u32>>) -> Result<()> {
        self.add_lines_from(line_data.iter().map(|(f, l)| (f.as_str(), l.as_slice())))
    }

    /// Add executed lines from any sequence of `(file, lines)`, in its order.
    pub fn add_lines_from<'a, I>(&mut self, line_data: I) -> Result<()>
    where
        I: IntoIterator<Item = (&'a str, &'a [u32])>,
    {
        self.start_using()?;
        let items: Vec<(&str, &[u32])> = line_data.into_iter().collect();
        if items.is_empty() {
            // Even no data commits the file to lines.
            return self.choose_kind(false);
        }
        // One transaction (and one connection) for the whole hand-over.
        self.with_write(|this, conn| {
            this.choose_lines_or_arcs(conn, false)?;
            let context_id = this.ensure_context_id(conn)?;
            for (filename, lines) in items {
                this.hasher.update_str(filename);
                let bits = nums_to_numbits(lines.iter().copied());
                this.hasher.update_bytes(&bits);
                let file_id = this.ensure_file_id(conn, filename)?;
                let existing: Option<Vec<u8>> = conn
                    .query_row(
                        "SELECT numbits FROM line_bits WHERE file_id = ?1 AND context_id = ?2",
                        [file_id, context_id],
                        |row| row.get(0),
                    )
                    .optional()
                    .map_err(this.sql_err())?;
                let merged = match existing {
                    Some(old) => numbits_union(&bits, &old),
                    None => bits,
                };
                conn.execute(
                    "INSERT OR REPLACE INTO line_bits (file_id, context_id, numbits) VALUES (?1, ?2, ?3)",
                    params![file_id, context_id, merged],
                )
                .map_err(this.sql_err())?;
            }
            Ok(())
        })
    }

    /// Add executed arcs, `{file: [(from, to), ...]}`.
    pub fn add_arcs(&mut self, arc_data: &BTreeMap<String, Vec<(i32, i32)>>) -> Result<()> {
        self.add_arcs_from(arc_data.iter().map(|(f, a)| (f.as_str(), a.as_slice())))
    }

    /// Add executed arcs from any sequence of `(file, arcs)`, in its order.
    pub fn add_arcs_from<'a, I>(&mut self, arc_data: I) -> Result<()>
    where
        I: IntoIterator<Item = (&'a str, &'a [(i32, i32)])>,
    {
        self.start_using()?;
        let items: Vec<(&str, &[(i32, i32)])> = arc_data.into_iter().collect();
        if items.is_empty() {
            // Even no data commits the file to arcs.
            return self.choose_kind(true);
        }
        // One transaction (and one connection) for the whole hand-over.
        self.with_write(|this, conn| {
            this.choose_lines_or_arcs(conn, true)?;
            let context_id = this.ensure_context_id(conn)?;
            for (filename, arcs) in items {
                this.hasher.update_str(filename);
                this.hasher.update_arc_set(arcs);
                if arcs.is_empty() {
                    continue;
                }
                let file_id = this.ensure_file_id(conn, filename)?;
                let mut stmt = conn
                    .prepare_cached(
                        "INSERT OR IGNORE INTO arc (file_id, context_id, fromno, tono) VALUES (?1, ?2, ?3, ?4)",
                    )
                    .map_err(this.sql_err())?;
                for &(from, to) in arcs {
                    stmt.execute(params![file_id, context_id, from, to]).map_err(this.sql_err())?;
                }
            }
            Ok(())
        })
    }

    /// Record which plugin traced each file (`""` for none).
    pub fn add_file_tracers(&mut self, tracers: &BTreeMap<String, String>) -> Result<()> {
        self.add_file_tracers_from(tracers.iter().map(|(f, t)| (f.as_str(), t.as_str())))
    }

    pub fn add_file_tracers_from<'a, I>(&mut self, tracers: I) -> Result<()>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let items: Vec<(&str, &str)> = tracers.into_iter().collect();
        if items.is_empty() {
            return Ok(());
        }
        self.start_using()?;
        self.with_write(|this, conn| {
            for (filename, plugin) in items {
                this.add_one_tracer(conn, filename, plugin)?;
            }
            Ok(())
        })
    }

    fn add_one_tracer(&mut self, conn: &Connection, filename: &str, plugin: &str) -> Result<()> {
        self.hasher.update_str(filename);
        self.hasher.update_str(plugin);
        let file_id = self.ensure_file_id(conn, filename)?;
        let existing = self.tracer_of(conn, file_id)?;
        if !existing.is_empty() {
            if existing != plugin {
                return Err(DataError::ConflictingTracer {
                    path: filename.to_owned(),
                    ours: existing,
                    theirs: plugin.to_owned(),
                });
            }
        } else if !plugin.is_empty() {
            conn.execute("INSERT INTO tracer (file_id, tracer) VALUES (?1, ?2)", params![file_id, plugin])
                .map_err(self.sql_err())?;
        }
        Ok(())
    }

    fn tracer_of(&self, conn: &Connection, file_id: i64) -> Result<String> {
        let tracer: Option<Option<String>> = conn
            .query_row("SELECT tracer FROM tracer WHERE file_id = ?1", [file_id], |row| row.get(0))
            .optional()
            .map_err(self.sql_err())?;
        Ok(tracer.flatten().unwrap_or_default())
    }

    /// Make files appear in the data even with nothing executed.
    pub fn touch_files<S: AsRef<str>>(&mut self, filenames: &[S], plugin: Option<&str>) -> Result<()> {
        self.start_using()?;
        self.with_write(|this, conn| {
            if !this.has_arcs && !this.has_lines {
                return Err(DataError::TouchEmpty);
            }
            for filename in filenames {
                let filename = filename.as_ref();
                this.ensure_file_id(conn, filename)?;
                if let Some(plugin) = plugin.filter(|p| !p.is_empty()) {
                    this.add_one_tracer(conn, filename, plugin)?;
                }
            }
            Ok(())
        })
    }

    /// Remove the measured lines or arcs of `filenames` (they stay measured).
    pub fn purge_files<S: AsRef<str>>(&mut self, filenames: &[S]) -> Result<()> {
        self.start_using()?;
        self.with_write(|this, conn| {
            let sql = if this.has_lines {
                "DELETE FROM line_bits WHERE file_id = ?1"
            } else if this.has_arcs {
                "DELETE FROM arc WHERE file_id = ?1"
            } else {
                return Err(DataError::PurgeEmpty);
            };
            for filename in filenames {
                if let Some(id) = this.file_id(filename.as_ref()) {
                    conn.execute(sql, [id]).map_err(this.sql_err())?;
                }
            }
            Ok(())
        })
    }

    // ----- querying -------------------------------------------------------------------

    /// The plugin that traced `filename`: `None` if not measured, `""` if Python's own.
    pub fn file_tracer(&mut self, filename: &str) -> Result<Option<String>> {
        self.start_using()?;
        self.with_conn(|this, conn| match this.file_id(filename) {
            None => Ok(None),
            Some(id) => this.tracer_of(conn, id).map(Some),
        })
    }

    /// All context names in the data.
    pub fn measured_contexts(&mut self) -> Result<Vec<String>> {
        Ok(self.contexts_with_ids()?.into_iter().map(|(_, name)| name).collect())
    }

    /// `(id, name)` of every context, for callers that match names themselves.
    pub fn contexts_with_ids(&mut self) -> Result<Vec<(i64, String)>> {
        self.start_using()?;
        self.with_conn(|this, conn| {
            let mut stmt = conn.prepare("SELECT id, context FROM context ORDER BY context").map_err(this.sql_err())?;
            let rows = stmt
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
                .map_err(this.sql_err())?
                .collect::<rusqlite::Result<Vec<(i64, String)>>>()
                .map_err(this.sql_err())?;
            Ok(rows)
        })
    }

    /// Limit later queries to the one context named exactly `context`.
    pub fn set_query_context(&mut self, context: &str) -> Result<()> {
        let ids = self.contexts_with_ids()?.into_iter().filter(|(_, name)| name == context).map(|(id, _)| id);
        self.query_context_ids = Some(ids.collect());
        Ok(())
    }

    /// Limit later queries to contexts matching any of the regexes (searched,
    /// not anchored); `None` or empty lifts the limit.
    pub fn set_query_contexts<S: AsRef<str>>(&mut self, patterns: Option<&[S]>) -> Result<()> {
        self.start_using()?;
        let patterns = match patterns {
            Some(p) if !p.is_empty() => p,
            _ => {
                self.query_context_ids = None;
                return Ok(());
            }
        };
        let regexes = patterns
            .iter()
            .map(|p| {
                Regex::new(p.as_ref())
                    .map_err(|e| DataError::BadContextRegex { pattern: p.as_ref().to_owned(), reason: e.to_string() })
            })
            .collect::<Result<Vec<Regex>>>()?;
        let ids = self.contexts_with_ids()?.into_iter().filter(|(_, name)| regexes.iter().any(|r| r.is_match(name)));
        self.query_context_ids = Some(ids.map(|(id, _)| id).collect());
        Ok(())
    }

    /// Set the query limit by context ids directly (`None` lifts it).
    pub fn set_query_context_ids(&mut self, ids: Option<Vec<i64>>) {
        self.query_context_ids = ids;
    }

    fn context_filter(&self, column: &str) -> String {
        match &self.query_context_ids {
            None => String::new(),
            Some(ids) => {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!(" AND {column} IN ({})", list.join(", "))
            }
        }
    }

    /// The executed lines of `filename`, ascending; `None` if it was not measured.
    pub fn lines(&mut self, filename: &str) -> Result<Option<Vec<u32>>> {
        self.start_using()?;
        if self.has_arcs {
            if let Some(arcs) = self.arcs(filename)? {
                let mut lines: Vec<u32> =
                    arcs.iter().flat_map(|&(a, b)| [a, b]).filter(|&n| n > 0).map(|n| n.unsigned_abs()).collect();
                lines.sort_unstable();
                lines.dedup();
                return Ok(Some(lines));
            }
        }
        let Some(file_id) = self.file_id(filename) else {
            // Connect anyway, as coverage.py does: it creates a missing file.
            self.with_conn(|_, _| Ok(()))?;
            return Ok(None);
        };
        let sql = format!("SELECT numbits FROM line_bits WHERE file_id = ?1{}", self.context_filter("context_id"));
        self.with_conn(|this, conn| {
            let mut stmt = conn.prepare(&sql).map_err(this.sql_err())?;
            let mut rows = stmt.query([file_id]).map_err(this.sql_err())?;
            let mut union: Vec<u8> = Vec::new();
            while let Some(row) = rows.next().map_err(this.sql_err())? {
                let bits: Vec<u8> = row.get(0).map_err(this.sql_err())?;
                numbits_union_into(&mut union, &bits);
            }
            Ok(Some(numbits_to_nums(&union)))
        })
    }

    /// The executed arcs of `filename`; `None` if it was not measured.
    pub fn arcs(&mut self, filename: &str) -> Result<Option<Vec<(i32, i32)>>> {
        self.start_using()?;
        let Some(file_id) = self.file_id(filename) else {
            self.with_conn(|_, _| Ok(()))?;
            return Ok(None);
        };
        let sql =
            format!("SELECT DISTINCT fromno, tono FROM arc WHERE file_id = ?1{}", self.context_filter("context_id"));
        self.with_conn(|this, conn| {
            let mut stmt = conn.prepare(&sql).map_err(this.sql_err())?;
            let rows = stmt
                .query_map([file_id], |row| Ok((row.get(0)?, row.get(1)?)))
                .map_err(this.sql_err())?
                .collect::<rusqlite::Result<Vec<(i32, i32)>>>()
                .map_err(this.sql_err())?;
            Ok(Some(rows))
        })
    }

    /// For each executed line of `filename`, the contexts that executed it (sorted).
    pub fn contexts_by_lineno(&mut self, filename: &str) -> Result<BTreeMap<u32, Vec<String>>> {
        self.start_using()?;
        let Some(file_id) = self.file_id(filename) else {
            self.with_conn(|_, _| Ok(()))?;
            return Ok(BTreeMap::new());
        };
        let mut map: BTreeMap<u32, std::collections::BTreeSet<String>> = BTreeMap::new();
        if self.has_arcs {
            let sql = format!(
                "SELECT arc.fromno, arc.tono, context.context FROM arc, context \
                 WHERE arc.file_id = ?1 AND arc.context_id = context.id{}",
                self.context_filter("arc.context_id")
            );
            self.with_conn(|this, conn| {
                let mut stmt = conn.prepare(&sql).map_err(this.sql_err())?;
                let mut rows = stmt.query([file_id]).map_err(this.sql_err())?;
                while let Some(row) = rows.next().map_err(this.sql_err())? {
                    let (from, to, context): (i64, i64, String) = (
                        row.get(0).map_err(this.sql_err())?,
                        row.get(1).map_err(this.sql_err())?,
                        row.get(2).map_err(this.sql_err())?,
                    );
                    for line in [from, to].into_iter().filter(|&n| n > 0) {
                        map.entry(line as u32).or_default().insert(context.clone());
                    }
                }
                Ok(())
            })?;
        } else {
            let sql = format!(
                "SELECT l.numbits, c.context FROM line_bits l, context c \
                 WHERE l.context_id = c.id AND file_id = ?1{}",
                self.context_filter("l.context_id")
            );
            self.with_conn(|this, conn| {
                let mut stmt = conn.prepare(&sql).map_err(this.sql_err())?;
                let mut rows = stmt.query([file_id]).map_err(this.sql_err())?;
                while let Some(row) = rows.next().map_err(this.sql_err())? {
                    let bits: Vec<u8> = row.get(0).map_err(this.sql_err())?;
                    let context: String = row.get(1).map_err(this.sql_err())?;
                    for line in numbits_to_nums(&bits) {
                        map.entry(line).or_default().insert(context.clone());
                    }
                }
                Ok(())
            })?;
        }
        Ok(map.into_iter().map(|(line, set)| (line, set.into_iter().collect())).collect())
    }

    /// Every measured file's lines in one query (reports read them all).
    pub fn all_lines(&mut self) -> Result<BTreeMap<String, Vec<u32>>> {
        let files = self.measured_files();
        self.hold_open();
        let result = files
            .into_iter()
            .map(|f| Ok((f.clone(), self.lines(&f)?.unwrap_or_default())))
            .collect::<Result<BTreeMap<_, _>>>();
        self.release_hold();
        result
    }

    /// Every measured file's arcs (empty map for line data).
    pub fn all_arcs(&mut self) -> Result<BTreeMap<String, Vec<(i32, i32)>>> {
        let files = self.measured_files();
        self.hold_open();
        let result = files
            .into_iter()
            .map(|f| Ok((f.clone(), self.arcs(&f)?.unwrap_or_default())))
            .collect::<Result<BTreeMap<_, _>>>();
        self.release_hold();
        result
    }

    // ----- combining ----------------------------------------------------------------

    /// Merge `other`'s data into this one, renaming its paths with `map_path`.
    /// Paths get `/` and `\` turned into this platform's separator either way.
    pub fn update(&mut self, other: &CoverageData, map_path: Option<&dyn Fn(&str) -> String>) -> Result<()> {
        let mut mapper = |path: &str| Ok(map_path.map_or_else(|| path.to_owned(), |f| f(path)));
        self.update_with(other, &mut mapper)
    }

    /// `update` with a fallible path mapper (its error aborts the merge).
    pub fn update_with(&mut self, other: &CoverageData, map_path: MapPath<'_>) -> Result<()> {
        if self.has_lines && other.has_arcs {
            return Err(DataError::CombineArcsIntoLines { other: other.filename.clone(), ours: self.filename.clone() });
        }
        if self.has_arcs && other.has_lines {
            return Err(DataError::CombineLinesIntoArcs { other: other.filename.clone(), ours: self.filename.clone() });
        }
        self.start_using()?;
        if other.options.no_disk {
            // A private in-memory database can't be attached: copy its rows.
            let Some(other_conn) = &other.conn else { return Ok(()) };
            let foreign = read_all_rows(other_conn, &other.filename, true)?;
            let mapped = map_foreign_paths(&foreign, map_path)?;
            self.with_write(|this, conn| this.merge_foreign(conn, &foreign, &mapped))?;
            if !self.options.no_disk {
                self.reset();
                self.read()?;
            }
            return Ok(());
        }
        if !Path::new(&other.filename).exists() {
            if other.options.read_only {
                return Err(DataError::Missing { filename: other.filename.clone() });
            }
            return Ok(());
        }
        let foreign = other.read_foreign_small_tables()?;
        let mapped = map_foreign_paths(&foreign, map_path)?;
        // The arcs, the bulk of branch data, are copied inside SQLite from
        // the attached file, opened read-only and immutable.
        let uri = format!("{}?mode=ro&immutable=1", db::file_uri(&db::abspath(Path::new(&other.filename))));
        self.with_conn(|this, conn| {
            conn.execute("ATTACH DATABASE ?1 AS other_db", [&uri]).map_err(this.sql_err())?;
            let result = this.in_transaction(conn, |this, conn| this.merge_foreign(conn, &foreign, &mapped));
            let detached = conn.execute_batch("DETACH DATABASE other_db").map_err(this.sql_err());
            result.and(detached)
        })?;
        if !self.options.no_disk {
            self.reset();
            self.read()?;
        }
        Ok(())
    }

    /// Check another data file and read all but its arcs.
    fn read_foreign_small_tables(&self) -> Result<ForeignData> {
        let conn = db::open_read_only(&self.filename)?;
        let mut probe = CoverageData::with_options(DataOptions { read_only: true, ..self.options.clone() });
        probe.filename = self.filename.clone();
        probe.read_db(&conn)?;
        read_all_rows(&conn, &self.filename, false)
    }

    fn merge_foreign(&mut self, conn: &Connection, foreign: &ForeignData, mapped: &HashMap<i64, String>) -> Result<()> {
        let foreign_tracers: HashMap<i64, &str> = foreign.tracers.iter().map(|(id, t)| (*id, t.as_str())).collect();
        for (other_id, path) in mapped {
            if let Some(our_id) = self.file_id(path) {
                let ours = self.tracer_of(conn, our_id)?;
                let theirs = foreign_tracers.get(other_id).copied().unwrap_or("");
                if ours != theirs {
                    return Err(DataError::ConflictingTracer { path: path.clone(), ours, theirs: theirs.to_owned() });
                }
            }
        }
        let mut file_ids: HashMap<i64, i64> = HashMap::new();
        for (other_id, _) in &foreign.files {
            let path = &mapped[other_id];
            conn.execute("INSERT OR IGNORE INTO file (path) VALUES (?1)", [path]).map_err(self.sql_err())?;
            let id: i64 = conn
                .query_row("SELECT id FROM file WHERE path = ?1", [path], |row| row.get(0))
                .map_err(self.sql_err())?;
            self.file_map.insert(path.clone(), id);
            file_ids.insert(*other_id, id);
        }
        let mut context_ids: HashMap<i64, i64> = HashMap::new();
        for (other_id, name) in &foreign.contexts {
            conn.execute("INSERT OR IGNORE INTO context (context) VALUES (?1)", [name]).map_err(self.sql_err())?;
            let id = self.context_id(conn, name)?.unwrap_or_default();
            context_ids.insert(*other_id, id);
        }
        match &foreign.arcs {
            Some(rows) if !rows.is_empty() => {
                self.choose_lines_or_arcs(conn, true)?;
                let mut stmt = conn
                    .prepare("INSERT OR IGNORE INTO arc (file_id, context_id, fromno, tono) VALUES (?1, ?2, ?3, ?4)")
                    .map_err(self.sql_err())?;
                for (file, context, from, to) in rows {
                    if let (Some(f), Some(c)) = (file_ids.get(file), context_ids.get(context)) {
                        stmt.execute(params![f, c, from, to]).map_err(self.sql_err())?;
                    }
                }
            }
            Some(_) => {}
            None => self.merge_attached_arcs(conn, &file_ids, &context_ids)?,
        }
        if !foreign.line_bits.is_empty() {
            self.choose_lines_or_arcs(conn, false)?;
            // Several foreign files can map to one path: union them first.
            let mut merged: BTreeMap<(i64, i64), Vec<u8>> = BTreeMap::new();
            for (file, context, bits) in &foreign.line_bits {
                if let (Some(f), Some(c)) = (file_ids.get(file), context_ids.get(context)) {
                    numbits_union_into(merged.entry((*f, *c)).or_default(), bits);
                }
            }
            for ((file, context), bits) in merged {
                let existing: Option<Vec<u8>> = conn
                    .query_row(
                        "SELECT numbits FROM line_bits WHERE file_id = ?1 AND context_id = ?2",
                        [file, context],
                        |row| row.get(0),
                    )
                    .optional()
                    .map_err(self.sql_err())?;
                let bits = existing.map_or(bits.clone(), |old| numbits_union(&old, &bits));
                conn.execute(
                    "INSERT OR REPLACE INTO line_bits (file_id, context_id, numbits) VALUES (?1, ?2, ?3)",
                    params![file, context, bits],
                )
                .map_err(self.sql_err())?;
            }
        }
        for (other_id, tracer) in &foreign.tracers {
            if let Some(file) = file_ids.get(other_id) {
                conn.execute("INSERT OR IGNORE INTO tracer (file_id, tracer) VALUES (?1, ?2)", params![file, tracer])
                    .map_err(self.sql_err())?;
            }
        }
        Ok(())
    }

    /// Copy `other_db.arc` into ours through id-mapping tables, all in SQLite.
    fn merge_attached_arcs(
        &mut self,
        conn: &Connection,
        file_ids: &HashMap<i64, i64>,
        context_ids: &HashMap<i64, i64>,
    ) -> Result<()> {
        let any: bool = conn
            .query_row("SELECT EXISTS(SELECT 1 FROM other_db.arc)", [], |row| row.get(0))
            .map_err(self.sql_err())?;
        if !any {
            return Ok(());
        }
        self.choose_lines_or_arcs(conn, true)?;
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS ferrocov_file_map (other_id INTEGER PRIMARY KEY, main_id INTEGER);
             CREATE TEMP TABLE IF NOT EXISTS ferrocov_context_map (other_id INTEGER PRIMARY KEY, main_id INTEGER);
             DELETE FROM temp.ferrocov_file_map;
             DELETE FROM temp.ferrocov_context_map;",
        )
        .map_err(self.sql_err())?;
        for (table, ids) in [("ferrocov_file_map", file_ids), ("ferrocov_context_map", context_ids)] {
            let mut stmt = conn
                .prepare(&format!("INSERT INTO temp.{table} (other_id, main_id) VALUES (?1, ?2)"))
                .map_err(self.sql_err())?;
            for (other, main) in ids {
                stmt.execute([other, main]).map_err(self.sql_err())?;
            }
        }
        conn.execute(
            "INSERT OR IGNORE INTO main.arc (file_id, context_id, fromno, tono)
             SELECT f.main_id, c.main_id, a.fromno, a.tono FROM other_db.arc AS a
             JOIN temp.ferrocov_file_map AS f ON a.file_id = f.other_id
             JOIN temp.ferrocov_context_map AS c ON a.context_id = c.other_id",
            [],
        )
        .map_err(self.sql_err())?;
        Ok(())
    }

    // ----- serialization --------------------------------------------------------------

    /// The data as an SQL script (what `dumps` compresses): coverage.py's
    /// `loads` can execute it, and so can ours.
    pub fn dump_sql(&mut self) -> Result<String> {
        self.with_conn(|this, conn| sql_dump(conn).map_err(this.sql_err()))
    }

    /// Replace the data with the result of running a `dump_sql` script.
    pub fn load_sql(&mut self, script: &str) -> Result<()> {
        self.reset();
        let conn = self.open_connection()?;
        let result = conn.execute_batch(script).map_err(self.sql_err()).and_then(|()| self.read_db(&conn));
        self.opened = result.is_ok();
        self.release(conn);
        result?;
        self.have_used = true;
        Ok(())
    }
}

/// The version of the SQLite library we link.
pub fn sqlite_version() -> &'static str {
    rusqlite::version()
}

fn read_all_rows(conn: &Connection, filename: &str, with_arcs: bool) -> Result<ForeignData> {
    let err = |e| DataError::sqlite(filename, e);
    let mut data = ForeignData::default();
    let mut stmt = conn.prepare("SELECT id, path FROM file").map_err(err)?;
    data.files = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(err)?;
    let mut stmt = conn.prepare("SELECT id, context FROM context").map_err(err)?;
    data.contexts = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(err)?;
    let mut stmt = conn.prepare("SELECT file_id, tracer FROM tracer WHERE tracer IS NOT NULL").map_err(err)?;
    data.tracers = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(err)?;
    if with_arcs {
        let mut stmt = conn.prepare("SELECT file_id, context_id, fromno, tono FROM arc").map_err(err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(err)?;
        data.arcs = Some(rows);
    }
    let mut stmt = conn.prepare("SELECT file_id, context_id, numbits FROM line_bits").map_err(err)?;
    data.line_bits = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(err)?;
    Ok(data)
}

/// Each foreign file id's path, renamed by `map_path` (called once per file).
fn map_foreign_paths(foreign: &ForeignData, map_path: MapPath<'_>) -> Result<HashMap<i64, String>> {
    let mut mapped = HashMap::new();
    for (id, path) in &foreign.files {
        mapped.insert(*id, fix_separators(&map_path(path)?));
    }
    Ok(mapped)
}

/// coverage.py's `map_path` result always gets platform separators.
fn fix_separators(path: &str) -> String {
    let sep = std::path::MAIN_SEPARATOR;
    path.chars().map(|c| if c == '/' || c == '\\' { sep } else { c }).collect()
}

/// Did reading the schema version fail because the table isn't there?
fn is_missing_schema(version: &rusqlite::Result<rusqlite::types::Value>) -> bool {
    matches!(version, Err(err) if err.to_string().contains("no such table: coverage_schema"))
}

fn remove_if_present(path: &str) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(DataError::Io { filename: path.to_owned(), source: e })
        }
        _ => Ok(()),
    }
}

/// Files named `<filename>.<anything>` in `filename`'s directory.
pub fn files_with_prefix(filename: &str) -> Vec<PathBuf> {
    let path = db::abspath(Path::new(filename));
    let (Some(dir), Some(local)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    let prefix = format!("{}.", local.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(&prefix))
        .filter(|entry| entry.file_type().is_ok_and(|t| !t.is_dir()))
        .map(|entry| entry.path())
        .collect();
    found.sort();
    found
}

fn sql_value_text(value: &rusqlite::types::Value) -> String {
    use rusqlite::types::Value;
    match value {
        Value::Null => "None".to_owned(),
        Value::Integer(n) => n.to_string(),
        Value::Real(x) => x.to_string(),
        Value::Text(t) => t.clone(),
        Value::Blob(b) => format!("{b:?}"),
    }
}

fn sql_literal(value: &rusqlite::types::Value) -> String {
    use rusqlite::types::Value;
    match value {
        Value::Null => "NULL".to_owned(),
        Value::Integer(n) => n.to_string(),
        Value::Real(x) => format!("{x:?}"),
        Value::Text(t) => format!("'{}'", t.replace('\'', "''")),
        Value::Blob(b) => {
            let hex: String = b.iter().map(|byte| format!("{byte:02X}")).collect();
            format!("X'{hex}'")
        }
    }
}

/// An SQL script that recreates the database: tables, then their rows.
fn sql_dump(conn: &Connection) -> rusqlite::Result<String> {
    let mut script = String::from("BEGIN TRANSACTION;\n");
    let mut stmt = conn.prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL \
         AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
    )?;
    let tables: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    for (name, create) in tables {
        script.push_str(&create);
        script.push_str(";\n");
        let quoted = name.replace('"', "\"\"");
        let mut rows_stmt = conn.prepare(&format!("SELECT * FROM \"{quoted}\""))?;
        let columns = rows_stmt.column_count();
        let mut rows = rows_stmt.query([])?;
        while let Some(row) = rows.next()? {
            let values = (0..columns)
                .map(|i| row.get::<_, rusqlite::types::Value>(i).map(|v| sql_literal(&v)))
                .collect::<rusqlite::Result<Vec<String>>>()?;
            script.push_str(&format!("INSERT INTO \"{quoted}\" VALUES({});\n", values.join(",")));
        }
    }
    script.push_str("COMMIT;");
    Ok(script)
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
