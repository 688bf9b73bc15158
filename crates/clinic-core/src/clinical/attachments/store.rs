//! The `attachments` table.

use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Row, Transaction, params};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{AttachmentId, PatientId, UserId};
use crate::store::changes::{self, ChangeKind, WriteContext};

use super::Attachment;

const COLUMNS: &str = "a.id, a.patient_id, a.encounter_id, a.file_name, a.title, a.mime, a.size,
    a.sha256, a.added_by, coalesce(u.display_name, u.username, ''), a.added_at, a.archived,
    a.archived_at, a.archived_by, a.archive_reason";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        encounter_id: r.get(2)?,
        file_name: r.get(3)?,
        title: r.get(4)?,
        mime: r.get(5)?,
        size: u64::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
        sha256: r.get(7)?,
        added_by: r.get(8)?,
        added_by_name: r.get(9)?,
        added_at: r.get(10)?,
        archived: r.get(11)?,
        archived_at: r.get(12)?,
        archived_by: r.get(13)?,
        archive_reason: r.get(14)?,
        here: false,
    })
}

/// Records a new attachment with its key (the key is part of the synced record: every
/// workstation of the group needs it to open the file).
pub(crate) fn insert(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    a: &Attachment,
    file_key_hex: &str,
) -> Result<()> {
    let size = i64::try_from(a.size).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT INTO attachments (id, patient_id, encounter_id, file_name, title, mime, size, sha256,
             file_key, added_by, added_at, archived, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?11)",
        params![
            a.id,
            a.patient_id,
            a.encounter_id,
            a.file_name,
            a.title,
            a.mime,
            size,
            a.sha256,
            file_key_hex,
            a.added_by,
            a.added_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::ATTACHMENTS,
        &a.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "patient_id": a.patient_id, "encounter_id": a.encounter_id,
            "file_name": a.file_name, "title": a.title, "mime": a.mime, "size": a.size,
            "sha256": a.sha256, "file_key": file_key_hex, "added_by": a.added_by,
            "added_at": a.added_at, "archived": false,
        }),
    )?;
    Ok(())
}

/// Archives an attachment: it stays, flagged, with who archived it and why.
pub(crate) fn archive(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: AttachmentId,
    by: UserId,
    reason: &str,
) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "UPDATE attachments SET archived = 1, archived_at = ?2, archived_by = ?3,
             archive_reason = ?4, updated_at = ?2
         WHERE id = ?1",
        params![id, now, by, reason],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::ATTACHMENTS,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "archived": true, "archived_at": now, "archived_by": by, "archive_reason": reason,
        }),
    )?;
    Ok(())
}

pub(crate) fn get(conn: &rusqlite::Connection, id: AttachmentId) -> Result<Option<Attachment>> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM attachments a LEFT JOIN users u ON u.id = a.added_by WHERE a.id = ?1"
        ),
        [id],
        from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// The key that opens an attachment's file, as stored (hex).
pub(crate) fn file_key(conn: &rusqlite::Connection, id: AttachmentId) -> Result<Option<String>> {
    conn.query_row(
        "SELECT file_key FROM attachments WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// A patient's attachments, newest first (archived ones too; records merged into it too).
pub(crate) fn for_patient(
    conn: &rusqlite::Connection,
    patient: PatientId,
) -> Result<Vec<Attachment>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM attachments a LEFT JOIN users u ON u.id = a.added_by
             WHERE a.patient_id IN (SELECT id FROM patients WHERE id = ?1 OR merged_into = ?1)
                OR a.patient_id = ?1
             ORDER BY a.added_at DESC, a.id DESC"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([patient], from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}
