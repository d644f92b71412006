//! Opening, holding and closing connections to the data file, and write transactions.

use rusqlite::Connection;

use super::{CoverageData, DataEvent};
use crate::db;
use crate::error::{DataError, Result};

impl CoverageData {
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

    pub(super) fn open_connection(&mut self) -> Result<Connection> {
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
    pub(super) fn release(&mut self, conn: Connection) {
        if self.options.no_disk || self.hold_depth > 0 {
            self.conn = Some(conn);
        }
    }

    /// Run `body` on a connection, releasing it whatever happens.
    pub(super) fn with_conn<T>(&mut self, body: impl FnOnce(&mut Self, &Connection) -> Result<T>) -> Result<T> {
        let conn = self.acquire()?;
        let result = body(self, &conn);
        self.release(conn);
        result
    }

    /// Run `body` in one write transaction that waits for other writers.
    pub(super) fn with_write<T>(&mut self, body: impl FnOnce(&mut Self, &Connection) -> Result<T>) -> Result<T> {
        self.with_conn(|this, conn| this.in_transaction(conn, body))
    }

    /// Run `body` in one write transaction on `conn`, waiting for other writers.
    ///
    /// Other processes may have written to the file since we last looked
    /// (`coverage run --append` from many processes at once), so under the
    /// write lock, before `body`, the file's state is read again: `body`
    /// builds on what the file holds now, never on a stale copy.
    pub(super) fn in_transaction<T>(
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

    pub(super) fn sql_err(&self) -> impl Fn(rusqlite::Error) -> DataError + '_ {
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
}
