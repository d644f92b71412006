//! Opening SQLite connections to data files the way coverage.py does.
//!
//! Read-write files keep SQLite's rollback journal (unlike coverage.py,
//! which turns it off): many processes may save into one file at once, and
//! one of them being killed in the middle of its transaction must leave the
//! file as it was before that transaction, not half-written. The journal
//! lives beside the file only while a transaction runs, and the data file's
//! format is the same either way. Syncing is off (a crashed machine may lose
//! the last save, a crashed process loses nothing else), and a busy timeout
//! makes processes sharing a file wait for each other instead of failing
//! with "database is locked". Files we only read (combine inputs, which may
//! come from anywhere) are opened `immutable`, so SQLite never acts on
//! journals lying beside them.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{DataError, Result};

/// How long a writer waits for another process's lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// Open (creating if needed) a data file for reading and writing.
pub fn open_read_write(filename: &str) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(filename, flags).map_err(|e| DataError::sqlite(filename, e))?;
    configure(&conn, filename)?;
    Ok(conn)
}

/// Open a data file that must never be written or rolled back.
pub fn open_read_only(filename: &str) -> Result<Connection> {
    let uri = format!("{}?mode=ro&immutable=1", file_uri(&abspath(Path::new(filename))));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&uri, flags).map_err(|e| DataError::sqlite(filename, e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| DataError::sqlite(filename, e))?;
    // coverage.py sets the journal mode on every connection, read-only ones
    // too: a file that isn't a database at all fails right here, and is
    // reported as unusable rather than as "not a coverage data file".
    // (Immutable and read-only, the connection never writes a journal.)
    conn.execute_batch("pragma journal_mode=off").map_err(|e| DataError::sqlite(filename, e))?;
    Ok(conn)
}

/// A private in-memory database for `no_disk` data.
pub fn open_memory(label: &str) -> Result<Connection> {
    let conn = Connection::open_in_memory().map_err(|e| DataError::sqlite(label, e))?;
    Ok(conn)
}

fn configure(conn: &Connection, filename: &str) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| DataError::sqlite(filename, e))?;
    // The first statement is also the one that finds out the file is not a
    // database at all, so its error is reported.
    conn.execute_batch("pragma journal_mode=delete").map_err(|e| DataError::sqlite(filename, e))?;
    // Can fail on unusual file systems; being slower is fine then.
    let _ = conn.execute_batch("pragma synchronous=off");
    Ok(())
}

/// Refuse a file whose rollback journal SQLite would replay when opened
/// read-write if that journal names a "super-journal": replaying deletes the
/// super-journal, which could be any file. A read-only probe reports a hot
/// journal instead of acting on it. A journal that names none is what a
/// writer killed in the middle of its transaction leaves behind: SQLite
/// rolls it back, which is what keeps the data file whole.
pub fn check_hot_journal(filename: &str) -> Result<()> {
    if !Path::new(filename).exists() {
        return Ok(());
    }
    let uri = format!("{}?mode=ro", file_uri(&abspath(Path::new(filename))));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = Connection::open_with_flags(&uri, flags) else {
        return Ok(());
    };
    let probe = conn.query_row("select count(*) from sqlite_master", [], |row| row.get::<_, i64>(0));
    match probe {
        Err(rusqlite::Error::SqliteFailure(code, _))
            if code.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK =>
        {
            if journal_candidates(filename).iter().any(|journal| may_name_super_journal(journal)) {
                Err(DataError::HotJournal { filename: filename.to_owned() })
            } else {
                Ok(())
            }
        }
        // Anything else is reported by the real connection.
        _ => Ok(()),
    }
}

/// Where SQLite may look for the journal of `filename`: beside the name
/// given, and beside the real file a symbolic link leads to.
fn journal_candidates(filename: &str) -> Vec<PathBuf> {
    let mut candidates = vec![PathBuf::from(format!("{filename}-journal"))];
    if let Ok(real) = std::fs::canonicalize(filename) {
        let mut journal = real.into_os_string();
        journal.push("-journal");
        candidates.push(PathBuf::from(journal));
    }
    candidates
}

/// The 8 bytes that end a rollback journal naming a super-journal.
const JOURNAL_MAGIC: [u8; 8] = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];

/// Could SQLite find a super-journal name in the journal at `path`?
///
/// A journal names one in a record at its very end: the name, its length
/// (4 bytes, big-endian), a checksum (4 bytes) and the journal magic. SQLite
/// ignores the name when the checksum is wrong; we don't rely on that and
/// count any such record. A journal that can't be read counts too.
fn may_name_super_journal(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return false,
        Err(_) => return true,
    };
    let Ok(size) = file.metadata().map(|m| m.len()) else { return true };
    if size < 16 {
        return false;
    }
    let mut tail = [0u8; 16];
    if file.seek(SeekFrom::Start(size - 16)).is_err() || file.read_exact(&mut tail).is_err() {
        return true;
    }
    let name_len = u64::from(u32::from_be_bytes([tail[0], tail[1], tail[2], tail[3]]));
    tail[8..] == JOURNAL_MAGIC && name_len > 0 && name_len <= size - 16
}

/// `os.path.abspath`: absolute and lexically normalised, symlinks untouched.
pub fn abspath(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A `file:` URI for an absolute path, percent-encoding what URIs reserve.
pub fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::from("file://");
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"/-_.~!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The local time as `%Y-%m-%d %H:%M:%S`, for `meta.when`.
pub fn local_time_stamp() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let seconds = libc::time_t::try_from(now).unwrap_or(0);
    // SAFETY: `tm` is plain data that localtime_r fills in; both pointers are
    // valid for the call.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&seconds, &mut tm).is_null() {
            return String::new();
        }
        tm
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abspath_normalises_lexically() {
        assert_eq!(abspath(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert!(abspath(Path::new("x")).is_absolute());
    }

    #[test]
    fn uri_escapes_reserved_characters() {
        assert_eq!(file_uri(Path::new("/tmp/a b/[x]?#")), "file:///tmp/a%20b/%5Bx%5D%3F%23");
    }

    #[test]
    fn time_stamp_shape() {
        let stamp = local_time_stamp();
        assert_eq!(stamp.len(), 19);
        assert_eq!(&stamp[4..5], "-");
        assert_eq!(&stamp[13..14], ":");
    }
}
