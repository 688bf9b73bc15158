//! The `diagnoses` table.

use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Row, Transaction, params};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{DiagnosisId, PatientId};
use crate::store::changes::{self, ChangeKind, WriteContext};

use super::Diagnosis;

const COLUMNS: &str =
    "d.id, d.patient_id, d.encounter_id, d.code, d.title, d.note, d.rank, d.onset,
    d.status, d.chronic, d.active, d.recorded_by, coalesce(u.display_name, u.username, ''),
    d.recorded_at, d.updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Diagnosis> {
    Ok(Diagnosis {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        encounter_id: r.get(2)?,
        code: r.get(3)?,
        title: r.get(4)?,
        note: r.get(5)?,
        rank: r.get(6)?,
        onset: r.get(7)?,
        status: r.get(8)?,
        chronic: r.get(9)?,
        active: r.get(10)?,
        recorded_by: r.get(11)?,
        recorded_by_name: r.get(12)?,
        recorded_at: r.get(13)?,
        updated_at: r.get(14)?,
    })
}

pub(crate) fn insert(tx: &Transaction<'_>, ctx: &WriteContext, d: &Diagnosis) -> Result<()> {
    tx.execute(
        "INSERT INTO diagnoses (id, patient_id, encounter_id, code, title, note, rank, onset, status,
             chronic, active, recorded_by, recorded_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
        params![
            d.id,
            d.patient_id,
            d.encounter_id,
            d.code,
            d.title,
            d.note,
            d.rank,
            d.onset,
            d.status,
            d.chronic,
            d.active,
            d.recorded_by,
            d.recorded_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::DIAGNOSES,
        &d.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "patient_id": d.patient_id, "encounter_id": d.encounter_id, "code": d.code,
            "title": d.title, "note": d.note, "rank": d.rank, "onset": d.onset,
            "status": d.status, "chronic": d.chronic, "active": d.active,
            "recorded_by": d.recorded_by, "recorded_at": d.recorded_at,
        }),
    )?;
    Ok(())
}

/// Writes the fields that changed (their names and new values in `fields`).
pub(crate) fn update(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: DiagnosisId,
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Result<()> {
    let now = to_db_time(ctx.now);
    for (field, value) in fields {
        // The names come from this module's callers, never from input.
        let column = match field.as_str() {
            "status" | "chronic" | "active" | "note" | "rank" | "onset" => field.as_str(),
            other => {
                return Err(Error::Internal(format!(
                    "diagnosis field {other} is not editable"
                )));
            }
        };
        let value: rusqlite::types::Value = match value {
            serde_json::Value::Null => rusqlite::types::Value::Null,
            serde_json::Value::Bool(b) => rusqlite::types::Value::Integer(i64::from(*b)),
            serde_json::Value::String(s) => rusqlite::types::Value::Text(s.clone()),
            other => rusqlite::types::Value::Text(other.to_string()),
        };
        tx.execute(
            &format!("UPDATE diagnoses SET {column} = ?2, updated_at = ?3 WHERE id = ?1"),
            params![id, value, now],
        )
        .map_err(Error::from_sqlite)?;
    }
    changes::record(
        tx,
        ctx,
        &tables::DIAGNOSES,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::Value::Object(fields.clone()),
    )?;
    Ok(())
}

pub(crate) fn get(conn: &rusqlite::Connection, id: DiagnosisId) -> Result<Option<Diagnosis>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM diagnoses d LEFT JOIN users u ON u.id = d.recorded_by WHERE d.id = ?1"),
        [id],
        from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// A patient's diagnoses, newest first (archived ones too; records merged into it too).
pub(crate) fn for_patient(
    conn: &rusqlite::Connection,
    patient: PatientId,
) -> Result<Vec<Diagnosis>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM diagnoses d LEFT JOIN users u ON u.id = d.recorded_by
             WHERE d.patient_id IN (SELECT id FROM patients WHERE id = ?1 OR merged_into = ?1)
                OR d.patient_id = ?1
             ORDER BY d.recorded_at DESC, d.id DESC"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([patient], from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}
