//! Doctors, their weekly hours per branch and their time off. Doctors are never deleted
//! (a trigger refuses it); they are deactivated.

use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{BranchId, DoctorId, UserId, new_v7_at};
use crate::store::changes::{self, ChangeKind, WriteContext};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Doctor {
    pub id: DoctorId,
    pub user_id: UserId,
    pub name: String,
    pub specialization: String,
    pub licence_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Consultation fee in minor units of the clinic's currency.
    pub fee_minor: i64,
    pub active: bool,
}

/// One block of working time on a weekday at a branch, in clinic-local minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursBlock {
    pub branch_id: BranchId,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    pub start_minute: u32,
    pub end_minute: u32,
    pub slot_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeOff {
    pub id: String,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
}

fn map_unique(e: rusqlite::Error) -> Error {
    let text = e.to_string();
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) if text.contains("licence_number") => {
            Error::validation(
                "licence_number",
                "another doctor already has this licence number",
            )
        }
        Some(rusqlite::ErrorCode::ConstraintViolation) if text.contains("user_id") => {
            Error::validation("username", "this user already has a doctor profile")
        }
        _ => Error::from_sqlite(e),
    }
}

pub(crate) fn insert(tx: &Transaction<'_>, ctx: &WriteContext, d: &Doctor) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO doctors (id, user_id, specialization, licence_number, phone, email, fee_minor,
                              active, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            d.id,
            d.user_id,
            d.specialization,
            d.licence_number,
            d.phone,
            d.email,
            d.fee_minor,
            d.active,
            now
        ],
    )
    .map_err(map_unique)?;
    changes::record(
        tx,
        ctx,
        &tables::DOCTORS,
        &d.id.to_string(),
        ChangeKind::Upsert,
        &fields(d),
    )?;
    Ok(())
}

fn fields(d: &Doctor) -> serde_json::Value {
    serde_json::json!({
        "user_id": d.user_id, "specialization": d.specialization,
        "licence_number": d.licence_number, "phone": d.phone, "email": d.email,
        "fee_minor": d.fee_minor, "active": d.active,
    })
}

pub(crate) fn update(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    old: &Doctor,
    new: &Doctor,
) -> Result<()> {
    tx.execute(
        "UPDATE doctors SET specialization = ?2, licence_number = ?3, phone = ?4, email = ?5,
             fee_minor = ?6, active = ?7, updated_at = ?8 WHERE id = ?1",
        params![
            new.id,
            new.specialization,
            new.licence_number,
            new.phone,
            new.email,
            new.fee_minor,
            new.active,
            to_db_time(ctx.now)
        ],
    )
    .map_err(map_unique)?;
    let (before, after) = (fields(old), fields(new));
    let mut changed = serde_json::Map::new();
    if let (Some(before), Some(after)) = (before.as_object(), after.as_object()) {
        for (k, v) in after {
            if before.get(k) != Some(v) {
                changed.insert(k.clone(), v.clone());
            }
        }
    }
    if !changed.is_empty() {
        changes::record(
            tx,
            ctx,
            &tables::DOCTORS,
            &new.id.to_string(),
            ChangeKind::Upsert,
            &serde_json::Value::Object(changed),
        )?;
    }
    Ok(())
}

const COLUMNS: &str =
    "d.id, d.user_id, u.display_name, d.specialization, d.licence_number, d.phone,
    d.email, d.fee_minor, d.active";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Doctor> {
    Ok(Doctor {
        id: r.get(0)?,
        user_id: r.get(1)?,
        name: r.get(2)?,
        specialization: r.get(3)?,
        licence_number: r.get(4)?,
        phone: r.get(5)?,
        email: r.get(6)?,
        fee_minor: r.get(7)?,
        active: r.get(8)?,
    })
}

pub(crate) fn get(conn: &rusqlite::Connection, id: DoctorId) -> Result<Option<Doctor>> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM doctors d JOIN users u ON u.id = d.user_id WHERE d.id = ?1"
        ),
        [id],
        read,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// Doctors, optionally only active ones with a specialization (case-insensitive).
pub(crate) fn list(
    conn: &rusqlite::Connection,
    specialization: Option<&str>,
    active_only: bool,
) -> Result<Vec<Doctor>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM doctors d JOIN users u ON u.id = d.user_id
             WHERE (?1 IS NULL OR d.specialization = ?1 COLLATE NOCASE) AND (?2 = 0 OR d.active = 1)
             ORDER BY u.display_name"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![specialization, active_only], read)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

