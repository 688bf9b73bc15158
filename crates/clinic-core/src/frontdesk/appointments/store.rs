//! Appointments and their status history. Overlaps are refused by triggers (see the
//! migration); this module maps those refusals to [`Error::SlotTaken`].

use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Transaction, params};
use serde::Serialize;

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{AppointmentId, BranchId, DoctorId, PatientId, UserId, new_v7_at};
use crate::store::changes::{self, ChangeKind, WriteContext};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appointment {
    pub id: AppointmentId,
    pub number: String,
    pub patient_id: PatientId,
    pub doctor_id: DoctorId,
    pub branch_id: BranchId,
    pub starts_at: String,
    pub ends_at: String,
    pub status: String,
    pub hold_expires_at: Option<String>,
    /// True until the sync server has accepted the booking.
    pub provisional: bool,
    pub reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub rescheduled_from: Option<AppointmentId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub at: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub by_user: String,
    pub note: Option<String>,
}

fn fields(a: &Appointment) -> serde_json::Value {
    serde_json::json!({
        "number": a.number, "patient_id": a.patient_id, "doctor_id": a.doctor_id,
        "branch_id": a.branch_id, "starts_at": a.starts_at, "ends_at": a.ends_at,
        "status": a.status, "hold_expires_at": a.hold_expires_at, "reason": a.reason,
        "cancel_reason": a.cancel_reason, "rescheduled_from": a.rescheduled_from,
    })
}

fn map_overlap(e: rusqlite::Error) -> Error {
    let text = e.to_string();
    if text.contains("doctor_double_booked") {
        Error::SlotTaken { who: "the doctor" }
    } else if text.contains("patient_double_booked") {
        Error::SlotTaken { who: "the patient" }
    } else {
        Error::from_sqlite(e)
    }
}

pub(crate) fn insert(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    a: &Appointment,
    by: UserId,
) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO appointments (id, number, patient_id, doctor_id, branch_id, starts_at, ends_at,
             status, hold_expires_at, provisional, reason, cancel_reason, rescheduled_from,
             created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
        params![
            a.id, a.number, a.patient_id, a.doctor_id, a.branch_id, a.starts_at, a.ends_at,
            a.status, a.hold_expires_at, a.provisional, a.reason, a.cancel_reason,
            a.rescheduled_from, by, now
        ],
    )
    .map_err(map_overlap)?;
    changes::record(
        tx,
        ctx,
        &tables::APPOINTMENTS,
        &a.id.to_string(),
        ChangeKind::Upsert,
        &fields(a),
    )?;
    add_event(tx, ctx, a.id, None, &a.status, by, a.reason.as_deref())
}

/// Moves an appointment to `status`, with the history row and the change record.
pub(crate) fn set_status(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    a: &Appointment,
    status: &str,
    cancel_reason: Option<&str>,
    by: UserId,
) -> Result<Appointment> {
    tx.execute(
        "UPDATE appointments SET status = ?2, cancel_reason = coalesce(?3, cancel_reason),
             hold_expires_at = CASE WHEN ?2 = 'held' THEN hold_expires_at ELSE NULL END,
             updated_at = ?4
         WHERE id = ?1",
        params![a.id, status, cancel_reason, to_db_time(ctx.now)],
    )
    .map_err(map_overlap)?;
    let mut changed = serde_json::json!({ "status": status, "hold_expires_at": null });
    if let Some(reason) = cancel_reason {
        changed["cancel_reason"] = reason.into();
    }
    changes::record(
        tx,
        ctx,
        &tables::APPOINTMENTS,
        &a.id.to_string(),
        ChangeKind::Upsert,
        &changed,
    )?;
    add_event(tx, ctx, a.id, Some(&a.status), status, by, cancel_reason)?;
    get(tx, a.id)?.ok_or_else(|| Error::Internal("appointment vanished".into()))
}

fn add_event(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    appointment: AppointmentId,
    from: Option<&str>,
    to: &str,
    by: UserId,
    note: Option<&str>,
) -> Result<()> {
    let id = new_v7_at(ctx.now).to_string();
    let at = to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO appointment_events (id, appointment_id, at, from_status, to_status, by_user, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, appointment, at, from, to, by, note],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::APPOINTMENT_EVENTS,
        &id,
        ChangeKind::Append,
        &serde_json::json!({
            "appointment_id": appointment, "at": at, "from_status": from,
            "to_status": to, "by_user": by, "note": note,
        }),
    )?;
    Ok(())
}

