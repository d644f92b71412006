//! Recording: contexts, file ids, lines, arcs and file tracers.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::CoverageData;
use crate::error::{DataError, Result};
use crate::numbits::{numbits_union, nums_to_numbits};

impl CoverageData {
    // ----- recording ------------------------------------------------------------------

    /// Set the context for data added from now on; returns the previous one.
    pub fn set_context(&mut self, context: Option<&str>) -> Option<String> {
        let old = self.current_context.take();
        self.current_context = context.map(str::to_owned);
        self.current_context_id = None;
        self.hasher.update_opt_str(context);
        old
    }

    pub(super) fn context_id(&self, conn: &Connection, context: &str) -> Result<Option<i64>> {
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

    pub(super) fn file_id(&self, filename: &str) -> Option<i64> {
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
    pub(super) fn choose_lines_or_arcs(&mut self, conn: &Connection, arcs: bool) -> Result<()> {
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

    pub(super) fn tracer_of(&self, conn: &Connection, file_id: i64) -> Result<String> {
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
}