pub(crate) fn hours(conn: &rusqlite::Connection, doctor: DoctorId) -> Result<Vec<HoursBlock>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT branch_id, weekday, start_minute, end_minute, slot_minutes FROM doctor_hours
             WHERE doctor_id = ?1 ORDER BY weekday, start_minute",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([doctor], |r| {
            Ok(HoursBlock {
                branch_id: r.get(0)?,
                weekday: r.get(1)?,
                start_minute: r.get(2)?,
                end_minute: r.get(3)?,
                slot_minutes: r.get(4)?,
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// Replaces the doctor's weekly hours (configuration, not clinical data: old rows are
/// removed and the removal is recorded for sync).
pub(crate) fn set_hours(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    doctor: DoctorId,
    blocks: &[HoursBlock],
) -> Result<()> {
    let old: Vec<String> = {
        let mut stmt = tx
            .prepare("SELECT id FROM doctor_hours WHERE doctor_id = ?1")
            .map_err(Error::from_sqlite)?;
        stmt.query_map([doctor], |r| r.get(0))
            .map_err(Error::from_sqlite)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::from_sqlite)?
    };
    for id in &old {
        tx.execute("DELETE FROM doctor_hours WHERE id = ?1", [id])
            .map_err(Error::from_sqlite)?;
        changes::record(
            tx,
            ctx,
            &tables::DOCTOR_HOURS,
            id,
            ChangeKind::Tombstone,
            &serde_json::json!({ "doctor_id": doctor }),
        )?;
    }
    for (i, b) in blocks.iter().enumerate() {
        let at = ctx.now + chrono::Duration::microseconds(i64::try_from(i).unwrap_or(0));
        let id = new_v7_at(at).to_string();
        tx.execute(
            "INSERT INTO doctor_hours (id, doctor_id, branch_id, weekday, start_minute, end_minute, slot_minutes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, doctor, b.branch_id, b.weekday, b.start_minute, b.end_minute, b.slot_minutes],
        )
        .map_err(Error::from_sqlite)?;
        changes::record(
            tx,
            ctx,
            &tables::DOCTOR_HOURS,
            &id,
            ChangeKind::Upsert,
            &serde_json::json!({
                "doctor_id": doctor, "branch_id": b.branch_id, "weekday": b.weekday,
                "start_minute": b.start_minute, "end_minute": b.end_minute, "slot_minutes": b.slot_minutes,
            }),
        )?;
    }
    Ok(())
}

pub(crate) fn add_time_off(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    doctor: DoctorId,
    starts_at: &str,
    ends_at: &str,
    reason: &str,
) -> Result<String> {
    let id = new_v7_at(ctx.now).to_string();
    tx.execute(
        "INSERT INTO doctor_time_off (id, doctor_id, starts_at, ends_at, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, doctor, starts_at, ends_at, reason],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::DOCTOR_TIME_OFF,
        &id,
        ChangeKind::Upsert,
        &serde_json::json!({ "doctor_id": doctor, "starts_at": starts_at, "ends_at": ends_at, "reason": reason }),
    )?;
    Ok(id)
}

/// Cancels a doctor's time off (kept, marked); false when there is no such time off
/// still in force.
pub(crate) fn cancel_time_off(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    doctor: DoctorId,
    id: &str,
) -> Result<bool> {
    let now = crate::clock::to_db_time(ctx.now);
    let n = tx
        .execute(
            "UPDATE doctor_time_off SET cancelled_at = ?3
             WHERE id = ?1 AND doctor_id = ?2 AND cancelled_at IS NULL",
            params![id, doctor, now],
        )
        .map_err(Error::from_sqlite)?;
    if n == 1 {
        changes::record(
            tx,
            ctx,
            &tables::DOCTOR_TIME_OFF,
            id,
            ChangeKind::Upsert,
            &serde_json::json!({ "cancelled_at": now }),
        )?;
    }
    Ok(n == 1)
}

/// Time off overlapping [from, to), not cancelled.
pub(crate) fn time_off(
    conn: &rusqlite::Connection,
    doctor: DoctorId,
    from: &str,
    to: &str,
) -> Result<Vec<TimeOff>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, starts_at, ends_at, reason FROM doctor_time_off
             WHERE doctor_id = ?1 AND starts_at < ?3 AND ?2 < ends_at AND cancelled_at IS NULL
             ORDER BY starts_at",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![doctor, from, to], |r| {
            Ok(TimeOff {
                id: r.get(0)?,
                starts_at: r.get(1)?,
                ends_at: r.get(2)?,
                reason: r.get(3)?,
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}
