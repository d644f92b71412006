//! Serialization: the data as an SQL script, and loading one back.

use rusqlite::Connection;

use super::CoverageData;
use crate::error::Result;

impl CoverageData {
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
