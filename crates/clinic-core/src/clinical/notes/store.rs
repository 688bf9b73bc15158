//! The `notes` headers and their append-only `note_versions`.

use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Row, Transaction, params};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{EncounterId, NoteId, PatientId};
use crate::store::changes::{self, ChangeKind, WriteContext};

use super::{Note, NoteContent, NoteVersion};

const NOTE_COLUMNS: &str = "n.id, n.encounter_id, n.patient_id, n.kind, n.addendum_to, n.author_id,
    n.author_role, coalesce(u.display_name, u.username, ''), n.created_at, n.version, n.signed_at,
    n.signed_by, v.subjective, v.objective, v.assessment, v.plan, v.body, v.written_at";

const NOTE_FROM: &str = "notes n
    JOIN note_versions v ON v.note_id = n.id AND v.version = n.version
    LEFT JOIN users u ON u.id = n.author_id";

fn note_from(r: &Row<'_>) -> rusqlite::Result<Note> {
    Ok(Note {
        id: r.get(0)?,
        encounter_id: r.get(1)?,
        patient_id: r.get(2)?,
        kind: r.get(3)?,
        addendum_to: r.get(4)?,
        author_id: r.get(5)?,
        author_role: r.get(6)?,
        author_name: r.get(7)?,
        created_at: r.get(8)?,
        version: r.get(9)?,
        signed_at: r.get(10)?,
        signed_by: r.get(11)?,
        content: NoteContent {
            subjective: r.get(12)?,
            objective: r.get(13)?,
            assessment: r.get(14)?,
            plan: r.get(15)?,
            body: r.get(16)?,
        },
        written_at: r.get(17)?,
    })
}

pub(crate) fn insert_note(tx: &Transaction<'_>, ctx: &WriteContext, n: &Note) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO notes (id, encounter_id, patient_id, kind, addendum_to, author_id, author_role,
             created_at, version, signed_at, signed_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            n.id,
            n.encounter_id,
            n.patient_id,
            n.kind,
            n.addendum_to,
            n.author_id,
            n.author_role,
            n.created_at,
            n.version,
            n.signed_at,
            n.signed_by,
            now
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::NOTES,
        &n.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "encounter_id": n.encounter_id, "patient_id": n.patient_id, "kind": n.kind,
            "addendum_to": n.addendum_to, "author_id": n.author_id, "author_role": n.author_role,
            "created_at": n.created_at, "version": n.version, "signed_at": n.signed_at,
            "signed_by": n.signed_by,
        }),
    )?;
    Ok(())
}

pub(crate) fn insert_version(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    v: &NoteVersion,
) -> Result<()> {
    let c = &v.content;
    tx.execute(
        "INSERT INTO note_versions (id, note_id, patient_id, version, author_id, written_at,
             subjective, objective, assessment, plan, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            v.id,
            v.note_id,
            v.patient_id,
            v.version,
            v.author_id,
            v.written_at,
            c.subjective,
            c.objective,
            c.assessment,
            c.plan,
            c.body
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::NOTE_VERSIONS,
        &v.id.to_string(),
        ChangeKind::Append,
        &serde_json::json!({
            "id": v.id, "note_id": v.note_id, "patient_id": v.patient_id, "version": v.version,
            "author_id": v.author_id, "written_at": v.written_at, "subjective": c.subjective,
            "objective": c.objective, "assessment": c.assessment, "plan": c.plan, "body": c.body,
        }),
    )?;
    Ok(())
}

/// Points the header at its newest version.
pub(crate) fn set_version(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    note: NoteId,
    version: i64,
) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "UPDATE notes SET version = ?2, updated_at = ?3 WHERE id = ?1",
        params![note, version, now],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::NOTES,
        &note.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({ "version": version }),
    )?;
    Ok(())
}

pub(crate) fn sign(tx: &Transaction<'_>, ctx: &WriteContext, note: NoteId) -> Result<()> {
    let now = to_db_time(ctx.now);
    let by = ctx.user.map(|u| u.to_string());
    tx.execute(
        "UPDATE notes SET signed_at = ?2, signed_by = ?3, updated_at = ?2 WHERE id = ?1",
        params![note, now, by],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::NOTES,
        &note.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({ "signed_at": now, "signed_by": by }),
    )?;
    Ok(())
}

pub(crate) fn get(conn: &rusqlite::Connection, id: NoteId) -> Result<Option<Note>> {
    conn.query_row(
        &format!("SELECT {NOTE_COLUMNS} FROM {NOTE_FROM} WHERE n.id = ?1"),
        [id],
        note_from,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// A visit's notes with their addenda, oldest first.
pub(crate) fn for_encounter(
    conn: &rusqlite::Connection,
    encounter: EncounterId,
) -> Result<Vec<Note>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {NOTE_COLUMNS} FROM {NOTE_FROM} WHERE n.encounter_id = ?1 ORDER BY n.created_at, n.id"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([encounter], note_from)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// How many notes each of a patient's visits has, for the chart's list.
pub(crate) fn count_for_patient(
    conn: &rusqlite::Connection,
    patient: PatientId,
) -> Result<Vec<(EncounterId, i64, i64)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT encounter_id, count(*), count(signed_at) FROM notes
             WHERE patient_id IN (SELECT id FROM patients WHERE id = ?1 OR merged_into = ?1) OR patient_id = ?1
             GROUP BY encounter_id",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([patient], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

pub(crate) fn versions(conn: &rusqlite::Connection, note: NoteId) -> Result<Vec<NoteVersion>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT v.id, v.note_id, v.patient_id, v.version, v.author_id,
                    coalesce(u.display_name, u.username, ''), v.written_at,
                    v.subjective, v.objective, v.assessment, v.plan, v.body
             FROM note_versions v LEFT JOIN users u ON u.id = v.author_id
             WHERE v.note_id = ?1 ORDER BY v.version",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([note], |r| {
            Ok(NoteVersion {
                id: r.get(0)?,
                note_id: r.get(1)?,
                patient_id: r.get(2)?,
                version: r.get(3)?,
                author_id: r.get(4)?,
                author_name: r.get(5)?,
                written_at: r.get(6)?,
                content: NoteContent {
                    subjective: r.get(7)?,
                    objective: r.get(8)?,
                    assessment: r.get(9)?,
                    plan: r.get(10)?,
                    body: r.get(11)?,
                },
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}
