//! Copying a live database into an encrypted file for a backup, and checking a copy.
//!
//! The copy goes through SQLite's online backup API from a connection of the running
//! workstation into a new file keyed with the same key, so every page SQLCipher writes
//! to it is encrypted and authenticated as in the original: no plaintext page, journal
//! or temporary file ever reaches the disk. The backup API reads one consistent snapshot
//! (write-ahead logging lets the app keep writing meanwhile).

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::envelope::DataKey;
use crate::error::{Error, Result};
use crate::ids::DatabaseId;

/// Opens `path` (which must exist) with `key` as the first statement, checked at once.
fn keyed(path: &Path, key: &DataKey) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(Error::from_sqlite)?;
    crate::store::apply_key(&conn, key)?;
    // The copy's own rollback journal stays in memory, as do temporary tables.
    conn.execute_batch("PRAGMA temp_store = MEMORY; PRAGMA journal_mode = MEMORY;")
        .map_err(Error::from_sqlite)?;
    Ok(conn)
}

/// Copies the database behind `source` into `dest`, a new private file keyed with
/// `key` (the source's key). Returns the copy's SQLCipher salt (hex), which differs
/// from the source's: the copy's key file must name it.
pub(crate) fn copy(source: &Connection, dest: &Path, key: &DataKey) -> Result<String> {
    drop(crate::private_files::create_new_file(dest)?);
    let mut conn = keyed(dest, key)?;
    {
        let backup =
            rusqlite::backup::Backup::new(source, &mut conn).map_err(Error::from_sqlite)?;
        // All pages in one step: one read snapshot of the source, however busy it is.
        // A writer holding the database only delays it (the busy timeout, then retries).
        let mut tries = 0;
        loop {
            match backup.step(-1).map_err(Error::from_sqlite)? {
                rusqlite::backup::StepResult::Done => break,
                rusqlite::backup::StepResult::More => {}
                _ if tries < 50 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                _ => {
                    return Err(Error::Internal(
                        "the database stayed busy for too long to copy; try again".into(),
                    ));
                }
            }
        }
    }
    let salt = conn
        .query_row("PRAGMA cipher_salt", [], |r| r.get::<_, String>(0))
        .map_err(Error::from_sqlite)?;
    // Leave the copy as one self-contained file (the source is in WAL mode, and so the
    // copy's header says it is too): fold any log back in and empty it.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .map_err(Error::from_sqlite)?;
    conn.close().map_err(|(_, e)| Error::from_sqlite(e))?;
    Ok(salt)
}

/// Checks a copy: every page's authentication tag and the b-tree structure, then
/// which database it is. Returns the problems found (empty: sound) and the database id
/// the copy records. Only reads, but SQLite may make (and removes) the copy's
/// write-ahead log beside it, encrypted like the pages.
pub(crate) fn check(path: &Path, key: &DataKey) -> Result<(Vec<String>, DatabaseId)> {
    let conn = keyed(path, key)?;
    let problems = crate::store::integrity_problems(&conn)?;
    let database_id = crate::store::organisation::get(&conn)?.database_id;
    conn.close().map_err(|(_, e)| Error::from_sqlite(e))?;
    Ok((problems, database_id))
}
