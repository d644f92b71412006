//! Setting up and checking the schema, reading, erasing and finishing the data file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};

use super::{CoverageData, DataEvent, Suffix};
use crate::db;
use crate::error::{DataError, Result};
use crate::pyrepr::py_list_repr;
use crate::schema::{COVERAGE_VERSION, SCHEMA, SCHEMA_VERSION};
use crate::suffix::match_suffix;

impl CoverageData {
    // ----- lifecycle ----------------------------------------------------------------

    /// Read the schema version, flags and file ids; give a new file our schema.
    pub(super) fn read_db(&mut self, conn: &Connection) -> Result<()> {
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
    pub(super) fn sync_with_file(&mut self, conn: &Connection) -> Result<()> {
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
        // Like `version`, the interpreter's version is the same in every run
        // under that interpreter, so a file of the same data keeps the same
        // bytes and combine still recognises it as a duplicate.
        if let Some(python_version) = self.options.python_version.clone() {
            meta.push(("python_version", python_version));
        }
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

    pub(super) fn reset(&mut self) {
        self.close(true);
        self.file_map.clear();
        self.opened = false;
        self.have_used = false;
        self.current_context_id = None;
    }

    /// Before the first use: a new process gets a new file, and data that was
    /// never read starts from an empty file.
    pub(super) fn start_using(&mut self) -> Result<()> {
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