/// Cancels holds whose time ran out, so their slots are free again.
pub(crate) fn expire_holds(tx: &Transaction<'_>, ctx: &WriteContext) -> Result<usize> {
    let expired: Vec<AppointmentId> = {
        let mut stmt = tx
            .prepare_cached(
                "SELECT id FROM appointments WHERE status = 'held' AND hold_expires_at <= ?1",
            )
            .map_err(Error::from_sqlite)?;
        stmt.query_map([to_db_time(ctx.now)], |r| r.get(0))
            .map_err(Error::from_sqlite)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::from_sqlite)?
    };
    for id in &expired {
        if let Some(a) = get(tx, *id)? {
            let by = ctx
                .user
                .ok_or_else(|| Error::Internal("expiring holds needs a user".into()))?;
            set_status(tx, ctx, &a, "cancelled", Some("hold expired"), by)?;
        }
    }
    Ok(expired.len())
}

const COLUMNS: &str = "id, number, patient_id, doctor_id, branch_id, starts_at, ends_at, status,
    hold_expires_at, provisional, reason, cancel_reason, rescheduled_from";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Appointment> {
    Ok(Appointment {
        id: r.get(0)?,
        number: r.get(1)?,
        patient_id: r.get(2)?,
        doctor_id: r.get(3)?,
        branch_id: r.get(4)?,
        starts_at: r.get(5)?,
        ends_at: r.get(6)?,
        status: r.get(7)?,
        hold_expires_at: r.get(8)?,
        provisional: r.get(9)?,
        reason: r.get(10)?,
        cancel_reason: r.get(11)?,
        rescheduled_from: r.get(12)?,
    })
}

pub(crate) fn get(conn: &rusqlite::Connection, id: AppointmentId) -> Result<Option<Appointment>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM appointments WHERE id = ?1"),
        [id],
        read,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn get_by_number(
    conn: &rusqlite::Connection,
    number: &str,
) -> Result<Option<Appointment>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM appointments WHERE number = ?1"),
        [number.trim().to_ascii_uppercase()],
        read,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub doctor: Option<DoctorId>,
    pub patient: Option<PatientId>,
    pub branch: Option<BranchId>,
    /// UTC range [from, to).
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: Option<String>,
}

pub(crate) fn list(conn: &rusqlite::Connection, f: &Filter) -> Result<Vec<Appointment>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM appointments
             WHERE (?1 IS NULL OR doctor_id = ?1) AND (?2 IS NULL OR patient_id = ?2)
               AND (?3 IS NULL OR branch_id = ?3) AND (?4 IS NULL OR ends_at > ?4)
               AND (?5 IS NULL OR starts_at < ?5) AND (?6 IS NULL OR status = ?6)
             ORDER BY starts_at, number LIMIT 5000"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(
            params![f.doctor, f.patient, f.branch, f.from, f.to, f.status],
            read,
        )
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// Times a doctor is taken in [from, to): active appointments (holds only while live).
pub(crate) fn busy_for_doctor(
    conn: &rusqlite::Connection,
    doctor: DoctorId,
    from: &str,
    to: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(String, String)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT starts_at, ends_at FROM appointments
             WHERE doctor_id = ?1 AND starts_at < ?3 AND ?2 < ends_at
               AND (status IN ('confirmed', 'checked_in', 'completed')
                    OR (status = 'held' AND hold_expires_at > ?4))",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![doctor, from, to, to_db_time(now)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

pub(crate) fn history(conn: &rusqlite::Connection, id: AppointmentId) -> Result<Vec<StatusChange>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT at, from_status, to_status, by_user, note FROM appointment_events
             WHERE appointment_id = ?1 ORDER BY at, rowid",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(StatusChange {
                at: r.get(0)?,
                from_status: r.get(1)?,
                to_status: r.get(2)?,
                by_user: r.get(3)?,
                note: r.get(4)?,
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}
