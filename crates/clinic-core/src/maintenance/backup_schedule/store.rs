//! The `backup_schedule` row: this workstation's scheduled-backup setting and the result
//! of its last backup. Local (never synced), so writes record no change-log row.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension as _, Transaction, params};

use crate::clock::to_db_time;
use crate::error::{Error, Result};

/// The row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub folder: String,
    pub daily: bool,
    pub keep: u32,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_ok: Option<bool>,
    pub last_file: Option<String>,
    pub last_error: Option<String>,
}

fn time(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn get(conn: &Connection) -> Result<Option<Row>> {
    conn.query_row(
        "SELECT folder, daily, keep, last_success_at, last_attempt_at, last_ok, last_file,
                last_error
           FROM backup_schedule WHERE singleton = 1",
        [],
        |r| {
            Ok(Row {
                folder: r.get(0)?,
                daily: r.get(1)?,
                keep: r.get(2)?,
                last_success_at: time(r.get(3)?),
                last_attempt_at: time(r.get(4)?),
                last_ok: r.get(5)?,
                last_file: r.get(6)?,
                last_error: r.get(7)?,
            })
        },
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn set(
    tx: &Transaction<'_>,
    folder: &str,
    daily: bool,
    keep: u32,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO backup_schedule (singleton, folder, daily, keep, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (singleton) DO UPDATE SET folder = excluded.folder,
                                               daily = excluded.daily,
                                               keep = excluded.keep,
                                               updated_at = excluded.updated_at",
        params![folder, daily, keep, to_db_time(now)],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

/// Records how the backup attempted at `at` went: `Ok(file)` or `Err(message)`.
pub(crate) fn record_result(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    result: std::result::Result<&str, &str>,
) -> Result<()> {
    let at = to_db_time(at);
    match result {
        Ok(file) => tx.execute(
            "UPDATE backup_schedule SET last_success_at = ?1, last_attempt_at = ?1,
                    last_ok = 1, last_file = ?2, last_error = NULL
              WHERE singleton = 1",
            params![at, file],
        ),
        Err(message) => tx.execute(
            "UPDATE backup_schedule SET last_attempt_at = ?1, last_ok = 0, last_file = NULL,
                    last_error = ?2
              WHERE singleton = 1",
            params![at, message],
        ),
    }
    .map_err(Error::from_sqlite)?;
    Ok(())
}
