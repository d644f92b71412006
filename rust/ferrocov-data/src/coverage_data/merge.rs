//! Combining: merging another data object's rows into this one.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use super::{CoverageData, DataOptions, MapPath};
use crate::db;
use crate::error::{DataError, Result};
use crate::numbits::{numbits_union, numbits_union_into};

/// Rows read out of another data file (or folded from several, by
/// `combine`), to merge into ours.
#[derive(Default)]
pub(crate) struct ForeignData {
    /// The file the rows came from, named in errors.
    pub(crate) filename: String,
    pub(crate) has_lines: bool,
    pub(crate) has_arcs: bool,
    pub(crate) files: Vec<(i64, String)>,
    pub(crate) contexts: Vec<(i64, String)>,
    pub(crate) tracers: Vec<(i64, String)>,
    /// The arc rows, unless they stay in an attached database (`other_db`).
    pub(crate) arcs: Option<Vec<(i64, i64, i64, i64)>>,
    pub(crate) line_bits: Vec<(i64, i64, Vec<u8>)>,
}

impl CoverageData {
    // ----- combining ----------------------------------------------------------------

    /// Merge `other`'s data into this one, renaming its paths with `map_path`.
    /// Paths get `/` and `\` turned into this platform's separator either way.
    pub fn update(&mut self, other: &CoverageData, map_path: Option<&dyn Fn(&str) -> String>) -> Result<()> {
        let mut mapper = |path: &str| Ok(map_path.map_or_else(|| path.to_owned(), |f| f(path)));
        self.update_with(other, &mut mapper)
    }

    /// `update` with a fallible path mapper (its error aborts the merge).
    pub fn update_with(&mut self, other: &CoverageData, map_path: MapPath<'_>) -> Result<()> {
        self.check_mixable(&other.filename, other.has_lines, other.has_arcs)?;
        self.start_using()?;
        if other.options.no_disk {
            // A private in-memory database can't be attached: copy its rows.
            let Some(other_conn) = &other.conn else { return Ok(()) };
            let mut foreign = read_all_rows(other_conn, &other.filename, true)?;
            foreign.set_origin(other);
            return self.merge_rows(&foreign, map_path);
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
        self.reread_after_merge()
    }

    /// All of this (read-only, already read) data's rows, arcs included, in
    /// memory: `combine` reads its inputs this way on several threads at once.
    pub(crate) fn read_rows(&self) -> Result<ForeignData> {
        let conn = db::open_read_only(&self.filename)?;
        let mut foreign = read_all_rows(&conn, &self.filename, true)?;
        foreign.set_origin(self);
        Ok(foreign)
    }

    /// Merge rows read by `read_rows` (or from a memory database) into this data.
    pub(crate) fn update_from_rows(&mut self, foreign: &ForeignData, map_path: MapPath<'_>) -> Result<()> {
        self.check_mixable(&foreign.filename, foreign.has_lines, foreign.has_arcs)?;
        self.start_using()?;
        self.merge_rows(foreign, map_path)
    }

    fn merge_rows(&mut self, foreign: &ForeignData, map_path: MapPath<'_>) -> Result<()> {
        let mapped = map_foreign_paths(foreign, map_path)?;
        self.with_write(|this, conn| this.merge_foreign(conn, foreign, &mapped))?;
        self.reread_after_merge()
    }

    /// A file is lines or arcs, never both: refuse to mix them.
    pub(crate) fn check_mixable(&self, other: &str, other_has_lines: bool, other_has_arcs: bool) -> Result<()> {
        if self.has_lines && other_has_arcs {
            return Err(DataError::CombineArcsIntoLines { other: other.to_owned(), ours: self.filename.clone() });
        }
        if self.has_arcs && other_has_lines {
            return Err(DataError::CombineLinesIntoArcs { other: other.to_owned(), ours: self.filename.clone() });
        }
        Ok(())
    }

    /// A disk file's flags and ids are read again from what the merge wrote.
    fn reread_after_merge(&mut self) -> Result<()> {
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
}

impl ForeignData {
    /// Where the rows came from and whether they are lines or arcs.
    fn set_origin(&mut self, other: &CoverageData) {
        self.filename.clone_from(&other.filename);
        self.has_lines = other.has_lines;
        self.has_arcs = other.has_arcs;
    }
}

fn read_all_rows(conn: &Connection, filename: &str, with_arcs: bool) -> Result<ForeignData> {
    let err = |e| DataError::sqlite(filename, e);
    let mut data = ForeignData { filename: filename.to_owned(), ..ForeignData::default() };
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
pub(crate) fn fix_separators(path: &str) -> String {
    let sep = std::path::MAIN_SEPARATOR;
    path.chars().map(|c| if c == '/' || c == '\\' { sep } else { c }).collect()
}
