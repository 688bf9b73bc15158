//! The `encounters` table.

use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Row, Transaction, params};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{AppointmentId, EncounterId, PatientId, UserId};
use crate::store::changes::{self, ChangeKind, WriteContext};

use super::Encounter;

const COLUMNS: &str = "id, patient_id, appointment_id, branch_id, doctor_user_id, reason, status,
    opened_at, completed_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Encounter> {
    Ok(Encounter {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        appointment_id: r.get(2)?,
        branch_id: r.get(3)?,
        doctor_user_id: r.get(4)?,
        reason: r.get(5)?,
        status: r.get(6)?,
        opened_at: r.get(7)?,
        completed_at: r.get(8)?,
    })
}

pub(crate) fn insert(tx: &Transaction<'_>, ctx: &WriteContext, e: &Encounter) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO encounters (id, patient_id, appointment_id, branch_id, doctor_user_id, reason,
             status, opened_at, completed_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            e.id,
            e.patient_id,
            e.appointment_id,
            e.branch_id,
            e.doctor_user_id,
            e.reason,
            e.status,
            e.opened_at,
            e.completed_at,
            now
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::ENCOUNTERS,
        &e.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "patient_id": e.patient_id, "appointment_id": e.appointment_id,
            "branch_id": e.branch_id, "doctor_user_id": e.doctor_user_id, "reason": e.reason,
            "status": e.status, "opened_at": e.opened_at, "completed_at": e.completed_at,
        }),
    )?;
    Ok(())
}

pub(crate) fn complete(tx: &Transaction<'_>, ctx: &WriteContext, id: EncounterId) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "UPDATE encounters SET status = 'completed', completed_at = ?2, updated_at = ?2 WHERE id = ?1",
        params![id, now],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::ENCOUNTERS,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({ "status": "completed", "completed_at": now }),
    )?;
    Ok(())
}

pub(crate) fn get(conn: &rusqlite::Connection, id: EncounterId) -> Result<Option<Encounter>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM encounters WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn for_appointment(
    conn: &rusqlite::Connection,
    appointment: AppointmentId,
) -> Result<Option<Encounter>> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM encounters WHERE appointment_id = ?1 ORDER BY opened_at LIMIT 1"
        ),
        [appointment],
        from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// A patient's encounters, newest first, including those of records merged into it.
pub(crate) fn for_patient(
    conn: &rusqlite::Connection,
    patient: PatientId,
) -> Result<Vec<Encounter>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM encounters
             WHERE patient_id IN (SELECT id FROM patients WHERE id = ?1 OR merged_into = ?1)
                OR patient_id = ?1
             ORDER BY opened_at DESC, id DESC"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([patient], from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// A doctor's open encounters.
pub(crate) fn open_for(conn: &rusqlite::Connection, doctor: UserId) -> Result<Vec<Encounter>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM encounters WHERE doctor_user_id = ?1 AND status = 'open'
             ORDER BY opened_at"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([doctor], from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}
