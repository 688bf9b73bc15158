//! The encrypted workstation store: SQLCipher through rusqlite, and the tables every
//! feature shares (change log, audit, notifications, settings, sequences, and the users
//! and organisation rows every sign-in reads). A feature's own tables are in its
//! `store.rs`; no SQL lives anywhere else.
//!
//! Every connection is keyed with the raw 32-byte database key as its first statement and
//! verified at once by reading `sqlite_master`; only then is WAL switched on (SQLCipher
//! encrypts WAL frames with the same key) and the embedded migrations run. Temporary
//! tables and sort spills stay in memory (`temp_store = MEMORY`), never in plaintext files.

pub mod audit;
pub mod changes;
pub mod notifications;
pub mod organisation;
pub mod sequences;
pub mod settings;
pub mod users;

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::envelope::DataKey;
use crate::error::{Error, Result};

mod embedded {
    refinery::embed_migrations!("../../migrations/workstation");
}

/// The workstation schema version: the highest migration embedded in this build. Sync
/// exchanges it so an out-of-date client is told to update instead of corrupting data.
pub fn schema_version() -> u32 {
    embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| u32::try_from(m.version()).unwrap_or(0))
        .max()
        .unwrap_or(0)
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Creates a new encrypted database at `path` and migrates it to head. Refuses to
    /// touch an existing file.
    pub(crate) fn create(path: &Path, key: &DataKey) -> Result<Store> {
        if path.exists() {
            return Err(Error::AlreadyInitialized(path.to_owned()));
        }
        // Made here, private, rather than by SQLite (0644 less the umask); SQLite gives
        // the WAL and shared-memory files the database file's mode.
        drop(crate::private_files::create_new_file(path)?);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(Error::from_sqlite)?;
        let mut store = Store::keyed(conn, path, key)?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing database. `expected_salt` (hex, from the key file) tells a file
    /// that is not ours apart from one that is ours but damaged. A failed open never writes
    /// to the file.
    pub(crate) fn open(path: &Path, key: &DataKey, expected_salt: &str) -> Result<Store> {
        let mut header = [0u8; 16];
        match fs::File::open(path) {
            Ok(mut file) => {
                if file.read_exact(&mut header).is_err() {
                    return Err(Error::NotOurDatabase(path.to_owned()));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::DatabaseMissing(path.to_owned()));
            }
            Err(e) => return Err(Error::io(path)(e)),
        }
        if !hex::encode(header).eq_ignore_ascii_case(expected_salt) {
            return Err(Error::NotOurDatabase(path.to_owned()));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(Error::from_sqlite)?;
        let mut store = Store::keyed(conn, path, key)?;
        store.migrate()?;
        Ok(store)
    }

    fn keyed(conn: Connection, path: &Path, key: &DataKey) -> Result<Store> {
        apply_key(&conn, key)?;
        // A 32 MiB page cache (decrypted pages) keeps the search index hot, so most
        // look-ups pay for no decryption at all.
        conn.execute_batch(
            "PRAGMA temp_store = MEMORY;
             PRAGMA foreign_keys = ON;
             PRAGMA synchronous = FULL;
             PRAGMA busy_timeout = 5000;
             PRAGMA cache_size = -32768;",
        )
        .map_err(Error::from_sqlite)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(Error::from_sqlite)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Internal(format!(
                "the database refused write-ahead logging (mode {mode})"
            )));
        }
        Ok(Store {
            conn,
            path: path.to_owned(),
        })
    }

    fn migrate(&mut self) -> Result<()> {
        embedded::migrations::runner()
            .run(&mut self.conn)
            .map_err(|e| Error::Migration(e.to_string()))?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// SQLCipher's per-database salt (hex), which is also the file's first 16 bytes.
    pub(crate) fn cipher_salt(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA cipher_salt", [], |r| r.get::<_, String>(0))
            .map_err(Error::from_sqlite)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn transaction(&mut self) -> Result<rusqlite::Transaction<'_>> {
        self.conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(Error::from_sqlite)
    }

    /// Checks every page's authentication tag and the b-tree structure. Returns the
    /// problems found; empty means the database is sound.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        integrity_problems(&self.conn)
    }

    /// Re-encrypts every page under `key` (SQLCipher's `PRAGMA rekey`, with the raw key
    /// given the same way as at opening). SQLCipher rewrites the pages in one transaction,
    /// so a crash leaves the database under the old key or the new one, never a mix. The
    /// write-ahead log is emptied first and after, so no frame under the old key is left.
    pub(crate) fn rekey(&mut self, key: &DataKey) -> Result<()> {
        self.checkpoint()?;
        let statement = zeroize::Zeroizing::new(format!(
            "PRAGMA rekey = \"{}\";",
            key.sqlcipher_literal().as_str()
        ));
        self.conn
            .execute_batch(&statement)
            .map_err(Error::from_sqlite)?;
        self.checkpoint()
    }

    /// Folds the write-ahead log back into the database file and empties it.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(Error::from_sqlite)
    }
}

