//! Querying the measured data: tracers, contexts, lines and arcs, and the
//! measuring interpreter's version.

use std::collections::BTreeMap;

use regex::Regex;
use rusqlite::OptionalExtension;

use super::CoverageData;
use crate::error::{DataError, Result};
use crate::numbits::{numbits_to_nums, numbits_union_into};

impl CoverageData {
    // ----- querying -------------------------------------------------------------------

    /// The version of the interpreter that measured the data (`meta.python_version`),
    /// `None` for a file that doesn't record it (coverage.py's, or an older ferrocov's).
    pub fn python_version(&mut self) -> Result<Option<String>> {
        self.start_using()?;
        self.with_conn(|this, conn| {
            conn.query_row("SELECT value FROM meta WHERE key = 'python_version'", [], |row| row.get(0))
                .optional()
                .map_err(this.sql_err())
        })
    }

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
    /// Query every context again (coverage.py's `set_query_contexts(None)`).
    /// Still a use of the data, so unused data starts afresh, but the
    /// database is not opened: a report with no data creates no file.
    pub fn clear_query_contexts(&mut self) -> Result<()> {
        self.start_using()?;
        self.query_context_ids = None;
        Ok(())
    }

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

    /// For each executed line of `filename`, the contexts that executed it
    /// (sorted), the lines in the order the rows first name them, as
    /// coverage.py's dict has them.
    pub fn contexts_by_lineno(&mut self, filename: &str) -> Result<Vec<(u32, Vec<String>)>> {
        self.start_using()?;
        let Some(file_id) = self.file_id(filename) else {
            self.with_conn(|_, _| Ok(()))?;
            return Ok(Vec::new());
        };
        let mut map = FirstSeen::default();
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
                        map.add(line as u32, &context);
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
                        map.add(line, &context);
                    }
                }
                Ok(())
            })?;
        }
        Ok(map.finish())
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
}

/// Contexts by line, the lines kept in the order they were first added.
#[derive(Default)]
struct FirstSeen {
    lines: Vec<(u32, std::collections::BTreeSet<String>)>,
    positions: std::collections::HashMap<u32, usize>,
}

impl FirstSeen {
    fn add(&mut self, line: u32, context: &str) {
        let at = *self.positions.entry(line).or_insert_with(|| {
            self.lines.push((line, std::collections::BTreeSet::new()));
            self.lines.len() - 1
        });
        self.lines[at].1.insert(context.to_owned());
    }

    fn finish(self) -> Vec<(u32, Vec<String>)> {
        self.lines.into_iter().map(|(line, set)| (line, set.into_iter().collect())).collect()
    }
}