/// Every page's authentication tag (`cipher_integrity_check`) and the b-tree structure
/// (`quick_check`) of the database on `conn`; empty means sound. A structure check that
/// cannot even run is reported as a problem, not an error.
pub(crate) fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn
        .prepare("PRAGMA cipher_integrity_check")
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(Error::from_sqlite)?;
    for row in rows {
        problems.push(row.map_err(Error::from_sqlite)?);
    }
    let quick: Vec<String> = match conn.prepare("PRAGMA quick_check") {
        Ok(mut stmt) => stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect())
            .unwrap_or_else(|e| vec![e.to_string()]),
        Err(e) => vec![e.to_string()],
    };
    problems.extend(quick.into_iter().filter(|line| line != "ok"));
    Ok(problems)
}

/// Makes `key` the first statement on `conn` and checks it at once by reading a page
/// (SQLCipher checks the key only when a page is read, so nothing can write first).
pub(crate) fn apply_key(conn: &Connection, key: &DataKey) -> Result<()> {
    // SQLCipher otherwise prints its own diagnostics to stderr; every failure it reports
    // reaches the caller as a typed error instead.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")
        .map_err(Error::from_sqlite)?;
    let statement = zeroize::Zeroizing::new(format!(
        "PRAGMA key = \"{}\";",
        key.sqlcipher_literal().as_str()
    ));
    conn.execute_batch(&statement).map_err(Error::from_sqlite)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(Error::from_sqlite)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_database_migrates_to_head_and_a_second_open_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let key = DataKey::generate().unwrap();
        let store = Store::create(&path, &key).unwrap();
        let salt = store.cipher_salt().unwrap();
        let applied = |s: &Store| -> i64 {
            s.conn()
                .query_row("SELECT count(*) FROM refinery_schema_history", [], |r| {
                    r.get(0)
                })
                .unwrap()
        };
        assert_eq!(
            applied(&store),
            i64::from(schema_version()),
            "every migration applied once"
        );
        drop(store);
        let store = Store::open(&path, &key, &salt).unwrap();
        assert_eq!(
            applied(&store),
            i64::from(schema_version()),
            "re-opening applies nothing"
        );
        let tables: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'change_log'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 1);
        assert!(store.integrity_check().unwrap().is_empty());
    }

    #[test]
    fn the_allergy_migration_moves_every_listed_allergy_into_its_own_record() {
        let mut conn = Connection::open_in_memory().unwrap();
        embedded::migrations::runner()
            .set_target(refinery::Target::Version(12))
            .run(&mut conn)
            .unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO patients (id, mrn, given_name, family_name, date_of_birth, sex,
                 allergies, branch_id, created_at, updated_at) VALUES
               ('p1', 'BR01-1', 'A', 'B', '1990-01-01', 'female', '[\"Penicillin\", \"  \", \"Peanuts\"]',
                'b', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'),
               ('p2', 'BR01-2', 'C', 'D', '1990-01-01', 'male', '[]',
                'b', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');",
        )
        .unwrap();
        embedded::migrations::runner().run(&mut conn).unwrap();
        let mut stmt = conn
            .prepare("SELECT id, patient_id, substance, severity, status, noted_at FROM allergies ORDER BY id")
            .unwrap();
        let rows: Vec<(String, String, String, String, String, String)> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        drop(stmt);
        let at = "2026-01-02T00:00:00.000Z".to_owned();
        assert_eq!(
            rows,
            vec![
                (
                    "legacy-p1-0".into(),
                    "p1".into(),
                    "Penicillin".into(),
                    "unknown".into(),
                    "active".into(),
                    at.clone()
                ),
                (
                    "legacy-p1-2".into(),
                    "p1".into(),
                    "Peanuts".into(),
                    "unknown".into(),
                    "active".into(),
                    at.clone()
                ),
            ],
            "every non-blank allergy moved, with ids every workstation derives the same way"
        );
        let columns: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('patients') WHERE name = 'allergies'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            columns, 0,
            "one source of truth: the patient row has no list any more"
        );

        // A pulled change from a workstation not yet moved makes the same rows, once.
        let tx = conn.transaction().unwrap();
        crate::clinical::allergies::store::move_legacy_list(
            &tx,
            "p1",
            &serde_json::json!(["Penicillin", " ", "Peanuts"]),
            &at,
        )
        .unwrap();
        crate::clinical::allergies::store::move_legacy_list(
            &tx,
            "p2",
            &serde_json::json!(["Latex"]),
            &at,
        )
        .unwrap();
        tx.commit().unwrap();
        let count: i64 = conn
            .query_row("SELECT count(*) FROM allergies", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            count, 3,
            "the same list moved again adds nothing; a new one is moved"
        );
    }

    #[test]
    fn schema_version_is_the_highest_migration_file() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/workstation");
        let highest = fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().into_string().unwrap();
                name.strip_prefix('V')?
                    .split("__")
                    .next()?
                    .parse::<u32>()
                    .ok()
            })
            .max()
            .unwrap();
        assert_eq!(schema_version(), highest);
    }
}
